import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics

/// Undefined bootstrap resamples are counted, never dropped (issue 15, item 3).
@Suite("undefined bootstrap resamples")
struct UndefinedResampleTests {
    @Test("an undefined replicate takes the worst place for each bound, and is counted")
    func placedAtTheWorstEnd() throws {
        let result = SubjectBootstrap.interval([1, 2, 3, 4, 5, .nan], alpha: 0.5)
        #expect(abs(result.undefinedShare - 1.0 / 6) < 1e-12)
        // Six ranks: the NaN first for the lower bound (rank 1.25 → 1.25), last for the upper (rank 3.75 → 4.75).
        let bounds = try #require(result.bounds)
        #expect(abs(bounds.lower - 1.25) < 1e-12 && abs(bounds.upper - 4.75) < 1e-12)
    }

    @Test("an interval that needs the undefined replicates is not estimable")
    func notEstimable() {
        let values: [Double] = [.nan, .nan, .nan, 1, 2, 3, 4, 5, 6, 7]
        let result = SubjectBootstrap.interval(values, alpha: 0.5)
        #expect(!result.estimable && result.bounds == nil)
        #expect(abs(result.undefinedShare - 0.3) < 1e-12)
        #expect(SubjectBootstrap.percentileInterval(values, alpha: 0.5) == nil)
        #expect(SubjectBootstrap.interval([.nan, .nan]).undefinedShare == 1)
    }

    @Test("x/0 with x > 0 is defined: it leaves the interval open above")
    func infiniteRatios() throws {
        let bounds = try #require(SubjectBootstrap.interval([1, 2, 3, .infinity], alpha: 0.5).bounds)
        #expect(abs(bounds.lower - 1.75) < 1e-12 && bounds.upper == .infinity)
        #expect(SubjectBootstrap.interval([1, .infinity, .infinity, .infinity], alpha: 0.5).bounds == nil)
    }

    @Test("a ratio to overall whose resamples are often 0/0 is reported not estimable, with its share")
    func ratioOfOneErrorPair() throws {
        // One false match, between two people of group a: a resample drawing neither of them has none
        // anywhere, so the group's ratio to the overall rate is 0/0 in about 1 − (1 − 1/e)² ≈ 60% of resamples.
        let d = FindingTests.design(groups: [("group=a", 12), ("group=b", 12)], falseMatches: [(0, 1)])
        let result = try #require(CohortAnalysis.analyze(d, dimensions: "group", options: FindingTests.options()).first)
        let a = try #require(result.cohorts.first { $0.cohort == "group=a" })
        let share = try #require(a.bootstrapUndefinedShare?["fmr_ratio_to_overall"])
        #expect(share > 0.5 && share < 0.7, "\(share)")
        #expect(a.ratioBootstrap?["fmr_ratio_to_overall"] == nil, "the interval needs the undefined resamples")
        #expect(a.fmrRatioToOverall != nil, "the point estimate is still reported")
        #expect(result.inequityBootstrapUndefinedShare?["fmr_max_min"] != nil)
    }
}

/// The headline findings (issue 15, item 1): worst against best group, evidence, people involved, order.
@Suite("findings: worst against best group")
struct FindingTests {
    /// People with two photos each, in groups of the given sizes (numbered in order), compared all-pairs;
    /// similarity 1 for the listed false matches (one per pair of people, between their first photos; a
    /// pair is given by the two people's numbers) and for same-person pairs not in `missed`, else 0.
    static func design(groups: [(name: String, people: Int)], falseMatches: [(Int, Int)], missed: Set<Int> = []) -> LabeledComparisons {
        var d = LabeledComparisons()
        d.cohortNames = groups.map(\.name)
        let cohortOf = groups.enumerated().flatMap { g in [Int32](repeating: Int32(g.offset), count: g.element.people) }
        d.subjectCount = cohortOf.count
        let errors = Set(falseMatches.map { [min($0.0, $0.1), max($0.0, $0.1)] })
        let samples = cohortOf.indices.flatMap { [($0, 0), ($0, 1)] }
        for i in samples.indices {
            for j in (i + 1)..<samples.count {
                let (a, x) = samples[i]
                let (b, y) = samples[j]
                let mated = a == b
                let accept = mated ? !missed.contains(a) : x == 0 && y == 0 && errors.contains([a, b])
                d.append(
                    score: accept ? 1 : 0, probe: TestPhoto(subject: a, sample: i, cohort: cohortOf[a]),
                    reference: TestPhoto(subject: b, sample: j, cohort: cohortOf[b]))
            }
        }
        return d
    }

