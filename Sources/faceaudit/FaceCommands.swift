import ArgumentParser
import FaceAuditFace
import FaceAuditFiles
import FaceAuditGEMM
import FaceAuditImaging
import FaceAuditModelFiles
import FaceAuditNN
import Foundation

/// Options shared by `detect` and `embed`.
struct FaceOptions: ParsableArguments {
    @Argument(help: "Images (PNG or JPEG).")
    var images: [String]

    @Option(help: "Upsample each image this many times before detecting (finds smaller faces; ~4× the time each).")
    var upsample: Int = 0

    @Option(help: "Folder holding the dlib models (default: $FACEAUDIT_MODELS or ~/.local/share/faceaudit/models).")
    var models: String?

    @Option(help: "BLAS threads (OpenBLAS only). The default of 1 is fastest for these matrix sizes on 2 cores.")
    var threads: Int = 1

    @Option(help: "Reject images whose header declares more pixels than this.")
    var maxPixels: Int = ImageDecoder.defaultMaxPixels

    @Flag(help: "Print JSON (an array with one object per image).")
    var json = false

    func validate() throws {
        guard upsample >= 0 && upsample <= 4 else { throw ValidationError("--upsample must be between 0 and 4") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// Verifies and loads the three models; a missing or corrupt file exits 78 naming the fix.
    func pipeline() throws -> FacePipeline {
        let directory = ModelDirectory.resolve(explicit: models)
        do {
            try directory.verifyAll()
            return try FacePipeline(
                detector: directory.url(of: .detector).path, landmarks: directory.url(of: .landmarks5).path,
                descriptor: directory.url(of: .descriptor).path)
        } catch let error as ModelError {
            throw fail(error, ExitStatus.configuration)
        } catch {
            throw fail("\(error)", ExitStatus.configuration)
        }
    }

    /// Runs `body` on every image, collecting per-image errors; prints the results; exits 65 if any failed.
    func run(_ body: (String, RGBImage) -> ImageFaces) throws {
        BLAS.setThreads(threads)
        let decoder = ImageDecoder(maxPixels: maxPixels)
        var results: [ImageFaces] = []
        for path in images {
            do {
                let image = try decoder.decode(contentsOf: path).image
                results.append(body(path, image))
            } catch {
                results.append(ImageFaces(image: path, error: "\(error.code): \(error.reason)"))
            }
        }
        try finish(results, image: \.image, error: \.error) { r in
            let faces = r.faces ?? []
            var lines = ["\(r.image): \(r.width ?? 0)×\(r.height ?? 0), \(faces.count) face\(faces.count == 1 ? "" : "s")"]
            for (i, f) in faces.enumerated() {
                var line = "  face \(i + 1)"
                if let rect = f.rect { line += ": rect (\(rect.left), \(rect.top), \(rect.right), \(rect.bottom))" }
                if let c = f.confidence { line += " confidence \(String(format: "%.4f", c))" }
                if let l = f.landmarks { line += " landmarks \(l.map { "(\($0[0]), \($0[1]))" }.joined(separator: " "))" }
                if let d = f.descriptor {
                    line += " descriptor [\(d.prefix(3).map { String(format: "%.4f", $0) }.joined(separator: ", ")), …]"
                }
                lines.append(line)
            }
            return lines
        }
    }

    /// Prints per-image results (`--json`: one array; otherwise `lines` per image, or its error), repeats
    /// each failure on standard error, and exits 65 if any image failed.
    func finish<R: Encodable>(_ results: [R], image: (R) -> String, error: (R) -> String?, lines: (R) -> [String]) throws {
        if json {
            emit(try JSONOutput.encode(results))
        } else {
            for r in results {
                if let message = error(r) {
                    emit("\(image(r)): error: \(message)")
                } else {
                    lines(r).forEach(emit)
                }
            }
        }
        let failures = results.compactMap { r in error(r).map { (image(r), $0) } }
        for (path, message) in failures {
            FileHandle.standardError.write(Data("faceaudit: error: \(ErrorText.printable("\(path): \(message)"))\n".utf8))
        }
        if !failures.isEmpty { throw ExitStatus.dataError }
    }
}

/// `faceaudit detect`: faces and landmarks with dlib's MMOD detector and 5-point shape predictor.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find faces and their 5 landmarks (dlib MMOD CNN + shape predictor, native).",
        discussion: "An image with no face gives \"faces\": []; an unreadable image gives an \"error\" and the others still run (exit 65).")

    @OptionGroup var options: FaceOptions

    func run() throws {
        let pipeline = try options.pipeline()
        try options.run { path, image in
            ImageFaces(
                image: path, width: image.width, height: image.height,
                faces: pipeline.analyze(image, upsample: options.upsample, describe: false))
        }
    }
}

/// `faceaudit embed`: 128-D dlib face descriptors.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Compute dlib's 128-D face descriptors (same person when the Euclidean distance is below 0.6).",
        discussion: "With --chip the inputs are already aligned 150×150 chips. Descriptors are not normalised.")

    @OptionGroup var options: FaceOptions

    @Flag(help: "Inputs are aligned 150×150 face chips: skip detection and alignment.")
    var chip = false

    @Option(help: "Average the descriptors of this many jittered copies (dlib's num_jitters).")
    var jitters: Int = 0

    func validate() throws {
        guard jitters >= 0 else { throw ValidationError("--jitters must be ≥ 0 (0 or 1: no jitter), not \(jitters)") }
    }

    func run() throws {
        let pipeline = try options.pipeline()
        let size = pipeline.descriptors.inputSize
        try options.run { path, image in
            if chip {
                guard image.width == size && image.height == size else {
                    return ImageFaces(image: path, error: "not a \(size)×\(size) chip (\(image.width)×\(image.height))")
                }
                return ImageFaces(image: path, chipDescriptor: pipeline.describe(chip: image, jitters: jitters), size: size)
            }
            return ImageFaces(
                image: path, width: image.width, height: image.height,
                faces: pipeline.analyze(image, upsample: options.upsample, describe: true, jitters: jitters))
        }
    }
}
