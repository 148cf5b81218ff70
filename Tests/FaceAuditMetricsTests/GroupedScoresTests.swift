import Testing

@testable import FaceAuditMetrics

/// ``LabeledComparisons/groupedScores`` reads every group's sorted scores off one order; these tests hold
/// it to sorting each group on its own, as every analysis did before.
@Suite("Grouped sorted scores")
struct GroupedScoresTests {
    /// Comparisons with NaN scores, ties, cohorts −1 and mixed pairs.
    static func comparisons(seed: UInt64, count: Int = 3_000) -> LabeledComparisons {
        var random = SplitMix64(seed: seed)
        var d = LabeledComparisons()
        d.cohortNames = ["a", "b", "c"]
        for _ in 0..<count {
            let mated = random.next() % 4 == 0
            d.mated.append(mated)
            d.scores.append(random.next() % 23 == 0 ? .nan : Double(random.next() % 200) / 100 - 1)
            let p = Int32(random.next() % 4) - 1
            let r = random.next() % 3 == 0 ? Int32(random.next() % 4) - 1 : p
            d.probeCohort.append(p)
            d.referenceCohort.append(r)
            d.matedCohort.append(mated ? Int32(random.next() % 4) - 1 : -1)
            d.probeSubject.append(0)
            d.referenceSubject.append(mated ? 0 : 1)
            d.probeSample.append(0)
            d.referenceSample.append(1)
        }
        d.subjectCount = 2
        return d
    }

    /// Each group sorted on its own.
    static func separately(_ d: LabeledComparisons) -> (overall: SortedScores, cohorts: [SortedScores]) {
        var genuine = [[Double]](repeating: [], count: d.cohortNames.count)
        var impostor = [[Double]](repeating: [], count: d.cohortNames.count)
        for k in 0..<d.count {
            if d.mated[k] {
                if d.matedCohort[k] >= 0 { genuine[Int(d.matedCohort[k])].append(d.scores[k]) }
            } else if d.probeCohort[k] >= 0 && d.probeCohort[k] == d.referenceCohort[k] {
                impostor[Int(d.probeCohort[k])].append(d.scores[k])
            }
        }
        let overall = SortedScores(
            genuine: d.scores.indices.filter { d.mated[$0] }.map { d.scores[$0] },
            impostor: d.scores.indices.filter { !d.mated[$0] }.map { d.scores[$0] })
        return (overall, d.cohortNames.indices.map { SortedScores(genuine: genuine[$0], impostor: impostor[$0]) })
    }

    static func same(_ a: SortedScores, _ b: SortedScores) -> Bool {
        a.genuine.map(\.bitPattern) == b.genuine.map(\.bitPattern) && a.impostor.map(\.bitPattern) == b.impostor.map(\.bitPattern)
            && a.genuineFailures == b.genuineFailures && a.impostorFailures == b.impostorFailures
    }

    @Test("every group holds the scores, in the order and with the failures, that sorting it alone gives")
    func sameAsSortingEachGroup() {
        for seed: UInt64 in 1...5 {
            var d = Self.comparisons(seed: seed)
            let expected = Self.separately(d)
            for grouped in [
                d.groupedScores,
                {
                    d.groupScores(); return d.groupedScores
                }(),
            ] {
                #expect(Self.same(grouped.overall, expected.overall), "seed \(seed)")
                #expect(grouped.cohorts.count == 3)
                for c in 0..<3 { #expect(Self.same(grouped.cohorts[c], expected.cohorts[c]), "seed \(seed) cohort \(c)") }
            }
            // One order shared by a labeling with other cohorts, as a run shares it between dimension sets.
            let order = LabeledComparisons.ScoreOrder(d.scores)
            var other = d
            other.probeCohort = d.referenceCohort
            other.groupScores(order: order)
            let otherExpected = Self.separately(other)
            for c in 0..<3 { #expect(Self.same(other.groupedScores.cohorts[c], otherExpected.cohorts[c]), "seed \(seed) cohort \(c)") }
            // Everyone's, mated and not, in the scores' own units.
            let everyone = order.sortedScores(mated: d.mated, polarity: .similarity)
            #expect(Self.same(everyone, expected.overall))
        }
    }

    @Test("scores, mated flags or cohorts changed after grouping are grouped anew, never read from the old ones")
    func changesForgetTheGroups() {
        var d = Self.comparisons(seed: 9, count: 500)
        d.groupScores()
        let before = d.groupedScores
        d.scores = d.scores.map { -$0 }
        #expect(Self.same(d.groupedScores.overall, Self.separately(d).overall))
        #expect(!Self.same(d.groupedScores.overall, before.overall))
        d.groupScores()
        d.mated[0].toggle()
        #expect(Self.same(d.groupedScores.overall, Self.separately(d).overall))
        for change in 0..<3 {
            d.groupScores()
            switch change {
            case 0: d.probeCohort = d.probeCohort.map { $0 == 0 ? 1 : $0 }
            case 1: d.referenceCohort = d.referenceCohort.map { $0 == 2 ? 0 : $0 }
            default: d.matedCohort = d.matedCohort.map { $0 == 1 ? 2 : $0 }
            }
            let expected = Self.separately(d)
            for c in 0..<3 { #expect(Self.same(d.groupedScores.cohorts[c], expected.cohorts[c]), "change \(change) cohort \(c)") }
        }
    }
}
