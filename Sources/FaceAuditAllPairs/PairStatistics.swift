import FaceAuditSorting

/// What an all-pairs comparison leaves behind, in memory that does not grow with the number of pairs:
/// histograms of non-mated keys (one per class of cell pairs, ``StatisticsLayout/histogramOfCellPair``), every mated pair exactly, and the most similar
/// non-mated pairs exactly (the *tail*). Partial statistics of disjoint tiles add up to the whole.
///
/// The tail holds every non-mated pair whose bin is at or above ``tailBin``, where ``tailBin`` is the
/// bin that holds the ``StatisticsLayout/tailCapacity``-th most similar pair. The tail is therefore a
/// function of the histogram alone: however the tiles were split, merging gives the same pairs. Counts
/// at any threshold inside the tail are exact, never read off bin edges.
public struct PairStatistics: Sendable {
    /// What the statistics share with every other part of the same run.
    public let layout: StatisticsLayout
    /// Non-mated counts, `histograms × bins`, histogram by histogram.
    public internal(set) var nonMated: [Int]
    /// Every mated pair, in image order once ``normalize()`` ran.
    public internal(set) var mated: [ScoredPair]
    /// The non-mated pairs in bins ≥ ``tailBin``, in image order once ``normalize()`` ran (unless it was
    /// told to leave the tail as the tiles gave it).
    public internal(set) var tail: [ScoredPair]
    /// The lowest bin kept in the tail.
    public internal(set) var tailBin: Int
    /// Indices (into ``TileGrid/tiles``) of the tiles these statistics cover.
    public internal(set) var tiles: [Int]
    /// While streaming: the tail's size when ``prune()`` last computed ``tailBin``.
    private var tailSizeAtBin = 0

    /// Empty statistics.
    public init(layout: StatisticsLayout) {
        self.layout = layout
        nonMated = [Int](repeating: 0, count: layout.histogramEntries)
        mated = []
        tail = []
        tailBin = 0
        tiles = []
    }

    /// Non-mated pairs counted.
    public var nonMatedCount: Int { nonMated.reduce(0, +) }

    /// Whether the tail holds every non-mated pair (then every statistic can be computed exactly).
    public var isComplete: Bool { tail.count == nonMatedCount }

    /// Drops the tail's pairs once they have been read (``tailBin`` stays), so that their memory is
    /// freed while the histograms are still in use. ``isComplete`` is meaningless afterwards.
    public mutating func dropTail() { tail = [] }

    /// The bin holding the `capacity`-th most similar pair of `counts`, or `floor` when that bin lies
    /// below `floor` or there are fewer pairs: `max(floor, b)` for that bin b (0 when there are fewer).
    /// Only bins from `floor` up are read, each histogram's as one contiguous run, summed into one
    /// first: a scan across all histograms bin by bin (a stride of `bins` per read), after
    /// every tile of the streaming pass, was 6 % of that pass.
    static func tailBin(_ counts: [Int], layout: StatisticsLayout, capacity: Int, floor: Int = 0) -> Int {
        let bins = layout.bins
        let floor = min(max(floor, 0), bins)
        var summed = [Int](repeating: 0, count: bins - floor)
        counts.withUnsafeBufferPointer { counts in
            summed.withUnsafeMutableBufferPointer { summed in
                for histogram in 0..<layout.histograms {
                    let run = counts.baseAddress! + histogram * bins + floor
                    for k in summed.indices { summed[k] &+= run[k] }
                }
            }
        }
        var above = 0
        for k in summed.indices.reversed() {
            above += summed[k]
            if above >= capacity { return floor + k }
        }
        return floor
    }