    /// One fixed similarity threshold of 0.5, 1,000 replicates, `--min-subjects` 10.
    static func options() -> CohortAnalysisOptions {
        var o = CohortAnalysisOptions(targets: [], minimumSubjects: 10, replicates: 1000, seed: 3)
        o.thresholds = [FixedThreshold(0.5, label: "the test setting")]
        return o
    }

    /// Two groups without a false match, of 12 and 40 people: the best group is the one measured on more
    /// comparisons (0 of 3,120 says more than 0 of 264), whatever the order; first met won before.
    @Test("among groups tied at the lowest rate the best is the one with the most comparisons")
    func zeroTiesPickTheLargestGroup() throws {
        for names in [["group=a", "group=b"], ["group=b", "group=a"]] {
            let d = Self.design(
                groups: [(names[0], 12), (names[1], 40), ("group=c", 12)], falseMatches: [(52, 53), (54, 55), (56, 57)])
            let result = try #require(CohortAnalysis.analyze(d, dimensions: "group", options: Self.options()).first)
            let fmr = try #require(result.worstBest?.first { $0.metric == "fmr" })
            #expect(fmr.worst == "group=c")
            #expect(fmr.best == names[1] && fmr.bestCount.errors == 0 && fmr.bestCount.trials == 3_120)
            let findings = Finding.list([result], minimumSubjects: 10, polarity: .similarity)
            let finding = try #require(findings.first { $0.comparison.metric == "fmr" })
            #expect(finding.statement.contains("cannot show whether, or by how much, the rate of the group \u{201C}c\u{201D} is higher"))
        }
    }

    /// Gender: 24 false matches spread over the 12 women, 1 among the 12 men, and an `unknown` group and a
    /// 3-person group with higher rates that must not be compared.
    static func gender() -> (data: LabeledComparisons, womenPairs: [(Int, Int)]) {
        let women = (0..<8).flatMap { i in [(i, i + 1), (i, i + 2), (i, i + 4)] }
        let men = [(12, 13)]
        let unknown = [(24, 25), (24, 26), (25, 26)]
        let few = [(28, 29), (29, 30)]
        let data = design(
            groups: [("gender=female", 12), ("gender=male", 12), ("gender=unknown", 4), ("gender=nonbinary", 3)],
            falseMatches: women + men + unknown + few)
        return (data, women)
    }

    @Test("worst and best group, their ratio and interval, and the people the errors involve")
    func worstAgainstBest() throws {
        let (data, womenPairs) = Self.gender()
        let result = try #require(CohortAnalysis.analyze(data, dimensions: "gender", options: Self.options()).first)
        let fmr = try #require(result.worstBest?.first { $0.metric == "fmr" })
        #expect(fmr.worst == "gender=female" && fmr.best == "gender=male", "unknown and too-small groups are never compared")
        #expect(fmr.groups == 2)
        let women = try #require(result.cohorts.first { $0.cohort == "gender=female" })
        let men = try #require(result.cohorts.first { $0.cohort == "gender=male" })
        #expect(women.fmr == ErrorCount(errors: 24, trials: 66 * 4) && men.fmr == ErrorCount(errors: 1, trials: 66 * 4))
        #expect(fmr.ratio == women.fmr.rate / men.fmr.rate)
        #expect(fmr.pairsInvolved == 24)
        #expect(fmr.peopleInvolved == Set(womenPairs.flatMap { [$0.0, $0.1] }).count)
        let interval = try #require(fmr.interval)
        #expect(interval.lower > 1 && interval.lower < fmr.ratio!)
        // Men's one error pair is missing from about 60% of resamples: the ratio is then x/0.
        #expect(interval.upper == .infinity)
        #expect((fmr.undefinedShare ?? 1) < 0.05)
        #expect(fmr.holds(minimumSubjects: 10) && !fmr.holds(minimumSubjects: 13))
        // Nobody's same-person pair was missed: the FNMR comparison exists but shows nothing.
        let fnmr = try #require(result.worstBest?.first { $0.metric == "fnmr" })
        #expect(fnmr.worstCount.errors == 0 && fnmr.ratio == nil && fnmr.peopleInvolved == 0)
    }

