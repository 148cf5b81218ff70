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
    var comparison: TemplateComparison { get }
    /// Creates the per-thread worker.
    func makeWorker() throws -> any EmbedderWorker
}

/// The per-thread half of an ``Embedder``.
public protocol EmbedderWorker {
    /// The template of the image at `path`.
    func embed(path: String) -> EmbeddingResult
}

/// How two templates become a score.
public enum TemplateComparison: String, Sendable, Codable {
    /// Euclidean distance; lower is more similar (dlib: same person below 0.6).
    case euclideanDistance = "euclidean_distance"
    /// Cosine similarity; higher is more similar.
    case cosineSimilarity = "cosine_similarity"

    /// The score of two templates.
    public func score(_ a: [Float], _ b: [Float]) -> Double {
        switch self {
        case .euclideanDistance:
            var sum: Float = 0
            for i in a.indices {
                let d = a[i] - b[i]
                sum += d * d
            }
            return Double(sum.squareRoot())
        case .cosineSimilarity:
            var dot: Float = 0, na: Float = 0, nb: Float = 0
            for i in a.indices {
                dot += a[i] * b[i]
                na += a[i] * a[i]
                nb += b[i] * b[i]
            }
            return Double(dot / (na.squareRoot() * nb.squareRoot()))
        }
    }

    /// Whether lower scores mean "same person".
    public var isDistance: Bool { self == .euclideanDistance }
}
