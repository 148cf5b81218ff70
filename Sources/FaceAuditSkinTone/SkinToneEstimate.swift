import FaceAuditImaging
import Foundation

/// A skin tone measured from the pixels of an aligned 150×150 face chip.
///
/// Skin is sampled in regions fixed relative to dlib's 5-point alignment (both cheeks and the centre of
/// the forehead, away from eyes, brows, mouth and hair). Pixels that are clipped, too dark or too
/// bright, colourless (a grayscale image) or not skin-hued are rejected; the rest are summarised by a
/// 10%-trimmed mean in CIELAB. Provenance is always `estimated (ITA from pixels)`: this is a
/// measurement confounded by lighting, white balance and makeup, never a self-reported or annotated label.
public struct SkinToneEstimate: Sendable, Hashable, Codable {
    /// The Individual Typology Angle in degrees.
    public let ita: Double
    /// Mean lightness L* of the skin pixels.
    public let l: Double
    /// Mean b* of the skin pixels.
    public let b: Double
    /// Mean a* of the skin pixels.
    public let a: Double
    /// Chardon's ITA category.
    public let category: String
    /// The nearest Monk Skin Tone (1 … 10) by CIE76 ΔE.
    public let monk: Int
    /// Skin pixels used.
    public let pixels: Int

    /// The Monk grouping used for cohorts: light 1-3, medium 4-6, dark 7-10.
    public var monkGroup: String { Self.monkGroup(monk) }

    /// The group of a Monk index: `monk:1-3`, `monk:4-6` or `monk:7-10`.
    public static func monkGroup(_ monk: Int) -> String { monk <= 3 ? "monk:1-3" : monk <= 6 ? "monk:4-6" : "monk:7-10" }

    /// The ten Monk Skin Tone reference colours (Monk 2023).
    public static let monkReferences = [
        "#f6ede4", "#f3e7db", "#f7ead0", "#eadaba", "#d7bd96", "#a07e56", "#825c43", "#604134", "#3a312a", "#292420",
    ]
    .map { CIELab(hex: $0)! }

    /// Chardon's categories by ITA: very light > 55°, light 41–55°, intermediate 28–41°, tan 10–28°,
    /// brown −30–10°, dark < −30°.
    public static func category(ita: Double) -> String {
        switch ita {
        case 55...: "very light"
        case 41..<55: "light"
        case 28..<41: "intermediate"
        case 10..<28: "tan"
        case -30..<10: "brown"
        default: "dark"
        }
    }

    /// The nearest Monk index of a colour.
    public static func monk(of colour: CIELab) -> Int {
        1 + monkReferences.indices.min { monkReferences[$0].distance(to: colour) < monkReferences[$1].distance(to: colour) }!
    }

    /// Why no estimate could be made.
    public enum Unknown: Error, Sendable, Equatable, CustomStringConvertible {
        /// Fewer usable skin pixels than needed (grayscale, clipped, shadowed or occluded skin).
        case tooFewSkinPixels(found: Int, needed: Int)
        /// The chip is not 150×150.
        case notAChip(width: Int, height: Int)

        public var description: String {
            switch self {
            case .tooFewSkinPixels(let found, let needed):
                "unknown: \(found) usable skin pixels, \(needed) needed (grayscale, clipped or occluded)"
            case .notAChip(let w, let h): "unknown: not a 150×150 aligned chip (\(w)×\(h))"
            }
        }
    }

    /// The sampled regions in 150×150 chip coordinates (x0, y0, x1, y1), from dlib's 5-point template:
    /// the cheeks below the outer eye corners, beside the nose, and the forehead above the brows' midpoint.
    public static let regions: [(Int, Int, Int, Int)] = [(36, 70, 56, 86), (94, 70, 114, 86), (62, 22, 88, 32)]

    /// Measures a chip; throws ``Unknown`` rather than guessing.
    public init(chip: RGBImage, minimumPixels: Int = 150) throws(Unknown) {
        guard chip.width == 150, chip.height == 150 else { throw .notAChip(width: chip.width, height: chip.height) }
        var samples: [CIELab] = []
        for (x0, y0, x1, y1) in Self.regions {
            for y in y0..<y1 {
                for x in x0..<x1 {
                    let p = chip[x, y]
                    if min(p.r, p.g, p.b) <= 2 || max(p.r, p.g, p.b) >= 253 { continue }  // clipped
                    let lab = CIELab(red: p.r, green: p.g, blue: p.b)
                    guard lab.l >= 10 && lab.l <= 97, lab.chroma >= 1.5, lab.a > -2, lab.b > 0 else { continue }  // not skin
                    samples.append(lab)
                }
            }
        }
        guard samples.count >= minimumPixels else { throw .tooFewSkinPixels(found: samples.count, needed: minimumPixels) }
        func trimmedMean(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            let cut = sorted.count / 10
            let kept = sorted[cut..<(sorted.count - cut)]
            return kept.reduce(0, +) / Double(kept.count)
        }
        self.init(
            mean: CIELab(l: trimmedMean(samples.map(\.l)), a: trimmedMean(samples.map(\.a)), b: trimmedMean(samples.map(\.b))),
            pixels: samples.count)
    }

    /// The estimate for a mean skin colour measured over `pixels` pixels.
    public init(mean: CIELab, pixels: Int) {
        l = mean.l
        a = mean.a
        b = mean.b
        ita = mean.ita
        category = Self.category(ita: ita)
        monk = Self.monk(of: mean)
        self.pixels = pixels
    }
}
