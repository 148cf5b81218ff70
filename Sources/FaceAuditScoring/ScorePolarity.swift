/// Which direction of a comparison score means "same person".
///
/// FaceAudit computes everything on similarities and accepts when `score ≥ τ`. Distance scores
/// (`--dissimilarity`, the dlib pipeline's Euclidean distance) are negated on the way in, so that the
/// rule becomes `distance ≤ τ`; thresholds are negated back on the way out. Ties at τ are accepted
/// either way.
public enum ScorePolarity: String, Sendable, Hashable, Codable {
    /// Higher means more likely the same person; accept when `score ≥ τ`.
    case similarity
    /// Lower means more likely the same person; accept when `distance ≤ τ`.
    case dissimilarity

    /// The similarity a score stands for.
    @inlinable public func similarity(_ score: Double) -> Double { self == .similarity ? score : -score }

    /// A threshold on similarities expressed in this polarity's units.
    @inlinable public func threshold(_ similarityThreshold: Double) -> Double {
        self == .similarity ? similarityThreshold : -similarityThreshold
    }
}
