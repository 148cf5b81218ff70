/// The fixed grid of tiles over the upper triangle of the all-pairs matrix, and its split into shards.
///
/// The grid depends only on the number of rows and the tile size, never on the number of shards or
/// threads: every pair is computed by the same `BLAS.gemm` call of the same shape whichever process
/// computes it, so sharded and single-process runs produce the same bits. (On FaceAudit's own kernels a
/// pair's score does not even depend on the shape; a BLAS may cut different shapes differently.)
public struct TileGrid: Sendable, Hashable, Codable {
    /// One tile: rows `rows` against columns `columns` (only pairs above the diagonal count).
    public struct Tile: Sendable, Hashable, Codable {
        /// Row range.
        public let rows: Range<Int>
        /// Column range.
        public let columns: Range<Int>

        /// Whether the tile lies on the diagonal (then only column > row pairs count).
        public var isDiagonal: Bool { rows == columns }

        /// Number of distinct pairs in the tile.
        public var pairCount: Int {
            isDiagonal ? rows.count * (rows.count - 1) / 2 : rows.count * columns.count
        }
    }

    /// Rows (templates).
    public let rows: Int
    /// Tile edge length.
    public let tileSize: Int

    /// Creates the grid.
    public init(rows: Int, tileSize: Int = 1024) {
        self.rows = rows
        self.tileSize = max(1, tileSize)
    }

    /// Every tile, row block by row block, in a fixed order.
    public var tiles: [Tile] {
        let blocks = stride(from: 0, to: rows, by: tileSize).map { $0..<min($0 + tileSize, rows) }
        var tiles: [Tile] = []
        for (a, rowBlock) in blocks.enumerated() {
            for columnBlock in blocks[a...] { tiles.append(Tile(rows: rowBlock, columns: columnBlock)) }
        }
        return tiles
    }

    /// Number of tiles, `b·(b+1)/2` for `b = ⌈rows / tileSize⌉` row blocks: `tiles.count` without
    /// building the list.
    public var tileCount: Int {
        let blocks = rows <= 0 ? 0 : (rows - 1) / tileSize + 1
        return blocks * (blocks + 1) / 2
    }

    /// The tile at `index` of ``tiles`` (which must lie in `0..<tileCount`), found in O(log blocks)
    /// without building the list.
    public func tile(at index: Int) -> Tile {
        precondition((0..<tileCount).contains(index), "tile \(index) of \(tileCount)")
        let blocks = (rows - 1) / tileSize + 1
        // Row block a starts at index a·blocks − a·(a−1)/2; find the last start ≤ index.
        func start(_ a: Int) -> Int { a * blocks - a * (a - 1) / 2 }
        var low = 0, high = blocks - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if start(middle) <= index { low = middle } else { high = middle - 1 }
        }
        let column = low + (index - start(low))
        func block(_ b: Int) -> Range<Int> { (b * tileSize)..<min((b + 1) * tileSize, rows) }
        return Tile(rows: block(low), columns: block(column))
    }

    /// The tiles of shard `index` of `count`: a contiguous run of ``tiles`` holding about 1/count of
    /// the pairs. Every tile belongs to exactly one shard.
    public func tiles(shard index: Int, of count: Int) -> ArraySlice<Tile> {
        let all = tiles
        let total = all.reduce(0) { $0 + $1.pairCount }
        // Shard k takes the tiles whose pair-count midpoint falls in [k, k+1)·total/count.
        var start = all.endIndex, end = all.endIndex
        var before = 0
        for (t, tile) in all.enumerated() {
            let middle = 2 * before + tile.pairCount  // twice the midpoint, to stay in integers
            let owner = total == 0 ? 0 : min(count - 1, middle * count / (2 * total))
            if owner == index && start == all.endIndex { start = t }
            if owner > index && end == all.endIndex { end = t }
            before += tile.pairCount
        }
        if start == all.endIndex { return all[all.endIndex...] }
        return all[start..<max(start, end)]
    }

    /// The images shard `index` of `count` extracts templates for: a contiguous range.
    public static func images(shard index: Int, of count: Int, total: Int) -> Range<Int> {
        (total * index / count)..<(total * (index + 1) / count)
    }
}
