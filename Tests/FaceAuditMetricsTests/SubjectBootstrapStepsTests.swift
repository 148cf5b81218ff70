import FaceAuditTestSupport
import Testing

@testable import FaceAuditMetrics

/// ``SubjectBootstrap/Steps`` gives a group's weighted errors at many thresholds in one pass; these tests hold
/// it to each threshold's own tally.
@Suite("Bootstrap errors at many thresholds from one list of changes")
struct SubjectBootstrapStepsTests {
    /// Subjects with one to four samples in an all-pairs design, scores continuous with ties and NaNs.
    static func comparisons(seed: UInt64) -> LabeledComparisons {
        var random = SplitMix64(seed: seed)
        var photos: [TestPhoto] = []
        for s in 0..<30 { for _ in 0..<(1 + random.below(4)) { photos.append(TestPhoto(subject: s, sample: photos.count, cohort: 0)) } }
        var d = LabeledComparisons()
        d.cohortNames = ["all"]
        d.subjectCount = 30
        for i in photos.indices {
            for j in (i + 1)..<photos.count {
                let score = random.below(29) == 0 ? Double.nan : Double(random.below(40)) / 40
                d.append(score: score, probe: photos[i], reference: photos[j])
            }
        }
        return d
    }

    @Test("every threshold's errors are its tally's, with ties, NaNs and unsorted thresholds, for every resample")
    func sameAsEachTally() {
        for seed: UInt64 in 1...4 {
            let d = Self.comparisons(seed: seed)
            let all = Array(0..<d.count)
            let design = SubjectBootstrap.design(d, indices: all)
            let thresholds = [0.9, 0.1, 0.5, 0.5, 0.0, 1.1, 0.7, 0.3]
            let tallies = thresholds.map { SubjectBootstrap.tally(d, indices: all, threshold: $0, design: design) }
            var random = SplitMix64(seed: seed + 10)
            // A subset of the comparisons too, as a cohort's are.
            for indices in [all, all.filter { $0 % 3 != 1 }] {
                let tallies = thresholds.map { SubjectBootstrap.tally(d, indices: indices, threshold: $0, design: design) }
                let nonMated = SubjectBootstrap.Steps(d, indices: indices, thresholds: thresholds, mated: false)
                let mated = SubjectBootstrap.Steps(d, indices: indices, thresholds: thresholds, mated: true)
                for _ in 0..<20 {
                    var m = [Int](repeating: 0, count: d.subjectCount)
                    for _ in 0..<d.subjectCount { m[random.below(d.subjectCount)] += 1 }
                    #expect(nonMated.errors(m) == tallies.map { $0.nonMatedErrors(m) })
                    #expect(mated.errors(m) == tallies.map { $0.matedErrors(m) })
                }
            }
            #expect(tallies[0].nonMatedErrors([Int](repeating: 1, count: 30)) > 0)
        }
    }
}
