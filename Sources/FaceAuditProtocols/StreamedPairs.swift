import FaceAuditAllPairs
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditScoring
import FaceAuditTemplates

/// The pairs of statistics that do not keep every non-mated pair, scored once and then labeled with
/// the cohorts of each dimension set (as ``AllPairs`` is for runs that keep every pair).
///
/// Mated and kept pairs are rescored exactly from their templates. A kept pair is *exact* when its
/// rescored similarity lies at least one bin above every pair that was not kept (keys carry
/// single-precision rounding, about 1e-5, far less than a bin); kept pairs below that line are counted
/// with the bins.
public struct StreamedPairs: Sendable {
    /// The set-independent part of every labeling: samples, mated pairs, exact pairs, bin edges.
    let base: StreamedComparisons
    /// Kept pairs below the exact region, counted in the top bin.
    let belowProbe: [Int32]
    /// See ``belowProbe``.
    let belowReference: [Int32]
    /// The similarities of ``belowProbe``'s pairs.
    let belowScores: [Double]
    /// The statistics' histograms and layout.
    let statistics: PairStatistics
    /// One pair of cells of each histogram (``StatisticsLayout/representatives``).
    let representatives: [(Int, Int)]
    /// The cell of every image.
    let imageCells: [Int32]
    /// The dataset.
    let manifest: Manifest
    /// The run's cohorts.
    let scheme: CohortScheme
    /// The overall scores, the same for every labeling (see ``StreamedComparisons/overallScores``).
    private var overall: BinnedScores?
    /// Everyone's bootstrap tallies, the same for every labeling (see ``StreamedComparisons/overallTallies``).
    public var overallTallies: [Double: SubjectBootstrap.Tally] = [:]
    /// Everyone's partner counts, the same for every labeling (see ``StreamedComparisons/overallPartners``).
    public var overallPartners: [Double: PartnerCounts.Overall] = [:]