    @Test("statements only where the evidence holds, children first, then by strength of evidence")
    func orderAndStatements() throws {
        let options = Self.options()
        let gender = try #require(CohortAnalysis.analyze(Self.gender().data, dimensions: "gender", options: options).first)
        // Children 8-12: 12 false matches over 10 people; adults 30-49: 3 over 20 people.
        let children = (0..<6).flatMap { i in [(i, i + 1), (i, i + 4)] }
        let ages = Self.design(
            groups: [("age_band=8-12", 10), ("age_band=30-49", 20)], falseMatches: children + [(10, 11), (12, 13), (14, 15)],
            missed: [0, 15])
        let age = try #require(CohortAnalysis.analyze(ages, dimensions: "age_band", options: options).first)
        // Ethnicity: 2 false matches against 1, on few people: no difference can be shown.
        let ethnicityData = Self.design(groups: [("ethnicity=a", 10), ("ethnicity=b", 10)], falseMatches: [(0, 1), (2, 3), (10, 11)])
        let ethnicity = try #require(CohortAnalysis.analyze(ethnicityData, dimensions: "ethnicity", options: options).first)

        let findings = Finding.list([ethnicity, gender, age], minimumSubjects: 10, polarity: .similarity)
        #expect(findings.count == 6)
        #expect(findings[0].children && findings[0].holds && findings[0].dimensions == "age_band")
        #expect(findings[0].comparison.worst == "age_band=8-12" && findings[0].comparison.metric == "fmr")
        #expect(findings[1].dimensions == "gender" && findings[1].holds && !findings[1].children)
        #expect(findings.dropFirst(2).allSatisfy { !$0.holds })
        // The children's lower bound is below gender's: children come first anyway.
        #expect((findings[0].comparison.interval?.lower ?? 0) < (findings[1].comparison.interval?.lower ?? 0))
        let held = findings[1].statement
        #expect(held.hasPrefix("At the test setting (a score of 0.5), by gender, two different people in the group \u{201C}female\u{201D}"))
        #expect(held.contains("24 of 264") && held.contains("1 of 264") && held.contains("times as often"))
        #expect(held.contains("fall on 24 pairs of people, involving 12 of its 12 people"))
        let weak = try #require(findings.first { $0.dimensions == "ethnicity" && $0.comparison.metric == "fmr" })
        #expect(weak.statement.contains("cannot show a difference") && !weak.statement.contains("times as often"))
        let noMisses = try #require(findings.first { $0.dimensions == "gender" && $0.comparison.metric == "fnmr" })
        #expect(noMisses.statement.contains("cannot show differences in the false non-match rate"))
        // The children's missed matches: 1 of 10 against 1 of 20 people, an interval including 1.
        let ageMisses = try #require(findings.first { $0.dimensions == "age_band" && $0.comparison.metric == "fnmr" })
        #expect(ageMisses.children && !ageMisses.holds && ageMisses.comparison.peopleInvolved == 1)
        #expect(ageMisses.statement.contains("missed match in the group \u{201C}8-12\u{201D} involves 1 of its 10 people"))
        // Children first among the findings that do not hold too.
        #expect(findings[2].children)
        for f in findings { #expect(f.statement.hasPrefix("At the test setting (a score of 0.5), by "), "\(f.statement)") }
    }

    @Test("a reference group other than the best gets its own sentence, with its ratio and interval")
    func referenceSentence() throws {
        // Women 24 false matches, men 1, and the reference group "other" 6, each group 12 people.
        let women = (0..<8).flatMap { i in [(i, i + 1), (i, i + 2), (i, i + 4)] }
        let others = [(24, 25), (26, 27), (28, 29), (30, 31), (32, 33), (34, 35)]
        let data = Self.design(
            groups: [("gender=female", 12), ("gender=male", 12), ("gender=other", 12)], falseMatches: women + [(12, 13)] + others)
        var options = Self.options()
        options.referenceCohort = "gender=other"
        let result = try #require(CohortAnalysis.analyze(data, dimensions: "gender", options: options).first)
        let finding = try #require(
            Finding.list([result], minimumSubjects: 10, polarity: .similarity).first {
                $0.comparison.metric == "fmr" && $0.operatingPoint == .threshold
            })
        #expect(finding.comparison.worst == "gender=female" && finding.comparison.best == "gender=male")
        let reference = try #require(finding.reference)
        #expect(reference.cohort == "gender=other" && reference.ratio == 4)
        #expect(
            finding.statement.contains("Against the reference group \u{201C}other\u{201D} (6 of 264, 2.3%): 4.0 times"),
            "\(finding.statement)")
        // The reference group being the best one adds nothing: the sentence would repeat the comparison.
        options.referenceCohort = "gender=male"
        let same = try #require(CohortAnalysis.analyze(data, dimensions: "gender", options: options).first)
        let plain = try #require(Finding.list([same], minimumSubjects: 10, polarity: .similarity).first { $0.comparison.metric == "fmr" })
        #expect(!plain.statement.contains("reference group"))
    }

    @Test("a group's children status comes from its age group or the upper end of its age band")
    func childCohorts() {
        #expect(Finding.isChild("age_group=under-18") && !Finding.isChild("age_group=18+"))
        #expect(Finding.isChild("age_band=13-17;gender=female") && !Finding.isChild("age_band=18-29"))
        #expect(!Finding.isChild("age_band=65+") && !Finding.isChild("gender=female"))
    }

    @Test("counts of a thousand and more are written with separators, as everywhere else on the page")
    func groupedCounts() throws {
        // Every pair of the 50 people in group a falsely matches: 1,225 false matches.
        let everyone = (0..<50).flatMap { p in ((p + 1)..<50).map { (p, $0) } }
        let data = Self.design(groups: [("g=a", 50), ("g=b", 50)], falseMatches: everyone + [(50, 51)])
        let analysis = try #require(CohortAnalysis.analyze(data, dimensions: "g", options: Self.options()).first)
        let finding = try #require(Finding.list([analysis], minimumSubjects: 10, polarity: .similarity).first)
        let errors = finding.comparison.worstCount.errors
        #expect(errors >= 1000)
        #expect(finding.statement.contains("in \(errors.formatted(.number.grouping(.automatic))) of "), "\(finding.statement)")
        #expect(!finding.statement.contains(" \(errors) "), "\(finding.statement)")
    }

    @Test("the people missed matches involve are written with separators too")
    func groupedPeople() throws {
        let analysis = try #require(CohortAnalysis.analyze(Self.gender().data, dimensions: "gender", options: Self.options()).first)
        var c = try #require(analysis.worstBest?.first { $0.metric == "fnmr" })
        c.worstCount = ErrorCount(errors: 1_500, trials: 3_000)
        c.worstSubjects = 3_000
        c.peopleInvolved = 1_500
        c.pairsInvolved = nil
        let sentence = Finding.statement(c, holds: false, analysis: analysis, polarity: .similarity, groupName: Finding.labelValues)
        #expect(sentence.contains("involve 1,500 of its 3,000 people"), "\(sentence)")
    }
}

