import FaceAuditFace
import FaceAuditImaging

/// The native dlib pipeline as an ``Embedder``: one face per image by `policy`.
public struct DlibEmbedder: Embedder {
    /// Which face represents an image with several.
    public enum FacePolicy: String, Sendable, Codable, CaseIterable {
        /// The largest rectangle.
        case largest
        /// The highest detector confidence.
        case confident
    }

    /// Model file paths.
    public let detector: String, landmarks: String, descriptor: String
    /// SHA-256 of the three model files, in that order (part of the identity).
    public let modelHashes: [String]
    /// Upsampling steps before detection.
    public let upsample: Int
    /// Face choice.
    public let policy: FacePolicy
    /// Decoder pixel limit.
    public let maxPixels: Int

    /// Creates the embedder.
    public init(
        detector: String, landmarks: String, descriptor: String, modelHashes: [String], upsample: Int, policy: FacePolicy, maxPixels: Int
    ) {
        self.detector = detector
        self.landmarks = landmarks
        self.descriptor = descriptor
        self.modelHashes = modelHashes
        self.upsample = upsample
        self.policy = policy
        self.maxPixels = maxPixels
    }

    public var identity: String { "dlib;models=\(modelHashes.joined(separator: ","));upsample=\(upsample);face=\(policy.rawValue)" }
    public var comparison: TemplateComparison { .euclideanDistance }

    public func makeWorker() throws -> any EmbedderWorker {
        Worker(pipeline: try FacePipeline(detector: detector, landmarks: landmarks, descriptor: descriptor), embedder: self)
    }

    final class Worker: EmbedderWorker {
        let pipeline: FacePipeline
        let embedder: DlibEmbedder

        init(pipeline: FacePipeline, embedder: DlibEmbedder) {
            self.pipeline = pipeline
            self.embedder = embedder
        }

        func embed(path: String) -> EmbeddingResult {
            let image: RGBImage
            do { image = try ImageDecoder(maxPixels: embedder.maxPixels).decode(contentsOf: path).image } catch {
                return .failure("\(error.code): \(error.reason)")
            }
            let faces = pipeline.analyze(image, upsample: embedder.upsample, describe: false)
            guard !faces.isEmpty else { return .failure("no face found") }
            let chosen: DetectedFace
            switch embedder.policy {
            case .largest: chosen = faces.max { $0.detection.area < $1.detection.area }!
            case .confident: chosen = faces[0]
            }
            let chip = ChipExtractor.extract(image, ChipDetails.face(landmarks: chosen.landmarks.map { Point(Double($0.x), Double($0.y)) }))
            return .template(pipeline.describe(chip: chip))
        }
    }
}
