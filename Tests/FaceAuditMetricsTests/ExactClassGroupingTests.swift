import Testing

@testable import FaceAuditMetrics

@Suite("cohorts' exact comparisons found from their pairs' classes")
struct ExactClassGroupingTests {
    /// Samples in cells of two labels (a × b); classes of unordered pairs of cells, as a run's
    /// histograms are; labelings by a, by b and by both. Grouping by class gives the lists grouping by
    /// the samples' cohorts gives, pairs in no cohort (different cohorts, or a sample in none) left out.
    @Test("the same cohort lists as from the samples' cohorts, for every labeling", arguments: [0, 1, 37, 5_000])
    func sameListsAsFromSamples(pairs: Int) {
        var rng = SplitMix64(seed: UInt64(pairs) + 3)
        let samples = 400
        let (aLevels, bLevels) = (3, 4)
        // Cell of every sample; the last cell's samples have no b label (cohort −1 in labelings by b).
        let cell = (0..<samples).map { _ in Int(rng.below(aLevels * bLevels)) }
        let list = (0..<pairs).map { _ -> (Int32, Int32, Double) in
            let i = Int32(rng.below(samples - 1))
            return (i, i + 1 + Int32(rng.below(samples - 1 - Int(i))), Double(rng.below(1_000)) / 1_000)
        }
        var data = StreamedComparisons()
        data.setExact(probe: list.map(\.0), reference: list.map(\.1), scores: list.map(\.2))
        let cells = aLevels * bLevels
        func unordered(_ x: Int, _ y: Int) -> Int { min(x, y) * cells + max(x, y) }
        var withClasses = data
        withClasses.setExactClasses(
            sampleGroup: cell.map { Int32($0) }, classOfGroups: (0..<(cells * cells)).map { UInt16(unordered($0 / cells, $0 % cells)) },
            groups: cells, classes: cells * cells)
        #expect(withClasses.exactClassCounts.reduce(0, +) == pairs)
        // Each comparison's class is its cells' (either order).
        for k in 0..<pairs {
            let (x, y) = (cell[Int(withClasses.exactProbe[k])], cell[Int(withClasses.exactReference[k])])
            #expect(Int(withClasses.exactClass[k]) == unordered(x, y))
        }
        let labelings: [(Int) -> Int] = [
            { $0 / bLevels }, { $0 == cells - 1 ? -1 : $0 % bLevels }, { $0 == cells - 1 ? -1 : $0 },
        ]
        for (number, cohortOfCell) in labelings.enumerated() {
            let cohorts = (0..<cells).map(cohortOfCell).max()! + 1
            var bySample = data
            bySample.sampleCohort = cell.map { Int32(cohortOfCell($0)) }
            var byClass = withClasses
            byClass.sampleCohort = bySample.sampleCohort
            byClass.cohortOfClass = (0..<(cells * cells)).map { h in
                let (x, y) = (h / cells, h % cells)
                let (c, d) = (cohortOfCell(x), cohortOfCell(y))
                return c >= 0 && c == d ? Int32(c) : -1
            }
            let expected = CohortAnalysis.groupedBySample(bySample, count: pairs, cohorts: cohorts)
            let got = CohortAnalysis.groupedByClass(byClass, count: pairs, cohorts: cohorts)
            #expect(got.0 == expected.0, "labeling \(number): cohort starts")
            #expect(got.1 == expected.1, "labeling \(number): cohort lists")
            // Everyone's group only: no lists.
            #expect(CohortAnalysis.groupedByClass(byClass, count: 0, cohorts: cohorts).1.isEmpty)
        }
    }
}

@Suite("exact comparisons given as 4-byte, 8-byte or separate pairs")
struct ExactPairPackingTests {
    /// Scores with many ties (a thousand levels over up to 150,000 pairs, so that the radix sort runs),
    /// samples below 2¹⁶: every way of handing the pairs over gives the same sorted lists, ties by pair.
    @Test("the same sorted lists from every packing", arguments: [0, 1, 999, 150_000])
    func samePackings(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) + 11)
        let list = (0..<count).map { _ -> (Int32, Int32, Double) in
            let i = Int32(rng.below(65_535))
            return (i, i + 1 + Int32(rng.below(65_535 - Int(i))), Double(rng.below(1_000)) / 1_000)
        }
        var separate = StreamedComparisons()
        separate.setExact(probe: list.map(\.0), reference: list.map(\.1), scores: list.map(\.2))
        var wide = StreamedComparisons()
        wide.setExact(pairs: list.map { StreamedComparisons.packedPair($0.0, $0.1) }, scores: list.map(\.2))
        var narrow = StreamedComparisons()
        narrow.setExact(narrowPairs: list.map { StreamedComparisons.narrowPair($0.0, $0.1) }, scores: list.map(\.2))
        let expected = list.sorted { ($0.2, $0.0, $0.1) < ($1.2, $1.0, $1.1) }
        for data in [separate, wide, narrow] {
            #expect(data.exactScores == expected.map(\.2))
            #expect(data.exactProbe == expected.map(\.0))
            #expect(data.exactReference == expected.map(\.1))
        }
    }
}
