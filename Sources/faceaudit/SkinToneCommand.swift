import ArgumentParser
import FaceAuditFace
import FaceAuditGEMM
import FaceAuditImaging
import FaceAuditNN
import FaceAuditSkinTone
import Foundation

/// `faceaudit skintone`: skin tone measured from each face's aligned chip (ITA, Chardon, Monk).
struct SkinToneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skintone",
        abstract: "Measure each face's skin tone from its aligned chip: ITA, Chardon category, nearest Monk tone.",
        discussion: """
            Skin is sampled on both cheeks and the forehead of dlib's aligned 150×150 chip; clipped, \
            colourless and non-skin pixels are rejected and the rest averaged (10%-trimmed) in CIELAB (D65). \
            ITA = atan((L* − 50) / b*) · 180/π. Every value is marked "estimated (ITA from pixels)": lighting, \
            white balance and makeup move it, and a grayscale or badly exposed face gives "unknown" instead \
            of a guess. An unreadable image gives an "error" and the others still run (exit 65).
            """)

    @OptionGroup var options: FaceOptions

    @Flag(help: "Inputs are aligned 150×150 face chips: skip detection and alignment.")
    var chip = false

    /// What `skintone --json` prints for one image.
    struct ImageResult: Codable {
        var image: String
        var width: Int?
        var height: Int?
        var faces: [FaceResult]?
        var error: String?
    }

    /// A face's detection box in image pixels.
    struct Box: Codable {
        var left: Int
        var top: Int
        var right: Int
        var bottom: Int
    }

    /// One face's measurement, or why there is none.
    struct FaceResult: Codable {
        var rect: Box?
        var skinTone: Measurement?
        var unknown: String?

        enum CodingKeys: String, CodingKey {
            case rect
            case skinTone = "skin_tone"
            case unknown
        }
    }

    /// The measured values; key names are a contract for scripts.
    struct Measurement: Codable {
        var ita: Double
        var l: Double
        var a: Double
        var b: Double
        var category: String
        var monk: Int
        var monkGroup: String
        var pixels: Int
        var provenance = "estimated (ITA from pixels)"

        init(_ e: SkinToneEstimate) {
            func round(_ v: Double) -> Double { (v * 100).rounded() / 100 }
            ita = round(e.ita)
            l = round(e.l)
            a = round(e.a)
            b = round(e.b)
            category = e.category
            monk = e.monk
            monkGroup = e.monkGroup
            pixels = e.pixels
        }

        enum CodingKeys: String, CodingKey {
            case ita, l, a, b, category, monk, pixels, provenance
            case monkGroup = "monk_group"
        }
    }

    func run() throws {
        let pipeline = try chip ? nil : options.pipeline()
        BLAS.setThreads(options.threads)
        let decoder = ImageDecoder(maxPixels: options.maxPixels)
        var results: [ImageResult] = []
        for path in options.images {
            let image: RGBImage
            do {
                image = try decoder.decode(contentsOf: path).image
            } catch {
                results.append(ImageResult(image: path, error: "\(error.code): \(error.reason)"))
                continue
            }
            var faces: [(Box?, RGBImage)] = []
            if let pipeline {
                for face in pipeline.analyze(image, upsample: options.upsample, describe: false) {
                    let d = face.detection
                    faces.append((Box(left: d.left, top: d.top, right: d.right, bottom: d.bottom), pipeline.chip(of: face, in: image)))
                }
            } else {
                faces.append((nil, image))
            }
            let measured = faces.map { rect, chip in
                do {
                    return FaceResult(rect: rect, skinTone: Measurement(try SkinToneEstimate(chip: chip)), unknown: nil)
                } catch {
                    return FaceResult(rect: rect, skinTone: nil, unknown: "\(error)")
                }
            }
            results.append(ImageResult(image: path, width: image.width, height: image.height, faces: measured))
        }
        try options.finish(results, image: \.image, error: \.error) { r in
            let faces = r.faces ?? []
            return ["\(r.image): \(faces.count) face\(faces.count == 1 ? "" : "s")"]
                + faces.enumerated().map { i, f in
                    guard let s = f.skinTone else { return "  face \(i + 1): \(f.unknown ?? "unknown")" }
                    return "  face \(i + 1): ITA \(String(format: "%.1f", s.ita))° (\(s.category)), L* \(String(format: "%.1f", s.l)), "
                        + "b* \(String(format: "%.1f", s.b)), Monk \(s.monk) (\(s.monkGroup)), \(s.pixels) px, \(s.provenance)"
                }
        }
    }
}
