import FaceAuditAllPairs
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditHashing
import FaceAuditScoring
import FaceAuditTemplates
import Foundation

/// The all-pairs comparison of a run on the tiled engine: which cell every image belongs to, the
/// engine's settings, and the way back from its statistics to the pairs the analysis reads.
public struct PairComparison: Sendable {
    /// Above this many non-mated pairs a run does not keep every pair: it keeps the most similar ones
    /// exactly and counts the rest in histograms (``StreamedPairs``). The run's default,
    /// ``RunConfiguration/defaultExactPairLimit``, where its memory is measured.
    public static let exactPairLimit = RunConfiguration.defaultExactPairLimit

    /// The share of extra non-mated pairs kept beyond the largest target FMR's, so that every global
    /// threshold lies inside the exact region even when the bin at its edge is full.
    public static let tailMargin = 0.1

    /// The engine, ready to run any shard.
    public let engine: AllPairsEngine

    /// The most cells (combinations of every cohort label) a comparison separates: the engine keeps a
    /// table of `cells²` histogram offsets, and numbering the histograms reads every cell pair.
    public static let cellLimit = 4_096

    /// The most memory the histograms of one set of statistics may take. A run holds one set per
    /// thread and two more: at the default 16,384 bins, 512 MiB is 4,096 histograms.
    public static let histogramByteLimit = 512 << 20

    /// Prepares the comparison of `templates` (one per record of `manifest`).
    /// - Parameters:
    ///   - scheme: the run's cohorts; an image's cell is the combination of all its cohort labels.
    ///   - tileSize: tile edge of the grid (fixed for a run: shards must agree on it).
    ///   - bins: bins of each histogram, when the run does not keep every pair (one when it does).
    ///   - targets: the run's target FMRs; above `exactPairLimit` non-mated pairs, enough of the most
    ///     similar pairs are kept exactly for the largest of them.
    ///   - exactPairLimit: up to this many non-mated pairs, every pair is kept.
    /// - Throws: ``RunError`` (data error) when templates cannot be compared.
    public init(
        manifest: Manifest, templates: [EmbeddingResult], comparison: PairMetric, scheme: CohortScheme, tileSize: Int = 1024,
        bins: Int = 16_384, targets: [Double] = [1e-2, 1e-3, 1e-4], exactPairLimit: Int = Self.exactPairLimit
    ) throws(RunError) {
        let metric = comparison
        let (cellKeys, cellNames, cells) = Self.cells(manifest: manifest, scheme: scheme)
        let dimensionNames = scheme.dimensions.map(\.rawValue).joined(separator: ", ")
        guard cellNames.count <= Self.cellLimit else {
            throw RunError(
                .usage,
                "the labels of \(dimensionNames) combine into \(cellNames.count) groups of images, more than the \(Self.cellLimit) "
                    + "one comparison can keep apart; leave a dimension out with --dimensions, or group rare labels together")
        }
        let matrix: TemplateMatrix
        do { matrix = try TemplateMatrix(templates: templates.map(\.template), metric: metric, groups: cells) } catch {
            throw RunError(.dataError, "\(error)")
        }
        let (subjects, subjectCount) = manifest.subjectNumbers
        var perSubject = [Int](repeating: 0, count: subjectCount)
        for i in matrix.image { perSubject[Int(subjects[Int(i)])] += 1 }
        let nonMated = matrix.rows * (matrix.rows - 1) / 2 - perSubject.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        var capacity = Int.max
        if nonMated > exactPairLimit {
            let largest = min(1, max(0, targets.max() ?? 0))
            capacity = min(nonMated, Int((largest * Double(nonMated) * (1 + Self.tailMargin)).rounded(.up)) + 1_000)
        }
        // A run that keeps every pair reads no histogram: one bin each, and every pair is in the tail.
        let bins = capacity == .max ? 1 : bins
        let histograms = StatisticsLayout.histogramClasses(valuesOfCell: Self.values(ofCells: cells, manifest: manifest, scheme: scheme))
        let histogramCount = Int(histograms.max() ?? -1) + 1
        let fitting = Self.histogramByteLimit / (bins * MemoryLayout<Int>.size)
        guard histogramCount <= fitting else {
            throw RunError(
                .usage,
                "the labels of \(dimensionNames) combine into \(cellNames.count) groups of images, whose pairs need \(histogramCount) "
                    + "score histograms, more than the \(fitting) that fit in \(Self.histogramByteLimit >> 20) MiB; leave a dimension "
                    + "out with --dimensions, or group rare labels together")
        }
        var layout = StatisticsLayout(
            metric: metric, bins: bins, keyDomain: matrix.keyDomain, cells: cellNames.count, histogramOfCellPair: histograms,
            tailCapacity: capacity, tileSize: tileSize,
            rows: matrix.rows, images: templates.count,
            fingerprint: Self.fingerprint(manifest: manifest, templates: templates, comparison: comparison, cells: cellKeys))
        layout.keys = AllPairsEngine.keys(for: layout, matrix: matrix)
        engine = AllPairsEngine(
            matrix: matrix, cellOfImage: cells, subjectOfImage: subjects, layout: layout)
    }