    /// Scores the mated and kept pairs of `statistics`.
    /// - Throws: ``RunError`` (data error) when the statistics do not belong to `manifest`.
    ///
    /// Takes `statistics` so that its kept non-mated pairs (the tail), once scored, are freed (pass it
    /// with `consume`); its histograms, layout, mated pairs and tiles stay. `cells`: every image's cell,
    /// when the engine that computed the statistics is at hand (its ``AllPairsEngine/cellOfImage``, the
    /// same as ``PairComparison/cells(manifest:scheme:)`` gives); else they are computed here.
    public init(
        _ statistics: consuming PairStatistics, manifest: Manifest, templates: [EmbeddingResult], comparison: PairMetric,
        scheme: CohortScheme, cells: [Int32]? = nil
    ) throws(RunError) {
        let layout = statistics.layout
        let n = manifest.records.count
        guard layout.images == n, templates.count == n else {
            throw RunError(.dataError, "the comparison statistics cover \(layout.images) images; the dataset has \(n)")
        }
        let grid = TileGrid(rows: layout.rows, tileSize: layout.tileSize)
        guard statistics.tiles == Array(grid.tiles.indices) else {
            throw RunError(.dataError, "the comparison statistics are incomplete: \(statistics.tiles.count) of \(grid.tiles.count) tiles")
        }
        imageCells = cells ?? PairComparison.cells(manifest: manifest, scheme: scheme).cells
        guard imageCells.count == n else {
            throw RunError(.dataError, "the comparison's cells cover \(imageCells.count) images; the dataset has \(n)")
        }
        guard imageCells.allSatisfy({ $0 < layout.cells }) else { throw RunError(.dataError, "the comparison statistics have other cells") }
        let polarity = comparison.polarity
        let vectors = templates.map(\.template)
        // Templates stored as the pass's rows are (by cell, stably: ``TemplateMatrix``), so that the kept
        // pairs of one tile, scored in the order the tiles gave them, read one tile's worth of templates,
        // near one another, where image order scattered them over the whole set.
        let scorer = PairScorer(metric: comparison, templates: vectors, rowOrder: TemplateMatrix.rowOrder(groups: imageCells))
        var data = StreamedComparisons()
        (data.sampleSubject, data.subjectCount) = manifest.subjectNumbers
        data.sampleCompleted = vectors.map { $0 != nil }

        // Every mated pair, in image-pair order (the order pair-only cohorts are named in).
        var scored: [UInt64: Double] = [:]
        for (p, score) in zip(statistics.mated, try scorer.scores(statistics.mated)) {
            scored[UInt64(p.first) << 32 | UInt64(p.second)] = polarity.similarity(score)
        }
        // Each subject's images in ascending order (a counting sort by subject number), so that image i's
        // pairs with its subject's later images come out in image-pair order as i ascends: no grouping
        // into a dictionary of arrays and no sort (6 ms of a 20,000-template run).
        var subjectStart = [Int](repeating: 0, count: data.subjectCount + 1)
        for s in data.sampleSubject { subjectStart[Int(s) + 1] += 1 }
        for s in 0..<data.subjectCount { subjectStart[s + 1] += subjectStart[s] }
        var imagesBySubject = [Int](repeating: 0, count: n)
        var place = [Int](repeating: 0, count: n)
        do {
            var next = subjectStart
            for i in 0..<n {
                let s = Int(data.sampleSubject[i])
                imagesBySubject[next[s]] = i
                place[i] = next[s]
                next[s] += 1
            }
        }
        var matedProbe: [Int32] = []
        var matedReference: [Int32] = []
        for i in 0..<n {
            let end = subjectStart[Int(data.sampleSubject[i]) + 1]
            for at in (place[i] + 1)..<end {
                matedProbe.append(Int32(i))
                matedReference.append(Int32(imagesBySubject[at]))
            }
        }
        data.matedScores = zip(matedProbe, matedReference).map { scored[UInt64($0) << 32 | UInt64($1)] ?? .nan }
        data.matedProbe = matedProbe
        data.matedReference = matedReference

        // The exact region starts one bin above the highest key a pair outside the tail can have.
        let width = (Double(layout.keyUpper) - Double(layout.keyLower)) / Double(layout.bins)
        func similarity(key: Double) -> Double { comparison.isDistance ? -max(0, -key).squareRoot() : key }
        data.exactFrom = similarity(key: Double(layout.keyLower) + (Double(statistics.tailBin) + 0.5) * width)
        data.binEdges =
            (0...statistics.tailBin).map { similarity(key: Double(layout.keyLower) + (Double($0) - 0.5) * width) } + [data.exactFrom]
        // The kept pairs' scores become the exact list's in place (the exact ones moved to the front), and
        // their samples are packed straight into the keys the sort carries: no separate probe, reference
        // and score arrays (16 bytes a pair: at 50,000 templates, 220 MB of fresh pages on top of the
        // pairs and their scores).
        var exactScores = try scorer.scores(statistics.tail)
        let exactFrom = data.exactFrom
        let exactCount = exactScores.count { polarity.similarity($0) >= exactFrom }
        var belowProbe: [Int32] = []
        var belowReference: [Int32] = []
        var belowScores: [Double] = []
        /// The exact pairs, each packed by `pack`, their scores moved to the front of `exactScores`.
        func exactPairs<Pair: BitwiseCopyable>(_ exactScores: inout [Double], _ pack: (Int32, Int32) -> Pair) -> [Pair] {
            [Pair](unsafeUninitializedCapacity: exactCount) { exactPairs, count in
                statistics.tail.withUnsafeBufferPointer { tail in
                    exactScores.withUnsafeMutableBufferPointer { scores in
                        for k in tail.indices {
                            let s = polarity.similarity(scores[k])
                            if s >= exactFrom {
                                scores[count] = s
                                exactPairs.initializeElement(at: count, to: pack(tail[k].first, tail[k].second))
                                count += 1
                            } else {
                                belowProbe.append(tail[k].first)
                                belowReference.append(tail[k].second)
                                belowScores.append(s)
                            }
                        }
                    }
                }
            }
        }
        // Ascending by similarity, ties by pair, once: every cohort's share, taken in this order, is then
        // already sorted, so no dimension set sorts its cohorts' exact scores again. The tail may come in
        // any order (a single run's, as its tiles gave it, scored where their templates are still near
        // one another; merged shards', by pair): this order does not depend on it. Up to 65,536 images
        // (every sample index below 2¹⁶), each pair is packed in 4 bytes as it is written.
        if n <= 1 << 16 {
            let pairs = exactPairs(&exactScores, StreamedComparisons.narrowPair)
            exactScores.removeLast(exactScores.count - exactCount)
            statistics.dropTail()
            data.setExact(narrowPairs: pairs, scores: consume exactScores)
        } else {
            let pairs = exactPairs(&exactScores, StreamedComparisons.packedPair)
            exactScores.removeLast(exactScores.count - exactCount)
            statistics.dropTail()
            data.setExact(pairs: pairs, scores: consume exactScores)
        }
        // Each kept pair's histogram: every labeling finds its cohort from that (``labeled(_:)``).
        if layout.histograms <= 1 << 16 {
            // The class of every ordered pair of cells: at most 4,096² (``PairComparison/cellLimit``), 32 MB.
            let table = (0..<(layout.cells * layout.cells)).map { UInt16(layout.histogram($0 / layout.cells, $0 % layout.cells)) }
            data.setExactClasses(sampleGroup: imageCells, classOfGroups: table, groups: layout.cells, classes: layout.histograms)
        }
        base = data
        self.belowProbe = belowProbe
        self.belowReference = belowReference
        self.belowScores = belowScores
        self.representatives = statistics.layout.representatives
        self.statistics = statistics
        self.manifest = manifest
        self.scheme = scheme
        overall = CohortAnalysis.overallScores(of: labeled([]), polarity: polarity)
    }