    /// While streaming: raises ``tailBin`` to what the counts so far allow and drops tail pairs below
    /// it. The bin is computed again only once the tail has grown by a sixteenth of its capacity since
    /// it was last computed (reading the counts after every tile was 14 % of the pass), and the pairs
    /// are filtered only once the tail has grown to twice its capacity, so that streaming stays linear;
    /// raising the bin alone already stops new pairs below it. A bin computed from fewer counts is
    /// lower, never wrong: the tail kept in the end is decided by the whole run's counts.
    /// (``absorb(_:)`` filters merged parts itself.)
    mutating func prune() {
        let capacity = layout.tailCapacity
        // The bin can only rise once the tail holds at least its capacity.
        guard tail.count >= capacity else { return }
        let filter = tail.count / 2 >= capacity
        guard filter || tail.count - tailSizeAtBin >= capacity / 16 else { return }
        tailBin = Self.tailBin(nonMated, layout: layout, capacity: capacity, floor: tailBin)
        tailSizeAtBin = tail.count
        guard filter else { return }
        let lowest = layout.lowestKey(inBinAtLeast: tailBin)
        Self.keepPairs(&tail, atLeast: lowest)
        tailSizeAtBin = tail.count
    }

    /// Drops the pairs of `pairs` whose key is below `lowest` (NaN keys stay), keeping the others in their order: one
    /// pass that moves each kept pair down through raw pointers, without a branch per pair. (`removeAll(where:)` took 11 ms of a
    /// 20,000-template run to filter its 3.2 million collected pairs down to 2.2 million.)
    static func keepPairs(_ pairs: inout [ScoredPair], atLeast lowest: Float) {
        let kept = pairs.withUnsafeMutableBufferPointer { pairs in
            var kept = 0
            // Every pair is written at the next free place and that place taken only when the pair stays:
            // no branch on the key (above or below `lowest` at random, a branch was mispredicted often).
            // `!(key < lowest)`, not `key >= lowest`: a NaN key stays, as `removeAll { $0.key < lowest }` left it.
            for k in pairs.indices {
                let pair = pairs[k]
                pairs[kept] = pair
                // The comparison's byte (0 or 1) added as a number: written as a choice, it compiled to a branch.
                kept &+= Int(1 &- unsafeBitCast(pair.key < lowest, to: UInt8.self))
            }
            return kept
        }
        pairs.removeLast(pairs.count - kept)
    }

    /// Raises ``tailBin`` to `bin`, the tail bin another part of the same run reached: that part's
    /// counts are part of the whole's, so the whole's tail bin is at least as high and pairs below it
    /// are never needed. Threads share it so that each keeps fewer pairs (``prune()`` drops them).
    mutating func adopt(tailBin bin: Int) { tailBin = max(tailBin, bin) }

    /// Puts the pair lists and tile indices in their canonical order (by image pair), sorting each
    /// list in place (the standard library's sort borrows a buffer of about half a list): a keyed copy
    /// of the tail would cost more memory than anything else in a streamed run.
    ///
    /// `sortingTail` false leaves the tail in the order the tiles appended it (with several threads,
    /// not the same from one run to the next): for a consumer that orders the pairs itself once they
    /// are scored (``StreamedPairs``), which then sorts once instead of twice.
    public mutating func normalize(sortingTail: Bool = true) {
        Self.sortInImagePairOrder(&mated)
        if sortingTail { Self.sortInImagePairOrder(&tail) }
        tiles.sort()
    }

    /// Sorts `pairs` by image pair (first image, then second), stably.
    ///
    /// From 100,000 pairs a radix sort on the image pair packed in as few bits as the images need,
    /// carrying each pair's key: it takes about twice the memory of the pairs while it runs (the
    /// standard library's merge sort borrows half of it), and at 13.75 million pairs it is the faster.
    static func sortInImagePairOrder(_ pairs: inout [ScoredPair]) {
        let n = pairs.count
        guard n >= 100_000 else {
            pairs.sort { a, b in
                a.first != b.first
                    ? UInt32(bitPattern: a.first) < UInt32(bitPattern: b.first)
                    : UInt32(bitPattern: a.second) < UInt32(bitPattern: b.second)
            }
            return
        }
        let widest = pairs.reduce(UInt32(0)) { $0 | UInt32(bitPattern: $1.second) }
        let shift = UInt64(UInt32.bitWidth - widest.leadingZeroBitCount)
        var keys = pairs.map { UInt64(UInt32(bitPattern: $0.first)) << shift | UInt64(UInt32(bitPattern: $0.second)) }
        var scores = pairs.map(\.key.bitPattern)
        RadixSort.sort(&keys, carrying: &scores)
        let mask: UInt64 = (1 << shift) - 1
        pairs.withUnsafeMutableBufferPointer { pairs in
            for k in 0..<n {
                pairs[k] = ScoredPair(
                    first: Int32(bitPattern: UInt32(truncatingIfNeeded: keys[k] >> shift)),
                    second: Int32(bitPattern: UInt32(truncatingIfNeeded: keys[k] & mask)), key: Float(bitPattern: scores[k]))
            }
        }
    }

