import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics

@Suite("Paired subject bootstrap of two runs on the same people")
struct PairedBootstrapTests {
    static let subjects = 8
    static let photos = 2
    static let replicates = 200
    static let seed: UInt64 = 20_261_202

    /// Subject s has photos 2s and 2s+1; subjects 0, 2, 4, 6 are `group=x`, the others `group=y`.
    /// `falseMatches` lists photo pairs (i < j) of different people that score 1 (a false match at τ = 0.5);
    /// `falseNonMatches` the subjects whose two photos score 0. Every other pair scores the other way.
    static func run(falseMatches: Set<[Int]>, falseNonMatches: Set<Int>) -> LabeledComparisons {
        var d = LabeledComparisons()
        d.cohortNames = ["group=x", "group=y"]
        d.subjectCount = subjects
        let count = subjects * photos
        for i in 0..<count {
            for j in (i + 1)..<count {
                let (a, b) = (i / photos, j / photos)
                let mated = a == b
                d.append(
                    score: mated ? (falseNonMatches.contains(a) ? 0 : 1) : (falseMatches.contains([i, j]) ? 1 : 0),
                    probe: TestPhoto(subject: a, sample: i, cohort: Int32(a % 2)),
                    reference: TestPhoto(subject: b, sample: j, cohort: Int32(b % 2)))
            }
        }
        return d
    }

    /// Model A falsely matches within x (subjects 0–2, 0–4 twice, 2–6) and across; B mostly within y.
    static let modelA = run(falseMatches: [[0, 2], [0, 8], [1, 9], [4, 12], [2, 3], [6, 15]], falseNonMatches: [1, 4])
    static let modelB = run(falseMatches: [[2, 6], [3, 11], [7, 15], [10, 14], [0, 4]], falseNonMatches: [4, 5, 6])

    static func analyze(_ d: LabeledComparisons) throws -> DisaggregatedRates {
        var options = CohortAnalysisOptions(targets: [], minimumSubjects: 2, replicates: replicates, seed: seed)
        options.thresholds = [FixedThreshold(0.5)]
        return try #require(CohortAnalysis.analyze(d, dimensions: "group", options: options).first)
    }

    /// The group's (errors, trials) of `metric` in `d`, weighting by drawn positions: each drawn subject's
    /// mated pairs once; each pair of drawn positions of two different subjects all their non-mated pairs.
    static func direct(_ d: LabeledComparisons, group: Int?, metric: PairedBootstrap.Metric, drawn: [Int]) -> Double {
        var errors = 0
        var trials = 0
        func inGroup(_ k: Int) -> Bool {
            guard let group else { return true }
            return d.mated[k] ? Int(d.matedCohort[k]) == group : Int(d.probeCohort[k]) == group && Int(d.referenceCohort[k]) == group
        }
        if metric == .fnmr {
            for s in drawn {
                for k in 0..<d.count where d.mated[k] && Int(d.probeSubject[k]) == s && inGroup(k) {
                    trials += 1
                    if d.scores[k] < 0.5 { errors += 1 }
                }
            }
        } else {
            for p in drawn.indices {
                for q in drawn.indices where q > p && drawn[p] != drawn[q] {
                    let pair = Set([drawn[p], drawn[q]])
                    for k in 0..<d.count
                    where !d.mated[k] && Set([Int(d.probeSubject[k]), Int(d.referenceSubject[k])]) == pair && inGroup(k) {
                        trials += 1
                        if d.scores[k] >= 0.5 { errors += 1 }
                    }
                }
            }
        }
        return trials == 0 ? .nan : Double(errors) / Double(trials)
    }

    /// numpy's linear percentile of values without NaN.
    static func percentile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        let h = q * Double(sorted.count - 1)
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    @Test("one run's interval from the paired bootstrap is the interval the run itself reported")
    func sameAsRun() throws {
        let (a, b) = (try Self.analyze(Self.modelA), try Self.analyze(Self.modelB))
        let (ta, tb) = (try #require(a.bootstrapTallies), try #require(b.bootstrapTallies))
        for metric in PairedBootstrap.Metric.allCases {
            for g in 0...2 {
                let tallies = g == 0 ? [ta.overall, tb.overall] : [ta.cohorts[g - 1], tb.cohorts[g - 1]]
                let result = PairedBootstrap.rates(
                    tallies, metric: metric, subjects: Self.subjects, replicates: Self.replicates, seed: Self.seed, alpha: 0.05)
                let own = [a, b].map { r in
                    let rates = g == 0 ? r.overall : r.cohorts[g - 1]
                    return metric == .fmr ? rates.fmrBootstrap : rates.fnmrBootstrap
                }
                #expect(result.intervals.map(\.bounds) == own, "\(metric) group \(g)")
                let observed = [a, b].map { r in
                    let rates = g == 0 ? r.overall : r.cohorts[g - 1]
                    return (metric == .fmr ? rates.fmr : rates.fnmr).rate
                }
                #expect(result.values == observed)
                #expect(
                    tallies.map { $0.observed(metric) }
                        == [a, b].map { g == 0 ? $0.overall : $0.cohorts[g - 1] }.map { metric == .fmr ? $0.fmr : $0.fnmr })
            }
        }
        // The worst/best ratio too.
        let pick = try #require(a.worstBest?.first { $0.metric == "fmr" })
        let worst = try #require(a.cohorts.firstIndex { $0.cohort == pick.worst })
        let best = try #require(a.cohorts.firstIndex { $0.cohort == pick.best })
        let ratio = PairedBootstrap.ratios(
            [(ta.cohorts[worst], ta.cohorts[best])], metric: .fmr, subjects: Self.subjects, replicates: Self.replicates, seed: Self.seed,
            alpha: 0.05)
        #expect(ratio.intervals[0].bounds == pick.interval)
    }