    /// What ``refineOverall(_:templates:comparison:threads:budget:)`` did.
    public struct Refinement: Sendable, Equatable {
        /// Bins whose scores were fetched again and scored exactly.
        public var bins = 0
        /// Non-mated pairs the second pass fetched and scored (the top bin's, already scored, not counted).
        public var scores = 0
        /// Whether everyone's EER (pyeer/FVC2000) is now the exact one.
        public var equalErrorRateIsExact = false
        /// Whether everyone's AUC is now the exact one.
        public var aucIsExact = false
    }

    /// The most non-mated scores ``refineOverall(_:templates:comparison:threads:budget:)`` fetches by default.
    public static let refinementBudget = 2_000_000

    /// Makes everyone's EER and, when it fits, AUC exact: a second pass over every tile of `engine`
    /// (the one that computed the statistics) fetches the non-mated pairs of the bins that decide them
    /// (``BinnedScores/binsDecidingEERAndAUC(budget:)``, at most `budget` pairs), scores them exactly
    /// and puts them in place of those bins. The cohorts' scores keep their bins.
    /// - Throws: ``RunError`` (data error) when `engine` is not the one these statistics came from (its
    ///   layout, tile size or fingerprint differ).
    public mutating func refineOverall(
        _ engine: AllPairsEngine, templates: [EmbeddingResult], comparison: PairMetric, threads: Int, budget: Int = Self.refinementBudget
    ) throws(RunError) -> Refinement {
        try refineOverall({ engine }, templates: templates, comparison: comparison, threads: threads, budget: budget)
    }

    /// ``refineOverall(_:templates:comparison:threads:budget:)`` with the engine built only when a bin
    /// needs the second pass (it holds a copy of the templates).
    public mutating func refineOverall(
        _ makeEngine: () throws(RunError) -> AllPairsEngine, templates: [EmbeddingResult], comparison: PairMetric, threads: Int,
        budget: Int = Self.refinementBudget
    ) throws(RunError) -> Refinement {
        guard var scores = overall else { return Refinement() }
        let edges = Set(scores.binsDecidingEERAndAUC(budget: budget))
        guard !edges.isEmpty else {
            return Refinement(equalErrorRateIsExact: scores.equalErrorRateIsExact, aucIsExact: scores.aucIsExact)
        }
        let engine = try makeEngine()
        let layout = statistics.layout
        guard engine.layout.fingerprint == layout.fingerprint, engine.layout.bins == layout.bins,
            engine.layout.keyLower == layout.keyLower, engine.layout.keyUpper == layout.keyUpper,
            engine.layout.tileSize == layout.tileSize
        else { throw RunError(.dataError, "the second pass over the pairs belongs to another comparison") }
        let tailBin = statistics.tailBin
        var wanted: Set<Int> = []
        var includesTop = false
        for b in 0...tailBin where edges.contains(base.binEdges[b]) {
            if b == tailBin { includesTop = true } else { wanted.insert(b) }
        }
        let pairs = engine.collect(bins: wanted, threads: threads)
        // The pass must find what the histograms counted, bin by bin and histogram by histogram; should a
        // product ever differ between the passes (or a pair score NaN), the numbers stay at bin
        // resolution and say so.
        func unchanged() -> Refinement { Refinement(equalErrorRateIsExact: scores.equalErrorRateIsExact, aucIsExact: scores.aucIsExact) }
        var found: [Int: Int] = [:]
        for p in pairs {
            let histogram = layout.histogram(Int(imageCells[Int(p.first)]), Int(imageCells[Int(p.second)]))
            found[histogram * layout.bins + layout.bin(of: p.key), default: 0] += 1
        }
        for histogram in 0..<layout.histograms {
            for b in wanted {
                let k = histogram * layout.bins + b
                guard statistics.nonMated[k] == found[k] ?? 0 else { return unchanged() }
            }
        }
        let polarity = comparison.polarity
        var exact = try PairScorer(metric: comparison, templates: templates.map(\.template)).scores(pairs).map(polarity.similarity)
        guard !exact.contains(where: \.isNaN) else { return unchanged() }
        let fetched = exact.count
        if includesTop { exact += belowScores }
        scores = scores.refining(bins: edges, with: exact)
        overall = scores
        return Refinement(
            bins: edges.count, scores: fetched, equalErrorRateIsExact: scores.equalErrorRateIsExact, aucIsExact: scores.aucIsExact)
    }

