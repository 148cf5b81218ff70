/// What an all-pairs comparison leaves behind, in memory that does not grow with the number of pairs:
/// per-(cell × cell) histograms of non-mated keys, every mated pair exactly, and the most similar
/// non-mated pairs exactly (the *tail*). Partial statistics of disjoint tiles add up to the whole.
///
/// The tail holds every non-mated pair whose bin is at or above ``tailBin``, where ``tailBin`` is the
/// bin that holds the ``StatisticsLayout/tailCapacity``-th most similar pair. The tail is therefore a
/// function of the histogram alone: however the tiles were split, merging gives the same pairs. Counts
/// at any threshold inside the tail are exact, never read off bin edges.
public struct PairStatistics: Sendable {
    /// What the statistics share with every other part of the same run.
    public let layout: StatisticsLayout
    /// Non-mated counts, `cellPairs × bins`, cell pair by cell pair.
    public internal(set) var nonMated: [Int]
    /// Every mated pair, in image order once ``normalize()`` ran.
    public internal(set) var mated: [ScoredPair]
    /// The non-mated pairs in bins ≥ ``tailBin``, in image order once ``normalize()`` ran.
    public internal(set) var tail: [ScoredPair]
    /// The lowest bin kept in the tail.
    public internal(set) var tailBin: Int
    /// Indices (into ``TileGrid/tiles``) of the tiles these statistics cover.
    public internal(set) var tiles: [Int]

    /// Empty statistics.
    public init(layout: StatisticsLayout) {
        self.layout = layout
        nonMated = [Int](repeating: 0, count: layout.cellPairs * layout.bins)
        mated = []
        tail = []
        tailBin = 0
        tiles = []
    }

    /// Non-mated pairs counted.
    public var nonMatedCount: Int { nonMated.reduce(0, +) }

    /// Whether the tail holds every non-mated pair (then every statistic can be computed exactly).
    public var isComplete: Bool { tail.count == nonMatedCount }

    /// The bin holding the `capacity`-th most similar pair of `counts` (0 when there are fewer).
    static func tailBin(_ counts: [Int], layout: StatisticsLayout, capacity: Int) -> Int {
        var above = 0
        for bin in stride(from: layout.bins - 1, through: 0, by: -1) {
            for pair in 0..<layout.cellPairs { above += counts[pair * layout.bins + bin] }
            if above >= capacity { return bin }
        }
        return 0
    }

    /// Raises ``tailBin`` to what the counts so far allow and drops tail pairs below it. After a merge
    /// the pairs of the other part may lie below the current bin, so `always` filters regardless.
    mutating func prune(always: Bool = false) {
        let bin = max(tailBin, Self.tailBin(nonMated, layout: layout, capacity: layout.tailCapacity))
        guard bin > tailBin || always else { return }
        tailBin = bin
        let layout = layout
        tail.removeAll { layout.bin(of: $0.key) < bin }
    }

    /// Puts the pair lists and tile indices in their canonical order.
    public mutating func normalize() {
        mated.sort(by: ScoredPair.byImages)
        tail.sort(by: ScoredPair.byImages)
        tiles.sort()
    }

    /// Adds statistics of other tiles of the same run.
    /// - Throws: ``ComparisonError`` when the layouts differ or a tile is covered twice.
    public mutating func merge(_ other: PairStatistics) throws(ComparisonError) {
        guard other.layout == layout else {
            throw ComparisonError("the partial results belong to different runs or settings (\(other.layout) vs \(layout))")
        }
        let overlap = Set(tiles).intersection(other.tiles)
        guard overlap.isEmpty else {
            throw ComparisonError("\(overlap.count) tile(s) were computed twice, e.g. tile \(overlap.min()!): a shard was merged twice")
        }
        for i in nonMated.indices { nonMated[i] += other.nonMated[i] }
        mated += other.mated
        tail += other.tail
        tiles += other.tiles
        prune(always: true)
        normalize()
    }
}