    /// Every image's cell (the combination of all its cohort labels): the keys, the sorted cell names
    /// and each image's index among them.
    static func cells(manifest: Manifest, scheme: CohortScheme) -> (keys: [String], names: [String], cells: [Int32]) {
        // Each distinct key spelled and looked up once (a run has a few cells over thousands of images;
        // spelling every image's key took 1.5% of a 20,000-template run), each image given its key's.
        // A record with its predecessor's labels takes its key without building one (images of one person
        // are usually listed together): 0.9% of a 20,000-template run went into keys and their hashes.
        var distinct: [CohortKey: Int] = [:]
        var spellings: [String] = []
        var previous: (labels: Labels, key: Int)?
        let keyOfImage = manifest.records.map { record in
            if let previous, previous.labels == record.labels { return previous.key }
            let key = scheme.key(scheme.dimensions, of: record.labels)
            let k: Int
            if let known = distinct[key] {
                k = known
            } else {
                k = spellings.count
                distinct[key] = k
                spellings.append(key.description)
            }
            previous = (record.labels, k)
            return k
        }
        let names = Array(Set(spellings)).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
        let cellOfKey = spellings.map { index[$0]! }
        return (keyOfImage.map { spellings[$0] }, names, keyOfImage.map { cellOfKey[$0] })
    }

    /// Every cell's value of each of the scheme's dimensions, numbered per dimension (for
    /// ``StatisticsLayout/histogramClasses(valuesOfCell:)``).
    static func values(ofCells cells: [Int32], manifest: Manifest, scheme: CohortScheme) -> [[Int32]] {
        let count = Int(cells.max() ?? -1) + 1
        var values = [[Int32]](repeating: [], count: count)
        var numbers = [[String: Int32]](repeating: [:], count: scheme.dimensions.count)
        for (i, cell) in cells.enumerated() where values[Int(cell)].isEmpty {
            values[Int(cell)] = scheme.dimensions.enumerated().map { d, dimension in
                let value = scheme.value(dimension, of: manifest.records[i].labels)
                if let n = numbers[d][value] { return n }
                let n = Int32(numbers[d].count)
                numbers[d][value] = n
                return n
            }
        }
        return values
    }

    /// Identifies what a run compares: every image's path, subject, cell and template, and the metric.
    /// Shards of one run have equal fingerprints; partial results with different ones cannot be merged.
    static func fingerprint(manifest: Manifest, templates: [EmbeddingResult], comparison: PairMetric, cells: [String]) -> String {
        // The bytes hashed in pieces of about 64 KiB as they are written, the same bytes in the same order
        // (so the same fingerprint) as one array of them all: that array was 10 MB of fresh pages at 20,000
        // templates. A `Data` per record and `Data` appends had taken 1% of such a run.
        var hasher = SHA256Hasher()
        var bytes = Array("faceaudit-pairs-1\n\(comparison.rawValue)\n".utf8)
        let piece = 1 << 16
        bytes.reserveCapacity(2 * piece)
        for (i, record) in manifest.records.enumerated() {
            // "path\nsubject\ncell\n", each part's bytes appended as they are (no string built per record).
            bytes.append(contentsOf: record.path.utf8)
            bytes.append(0x0A)
            bytes.append(contentsOf: record.subject.rawValue.utf8)
            bytes.append(0x0A)
            bytes.append(contentsOf: cells[i].utf8)
            bytes.append(0x0A)
            switch templates[i] {
            case .template(let t): t.withUnsafeBytes { bytes.append(contentsOf: $0) }
            case .failure(let reason): bytes.append(contentsOf: "failure: \(reason.category)".utf8)
            }
            bytes.append(0x0A)
            if bytes.count >= piece {
                bytes.withUnsafeBytes { hasher.update($0) }
                bytes.removeAll(keepingCapacity: true)
            }
        }
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize().hex
    }

