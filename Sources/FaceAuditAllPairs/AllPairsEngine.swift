import CPairScores
import FaceAuditGEMM
import FaceAuditScoring
import Foundation

/// Compares every pair of templates, tile by tile with `BLAS.gemm` (on AMX tiles where they run:
/// ``TileOperands``), streaming each tile straight into ``PairStatistics``. Memory is O(rows·dimension + bins·histograms + cells² + tail), never O(rows²).
public struct AllPairsEngine: Sendable {
    /// The templates.
    public let matrix: TemplateMatrix
    /// The cell of every image (indexed by image, not row).
    public let cellOfImage: [Int32]
    /// The subject of every image; pairs of one subject are mated.
    public let subjectOfImage: [Int32]
    /// Bins, cells, tail size and fingerprint of the statistics.
    public let layout: StatisticsLayout
    /// The tile grid.
    public let grid: TileGrid
    /// The histogram offset of cell pair (a, b) at `a · cells + b` (``StatisticsLayout/histogram(_:_:)`` · bins).
    private let pairOffset: [Int]
    /// Rows of a tile computed and binned together on the own kernels (``compute(_:into:workspace:timing:admitFrom:)``);
    /// 0: whole tiles by `BLAS.gemm`, as without them. Tests set it; the statistics never depend on it.
    var rowBlock = Self.defaultRowBlock
    /// Whether keys come from AMX tiles (``TileOperands``) where ``BLAS/amx`` holds, the own kernels run
    /// and tiles start at multiples of 16. Tests set it to false to compare with the single-precision
    /// kernels.
    var onTiles = true

    /// Creates an engine. `cellOfImage` values must lie in `0..<layout.cells`.
    public init(matrix: TemplateMatrix, cellOfImage: [Int32], subjectOfImage: [Int32], layout: StatisticsLayout) {
        self.matrix = matrix
        self.cellOfImage = cellOfImage
        self.subjectOfImage = subjectOfImage
        self.layout = layout
        self.grid = TileGrid(rows: matrix.rows, tileSize: layout.tileSize)
        let cells = layout.cells
        pairOffset = (0..<cells * cells).map { layout.histogram($0 / cells, $0 % cells) * layout.bins }
    }

    /// The templates packed for AMX tiles when the layout's keys are this CPU's tiles'
    /// (``keys(for:matrix:)``), else nil: keys from the single-precision kernels. Made for each pass
    /// and freed after it (1.5 KB a template at 128 dimensions).
    func tileOperands() -> TileOperands? {
        guard onTiles, !layout.keys.isEmpty, layout.keys == Self.tileKeys else { return nil }
        return matrix.values.withUnsafeBufferPointer { values in
            TileOperands(
                values: values.baseAddress!, rows: matrix.rows, k: matrix.dimension, lda: matrix.dimension,
                alpha: matrix.metric == .euclideanDistance ? 2 : 1)
        }
    }

    /// What ``StatisticsLayout/keys`` says of keys from this CPU's AMX tiles: the tiles' rounding may
    /// differ between CPU models, so the model is part of it (CPUID leaf 1). Empty where they do not run.
    public static var tileKeys: String {
        BLAS.amx ? "AMX tiles, split bfloat16 (CPUID 0x\(String(TileOperands.cpuSignature, radix: 16, uppercase: true)))" : ""
    }

    /// How a pass over `matrix` in `layout` computes its keys here, for ``StatisticsLayout/keys``:
    /// ``tileKeys`` when AMX tiles run (``BLAS/amx``, with the own kernels), tiles start at multiples
    /// of 16 and the tiles' error bound (``TileOperands/errorBound(dimension:)`` of Σ|a_p·b_p|, which
    /// is at most 1 for cosine keys and 2·max‖a‖² for Euclidean ones) is at most half a bin; else empty
    /// (single precision). A streamed run's exact pairs need every key within one bin of its exact value.
    public static func keys(for layout: StatisticsLayout, matrix: TemplateMatrix) -> String {
        guard BLAS.amx, PackedColumns.isAvailable, layout.tileSize % 16 == 0, layout.bins > 0 else { return "" }
        let width = (Double(layout.keyUpper) - Double(layout.keyLower)) / Double(layout.bins)
        let scale = matrix.metric == .euclideanDistance ? 2 * Double(matrix.squaredNorms.max() ?? 0) : 1
        return TileOperands.errorBound(dimension: matrix.dimension) * scale <= width / 2 ? tileKeys : ""
    }

