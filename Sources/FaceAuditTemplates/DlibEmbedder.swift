import FaceAuditFace
import FaceAuditImaging
import FaceAuditScoring

/// The native dlib pipeline as an ``Embedder``: one face per image by `policy`.
public struct DlibEmbedder: Embedder {
    /// Which face represents an image with several.
    public typealias FacePolicy = FaceAuditFace.FacePolicy

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
    public var comparison: PairMetric { .euclideanDistance }

    public func makeWorker() throws -> any ImageMeasurer<EmbeddingResult> {
        try ChipWorker(faces: self, failure: { .failure($0) }) { pipeline, _, chip in .template(pipeline.describe(chip: chip)) }
    }

    /// A worker that finds, aligns and crops each image's chosen face, then hands the face (its detection and
    /// landmarks, original image coordinates) and its chip to `measure` (the descriptor network for templates,
    /// the skin-tone estimator for ``SkinToneMeter``, both with the quality covariates for ``DlibFaceMeasure``).
    final class ChipWorker<Measurement>: ImageMeasurer {
        let pipeline: FacePipeline
        let faces: DlibEmbedder
        let failure: (AcquisitionFailure) -> Measurement
        let measure: (FacePipeline, DetectedFace, RGBImage) -> Measurement

        init(
            faces: DlibEmbedder, failure: @escaping (AcquisitionFailure) -> Measurement,
            measure: @escaping (FacePipeline, DetectedFace, RGBImage) -> Measurement
        ) throws {
            self.pipeline = try FacePipeline(detector: faces.detector, landmarks: faces.landmarks, descriptor: faces.descriptor)
            self.faces = faces
            self.failure = failure
            self.measure = measure
        }

        func measure(path: String) -> Measurement {
            switch faces.face(in: path, pipeline: pipeline) {
            case .success(let found): measure(pipeline, found.face, found.chip)
            case .failure(let reason): failure(reason.failure)
            }
        }
    }

    /// Why an image has no face chip: it could not be decoded, or no face was found.
    public struct ChipFailure: Error, Sendable {
        /// The reason, as recorded for a failure to acquire.
        public let failure: AcquisitionFailure
    }

    /// The aligned 150×150 chip of the face `policy` picks in the image at `path`.
    public func chip(of path: String, pipeline: FacePipeline) -> Result<RGBImage, ChipFailure> {
        face(in: path, pipeline: pipeline).map(\.chip)
    }

    /// The face `policy` picks in the image at `path` (detection and landmarks) and its aligned 150×150 chip.
    public func face(in path: String, pipeline: FacePipeline) -> Result<(face: DetectedFace, chip: RGBImage), ChipFailure> {
        let image: RGBImage
        do { image = try ImageDecoder(maxPixels: maxPixels).decode(contentsOf: path).image } catch {
            return .failure(ChipFailure(failure: AcquisitionFailure(.image(error.code.rawValue), "\(error.code): \(error.reason)")))
        }
        let faces = pipeline.analyze(image, upsample: upsample, describe: false)
        guard !faces.isEmpty else { return .failure(ChipFailure(failure: AcquisitionFailure(.noFace, "no face found"))) }
        let chosen: DetectedFace
        switch policy {
        case .largest: chosen = faces.max { $0.detection.area < $1.detection.area }!
        case .confident: chosen = faces[0]
        }
        return .success((chosen, pipeline.chip(of: chosen, in: image)))
    }
}