    /// The pairs of complete statistics in the order ``AllPairs`` uses, with NaN for every pair that
    /// involves an image without a template.
    ///
    /// The engine's single-precision keys chose the pairs; their scores are recomputed here from the
    /// templates in double precision, as ``PairMetric/score(_:_:)`` computes them, so that a score never carries the
    /// rounding of ‖a‖² + ‖b‖² − 2a·b (about 1e-5 for close Euclidean pairs).
    /// - Throws: ``RunError`` (data error) when the statistics are not complete or do not belong to `manifest`.
    public static func pairs(
        _ statistics: PairStatistics, manifest: Manifest, templates: [EmbeddingResult], comparison: PairMetric
    ) throws(RunError) -> AllPairs {
        let n = manifest.records.count
        guard statistics.layout.images == n, templates.count == n else {
            throw RunError(.dataError, "the comparison statistics cover \(statistics.layout.images) images; the dataset has \(n)")
        }
        let grid = TileGrid(rows: statistics.layout.rows, tileSize: statistics.layout.tileSize)
        guard statistics.isComplete, statistics.tiles == Array(grid.tiles.indices) else {
            throw RunError(
                .dataError,
                "the comparison statistics are incomplete: \(statistics.tiles.count) of \(grid.tiles.count) tiles, "
                    + "\(statistics.tail.count) of \(statistics.nonMatedCount) non-mated pairs kept")
        }
        let pairs = statistics.mated + statistics.tail
        let exact = try PairScorer(metric: comparison, templates: templates.map(\.template)).scores(pairs)
        var scores = [Double](repeating: .nan, count: n * (n - 1) / 2)
        for (p, score) in zip(pairs, exact) {
            let i = Int(p.first), j = Int(p.second)
            scores[i * n - i * (i + 1) / 2 + (j - i - 1)] = score
        }
        return AllPairs(manifest: manifest) { i, j in scores[i * n - i * (i + 1) / 2 + (j - i - 1)] }
    }
}

extension PairScorer {
    /// The scores of `pairs`, in order, as ``PairMetric/score(_:_:)`` gives them.
    /// - Throws: ``RunError`` (data error) when an image of a pair has no template.
    func scores(_ pairs: [ScoredPair]) throws(RunError) -> [Double] {
        // Read in place: copying the two index fields out took 8 bytes a pair (110 MB for the 13.75 million
        // kept pairs of 50,000 templates), on top of the pairs and their scores.
        // Both fields are stored Int32s of a struct of 4-byte fields, so their offsets exist and the
        // records' stride is a whole number of Int32s.
        guard !pairs.isEmpty else { return [] }
        let first = MemoryLayout<ScoredPair>.offset(of: \.first)!
        let second = MemoryLayout<ScoredPair>.offset(of: \.second)!
        let stride = MemoryLayout<ScoredPair>.stride / MemoryLayout<Int32>.stride
        let missing = pairs.withUnsafeBytes { raw in
            firstPairWithoutTemplate(
                first: (raw.baseAddress! + first).assumingMemoryBound(to: Int32.self),
                second: (raw.baseAddress! + second).assumingMemoryBound(to: Int32.self), stride: stride, count: pairs.count)
        }
        if let k = missing {
            throw RunError(
                .dataError, "the comparison statistics score image \(pairs[k].first) or \(pairs[k].second), which has no template")
        }
        return pairs.withUnsafeBytes { raw in
            scores(
                first: (raw.baseAddress! + first).assumingMemoryBound(to: Int32.self),
                second: (raw.baseAddress! + second).assumingMemoryBound(to: Int32.self), stride: stride, count: pairs.count)
        }
    }
}
