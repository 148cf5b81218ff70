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

/// A recognition pipeline that turns images into templates. Implementations are used from one
/// thread each; `makeWorker` gives every thread its own.
public protocol Embedder: Sendable {
    /// A stable identifier of the pipeline and its models, part of every cache key.
    var identity: String { get }
    /// How templates compare: `dissimilarity` for distances (accept when ≤ τ).
    var comparison: PairMetric { get }
    /// Creates the per-thread worker.
    func makeWorker() throws -> any EmbedderWorker
}

/// The per-thread half of an ``Embedder``.
public protocol EmbedderWorker {
    /// The template of the image at `path`.
    func embed(path: String) -> EmbeddingResult
}
