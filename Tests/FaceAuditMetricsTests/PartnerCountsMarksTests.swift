import Testing

@testable import FaceAuditMetrics

/// Partner counts from everyone's marks of each pair of subjects' first false match (no sort per
/// dimension set) against the sorted distinct pairs of people, and when the marks may be used.
@Suite("partner counts from marked first false matches")
struct PartnerCountsMarksTests {
    /// A streamed design of `subjects` people with `photos` photos each; `cohortOf(subject, photo)`.
    static func design(subjects: Int, photos: Int, cohorts: Int, _ cohortOf: (Int, Int) -> Int32) -> StreamedComparisons {
        var data = StreamedComparisons()
        data.cohortNames = (0..<cohorts).map { "g=\($0)" }
        data.subjectCount = subjects
        for s in 0..<subjects {
            for p in 0..<photos {
                data.sampleSubject.append(Int32(s))
                data.sampleCohort.append(cohortOf(s, p))
                data.sampleCompleted.append(true)
            }
        }
        return data
    }

    @Test("the marks give the counts the sorted distinct pairs give, whatever the order and repeats of the false matches")
    func marksEqualSort() {
        var rng = SplitMix64(seed: 7)
        for round in 0..<40 {
            let (subjects, photos, cohorts) = (2 + rng.below(40), 1 + rng.below(3), 1 + rng.below(4))
            // Each subject's one cohort; some subjects in none (−1) or out of range (counted overall only).
            let own = (0..<subjects).map { _ in
                rng.below(6) == 0 ? (rng.below(2) == 0 ? Int32(-1) : Int32(cohorts)) : Int32(rng.below(cohorts))
            }
            let data = Self.design(subjects: subjects, photos: photos, cohorts: cohorts) { s, _ in own[s] }
            let layout = PartnerCounts.Layout(data)
            #expect(layout.oneCohortPerSubject)
            // False matches between photos of different subjects, with repeats, in random order.
            var pairs: [(Int, Int)] = []
            for _ in 0..<rng.below(300) {
                let i = rng.below(data.sampleCount)
                let j = rng.below(data.sampleCount)
                if data.sampleSubject[i] != data.sampleSubject[j] { pairs.append((i, j)) }
                if rng.below(4) == 0, let last = pairs.last { pairs.append(last) }
            }
            let overall = PartnerCounts.overall(subjectComparisons: layout.subjectComparisons, falseMatches: pairs.count) {
                visit in
                for (i, j) in pairs { visit(data.sampleSubject[i], data.sampleSubject[j]) }
            }
            #expect(overall.firstOfPair.count == (pairs.count + 63) / 64)
            // Positions carried beside the keys rather than packed into them: the same marks.
            let carried = PartnerCounts.overall(
                subjectComparisons: layout.subjectComparisons, falseMatches: pairs.count, packingPositions: false
            ) { visit in
                for (i, j) in pairs { visit(data.sampleSubject[i], data.sampleSubject[j]) }
            }
            #expect(carried.firstOfPair == overall.firstOfPair && carried.records == overall.records, "round \(round)")
            // A `size` below the false matches visited (positions packed as they come would not all fit):
            // the same marks and records.
            let undersized = PartnerCounts.overall(subjectComparisons: layout.subjectComparisons, falseMatches: pairs.count / 3) {
                visit in
                for (i, j) in pairs { visit(data.sampleSubject[i], data.sampleSubject[j]) }
            }
            #expect(undersized.firstOfPair == overall.firstOfPair && undersized.records == overall.records, "round \(round)")
            let sorted = PartnerCounts.counts(layout, falseMatches: pairs.count, overall: overall.records) { visit in
                for (i, j) in pairs { visit(data.sampleSubject[i], data.sampleCohort[i], data.sampleSubject[j], data.sampleCohort[j]) }
            }
            let marked = PartnerCounts.counts(
                layout, overall: overall.records, sampleSubject: data.sampleSubject, sampleCohort: data.sampleCohort
            ) { visit in
                for (k, (i, j)) in pairs.enumerated() { visit(Int32(i), Int32(j), overall.isFirstOfPair(k)) }
            }
            #expect(marked == sorted, "round \(round)")
            // One mark per distinct pair of subjects, on its first false match.
            var seen = Set<[Int32]>()
            for (k, (i, j)) in pairs.enumerated() {
                let key = [data.sampleSubject[i], data.sampleSubject[j]].sorted()
                #expect(overall.isFirstOfPair(k) == seen.insert(key).inserted, "round \(round), false match \(k)")
            }
        }
    }

    @Test("a subject with photos in two cohorts is two people: the layout does not allow the marks")
    func twoCohorts() {
        let one = Self.design(subjects: 5, photos: 3, cohorts: 2) { s, _ in Int32(s % 2) }
        #expect(PartnerCounts.Layout(one).oneCohortPerSubject)
        let none = Self.design(subjects: 5, photos: 3, cohorts: 2) { s, _ in s == 3 ? -1 : Int32(s % 2) }
        #expect(PartnerCounts.Layout(none).oneCohortPerSubject)
        let two = Self.design(subjects: 5, photos: 3, cohorts: 2) { s, p in s == 3 && p == 2 ? 0 : Int32(s % 2) }
        #expect(!PartnerCounts.Layout(two).oneCohortPerSubject)
        let labeledAndNot = Self.design(subjects: 5, photos: 3, cohorts: 2) { s, p in s == 4 && p == 0 ? -1 : Int32(s % 2) }
        #expect(!PartnerCounts.Layout(labeledAndNot).oneCohortPerSubject)
        // A photo without a template is in no comparison: it does not make its subject two people.
        var failed = Self.design(subjects: 5, photos: 3, cohorts: 2) { s, p in s == 1 && p == 0 ? 0 : Int32(s % 2) }
        failed.sampleCompleted[3] = false
        #expect(PartnerCounts.Layout(failed).oneCohortPerSubject)
    }
}
