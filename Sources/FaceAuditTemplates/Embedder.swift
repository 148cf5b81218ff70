import FaceAuditScoring

/// What a recognition pipeline made of one image: a template, or why it could not make one.
public enum EmbeddingResult: Sendable, Hashable, Codable {
    /// The face template (for the dlib pipeline, the 128-D descriptor of the chosen face).
    case template([Float])
    /// No template: no face found, or the image could not be read. Counts as a failure to acquire.
    case failure(String)

    /// The template, if any.
    public var template: [Float]? {
        if case .template(let t) = self { return t }
        return nil
    }
}

/// Something a pipeline measures in each image (a template, a skin tone), under an identity that
/// names the pipeline, its models and options (part of every cache key). Implementations are used from
/// one thread each; `makeWorker` gives every thread its own.
public protocol ImageMeasure<Measurement>: Sendable {
    /// What one image gives: a value, or why it has none.
    associatedtype Measurement: Sendable & Codable
    /// A stable identifier of the pipeline and its models, part of every cache key.
    var identity: String { get }
    /// Creates the per-thread worker.
    func makeWorker() throws -> any ImageMeasurer<Measurement>
}

/// The per-thread half of an ``ImageMeasure``.
public protocol ImageMeasurer<Measurement> {
    /// What one image gives.
    associatedtype Measurement
    /// The measurement of the image at `path`.
    func measure(path: String) -> Measurement
}

/// A recognition pipeline: it turns images into templates, which compare by ``comparison``.
public protocol Embedder: ImageMeasure where Measurement == EmbeddingResult {
    /// How templates compare (a distance: accept when ≤ τ).
    var comparison: PairMetric { get }
}
