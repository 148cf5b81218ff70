import FaceAuditScoring

/// Everything two partial statistics must share before they can be added: the metric, the histogram
/// bins, the cells and which histogram each pair of cells counts in, the tail size, how the keys were
/// computed and the fingerprint of the run they belong to.
public struct StatisticsLayout: Sendable, Hashable, Codable {
    /// The metric of the keys.
    public var metric: PairMetric
    /// Bins of each histogram.
    public var bins: Int
    /// Lower edge of the first bin, as a key.
    public var keyLower: Float
    /// Upper edge of the last bin, as a key. Keys outside are counted in the first or last bin.
    public var keyUpper: Float
    /// Number of cells: every image belongs to one (the finest combination of its cohort labels).
    public var cells: Int
    /// Number of histograms.
    public var histograms: Int
    /// The histogram of every unordered cell pair, at ``cellPair(_:_:)``. Pairs of cells that no
    /// labeling can tell apart share one (``histogramClasses(valuesOfCell:)``): one per cell pair
    /// needed `cells²/2` histograms of 128 KB, 65 GB for the 1,000 cells of 2 genders × 100
    /// ethnicities × 5 age bands, where 1,818 suffice.
    public var histogramOfCellPair: [Int32]
    /// How many of the most similar non-mated pairs are kept exactly (at least).
    public var tailCapacity: Int
    /// Tile edge of the grid the pairs were computed in.
    public var tileSize: Int
    /// Templates in the matrix.
    public var rows: Int
    /// Images in the manifest.
    public var images: Int
    /// Identifies the run: dataset, pipeline, templates; set by the caller.
    public var fingerprint: String
    /// How the keys are computed, when not by single-precision products: ``AllPairsEngine/tileKeys``
    /// for AMX tiles (``AllPairsEngine/keys(for:matrix:)`` decides). Empty for single precision, whose
    /// bits are the same on every CPU with the own kernels; the tiles' may not be, so partial results
    /// whose keys differ are not added, and a merge recomputes keys only where they are the shards'.
    public var keys = ""

    /// ``keys`` in words: "single precision" when empty.
    public var keysDescription: String { keys.isEmpty ? "single precision" : keys }

    /// Creates a layout. `histogramOfCellPair`: the histogram of each unordered cell pair (see
    /// ``histogramOfCellPair``), numbered from 0 with none left out; nil gives every cell pair its own.
    public init(
        metric: PairMetric, bins: Int, keyDomain: ClosedRange<Float>, cells: Int, histogramOfCellPair: [Int32]? = nil,
        tailCapacity: Int, tileSize: Int, rows: Int, images: Int, fingerprint: String
    ) {
        self.metric = metric
        self.bins = bins
        self.keyLower = keyDomain.lowerBound
        self.keyUpper = keyDomain.upperBound
        self.cells = cells
        let pairs = cells * (cells + 1) / 2
        let classes = histogramOfCellPair ?? (0..<pairs).map { Int32($0) }
        precondition(classes.count == pairs, "one histogram per cell pair")
        self.histogramOfCellPair = classes
        self.histograms = Int(classes.max() ?? -1) + 1
        self.tailCapacity = tailCapacity
        self.tileSize = tileSize
        self.rows = rows
        self.images = images
        self.fingerprint = fingerprint
    }

    private enum CodingKeys: String, CodingKey {
        case metric, bins, keyLower, keyUpper, cells, histograms, histogramOfCellPair, tailCapacity, tileSize, rows, images
        case fingerprint, keys
    }