    /// Time spent, for benchmarks: in `BLAS.gemm` and in streaming tiles into the statistics.
    public struct Timing: Sendable {
        /// Seconds inside `BLAS.gemm`, summed over threads.
        public var gemm: Double = 0
        /// Seconds binning and collecting, summed over threads.
        public var streaming: Double = 0
        /// Multiply-adds × 2 done by `BLAS.gemm`.
        public var flops: Double = 0
    }

    /// Runs the tiles of shard `index` of `count` on `threads` threads (BLAS should be single-threaded).
    /// A run of one shard keeps pairs from ``estimatedTailBin(sample:margin:)`` up while streaming.
    /// `sortingTail`: see ``PairStatistics/normalize(sortingTail:)``; every other part of the
    /// statistics is the same either way.
    public func run(shard index: Int = 0, of count: Int = 1, threads: Int = 1, sortingTail: Bool = true) -> (PairStatistics, Timing) {
        run(shard: index, of: count, threads: threads, estimate: count == 1 ? estimatedTailBin() : nil, sortingTail: sortingTail)
    }

    /// ``run(shard:of:threads:)`` keeping, while streaming, only pairs in bins at or above `estimate`
    /// (a guess at the run's tail bin; only for a run of one shard, which knows its tail bin at the
    /// end). When the run's tail bin lies below it, the bins in between are collected in a second pass
    /// over every tile, so the statistics are the same whatever the estimate.
    func run(shard index: Int, of count: Int, threads: Int, estimate: Int?, sortingTail: Bool = true) -> (PairStatistics, Timing) {
        precondition(estimate == nil || count == 1, "an estimated tail bin is checked against the run's own, so one shard only")
        let all = grid.tiles
        let mine = Array(grid.tiles(shard: index, of: count).indices)
        var first = Timing()
        // With an estimate the certified bin is not needed: its tiles would be computed twice.
        let operands = tileOperands()
        let startBin = estimate == nil ? certifiedTailBin(tiles: mine.map { all[$0] }, timing: &first, operands: operands) : 0
        let admitFrom = estimate ?? 0
        let queue = TileQueue(mine)
        // A thread's tail rarely holds more than twice the capacity plus one tile's pairs (``PairStatistics/prune()``
        // filters it after each tile, unless one bin holds that many), and never more than the shard's
        // pairs. Reserved once, it is not copied into larger arrays, and only the pages its pairs reach
        // are touched: grown by doubling, it took fresh pages for every copy (570 MB at 50,000 templates
        // for a list of 241 MB). Threads share the room (their tails share the tail bin), so that even
        // with every pair kept the reservations add up to about one shard's pairs, not one per thread.
        let workers = max(1, min(threads, mine.count))
        let shardPairs = mine.reduce(0) { $0 + all[$1].pairCount }
        let tileRoom = layout.tileSize * layout.tileSize
        let bound = layout.tailCapacity > (Int.max - tileRoom) / 2 ? Int.max : 2 * layout.tailCapacity + tileRoom
        let tailRoom = workers == 1 ? min(shardPairs, bound) : min(shardPairs, bound) / workers + tileRoom
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var statistics = PairStatistics(layout: layout)
            statistics.tail.reserveCapacity(tailRoom)
            statistics.adopt(tailBin: startBin)
            var timing = Timing()
            var workspace = Workspace(operands: operands)
            while let t = queue.next() {
                compute(all[t], into: &statistics, workspace: &workspace, timing: &timing, admitFrom: admitFrom)
                statistics.tiles.append(t)
                statistics.prune()
                // The highest tail bin any thread has reached bounds the whole run's from below.
                statistics.adopt(tailBin: queue.raise(tailBin: statistics.tailBin))
            }
            queue.finish(statistics, timing)
        }
        var taken = queue.takeParts()
        // The certified tail bin's tiles count in the products and the streaming.
        var timing = first
        for (_, t) in taken {
            timing.gemm += t.gemm
            timing.streaming += t.streaming
            timing.flops += t.flops
        }
        var parts = taken.map(\.0)
        taken = []
        var total = PairStatistics(layout: layout)
        // Layouts are equal and tiles disjoint by construction.
        try! total.absorb(&parts)
        if let estimate, total.tailBin < estimate, total.tail.count < total.nonMatedCount {
            // The estimate was too high: the pairs of the bins below it were counted but not kept.
            let missing = collect(bins: Set(total.tailBin..<estimate), threads: threads)
            total.tail.reserveCapacity(total.tail.count + missing.count)
            total.tail += missing
        }
        total.normalize(sortingTail: sortingTail)
        return (total, timing)
    }

    /// A tail bin known before streaming, so that the first tiles do not keep every pair: the
    /// histograms alone (no pair kept) of the shard's first tiles, until they hold ``StatisticsLayout/tailCapacity``
    /// non-mated pairs, and the bin holding the capacity-th most similar of them. Counts of a subset of
    /// the pairs can only place that pair lower than the whole's counts do, so the bin is a lower bound
    /// of the tail bin the run reaches, and starting from it keeps exactly the pairs the run keeps.
    /// Without it, every pair of those tiles went into the tail, to be dropped later: at 50,000
    /// templates 14 million pairs, appended and filtered. Those tiles are computed again when
    /// streamed: the cost is their share of the shard's pairs, at least the tail's share (1.1 % at
    /// default settings) and rounded up to whole tiles, never more than an eighth; they run on one
    /// thread before the others start. 0 (no bound) when the capacity is more than an eighth of the
    /// shard's pairs, or when the whole tiles within that eighth do not hold it.
    /// `operands`: the pass's (``tileOperands()``), so that keys are the pass's; made here when nil.
    func certifiedTailBin(tiles: [TileGrid.Tile], timing: inout Timing, operands: TileOperands? = nil) -> Int {
        let capacity = layout.tailCapacity
        let pairs = tiles.reduce(0) { $0 + $1.pairCount }
        guard capacity > 0, capacity <= pairs / 8 else { return 0 }
        var statistics = PairStatistics(layout: layout)
        // No pair at or above this bin exists, so only mated pairs are kept, and dropped.
        statistics.adopt(tailBin: layout.bins)
        var workspace = Workspace(operands: operands ?? tileOperands())
        var counted = 0
        for tile in tiles {
            // Never more than an eighth of the shard's pairs computed twice (a tile is checked before it
            // is computed: with large tiles one could be the whole shard).
            guard counted + tile.pairCount <= pairs / 8 else { break }
            compute(tile, into: &statistics, workspace: &workspace, timing: &timing)
            statistics.mated = []
            counted += tile.pairCount
            // Mated pairs are counted in `pairCount` too; only the histogram decides.
            if counted >= capacity, statistics.nonMatedCount >= capacity {
                return PairStatistics.tailBin(statistics.nonMated, layout: layout, capacity: capacity)
            }
        }
        return 0
    }

    /// Every non-mated pair whose key falls in one of `bins` (indices into the layout's bins), in
    /// image-pair order: the second pass over all tiles that makes the numbers deciding a streamed
    /// run's EER and AUC exact, and that completes a tail whose estimated bin was too high. The keys are those ``run(shard:of:threads:)`` binned, so a pair is
    /// returned exactly when the first pass counted it in one of `bins`.
    public func collect(bins: Set<Int>, threads: Int = 1) -> [ScoredPair] {
        guard !bins.isEmpty else { return [] }
        var wanted = [Bool](repeating: false, count: layout.bins)
        for b in bins where wanted.indices.contains(b) { wanted[b] = true }
        let all = grid.tiles
        let queue = TileQueue(Array(all.indices))
        let found = PairList()
        let flags = wanted
        let operands = tileOperands()
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, all.count))) { _ in
            var pairs: [ScoredPair] = []
            var timing = Timing()
            var buffer = [Float](repeating: 0, count: layout.tileSize * layout.tileSize)
            while let t = queue.next() {
                product(all[t], buffer: &buffer, timing: &timing, operands: operands)
                select(all[t], buffer: buffer, wanted: flags, into: &pairs)
            }
            found.append(pairs)
        }
        var pairs = found.take()
        PairStatistics.sortInImagePairOrder(&pairs)
        return pairs
    }

    /// The non-mated pairs of a computed tile whose bin is wanted. Keys are formed as in ``stream(_:rows:columns:workspace:into:admitFrom:)``,
    /// so each pair lands in the bin the first pass counted it in.
    private func select(_ tile: TileGrid.Tile, buffer: [Float], wanted: [Bool], into pairs: inout [ScoredPair]) {
        let n = tile.columns.count
        let scale = Float(layout.bins) / (layout.keyUpper - layout.keyLower)
        let (lower, top) = (layout.keyLower, Float(layout.bins - 1))
        let euclidean = matrix.metric == .euclideanDistance
        let columnImage = Array(matrix.image[tile.columns])
        let columnSubject = columnImage.map { subjectOfImage[Int($0)] }
        let columnNorm = euclidean ? Array(matrix.squaredNorms[tile.columns]) : [Float](repeating: 0, count: n)
        buffer.withUnsafeBufferPointer { keys in
            wanted.withUnsafeBufferPointer { wanted in
                for r in 0..<tile.rows.count {
                    let row = tile.rows.lowerBound + r
                    let image = matrix.image[row]
                    let subject = subjectOfImage[Int(image)]
                    let rowNorm = euclidean ? matrix.squaredNorms[row] : 0
                    let first = tile.isDiagonal ? r + 1 : 0
                    guard first < n else { continue }
                    let rowKeys = keys.baseAddress! + r * n
                    for c in first..<n {
                        let key = rowKeys[c] - (rowNorm + columnNorm[c])
                        guard wanted[StatisticsLayout.bin(key, lower: lower, scale: scale, top: top)], columnSubject[c] != subject
                        else { continue }
                        let other = columnImage[c]
                        pairs.append(ScoredPair(first: min(image, other), second: max(image, other), key: key))
                    }
                }
            }
        }
    }

    /// One tile: the product, then every pair of it into the statistics.
    /// `admitFrom`: no tail pair below this bin is kept, whatever the statistics' own tail bin.
    ///
    /// On the own kernels the tile's columns are packed once and the product is computed ``rowBlock``
    /// rows at a time, each block binned straight after: its 256 KB of keys are read from L2, where a
    /// whole tile's 4 MB had been written out to L3 and read back. Every key has the bits of the whole
    /// tile's product (`fa_sgemm_packed_b`), and rows are streamed in the same order, so the statistics
    /// are the same. On AMX tiles (the workspace's operands) nothing is packed per tile: the templates
    /// were packed once for the pass.
    private func compute(
        _ tile: TileGrid.Tile, into statistics: inout PairStatistics, workspace: inout Workspace, timing: inout Timing,
        admitFrom: Int = 0
    ) {
        let columns = TileColumns(tile, engine: self)
        guard PackedColumns.isAvailable, rowBlock > 0 else {
            let keys = tile.rows.count * tile.columns.count
            if workspace.buffer.count < keys { workspace.buffer = [Float](repeating: 0, count: keys) }
            product(tile, buffer: &workspace.buffer, timing: &timing, operands: workspace.operands)
            let middle = DispatchTime.now().uptimeNanoseconds
            stream(tile, rows: 0..<tile.rows.count, columns: columns, workspace: &workspace, into: &statistics, admitFrom: admitFrom)
            timing.streaming += Double(DispatchTime.now().uptimeNanoseconds - middle) / 1e9
            return
        }
        let d = matrix.dimension
        let m = tile.rows.count, n = tile.columns.count
        let euclidean = matrix.metric == .euclideanDistance
        let alpha: Float = euclidean ? 2 : 1
        let tiles = workspace.operands
        var start = DispatchTime.now().uptimeNanoseconds
        if tiles == nil {
            matrix.values.withUnsafeBufferPointer { values in
                workspace.columns.pack(n: n, k: d, b: values.baseAddress! + tile.columns.lowerBound * d, ldb: d, transposeB: true)
            }
        }
        let block = min(rowBlock, m)
        if workspace.buffer.count < block * n { workspace.buffer = [Float](repeating: 0, count: block * n) }
        for r0 in stride(from: 0, to: m, by: block) {
            let rows = r0..<min(m, r0 + block)
            let first = tile.rows.lowerBound + r0
            matrix.values.withUnsafeBufferPointer { values in
                workspace.buffer.withUnsafeMutableBufferPointer { c in
                    if let tiles {
                        tiles.product(rows: first..<(first + rows.count), columns: tile.columns, c: c.baseAddress!, ldc: n)
                        return
                    }
                    let a = values.baseAddress! + first * d
                    if !workspace.columns.product(m: rows.count, alpha: alpha, a: a, lda: d, beta: 0, c: c.baseAddress!, ldc: n) {
                        BLAS.gemm(
                            m: rows.count, n: n, k: d, alpha: alpha, a: a, lda: d,
                            b: values.baseAddress! + tile.columns.lowerBound * d, ldb: d, beta: 0, c: c.baseAddress!, ldc: n,
                            transposeB: true)
                    }
                }
            }
            let middle = DispatchTime.now().uptimeNanoseconds
            timing.gemm += Double(middle - start) / 1e9
            stream(tile, rows: rows, columns: columns, workspace: &workspace, into: &statistics, admitFrom: admitFrom)
            start = DispatchTime.now().uptimeNanoseconds
            timing.streaming += Double(start - middle) / 1e9
        }
        timing.flops += 2 * Double(m) * Double(n) * Double(d)
    }

    /// Rows of a tile computed and binned together: 64 rows of 1,024 keys are 256 KB, which stay in L2
    /// beside the packed columns (512 KB at 128 dimensions on the own kernels, 768 KB on AMX tiles).
    /// `AllPairsBench engine` at 50,000 templates, blocks of 32 and 64 rows alternating, three runs
    /// each: on AMX tiles the pass took 2.95–3.03 s with 64 against 3.19–3.34 s with 32 (products
    /// 0.92–0.99 s against 1.01–1.11 s, binning 1.24–1.27 s against 1.37–1.46 s); on the AVX-512F
    /// kernel (`FACEAUDIT_GEMM=avx512`) 4.17–4.30 s against 4.16–4.24 s, no difference.
    static let defaultRowBlock = 64

    /// What a thread computes tiles in: the keys of a tile or of a block of its rows, the tile's columns
    /// packed for the own kernels, and the binning's scratch (a bin and a rare-column slot per column),
    /// made once rather than for every block; and the pass's operands on AMX tiles.
    struct Workspace: ~Copyable {
        /// The pass's templates packed for AMX tiles, shared by its threads; nil off them.
        let operands: TileOperands?
        var buffer: [Float] = []
        var columns = PackedColumns()
        var rowBins: [Int32] = []
        var rare: [Int32] = []
    }

    /// The keys of one tile into `buffer` (row-major, `tile.rows.count × tile.columns.count`).
    /// `operands`: the pass's on AMX tiles (``tileOperands()``), whose keys the tile then gets.
    private func product(_ tile: TileGrid.Tile, buffer: inout [Float], timing: inout Timing, operands tiles: TileOperands?) {
        let d = matrix.dimension
        let m = tile.rows.count, n = tile.columns.count
        let euclidean = matrix.metric == .euclideanDistance
        let start = DispatchTime.now().uptimeNanoseconds
        matrix.values.withUnsafeBufferPointer { values in
            buffer.withUnsafeMutableBufferPointer { c in
                // On AMX tiles, the keys of the first pass (``compute``), so that a pair lands in the bin
                // it was counted in there.
                if let tiles {
                    tiles.product(rows: tile.rows, columns: tile.columns, c: c.baseAddress!, ldc: n)
                    return
                }
                // C = alpha · A_rows · A_columnsᵀ; alpha 2 so that a Euclidean key is C − ‖a‖² − ‖b‖².
                BLAS.gemm(
                    m: m, n: n, k: d, alpha: euclidean ? 2 : 1, a: values.baseAddress! + tile.rows.lowerBound * d, lda: d,
                    b: values.baseAddress! + tile.columns.lowerBound * d, ldb: d, beta: 0, c: c.baseAddress!, ldc: n, transposeB: true)
            }
        }
        timing.gemm += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        timing.flops += 2 * Double(m) * Double(n) * Double(d)
    }

    /// Per column of a tile: image, subject, norm and the runs of columns of one cell.
    struct TileColumns {
        var image: [Int32]
        var subject: [Int32]
        var norm: [Float]
        /// The runs of columns of one cell (columns in any order are correct, only slower).
        var runs: [(columns: Range<Int>, cell: Int)] = []

        init(_ tile: TileGrid.Tile, engine: AllPairsEngine) {
            image = Array(engine.matrix.image[tile.columns])
            subject = image.map { engine.subjectOfImage[Int($0)] }
            let cell = image.map { Int(engine.cellOfImage[Int($0)]) }
            for c in cell.indices {
                if let last = runs.last, last.cell == cell[c] {
                    runs[runs.count - 1].columns = last.columns.lowerBound..<(c + 1)
                } else {
                    runs.append((c..<(c + 1), cell[c]))
                }
            }
            norm =
                engine.matrix.metric == .euclideanDistance
                ? Array(engine.matrix.squaredNorms[tile.columns]) : [Float](repeating: 0, count: tile.columns.count)
        }
    }

    /// Bins every pair of `rows` of a computed tile (row `r`'s keys at `workspace.buffer[(r −
    /// rows.lowerBound) · n]`); keeps mated pairs and tail pairs exactly.
    ///
    /// The inner loop reads the keys row by row through raw pointers. Rows and columns are ordered by
    /// cell (``TemplateMatrix``), so a row's columns fall in a few runs of one cell each, and each run
    /// adds to one cell pair's histogram: a pair costs one subtraction, one multiply, one conversion
    /// and one increment.
    private func stream(
        _ tile: TileGrid.Tile, rows: Range<Int>, columns: TileColumns, workspace: inout Workspace, into statistics: inout PairStatistics,
        admitFrom: Int
    ) {
        let layout = layout
        let n = tile.columns.count
        let bins = layout.bins
        let cells = layout.cells
        let scale = Float(bins) / (layout.keyUpper - layout.keyLower)
        let lower = layout.keyLower
        let top = Float(bins - 1)
        let tailBin = max(statistics.tailBin, admitFrom)
        let euclidean = matrix.metric == .euclideanDistance
        let runs = columns.runs
        if workspace.rowBins.count < n {
            workspace.rowBins = [Int32](repeating: 0, count: n)
            workspace.rare = [Int32](repeating: 0, count: n)
        }
        var mated = statistics.mated
        var tail = statistics.tail
        statistics.mated = []
        statistics.tail = []
        statistics.nonMated.withUnsafeMutableBufferPointer { histogram in
            workspace.buffer.withUnsafeBufferPointer { keys in
                columns.subject.withUnsafeBufferPointer { columnSubject in
                    columns.norm.withUnsafeBufferPointer { columnNorm in
                        columns.image.withUnsafeBufferPointer { columnImage in
                            workspace.rowBins.withUnsafeMutableBufferPointer { rowBins in
                                workspace.rare.withUnsafeMutableBufferPointer { rare in
                                    for r in rows {
                                        let row = tile.rows.lowerBound + r
                                        let image = matrix.image[row]
                                        let first = tile.isDiagonal ? r + 1 : 0
                                        let cellRow = Int(cellOfImage[Int(image)]) * cells
                                        for run in runs where run.columns.upperBound > first {
                                            Self.streamRow(
                                                keys: keys.baseAddress! + (r - rows.lowerBound) * n,
                                                columns: max(first, run.columns.lowerBound)..<run.columns.upperBound,
                                                image: image, subject: subjectOfImage[Int(image)],
                                                rowNorm: euclidean ? matrix.squaredNorms[row] : 0, columnNorm: columnNorm.baseAddress!,
                                                columnSubject: columnSubject.baseAddress!, columnImage: columnImage.baseAddress!,
                                                histogram: histogram.baseAddress! + pairOffset[cellRow + run.cell],
                                                binning: (lower, scale, top), tailBin: tailBin, rowBins: rowBins.baseAddress!,
                                                rare: rare.baseAddress!, mated: &mated, tail: &tail)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        statistics.mated = mated
        statistics.tail = tail
    }

    /// The pairs of one run of a tile row (columns of one cell; `histogram` is that cell pair's): a
    /// free function over raw pointers and `inout` lists, so the hot loop touches no captured (boxed,
    /// access-checked) variable. `fa_bin_row` (C, in `Sources/CPairScores`, built for AVX-512F or AVX2
    /// where the CPU has them, ``VectorBuild``) bins and counts every non-mated column, computing each bin as
    /// ``StatisticsLayout/bin(_:lower:scale:top:)`` does, and lists the rare columns (mated, or at or
    /// above the tail bin); those are then kept here, in column order.
    @inline(__always)
    private static func streamRow(
        keys: UnsafePointer<Float>, columns: Range<Int>, image: Int32, subject: Int32, rowNorm: Float, columnNorm: UnsafePointer<Float>,
        columnSubject: UnsafePointer<Int32>, columnImage: UnsafePointer<Int32>, histogram: UnsafeMutablePointer<Int>,
        binning: (lower: Float, scale: Float, top: Float), tailBin: Int,
        rowBins: UnsafeMutablePointer<Int32>, rare: UnsafeMutablePointer<Int32>, mated: inout [ScoredPair], tail: inout [ScoredPair]
    ) {
        let rareCount = histogram.withMemoryRebound(to: Int64.self, capacity: Int(binning.top) + 1) { counts in
            fa_bin_row(
                VectorBuild.current, keys, columns.lowerBound, columns.upperBound, rowNorm, columnNorm, columnSubject, subject,
                binning.lower, binning.scale, binning.top, Int32(clamping: tailBin), counts, rowBins, rare)
        }
        for k in 0..<rareCount {
            let c = Int(rare[k])
            let other = columnImage[c]
            let pair = ScoredPair(first: min(image, other), second: max(image, other), key: keys[c] - (rowNorm + columnNorm[c]))
            if rowBins[c] == Int32.max {
                mated.append(pair)
            } else {
                tail.append(pair)
            }
        }
    }
}
/// The pairs each thread of ``AllPairsEngine/collect(bins:threads:)`` found.
private final class PairList: @unchecked Sendable {
    private(set) var pairs: [ScoredPair] = []
    private let lock = NSLock()

    func append(_ more: [ScoredPair]) { lock.withLock { pairs += more } }

    /// The pairs, handed over (the list keeps no reference to them, so they can be sorted in place).
    func take() -> [ScoredPair] {
        lock.withLock {
            defer { pairs = [] }
            return pairs
        }
    }
}

/// Hands out tiles to the engine's threads and collects what each thread accumulated.
private final class TileQueue: @unchecked Sendable {
    private let tiles: [Int]
    private var position = 0
    private var parts: [(PairStatistics, AllPairsEngine.Timing)] = []
    private var tailBin = 0
    private let lock = NSLock()

    init(_ tiles: [Int]) { self.tiles = tiles }

    /// The next tile to compute, or nil when all are taken.
    func next() -> Int? {
        lock.withLock {
            guard position < tiles.count else { return nil }
            defer { position += 1 }
            return tiles[position]
        }
    }

    /// Records that a thread's tail bin reached `bin`; returns the highest any thread has reached.
    func raise(tailBin bin: Int) -> Int {
        lock.withLock {
            tailBin = max(tailBin, bin)
            return tailBin
        }
    }

    /// Every thread's statistics, handed over (the queue keeps no reference to them).
    func takeParts() -> [(PairStatistics, AllPairsEngine.Timing)] {
        lock.withLock {
            defer { parts = [] }
            return parts
        }
    }

    /// Hands in one thread's statistics.
    func finish(_ statistics: PairStatistics, _ timing: AllPairsEngine.Timing) {
        lock.withLock { parts.append((statistics, timing)) }
    }
}
