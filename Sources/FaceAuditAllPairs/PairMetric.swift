/// How two templates become a score, in the form the tiled engine computes it.
///
/// The engine works on a *key* that grows with similarity for both metrics, so that "the most
/// similar end" is always the high end of a histogram: the cosine similarity itself, or the negated
/// squared Euclidean distance. ``score(key:)`` turns a key back into the score in its own units.
public enum PairMetric: String, Sendable, Codable, Hashable {
    /// Cosine similarity of the two templates; higher means more similar.
    case cosineSimilarity = "cosine_similarity"
    /// Euclidean distance; lower means more similar.
    case euclideanDistance = "euclidean_distance"

    /// Whether scores are distances (accept when score ≤ τ).
    public var isDistance: Bool { self == .euclideanDistance }

    /// The score, in the metric's own units, of a key the engine computed.
    @inlinable
    public func score(key: Float) -> Double {
        switch self {
        case .cosineSimilarity: return Double(key)
        case .euclideanDistance: return Double(max(0, -key)).squareRoot()
        }
    }
}
