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

    /// The score of two templates, in the metric's own units, computed in double precision.
    ///
    /// Every value is widened to `Double` and every sum accumulates in `Double`, one component after
    /// another, so the score is what a float64 NumPy computation gives to within a few ulps (NumPy's
    /// `dot` sums in blocks, in another order): the Euclidean distance is the square root of the sum of
    /// squared differences, `np.linalg.norm(a.astype(np.float64) - b.astype(np.float64))`, and the cosine
    /// similarity is the dot product over the product of the two norms, `a64 @ b64 / (‖a64‖·‖b64‖)`. A
    /// product of two `Float`s is exact in `Double`, and so is a difference of two within a factor 2²⁹ of
    /// each other, so only the sums round (relative error at most about `a.count` · 1.1e-16). A template
    /// of norm 0 has no cosine similarity: NaN, which the analysis counts as a failure to acquire. `a`
    /// and `b` must have the same length.
    public func score(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "templates of different lengths")
        switch self {
        case .euclideanDistance:
            var sum = 0.0
            for i in a.indices {
                let d = Double(a[i]) - Double(b[i])
                sum += d * d
            }
            return sum.squareRoot()
        case .cosineSimilarity:
            var dot = 0.0
            var na = 0.0
            var nb = 0.0
            for i in a.indices {
                let x = Double(a[i])
                let y = Double(b[i])
                dot += x * y
                na += x * x
                nb += y * y
            }
            return dot / (na.squareRoot() * nb.squareRoot())
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