    /// Decodes a layout; one written before ``keys`` existed has single-precision keys.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metric = try c.decode(PairMetric.self, forKey: .metric)
        bins = try c.decode(Int.self, forKey: .bins)
        keyLower = try c.decode(Float.self, forKey: .keyLower)
        keyUpper = try c.decode(Float.self, forKey: .keyUpper)
        cells = try c.decode(Int.self, forKey: .cells)
        histograms = try c.decode(Int.self, forKey: .histograms)
        histogramOfCellPair = try c.decode([Int32].self, forKey: .histogramOfCellPair)
        tailCapacity = try c.decode(Int.self, forKey: .tailCapacity)
        tileSize = try c.decode(Int.self, forKey: .tileSize)
        rows = try c.decode(Int.self, forKey: .rows)
        images = try c.decode(Int.self, forKey: .images)
        fingerprint = try c.decode(String.self, forKey: .fingerprint)
        keys = try c.decodeIfPresent(String.self, forKey: .keys) ?? ""
    }

    /// Number of unordered cell pairs (a ≤ b).
    public var cellPairs: Int { cells * (cells + 1) / 2 }

    /// Counts in all histograms: ``histograms`` × ``bins``.
    public var histogramEntries: Int { histograms * bins }

    /// The histogram pairs of cells a and b count in.
    @inlinable
    public func histogram(_ a: Int, _ b: Int) -> Int { Int(histogramOfCellPair[cellPair(a, b)]) }

    /// One cell pair of every histogram (the first in ``cellPair(_:_:)`` order): all the pairs of a
    /// histogram look the same to every labeling, so one of them stands for it.
    public var representatives: [(Int, Int)] {
        var found = [(Int, Int)?](repeating: nil, count: histograms)
        for x in 0..<cells {
            for y in x..<cells where found[histogram(x, y)] == nil { found[histogram(x, y)] = (x, y) }
        }
        return found.map { $0 ?? (0, 0) }
    }

    /// Histograms for cells described by their values, one list per cell with one value per
    /// dimension (the same dimensions, in the same order, for every cell; distinct cells differ in at
    /// least one value): the histogram of every unordered cell pair, numbered from 0 in
    /// ``cellPair(_:_:)`` order of first use.
    ///
    /// Two cell pairs share a histogram exactly when, dimension by dimension, they agree in whether
    /// their two cells have the same value and, where they do, in that value. Every labeling by a set
    /// of the dimensions then puts a whole histogram's pairs in one cohort (both cells have the same
    /// values on the set) or in none, so cohorts' histograms are sums of whole histograms. There are
    /// at most ∏(values of a dimension + 1) of them, and never more than the cell pairs.
    public static func histogramClasses(valuesOfCell: [[Int32]]) -> [Int32] {
        let cells = valuesOfCell.count
        var classOf: [[Int32]: Int32] = [:]
        var classes = [Int32](repeating: 0, count: cells * (cells + 1) / 2)
        var key = [Int32](repeating: 0, count: valuesOfCell.first?.count ?? 0)
        var k = 0
        for x in 0..<cells {
            for y in x..<cells {
                for d in key.indices { key[d] = valuesOfCell[x][d] == valuesOfCell[y][d] ? valuesOfCell[x][d] : -1 }
                if let c = classOf[key] {
                    classes[k] = c
                } else {
                    let c = Int32(classOf.count)
                    classOf[key] = c
                    classes[k] = c
                }
                k += 1
            }
        }
        return classes
    }

    /// Index of the unordered cell pair {a, b}.
    @inlinable
    public func cellPair(_ a: Int, _ b: Int) -> Int {
        let (x, y) = a <= b ? (a, b) : (b, a)
        return x * cells - x * (x - 1) / 2 + (y - x)
    }

    /// The bin of a key.
    @inlinable
    public func bin(of key: Float) -> Int {
        Self.bin(key, lower: keyLower, scale: Float(bins) / (keyUpper - keyLower), top: Float(bins - 1))
    }

    /// The bin of a key: `(key − lower) · scale`, clamped to `0…top` and rounded to the nearest
    /// integer by the 2²³ trick, which vectorises (a checked `Int(Float)` conversion does not). The
    /// engine and ``bin(of:)`` both call this, so a pair's bin never depends on who computes it.
    @inlinable @inline(__always)
    public static func bin(_ key: Float, lower: Float, scale: Float, top: Float) -> Int {
        let t = Swift.min(Swift.max((key - lower) * scale, 0), top)
        return Int((t + 8_388_608).bitPattern & 0x7F_FFFF)
    }

    /// The lowest key whose ``bin(of:)`` is at least `bin`: −∞ for bin 0 or below (every key), +∞ past
    /// the last bin (no key). ``bin(of:)`` never falls as the key rises (a subtraction, a multiplication
    /// by a positive scale, clamping and rounding each keep the order), so for every finite key (every
    /// key a run bins), `bin(of: key) >= bin` exactly when `key >= lowestKey(inBinAtLeast: bin)`: filtering pairs
    /// by that comparison keeps the same pairs as binning each of them. A binary search over the floats
    /// in their order (32 steps), not arithmetic on the bin width: keys are rounded to the nearest bin,
    /// and a threshold computed from edges could be off by an ulp.
    public func lowestKey(inBinAtLeast bin: Int) -> Float {
        guard bin > 0 else { return -.infinity }
        guard bin < bins else { return .infinity }
        // Floats as integers in their order: −∞ … −0 ↦ −2139095040 … 0, +0 … +∞ ↦ 0 … 2139095040.
        func float(_ order: Int64) -> Float {
            order >= 0 ? Float(bitPattern: UInt32(order)) : Float(bitPattern: UInt32(-order) | 0x8000_0000)
        }
        var (below, atLeast) = (-Int64(Float.infinity.bitPattern), Int64(Float.infinity.bitPattern))
        // bin(of: −∞) is 0 < bin and bin(of: +∞) the last bin ≥ bin.
        while atLeast - below > 1 {
            let middle = below + (atLeast - below) / 2
            if self.bin(of: float(middle)) >= bin { atLeast = middle } else { below = middle }
        }
        return float(atLeast)
    }

    /// The key at the lower edge of `bin`.
    public func lowerEdge(of bin: Int) -> Float {
        keyLower + Float(bin) * ((keyUpper - keyLower) / Float(bins))
    }
}
