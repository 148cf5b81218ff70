import FaceAuditCohorts
import FaceAuditComparison
import FaceAuditDatasets
import FaceAuditMetrics

extension PairComparison {
    /// The comparisons of statistics that do not keep every non-mated pair, labeled with the cohorts of
    /// one dimension set, in the order and with the cohort names ``AllPairs`` uses.
    ///
    /// Mated and kept pairs are rescored exactly from their templates. A kept pair is *exact* when its
    /// rescored key is at least one bin above every pair that was not kept (keys carry single-precision
    /// rounding, about 1e-5, far less than a bin); kept pairs below that line are counted with the bins.
    /// - Throws: ``EvaluationError`` when the statistics do not belong to `manifest`.
    public static func streamed(
        _ statistics: PairStatistics, manifest: Manifest, templates: [EmbeddingResult], comparison: TemplateComparison,
        dimensions: [CohortDimension], scheme: CohortScheme
    ) throws(EvaluationError) -> StreamedComparisons {
        let layout = statistics.layout
        let n = manifest.records.count
        guard layout.images == n, templates.count == n else {
            throw EvaluationError("the comparison statistics cover \(layout.images) images; the dataset has \(n)")
        }
        let grid = TileGrid(rows: layout.rows, tileSize: layout.tileSize)
        guard statistics.tiles == Array(grid.tiles.indices) else {
            throw EvaluationError("the comparison statistics are incomplete: \(statistics.tiles.count) of \(grid.tiles.count) tiles")
        }
        let polarity: ScorePolarity = comparison.isDistance ? .dissimilarity : .similarity
        let vectors = templates.map(\.template)
        var data = StreamedComparisons()

        var subjectIndex: [SubjectID: Int32] = [:]
        data.sampleSubject = manifest.records.map { r in
            if let s = subjectIndex[r.subject] { return s }
            subjectIndex[r.subject] = Int32(subjectIndex.count)
            return Int32(subjectIndex.count - 1)
        }
        data.subjectCount = subjectIndex.count
        data.sampleCompleted = vectors.map { $0 != nil }
        let keys = manifest.records.map { scheme.key(dimensions, of: $0.labels).description }
        var names = Array(Set(keys)).sorted(by: NaturalOrder.less)
        var index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
        data.sampleCohort = keys.map { index[$0]! }

        // Every mated pair, in image-pair order (so that pair-only cohorts are named in AllPairs' order).
        var scored: [UInt64: Double] = [:]
        for p in statistics.mated {
            guard let a = vectors[Int(p.first)], let b = vectors[Int(p.second)] else {
                throw EvaluationError("the comparison statistics score image \(p.first) or \(p.second), which has no template")
            }
            scored[UInt64(p.first) << 32 | UInt64(p.second)] = polarity.similarity(comparison.score(a, b))
        }
        let bySubject = Dictionary(grouping: 0..<n) { data.sampleSubject[$0] }
        var matedPairs: [(Int, Int)] = []
        for images in bySubject.values where images.count > 1 {
            for x in images.indices { for y in (x + 1)..<images.count { matedPairs.append((images[x], images[y])) } }
        }
        matedPairs.sort { $0 < $1 }
        for (i, j) in matedPairs {
            data.matedProbe.append(Int32(i))
            data.matedReference.append(Int32(j))
            data.matedScores.append(scored[UInt64(i) << 32 | UInt64(j)] ?? .nan)
            guard let key = scheme.pairKey(dimensions, manifest.records[i].labels, manifest.records[j].labels)?.description else {
                data.matedCohort.append(-1)
                continue
            }
            if index[key] == nil {
                index[key] = Int32(names.count)
                names.append(key)
            }
            data.matedCohort.append(index[key]!)
        }
        data.cohortNames = names
        let cohortCount = names.count

        // The cohort of every cell (all images of a cell share every label).
        let imageCells = cells(manifest: manifest, scheme: scheme).cells
        guard imageCells.allSatisfy({ $0 < layout.cells }) else { throw EvaluationError("the comparison statistics have other cells") }
        var cohortOfCell = [Int](repeating: -1, count: layout.cells)
        for i in 0..<n { cohortOfCell[Int(imageCells[i])] = Int(data.sampleCohort[i]) }

        // The exact region starts one bin above the highest key a pair outside the tail can have.
        let width = (Double(layout.keyUpper) - Double(layout.keyLower)) / Double(layout.bins)
        let tailBin = statistics.tailBin
        let exactKey = Double(layout.keyLower) + (Double(tailBin) + 0.5) * width
        func similarity(key: Double) -> Double {
            comparison.isDistance ? -max(0, -key).squareRoot() : key
        }
        data.exactFrom = similarity(key: exactKey)
        data.binEdges = (0...tailBin).map { similarity(key: Double(layout.keyLower) + (Double($0) - 0.5) * width) } + [data.exactFrom]
        data.overallBins = [Int](repeating: 0, count: tailBin + 1)
        data.cohortBins = [[Int]](repeating: [Int](repeating: 0, count: tailBin + 1), count: cohortCount)
        for x in 0..<layout.cells {
            for y in x..<layout.cells {
                let base = layout.cellPair(x, y) * layout.bins
                let same = cohortOfCell[x] >= 0 && cohortOfCell[x] == cohortOfCell[y]
                for b in 0..<tailBin {
                    let count = statistics.nonMated[base + b]
                    data.overallBins[b] += count
                    if same { data.cohortBins[cohortOfCell[x]][b] += count }
                }
            }
        }
        for p in statistics.tail {
            let i = Int(p.first)
            let j = Int(p.second)
            guard let a = vectors[i], let b = vectors[j] else {
                throw EvaluationError("the comparison statistics score image \(i) or \(j), which has no template")
            }
            // Compared as similarities, the way the analysis reads them (for distances, comparing keys
            // −d² could disagree with −d by a rounding).
            let similarity = polarity.similarity(comparison.score(a, b))
            if similarity >= data.exactFrom {
                data.exactProbe.append(Int32(i))
                data.exactReference.append(Int32(j))
                data.exactScores.append(similarity)
            } else {
                data.overallBins[tailBin] += 1
                let c = data.sampleCohort[i]
                if c == data.sampleCohort[j] { data.cohortBins[Int(c)][tailBin] += 1 }
            }
        }
        return data
    }
}
