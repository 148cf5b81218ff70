/// How two templates become a score, and which way it points: the one vocabulary of the pipeline
/// (embedders, the all-pairs engine, the analysis; `summary.json` writes its raw value).
///
/// The tiled engine works on a *key* that grows with similarity for both metrics, so that "the most
/// similar end" is always the high end of a histogram: the cosine similarity itself, or the negated
/// squared Euclidean distance. ``score(key:)`` turns a key back into the score in its own units.
public enum PairMetric: String, Sendable, Codable, Hashable {
    /// Cosine similarity of the two templates; higher means more similar.
    case cosineSimilarity = "cosine_similarity"
    /// Euclidean distance; lower means more similar.
    case euclideanDistance = "euclidean_distance"

    /// Whether scores are distances (accept when score ≤ τ).
    public var isDistance: Bool { self == .euclideanDistance }

    /// The direction of its scores.
    public var polarity: ScorePolarity { isDistance ? .dissimilarity : .similarity }

    /// The score of two templates, in the metric's own units.
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

    /// The score, in the metric's own units, of a key the engine computed.
    @inlinable
    public func score(key: Float) -> Double {
        switch self {
        case .cosineSimilarity: return Double(key)
        case .euclideanDistance: return Double(max(0, -key)).squareRoot()
        }
    }
}
