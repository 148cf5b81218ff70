import FaceAuditScoring

/// One comparison kept exactly: two images (first < second) and the engine's key for the pair.
public struct ScoredPair: Sendable, Hashable {
    /// The first image's index in the manifest.
    public var first: Int32
    /// The second image's index (greater than ``first``).
    public var second: Int32
    /// The key (see ``PairMetric``); higher is more similar.
    public var key: Float

    /// Creates a pair.
    @inlinable
    public init(first: Int32, second: Int32, key: Float) {
        self.first = first
        self.second = second
        self.key = key
    }

    /// Orders pairs by image indices, the canonical order of every stored list.
    @inlinable
    static func byImages(_ a: ScoredPair, _ b: ScoredPair) -> Bool {
        a.first != b.first ? a.first < b.first : a.second < b.second
    }
}