    /// Adds statistics of other tiles of the same run. Call ``normalize()`` after the last merge.
    /// - Throws: ``ComparisonError`` when the layouts differ or a tile is covered twice.
    public mutating func merge(_ other: PairStatistics) throws(ComparisonError) {
        var parts = [other]
        try absorb(&parts)
    }

    /// The error for tiles that two parts both cover (`overlap` not empty).
    public static func computedTwice(_ overlap: Set<Int>) -> ComparisonError {
        ComparisonError("\(overlap.count) tile(s) were computed twice, e.g. tile \(overlap.min()!): a shard was merged twice")
    }

    /// Adds the statistics of other tiles of the same run and empties `parts`, freeing each part's
    /// pairs as soon as they are read. The tail bin comes from the summed histograms first, so only
    /// the pairs at or above it are copied (the whole tail of every part never sits in memory twice).
    /// Call ``normalize()`` after the last merge.
    /// - Throws: ``ComparisonError`` when the layouts differ or a tile is covered twice; nothing is
    ///   changed then.
    public mutating func absorb(_ parts: inout [PairStatistics]) throws(ComparisonError) {
        var covered = Set(tiles)
        for other in parts {
            guard other.layout.keys == layout.keys else {
                throw ComparisonError(
                    "the partial results' pair scores were computed differently (\(other.layout.keysDescription) and "
                        + "\(layout.keysDescription)), which can put a pair in another bin; run every shard on the same kind "
                        + "of CPU, or with FACEAUDIT_GEMM=avx512 (single precision on every CPU with AVX-512 or AVX2)")
            }
            guard other.layout == layout else {
                throw ComparisonError("the partial results belong to different runs or settings (\(other.layout) vs \(layout))")
            }
            let overlap = covered.intersection(other.tiles)
            guard overlap.isEmpty else { throw Self.computedTwice(overlap) }
            covered.formUnion(other.tiles)
        }
        for other in parts {
            for i in nonMated.indices { nonMated[i] += other.nonMated[i] }
            mated += other.mated
            tiles += other.tiles
            tailBin = max(tailBin, other.tailBin)
        }
        let bin = Self.tailBin(nonMated, layout: layout, capacity: layout.tailCapacity, floor: tailBin)
        tailBin = bin
        // A key is in a bin ≥ `bin` exactly when it is at least `lowest` (bins rise with keys).
        let lowest = layout.lowestKey(inBinAtLeast: bin)
        // Statistics with no tail of their own take over the longest part's tail and filter it in place:
        // a filtered copy took fresh pages for every kept pair (165 MB at 50,000 templates).
        if tail.isEmpty, let longest = parts.indices.max(by: { parts[$0].tail.count < parts[$1].tail.count }) {
            swap(&tail, &parts[longest].tail)
        }
        // Every part's tail filtered in place by the same rule as this one's, then appended and freed.
        Self.keepPairs(&tail, atLeast: lowest)
        for i in parts.indices { Self.keepPairs(&parts[i].tail, atLeast: lowest) }
        tail.reserveCapacity(parts.reduce(tail.count) { $0 + $1.tail.count })
        for i in parts.indices {
            tail += parts[i].tail
            parts[i].tail = []
        }
        parts = []
    }
}