    /// The comparisons labeled with the cohorts of one dimension set, in the order and with the cohort
    /// names ``AllPairs/labeled(_:dimensions:scheme:polarity:)`` uses. The histograms tell apart only
    /// cohorts of the scheme's dimensions (a run labels by its scheme's dimension sets): for other
    /// dimensions the bins below the kept pairs are not split by cohort correctly, and the kept pairs
    /// are grouped by their samples' cohorts rather than by their classes.
    public func labeled(_ dimensions: [CohortDimension]) -> StreamedComparisons {
        let layout = statistics.layout
        let tailBin = statistics.tailBin
        var data = base
        var cohorts = CohortIndex(manifest, dimensions: dimensions, scheme: scheme, cells: imageCells)
        data.sampleCohort = cohorts.imageCohort
        data.matedCohort = zip(base.matedProbe, base.matedReference).map { cohorts.pairCohort(Int($0), Int($1)) }
        data.cohortNames = cohorts.names

        // The cohort of every cell (all images of a cell share every label).
        var cohortOfCell = [Int](repeating: -1, count: layout.cells)
        for i in imageCells.indices { cohortOfCell[Int(imageCells[i])] = Int(data.sampleCohort[i]) }
        data.overallBins = [Int](repeating: 0, count: tailBin + 1)
        data.cohortBins = [[Int]](repeating: [Int](repeating: 0, count: tailBin + 1), count: data.cohortNames.count)
        // Each histogram's pairs of cells are all in one cohort or all in none (−1): one of them decides.
        let cohortOfHistogram = representatives.map { x, y in
            cohortOfCell[x] >= 0 && cohortOfCell[x] == cohortOfCell[y] ? Int32(cohortOfCell[x]) : -1
        }
        for (histogram, cohort) in cohortOfHistogram.enumerated() {
            let base = histogram * layout.bins
            for b in 0..<tailBin {
                let count = statistics.nonMated[base + b]
                data.overallBins[b] += count
                if cohort >= 0 { data.cohortBins[Int(cohort)][b] += count }
            }
        }
        // The kept pairs' cohorts from the same table (their classes are the histograms), only for the
        // scheme's dimensions, whose cohorts a histogram never splits, and where every image's cohort is
        // its cell's, as the bins above assume (else each pair's from its samples').
        if !base.exactClass.isEmpty, Set(dimensions).isSubset(of: scheme.dimensions),
            imageCells.indices.allSatisfy({ cohortOfCell[Int(imageCells[$0])] == Int(data.sampleCohort[$0]) })
        {
            data.cohortOfClass = cohortOfHistogram
        }
        data.overallBins[tailBin] += belowProbe.count
        for (i, j) in zip(belowProbe, belowReference) where data.sampleCohort[Int(i)] == data.sampleCohort[Int(j)] {
            data.cohortBins[Int(data.sampleCohort[Int(i)])][tailBin] += 1
        }
        data.overallScores = overall
        data.overallTallies = overallTallies
        data.overallPartners = overallPartners
        return data
    }
}