/// The worst and best of many groups are picked after looking: their own interval overstates the
/// evidence, so a finding holds only on a p-value over every pair of groups, adjusted for all findings.
@Suite("findings: allowing for the choice of groups and for every finding")
struct FindingMultiplicityTests {
    /// A standard normal draw (Box–Muller) from a seeded generator.
    static func normal(_ rng: inout SplitMix64) -> Double {
        let u = (Double(rng.next() >> 11) + 0.5) / Double(1 << 53)
        let v = Double(rng.next() >> 11) / Double(1 << 53)
        return (-2 * Foundation.log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// `groups` groups of 2,000 trials with the given expected errors each; 1,000 resamples around the
    /// drawn counts (errors ± their square root, as a resample of people would move them).
    static func counts(
        _ expected: [Double], seed: UInt64
    ) -> (observed: [(errors: Int, trials: Int)], resamples: [[(errors: Int, trials: Int)]]) {
        var rng = SplitMix64(seed: seed)
        let observed = expected.map { e in (errors: max(0, Int((e + e.squareRoot() * normal(&rng)).rounded())), trials: 2_000) }
        let resamples = (0..<1_000).map { _ in
            observed.map { o in
                let e = Double(o.errors)
                return (errors: max(0, Int((e + e.squareRoot() * normal(&rng)).rounded())), trials: o.trials)
            }
        }
        return (observed, resamples)
    }

    @Test("30 groups with one true rate: the highest against the lowest clears its own interval, not the test over every pair")
    func sameRate() throws {
        let (observed, resamples) = Self.counts([Double](repeating: 50, count: 30), seed: 7)
        let worst = try #require(observed.indices.max { observed[$0].errors < observed[$1].errors })
        let best = try #require(observed.indices.min { observed[$0].errors < observed[$1].errors })
        // The rule before: the two groups' own 95% interval of the ratio lies above 1.
        let ratios = resamples.map { Double($0[worst].errors) / Double(max($0[best].errors, 1)) }
        let own = try #require(SubjectBootstrap.interval(ratios).bounds)
        #expect(own.lower > 1, "the two groups' own interval \(own) should clear 1: that is the trap")
        let p = try #require(
            GroupComparison.pValue(worst: worst, best: best, observed: observed, resamples: resamples.count) { resamples[$0] })
        #expect(p > 0.05, "p = \(p)")
    }

    @Test("one group truly ten times as often: the smallest p-value the resamples can give")
    func realDifference() throws {
        let (observed, resamples) = Self.counts([500] + [Double](repeating: 50, count: 29), seed: 7)
        let best = try #require(observed.indices.dropFirst().min { observed[$0].errors < observed[$1].errors })
        let p = try #require(
            GroupComparison.pValue(worst: 0, best: best, observed: observed, resamples: resamples.count) { resamples[$0] })
        #expect(p == 1.0 / 1_001)
        // No p-value when the "worst" is not above the "best", or without resamples.
        #expect(GroupComparison.pValue(worst: best, best: 0, observed: observed, resamples: resamples.count) { resamples[$0] } == nil)
        #expect(GroupComparison.pValue(worst: 0, best: best, observed: observed, resamples: 0) { resamples[$0] } == nil)
    }

