import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics

@Suite("Cohort analysis and the subject bootstrap")
struct CohortAnalysisTests {
    /// fairlearn's documentation example as comparisons: y_true 1 = mated, y_pred 1 = score 1 (accept).
    static func fairlearnToy() -> LabeledComparisons {
        let yTrue = [0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]
        let yPred = [0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0]
        let groups: [Int32] = [1, 1, 0, 1, 1, 2, 2, 2, 0, 0, 2, 0, 1, 2, 2, 1, 2, 2]  // a=0, b=1, c=2
        var d = LabeledComparisons()
        d.cohortNames = ["group=a", "group=b", "group=c"]
        for k in yTrue.indices {
            d.scores.append(Double(yPred[k]))
            d.mated.append(yTrue[k] == 1)
            d.probeSubject.append(Int32(k))
            d.referenceSubject.append(Int32(yTrue[k] == 1 ? k : k + 100))
            d.probeSample.append(-1)
            d.referenceSample.append(-1)
            d.probeCohort.append(groups[k])
            d.referenceCohort.append(groups[k])
            d.matedCohort.append(yTrue[k] == 1 ? groups[k] : -1)
        }
        d.subjectCount = 200
        return d
    }

    @Test("fairlearn's disaggregated-rate toy: overall and per-group FPR/FNR")
    func fairlearn() throws {
        let result = try #require(
            CohortAnalysis.analyze(Self.fairlearnToy(), dimensions: "group", options: CohortAnalysisOptions(targets: [0.7], replicates: 0))
                .first)
        #expect(result.threshold == 1)
        #expect(close(result.overall.fmr.rate, 0.666667) && close(result.overall.fnmr.rate, 0.5))
        let expected: [(Double, Double)] = [(1.0, 0.5), (0.0, 0.4), (0.666667, 0.6)]
        for (rates, (fpr, fnr)) in zip(result.cohorts, expected) {
            #expect(close(rates.fmr.rate, fpr) && close(rates.fnmr.rate, fnr), "\(rates.cohort)")
        }
        #expect(close(result.cohorts[0].fmrRatioToOverall ?? 0, 1.5))
        // Cross matrix: within-group diagonal only here; cells sum to all non-mated comparisons.
        #expect(result.crossFMR.flatMap { $0 }.reduce(0) { $0 + $1.trials } == 6)
        #expect(result.crossFMR[1][1] == result.cohorts[1].fmr)
    }

    @Test("more cohorts than the cross-cohort limit: no cross table, and a sentence saying why")
    func crossCohortLimit() throws {
        var options = CohortAnalysisOptions(targets: [0.7], replicates: 0)
        options.crossCohortLimit = 3
        let within = try #require(CohortAnalysis.analyze(Self.fairlearnToy(), dimensions: "group", options: options).first)
        #expect(within.crossFMR.count == 3 && within.crossFMROmitted == nil)
        options.crossCohortLimit = 2
        let beyond = try #require(CohortAnalysis.analyze(Self.fairlearnToy(), dimensions: "group", options: options).first)
        #expect(beyond.crossFMR.isEmpty)
        #expect(
            beyond.crossFMROmitted
                == "no cross-cohort table for more than 2 cohorts: these 3 would make 9 cells, most of them a pair of people or none")
        // Everything else is the same.
        #expect(beyond.cohorts.map(\.fmr) == within.cohorts.map(\.fmr) && beyond.overall.fnmr == within.overall.fnmr)
    }

    /// Subjects each with `images` images in an all-pairs design; scores from subject effects.
    static func simulated(subjects: Int, images: Int, seed: UInt64, fnmr: Double, fmr: Double) -> LabeledComparisons {
        var rng = SplitMix64(seed: seed)
        // Subject-level heterogeneity: each subject's error propensity is Gamma(2, ½)-distributed (mean 1).
        func gamma2() -> Double { -0.5 * (log(1 - rng.unit()) + log(1 - rng.unit())) }
        let effect = (0..<subjects).map { _ in gamma2() }
        var d = LabeledComparisons()
        d.cohortNames = ["half=0", "half=1"]
        d.subjectCount = subjects
        var sampleSubject: [Int] = []
        for s in 0..<subjects { for _ in 0..<images { sampleSubject.append(s) } }
        for i in sampleSubject.indices {
            for j in (i + 1)..<sampleSubject.count {
                let a = sampleSubject[i]
                let b = sampleSubject[j]
                let mated = a == b
                let p = mated ? min(1, fnmr * effect[a]) : min(1, fmr * effect[a] * effect[b])
                let error = rng.unit() < p
                // Similarity 1 accepts at τ = 1; a mated error is a 0, a non-mated error a 1.
                d.append(
                    score: mated ? (error ? 0 : 1) : (error ? 1 : 0), probe: TestPhoto(subject: a, sample: i, cohort: Int32(a % 2)),
                    reference: TestPhoto(subject: b, sample: j, cohort: Int32(b % 2)))
            }
        }
        return d
    }

    @Test("complete designs use the closed-form denominators, and they equal the sparse sums")
    func closedForm() {
        let d = Self.simulated(subjects: 30, images: 2, seed: 7, fnmr: 0.1, fmr: 0.05)
        let all = Array(0..<d.count)
        var tally = SubjectBootstrap.tally(d, indices: all, threshold: 1)
        guard case .allPairs = tally.denominator else {
            Issue.record("an all-pairs design was not recognised")
            return
        }
        var rng = SplitMix64(seed: 3)
        for _ in 0..<20 {
            var m = [Int](repeating: 0, count: d.subjectCount)
            for _ in 0..<d.subjectCount { m[rng.below(d.subjectCount)] += 1 }
            let closed = tally.nonMatedRate(m)
            var e = 0
            var n = 0
            for k in all where !d.mated[k] {
                let w = m[Int(d.probeSubject[k])] * m[Int(d.referenceSubject[k])]
                n += w
                if d.scores[k] >= 1 { e += w }
            }
            #expect(closed == Double(e) / Double(n))
        }
        // Removing one non-mated comparison breaks completeness: the sparse path must take over.
        let lastNonMated = all.last { !d.mated[$0] }!
        tally = SubjectBootstrap.tally(d, indices: all.filter { $0 != lastNonMated }, threshold: 1)
        if case .sparse = tally.denominator {} else { Issue.record("an incomplete design used a closed form") }
    }

    @Test("one design, tallied at several thresholds, gives the brute-force weighted rates at each")
    func designReusedAcrossThresholds() {
        var d = Self.simulated(subjects: 25, images: 3, seed: 5, fnmr: 0.1, fmr: 0.05)
        var rng = SplitMix64(seed: 8)
        d.scores = d.scores.map { _ in rng.unit() }
        let all = Array(0..<d.count)
        for indices in [all, all.filter { $0 % 7 != 3 }] {  // a complete design, then a sparse one
            let design = SubjectBootstrap.design(d, indices: indices)
            for tau in [0.1, 0.5, 0.93] {
                let tally = SubjectBootstrap.tally(d, indices: indices, threshold: tau, design: design)
                for _ in 0..<10 {
                    var m = [Int](repeating: 0, count: d.subjectCount)
                    for _ in 0..<d.subjectCount { m[rng.below(d.subjectCount)] += 1 }
                    var (me, mn, ne, nn) = (0, 0, 0, 0)
                    for k in indices {
                        if d.mated[k] {
                            let w = m[Int(d.probeSubject[k])]
                            mn += w
                            if d.scores[k] < tau { me += w }
                        } else {
                            let w = m[Int(d.probeSubject[k])] * m[Int(d.referenceSubject[k])]
                            nn += w
                            if d.scores[k] >= tau { ne += w }
                        }
                    }
                    let mated = tally.matedRate(m), nonMated = tally.nonMatedRate(m)
                    #expect(mn == 0 ? mated.isNaN : mated == Double(me) / Double(mn), "τ \(tau)")
                    #expect(nn == 0 ? nonMated.isNaN : nonMated == Double(ne) / Double(nn), "τ \(tau)")
                }
            }
        }
    }

    /// A run makes everyone's group once for all its dimension sets (``CohortAnalysis/Everyone``): each
    /// set's results are those it gets making it alone, and one made from other comparisons or without
    /// the replicates the options ask for is made again rather than used.
    @Test("everyone's group made once gives every dimension set what it makes alone")
    func everyoneMadeOnce() throws {
        let d = Self.simulated(subjects: 40, images: 2, seed: 13, fnmr: 0.2, fmr: 0.05)
        var thirds = d
        thirds.cohortNames = ["third=0", "third=1", "third=2"]
        thirds.probeCohort = thirds.probeSubject.map { $0 % 3 }
        thirds.referenceCohort = thirds.referenceSubject.map { $0 % 3 }
        var options = CohortAnalysisOptions(targets: [0.05, 0.2], replicates: 60, seed: 5)
        options.thresholds = [FixedThreshold(0.5, label: "half")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func text(_ rates: [DisaggregatedRates]) throws -> String { String(decoding: try encoder.encode(rates), as: UTF8.self) }
        let everyone = CohortAnalysis.Everyone(d, options: options)
        var withoutReplicates = options
        withoutReplicates.replicates = 0
        for labeled in [d, thirds] {
            let alone = try text(CohortAnalysis.analyze(labeled, dimensions: "x", options: options))
            #expect(try text(CohortAnalysis.analyze(labeled, dimensions: "x", options: options, everyone: everyone)) == alone)
            let unfit = CohortAnalysis.Everyone(labeled, options: withoutReplicates)
            #expect(try text(CohortAnalysis.analyze(labeled, dimensions: "x", options: options, everyone: unfit)) == alone)
            #expect(alone.contains("fmr_bootstrap") || alone.contains("fmrBootstrap"))
        }
        let other = CohortAnalysis.Everyone(Self.simulated(subjects: 12, images: 2, seed: 1, fnmr: 0.2, fmr: 0.05), options: options)
        #expect(
            try text(CohortAnalysis.analyze(d, dimensions: "x", options: options, everyone: other))
                == text(CohortAnalysis.analyze(d, dimensions: "x", options: options)))
        // From a review: the same number of comparisons over fewer subjects was taken for these, and the
        // bootstrap then read past the subjects (a crash); its counts differ, so it is made again.
        var fewer = d
        fewer.probeSubject = fewer.probeSubject.map { $0 / 2 }
        fewer.referenceSubject = fewer.referenceSubject.map { $0 / 2 }
        fewer.subjectCount = 20
        let fromFewer = CohortAnalysis.Everyone(fewer, options: options)
        #expect(
            try text(CohortAnalysis.analyze(d, dimensions: "x", options: options, everyone: fromFewer))
                == text(CohortAnalysis.analyze(d, dimensions: "x", options: options)))
    }

    @Test("the bootstrap is reproducible for a seed")
    func reproducible() {
        let d = Self.simulated(subjects: 40, images: 2, seed: 11, fnmr: 0.2, fmr: 0.05)
        let options = CohortAnalysisOptions(targets: [0.05], replicates: 200, seed: 99)
        let a = CohortAnalysis.analyze(d, dimensions: "half", options: options)[0]
        let b = CohortAnalysis.analyze(d, dimensions: "half", options: options)[0]
        #expect(a.overall.fmrBootstrap == b.overall.fmrBootstrap && a.cohorts[1].fnmrBootstrap == b.cohorts[1].fnmrBootstrap)
        #expect(a.inequityBootstrap?["garbe"] == b.inequityBootstrap?["garbe"])
        #expect(a.overall.fmrBootstrap != nil && a.inequityBootstrap?["fdr"] != nil)
    }

    @Test("the bootstrap gives the same replicates on 1, 2 and 3 threads, in the same order")
    func threadsDoNotChangeReplicates() {
        let statistic: @Sendable ([Int]) -> [Int] = { m in m.enumerated().map { $0.offset * $0.element } }
        let one = SubjectBootstrap.run(subjects: 37, replicates: 101, seed: 5, statistic)
        for threads in [2, 3] {
            #expect(SubjectBootstrap.run(subjects: 37, replicates: 101, seed: 5, threads: threads, statistic) == one)
        }
        let d = Self.simulated(subjects: 40, images: 2, seed: 11, fnmr: 0.2, fmr: 0.05)
        var options = CohortAnalysisOptions(targets: [0.05], replicates: 200, seed: 99)
        let a = CohortAnalysis.analyze(d, dimensions: "half", options: options)[0]
        options.threads = 2
        let b = CohortAnalysis.analyze(d, dimensions: "half", options: options)[0]
        #expect(a.overall.fmrBootstrap == b.overall.fmrBootstrap && a.cohorts[1].fnmrRatioToOverall == b.cohorts[1].fnmrRatioToOverall)
        #expect(a.cohorts.map(\.ratioBootstrap) == b.cohorts.map(\.ratioBootstrap) && a.inequityBootstrap == b.inequityBootstrap)
    }

    @Test("nominal 95% subject-bootstrap intervals cover the true rates in 90-99% of 200 datasets")
    func coverage() {
        let trueFNMR = 0.1
        let trueFMR = 0.02
        var fnmrHits = 0
        var fmrHits = 0
        let datasets = 200
        for seed in 0..<datasets {
            let d = Self.simulated(subjects: 120, images: 2, seed: UInt64(1000 + seed), fnmr: trueFNMR, fmr: trueFMR)
            let all = Array(0..<d.count)
            let tally = SubjectBootstrap.tally(d, indices: all, threshold: 1)
            let samples = SubjectBootstrap.run(subjects: d.subjectCount, replicates: 400, seed: UInt64(seed)) { m in
                (tally.matedRate(m), tally.nonMatedRate(m))
            }
            if let ci = SubjectBootstrap.percentileInterval(samples.map(\.0)), ci.lower <= trueFNMR && trueFNMR <= ci.upper {
                fnmrHits += 1
            }
            if let ci = SubjectBootstrap.percentileInterval(samples.map(\.1)), ci.lower <= trueFMR && trueFMR <= ci.upper { fmrHits += 1 }
        }
        let fnmrCoverage = Double(fnmrHits) / Double(datasets)
        let fmrCoverage = Double(fmrHits) / Double(datasets)
        print("bootstrap coverage over \(datasets) datasets: FNMR \(fnmrCoverage), FMR \(fmrCoverage)")
        #expect((0.90...0.99).contains(fnmrCoverage), "FNMR coverage \(fnmrCoverage)")
        #expect((0.90...0.99).contains(fmrCoverage), "FMR coverage \(fmrCoverage)")
    }

    @Test("percentile intervals interpolate like numpy and count NaN at the worst end of each bound")
    func percentiles() {
        #expect(SubjectBootstrap.percentileInterval([1, 2, 3, 4, 5], alpha: 0.5) == BinomialInterval(lower: 2, upper: 4))
        let ci = SubjectBootstrap.percentileInterval([1, 2, 3, 4, 5, .nan], alpha: 0.5)
        #expect(ci == BinomialInterval(lower: 1.25, upper: 4.75))
        #expect(SubjectBootstrap.percentileInterval([.nan]) == nil)
    }
}