    @Test("the difference's interval equals a direct computation: explicit draws, explicit loops over drawn people and pairs")
    func againstDirect() throws {
        let (a, b) = (try Self.analyze(Self.modelA), try Self.analyze(Self.modelB))
        let (ta, tb) = (try #require(a.bootstrapTallies), try #require(b.bootstrapTallies))
        // The draws, made here with the generator alone.
        var rng = SplitMix64(seed: Self.seed)
        let draws = (0..<Self.replicates).map { _ in (0..<Self.subjects).map { _ in rng.below(Self.subjects) } }
        var checkedWithoutUndefined = 0
        for metric in PairedBootstrap.Metric.allCases {
            for g in 0...2 {
                let group = g == 0 ? nil : g - 1
                let differences = draws.map { drawn in
                    Self.direct(Self.modelB, group: group, metric: metric, drawn: drawn)
                        - Self.direct(Self.modelA, group: group, metric: metric, drawn: drawn)
                }
                let tallies = g == 0 ? [ta.overall, tb.overall] : [ta.cohorts[g - 1], tb.cohorts[g - 1]]
                let result = PairedBootstrap.rates(
                    tallies, metric: metric, subjects: Self.subjects, replicates: Self.replicates, seed: Self.seed, alpha: 0.05)
                let difference = try #require(result.differences.first)
                #expect(difference.from == 0 && difference.to == 1)
                let full = Array(0..<Self.subjects)
                #expect(
                    difference.value == Self.direct(Self.modelB, group: group, metric: metric, drawn: full)
                        - Self.direct(Self.modelA, group: group, metric: metric, drawn: full))
                let undefined = differences.filter(\.isNaN).count
                #expect(difference.interval.undefinedShare == Double(undefined) / Double(Self.replicates))
                if undefined == 0 {
                    checkedWithoutUndefined += 1
                    let bounds = try #require(difference.interval.bounds)
                    #expect(bounds.lower == Self.percentile(differences, 0.025), "\(metric) group \(g)")
                    #expect(bounds.upper == Self.percentile(differences, 0.975), "\(metric) group \(g)")
                    // A real difference: the two models are not scored on the same errors.
                    #expect(bounds.lower < bounds.upper)
                } else {
                    #expect(difference.interval == SubjectBootstrap.interval(differences))
                }
            }
        }
        #expect(checkedWithoutUndefined >= 2)
    }

    @Test("the quotient of two runs' group-1-to-group-0 FMR ratios equals a direct computation on the same draws")
    func ratioQuotientAgainstDirect() throws {
        let (a, b) = (try Self.analyze(Self.modelA), try Self.analyze(Self.modelB))
        let (ta, tb) = (try #require(a.bootstrapTallies), try #require(b.bootstrapTallies))
        var rng = SplitMix64(seed: Self.seed)
        let draws = (0..<Self.replicates).map { _ in (0..<Self.subjects).map { _ in rng.below(Self.subjects) } }
        func ratio(_ d: LabeledComparisons, _ drawn: [Int]) -> Double {
            Self.direct(d, group: 1, metric: .fmr, drawn: drawn) / Self.direct(d, group: 0, metric: .fmr, drawn: drawn)
        }
        let quotients = draws.map { ratio(Self.modelB, $0) / ratio(Self.modelA, $0) }
        let result = PairedBootstrap.ratios(
            [(ta.cohorts[1], ta.cohorts[0]), (tb.cohorts[1], tb.cohorts[0])], metric: .fmr, subjects: Self.subjects,
            replicates: Self.replicates, seed: Self.seed, alpha: 0.05)
        let quotient = try #require(result.quotients.first)
        let full = Array(0..<Self.subjects)
        #expect(quotient.from == 0 && quotient.to == 1)
        #expect(quotient.value == ratio(Self.modelB, full) / ratio(Self.modelA, full))
        // Undefined replicates (0/0 somewhere) are counted, and the interval is the one of these values.
        #expect(quotient.interval.undefinedShare == Double(quotients.filter(\.isNaN).count) / Double(Self.replicates))
        #expect(quotient.interval == SubjectBootstrap.interval(quotients))
        #expect(quotients.contains { $0.isFinite && $0 > 0 }, "a quotient with values to order")
    }

    @Test("a tally survives subjects.json's encoding")
    func tallyRoundTrip() throws {
        let a = try Self.analyze(Self.modelA)
        let tallies = try #require(a.bootstrapTallies)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for tally in [tallies.overall] + tallies.cohorts {
            let decoded = try JSONDecoder().decode(SubjectBootstrap.Tally.self, from: try encoder.encode(tally))
            #expect(try encoder.encode(decoded) == (try encoder.encode(tally)))
            let m = [2, 0, 1, 3, 0, 1, 1, 0]
            #expect(decoded.nonMatedRate(m) == tally.nonMatedRate(m) && decoded.matedRate(m) == tally.matedRate(m))
        }
    }
}