    /// The worst group was checked to be above the best by cross-multiplying counts, which overflowed
    /// (a trap) once trials reached about 3 × 10⁹ with errors to match, as a streamed run's can.
    @Test("counts of a large streamed run: a p-value, no overflow")
    func largeCounts() throws {
        let observed: [(errors: Int, trials: Int)] = [(5_000_000_000, 500_000_000_000), (50_000_000, 500_000_000_000)]
        let p = try #require(GroupComparison.pValue(worst: 0, best: 1, observed: observed, resamples: 10) { _ in observed })
        // Every resample equals the data: each pair's spread is 0, so the gap is beyond any resample's.
        #expect(p == 1.0 / 11)
        #expect(GroupComparison.pValue(worst: 1, best: 0, observed: observed, resamples: 10) { _ in observed } == nil)
    }

    @Test("Holm's adjustment: ascending, times the hypotheses left, never below the one before, at most 1")
    func holm() {
        let adjusted = Finding.holm([0.01, 0.04, 0.03, nil, 0.005, 0.5])
        let expected: [Double?] = [0.04, 0.09, 0.09, nil, 0.025, 0.5]
        #expect(adjusted.count == expected.count)
        for (a, e) in zip(adjusted, expected) {
            #expect((a == nil) == (e == nil))
            if let a, let e { #expect(abs(a - e) < 1e-15, "\(adjusted)") }
        }
        #expect(Finding.holm([0.3, 0.4]) == [0.6, 0.6])
        #expect(Finding.holm([0.9, 0.8]) == [1, 1])
    }

    @Test("an interval above 1 with a p-value that does not survive the adjustment: no difference is stated")
    func intervalAloneDoesNotHold() throws {
        let (data, _) = FindingTests.gender()
        var analysis = try #require(CohortAnalysis.analyze(data, dimensions: "gender", options: FindingTests.options()).first)
        let k = try #require(analysis.worstBest?.firstIndex { $0.metric == "fmr" })
        let fmr = try #require(analysis.worstBest?[k])
        #expect(fmr.holds(minimumSubjects: 10), "its own interval lies above 1")
        let held = try #require(
            Finding.list([analysis], minimumSubjects: 10, polarity: .similarity).first { $0.comparison.metric == "fmr" })
        #expect(held.holds && held.comparisons == 1 && held.pValueAdjusted == fmr.pValue)
        #expect(held.statement.contains("allowing for all 2 groups and the run's 1 test"), "\(held.statement)")
        // The same comparison among many: a p-value of 0.03 is not enough once 24 findings are allowed for.
        analysis.worstBest?[k].pValue = 0.03
        var others = analysis
        others.worstBest = (others.worstBest ?? []).map { c in
            var c = c
            c.pValue = c.ratio == nil ? nil : 0.5
            return c
        }
        let findings = Finding.list(
            [analysis] + [DisaggregatedRates](repeating: others, count: 23), minimumSubjects: 10, polarity: .similarity)
        let first = try #require(findings.first { $0.comparison.metric == "fmr" && $0.comparison.pValue == 0.03 })
        #expect(!first.holds && first.comparisons == 24 && first.pValueAdjusted == 0.72)
        #expect(first.statement.contains("among 2 groups this dataset cannot show that a gap this large"), "\(first.statement)")
        #expect(first.statement.contains("p = 0.72 allowing for all 2 groups and the run's 24 tests"))
        #expect(!first.statement.contains("times as often"))
    }
}
