import FaceAuditScoring
import Foundation

/// Settings of a disaggregated analysis.
public struct CohortAnalysisOptions: Sendable {
    /// Target FMRs; one global threshold each.
    public var targets: [Double]
    /// Fixed thresholds (scores' units), evaluated beside the targets.
    public var thresholds: [FixedThreshold] = []
    /// Score orientation (thresholds are reported in its units).
    public var polarity: ScorePolarity
    /// Naive interval method.
    public var interval: BinomialInterval.Method
    /// 1 − confidence.
    public var alpha: Double
    /// Cohorts with fewer subjects are flagged.
    public var minimumSubjects: Int
    /// Subject-bootstrap replicates (0: none).
    public var replicates: Int
    /// Bootstrap seed.
    public var seed: UInt64
    /// The cohort that `*_ratio_to_reference` divides by.
    public var referenceCohort: String?
    /// Weight of FMR in GARBE, FDR and IR.
    public var inequityAlpha: Double
    /// Threads for the bootstrap replicates (results do not depend on it).
    public var threads = 1
    /// The most cohorts a dimension set may have for its cross-cohort table (``DisaggregatedRates/crossFMR``,
    /// one cell per ordered pair of cohorts) to be made: beyond it the table is empty and
    /// ``DisaggregatedRates/crossFMROmitted`` says why. 100, the most labels of one dimension, so that
    /// only intersections lose it: the 1,000 cohorts of 2 genders × 100 ethnicities × 5 age bands
    /// made a million cells a threshold, mostly one pair of people each (a 162 MB CSV and a 110 MB
    /// summary.json from 2,000 images).
    public var crossCohortLimit = 100

    /// Creates options.
    public init(
        targets: [Double] = [1e-2, 1e-3, 1e-4], polarity: ScorePolarity = .similarity, interval: BinomialInterval.Method = .clopperPearson,
        alpha: Double = 0.05, minimumSubjects: Int = 10, replicates: Int = 1000, seed: UInt64 = 1, referenceCohort: String? = nil,
        inequityAlpha: Double = 0.5
    ) {
        self.targets = targets
        self.polarity = polarity
        self.interval = interval
        self.alpha = alpha
        self.minimumSubjects = minimumSubjects
        self.replicates = replicates
        self.seed = seed
        self.referenceCohort = referenceCohort
        self.inequityAlpha = inequityAlpha
    }
}

extension CohortAnalysisOptions {
    /// Every operating point: the targets, then the fixed thresholds.
    public var settings: [OperatingPointSetting] {
        targets.map(OperatingPointSetting.targetFMR) + thresholds.map { .threshold($0.value, label: $0.label) }
    }

    /// The similarity threshold of `setting` over `overall`.
    func similarityThreshold<S: ScoreDistribution>(_ setting: OperatingPointSetting, overall: S) -> Double {
        switch setting {
        case .targetFMR(let target): overall.threshold(forFMR: target)
        case .threshold(let value, _): polarity.similarity(value)
        }
    }
}

/// Per-cohort rates at global thresholds, NIST-style.
///
/// One threshold per target FMR is set from **all** non-mated comparisons, and each fixed threshold
/// is used as given; every cohort's FMR (within-cohort non-mated pairs) and FNMR (its mated pairs) are
/// then counted at that same τ.
public enum CohortAnalysis {
    /// Everyone's group, the same in every labeling of one set of comparisons (only the cohorts differ):
    /// how many people it holds and its bootstrap tally at each threshold. A run makes it once and hands
    /// it to every dimension set's ``analyze(_:dimensions:options:everyone:)``; built per set, everyone's
    /// design and tallies (every comparison of the run) took a tenth of a 4,000-image run with ages.
    ///
    /// Only for this package's runs, which label one set of comparisons per dimension set: it holds
    /// nothing that proves which comparisons it came from, so a caller must not hand it other ones.
    package struct Everyone: Sendable {
        /// Subjects in at least one comparison.
        let subjects: Int
        /// The bootstrap tally at each threshold of the options' operating points (none without replicates).
        let tallies: [Double: SubjectBootstrap.Tally]
        /// What it was made from, checked on use: comparisons, subjects, and everyone's completed mated
        /// and non-mated comparisons.
        let counts: [Int]

        /// Everyone's group of `data` at the thresholds of `options` (the cohorts of `data` are not read).
        package init(_ data: LabeledComparisons, options: CohortAnalysisOptions) {
            var subjects = Set<Int32>()
            for k in 0..<data.count {
                subjects.insert(data.probeSubject[k])
                if !data.mated[k] { subjects.insert(data.referenceSubject[k]) }
            }
            self.subjects = subjects.count
            let overall = data.groupedScores.overall
            counts = Self.counts(data, overall: overall)
            var tallies: [Double: SubjectBootstrap.Tally] = [:]
            if options.replicates > 0 && data.subjectCount > 0 && overall.impostorCount > 0 {
                let indices = (0..<data.count).filter { data.mated[$0] } + (0..<data.count).filter { !data.mated[$0] }
                let design = SubjectBootstrap.design(data, indices: indices)
                for setting in options.settings {
                    let tau = options.similarityThreshold(setting, overall: overall)
                    if tallies[tau] == nil { tallies[tau] = SubjectBootstrap.tally(data, indices: indices, threshold: tau, design: design) }
                }
            }
            self.tallies = tallies
        }

        /// What ``counts`` holds, of `data` (`overall`: its sorted scores).
        static func counts(_ data: LabeledComparisons, overall: SortedScores) -> [Int] {
            [data.count, data.subjectCount, overall.genuine.count, overall.impostor.count]
        }
    }

    /// Analyses one dimension set (`dimensions` names it in the output).
    public static func analyze(_ data: LabeledComparisons, dimensions: DimensionSet, options: CohortAnalysisOptions) -> [DisaggregatedRates]
    {
        analyze(data, dimensions: dimensions, options: options, everyone: nil)
    }

    /// ``analyze(_:dimensions:options:)`` with everyone's group already made from another labeling of the
    /// same comparisons (``Everyone``). One whose counts differ from these comparisons', or without the
    /// tallies the options' replicates need, is made again here.
    package static func analyze(
        _ data: LabeledComparisons, dimensions: DimensionSet, options: CohortAnalysisOptions, everyone: Everyone?
    ) -> [DisaggregatedRates] {
        let cohortCount = data.cohortNames.count
        var matedIndices = [[Int]](repeating: [], count: cohortCount)
        var withinIndices = [[Int]](repeating: [], count: cohortCount)
        for k in 0..<data.count {
            let c = Int(data.cohort(of: k))
            guard c >= 0 else { continue }
            if data.mated[k] { matedIndices[c].append(k) } else { withinIndices[c].append(k) }
        }

        struct Group {
            let name: String
            let scores: SortedScores
            let subjects: Int
            let indices: [Int]
        }
        // Scores here are already similarities, sorted once for every analysis of `data`.
        let sorted = data.groupedScores
        func group(_ name: String, mated: [Int], nonMated: [Int], scores: SortedScores) -> Group {
            var subjects = Set<Int32>()
            for k in mated { subjects.insert(data.probeSubject[k]) }
            for k in nonMated {
                subjects.insert(data.probeSubject[k])
                subjects.insert(data.referenceSubject[k])
            }
            return Group(name: name, scores: scores, subjects: subjects.count, indices: mated + nonMated)
        }
        guard sorted.overall.impostorCount > 0 else { return [] }
        let bootstrapping = options.replicates > 0 && data.subjectCount > 0
        // One whose counts are not these comparisons', or without these thresholds' tallies, is made again.
        let taus = options.settings.map { options.similarityThreshold($0, overall: sorted.overall) }
        let counts = Everyone.counts(data, overall: sorted.overall)
        let everyone =
            everyone.flatMap { $0.counts == counts && (!bootstrapping || taus.allSatisfy($0.tallies.keys.contains)) ? $0 : nil }
            ?? Everyone(data, options: options)
        // Everyone's comparisons need no list: their tallies are everyone's.
        let overall = Group(name: "overall", scores: sorted.overall, subjects: everyone.subjects, indices: [])
        let cohorts = (0..<cohortCount).map {
            group(data.cohortNames[$0], mated: matedIndices[$0], nonMated: withinIndices[$0], scores: sorted.cohorts[$0])
        }
        // Who is compared with whom does not depend on the threshold: built once, tallied per target.
        let cohortDesigns = bootstrapping ? cohorts.map { SubjectBootstrap.design(data, indices: $0.indices) } : []
        let people = dimensions.isIntersection ? nil : PartnerCounts.Layout(data)

        return options.settings.map { setting in
            let tau = options.similarityThreshold(setting, overall: overall.scores)
            let support = Support(setting, overall: overall.scores, threshold: tau)
            func rates(_ g: Group) -> CohortRates {
                groupRates(g.name, subjects: g.subjects, scores: g.scores, threshold: tau, support: support, options: options)
            }
            let crossed = cohortCount <= options.crossCohortLimit ? cohortCount : 0
            var cross = [[ErrorCount]](repeating: [ErrorCount](repeating: ErrorCount(errors: 0, trials: 0), count: crossed), count: crossed)
            for k in 0..<data.count where crossed > 0 && !data.mated[k] && !data.scores[k].isNaN {
                let p = Int(data.probeCohort[k])
                let r = Int(data.referenceCohort[k])
                guard p >= 0 && r >= 0 else { continue }
                cross[p][r].trials += 1
                if data.scores[k] >= tau { cross[p][r].errors += 1 }
            }
            // For the school scenario, who falsely matches whom.
            let partners = people.map { layout in
                let size = (0..<data.count).count { !data.mated[$0] && data.scores[$0] >= tau }
                return PartnerCounts.counts(layout, falseMatches: size) { visit in
                    for k in 0..<data.count where !data.mated[k] && !data.scores[k].isNaN && data.scores[k] >= tau {
                        visit(data.probeSubject[k], data.probeCohort[k], data.referenceSubject[k], data.referenceCohort[k])
                    }
                }
            }
            let everyoneTally = bootstrapping ? everyone.tallies[tau] : nil
            let tallies = everyoneTally.map { everyoneTally in
                (
                    overall: everyoneTally,
                    cohorts: cohorts.indices.map {
                        SubjectBootstrap.tally(data, indices: cohorts[$0].indices, threshold: tau, design: cohortDesigns[$0])
                    }
                )
            }
            return finish(
                dimensions: dimensions, setting: setting, threshold: tau, estimable: support.estimable, overall: rates(overall),
                cohorts: cohorts.map(rates), cross: cross, tallies: tallies, subjectCount: data.subjectCount, options: options,
                people: partners)
        }
    }

    /// What a cohort's count of non-mated pairs must support at one operating point: a target FMR, or
    /// at a fixed threshold the FMR measured over everyone (a cohort with fewer than ⌈3/FMR⌉ pairs could
    /// not show a rate that low).
    struct Support {
        /// The target FMR, nil at a fixed threshold.
        let target: Double?
        /// The rate the rule of three is applied to; nil when there is none (a fixed threshold with no
        /// false match overall).
        let rate: Double?
        /// Whether the operating point is estimable (a target at least 1/n; a fixed threshold always).
        let estimable: Bool

        init<S: ScoreDistribution>(_ setting: OperatingPointSetting, overall: S, threshold tau: Double) {
            switch setting {
            case .targetFMR(let t):
                target = t
                rate = t
                estimable = t * Double(overall.impostorCount) >= 1
            case .threshold:
                target = nil
                let fmr = overall.falseMatches(at: tau).rate
                rate = fmr > 0 && fmr.isFinite ? fmr : nil
                estimable = true
            }
        }

        /// The flag of a cohort with `trials` non-mated pairs, or nil.
        func flag(trials: Int) -> String? {
            guard let rate else { return nil }
            let needed = RuleOfThree.requiredTrials(forFMR: rate)
            guard trials < needed else { return nil }
            if let target { return "cannot support FMR \(target): \(trials) non-mated pairs, \(needed) needed" }
            return "too few non-mated pairs to show an FMR as low as the overall \(Self.twoDigits(rate)): \(trials), \(needed) needed"
        }

        /// A rate to two significant digits, as the flag prints it (0.0084).
        static func twoDigits(_ x: Double) -> String {
            let digits = max(0, 1 - Int((log10(x)).rounded(.down)))
            let scale = pow(10, Double(digits))
            let rounded = (x * scale).rounded() / scale
            return digits == 0 ? "\(Int(rounded))" : String(rounded)
        }
    }

    /// One group's rates at the global similarity threshold τ, exact or streamed alike: its counts at τ, its
    /// medians, and its own threshold for `target` when that is exact (else a flag). A τ below the exactly
    /// kept scores is flagged too.
    static func groupRates<S: ScoreDistribution>(
        _ name: String, subjects: Int, scores s: S, threshold tau: Double, support: Support, options: CohortAnalysisOptions,
        globalThresholdExact: Bool = true
    ) -> CohortRates {
        var flags: [String] = []
        if !globalThresholdExact { flags.append("threshold below the exactly kept non-mated scores: counts at histogram resolution") }
        var own: Double?
        if let target = support.target, s.impostorCount > 0 {
            let t = s.threshold(forFMR: target)
            if s.isExact(at: t) { own = t } else { flags.append("threshold_for_target lies below the exactly kept scores") }
        }
        return cohortRates(
            name, subjects: subjects, falseMatches: s.falseMatches(at: tau), falseNonMatches: s.falseNonMatches(at: tau),
            failures: s.genuineFailures + s.impostorFailures, medianMated: ScoreStatistics.median(sorted: s.genuine),
            medianNonMated: s.impostorMedian, ownThreshold: own, support: support, options: options, extraFlags: flags)
    }

    /// One cohort's rates at the global threshold, with its flags; ratios and bootstrap intervals come
    /// later (``finish(dimensions:setting:threshold:estimable:overall:cohorts:cross:tallies:subjectCount:options:people:)``).
    /// Scores are similarities; `failures` counts the cohort's comparisons without a score.
    static func cohortRates(
        _ name: String, subjects: Int, falseMatches fm: ErrorCount, falseNonMatches fnm: ErrorCount, failures: Int,
        medianMated: Double, medianNonMated: Double, ownThreshold: Double?, support: Support, options: CohortAnalysisOptions,
        extraFlags: [String] = []
    ) -> CohortRates {
        var flags: [String] = []
        if let flag = support.flag(trials: fm.trials) { flags.append(flag) }
        if subjects < options.minimumSubjects { flags.append("fewer than \(options.minimumSubjects) subjects") }
        if fnm.trials == 0 { flags.append("no mated pairs") }
        return CohortRates(
            cohort: name, subjects: subjects, fnmr: fnm, fmr: fm,
            fta: ErrorCount(errors: failures, trials: fnm.trials + fm.trials + failures),
            fnmrInterval: BinomialInterval(fnm, method: options.interval, alpha: options.alpha),
            fmrInterval: BinomialInterval(fm, method: options.interval, alpha: options.alpha),
            fmrZeroErrorUpperBound: fm.errors == 0 && fm.trials > 0
                ? BinomialInterval.zeroErrorUpperBound(trials: fm.trials, alpha: options.alpha) : nil,
            medianMatedScore: finite(options.polarity.threshold(medianMated)),
            medianNonMatedScore: finite(options.polarity.threshold(medianNonMated)),
            thresholdForTarget: ownThreshold.map(options.polarity.threshold), flags: flags + extraFlags)
    }

    /// Everything that follows from the cohorts' rates at one threshold, whichever way they were counted:
    /// ratios, inequity measures and (with `tallies`) the subject-bootstrap intervals of all of them.
    static func finish(
        dimensions: DimensionSet, setting: OperatingPointSetting, threshold tau: Double, estimable: Bool, overall: CohortRates,
        cohorts: [CohortRates],
        cross: [[ErrorCount]], tallies: (overall: SubjectBootstrap.Tally, cohorts: [SubjectBootstrap.Tally])?, subjectCount: Int,
        options: CohortAnalysisOptions, people: PartnerCounts? = nil
    ) -> DisaggregatedRates {
        var overallRates = overall
        var cohortRates = cohorts
        let inequityMembers = cohortRates.indices.filter { !cohortRates[$0].cohort.contains("=unknown") }
        let reference = options.referenceCohort.flatMap { name in cohortRates.first { $0.cohort == name } }
        for i in cohortRates.indices {
            cohortRates[i].fmrRatioToOverall = ratio(cohortRates[i].fmr.rate, overallRates.fmr.rate)
            cohortRates[i].fnmrRatioToOverall = ratio(cohortRates[i].fnmr.rate, overallRates.fnmr.rate)
            if let reference {
                cohortRates[i].fmrRatioToReference = ratio(cohortRates[i].fmr.rate, reference.fmr.rate)
                cohortRates[i].fnmrRatioToReference = ratio(cohortRates[i].fnmr.rate, reference.fnmr.rate)
            }
        }
        let inequity = InequityMeasures(
            fmr: inequityMembers.map { cohortRates[$0].fmr.rate }, fnmr: inequityMembers.map { cohortRates[$0].fnmr.rate },
            alpha: options.inequityAlpha)

        var inequityBootstrap: [String: BinomialInterval]?
        var inequityUndefined: [String: Double]?
        let picks = ["fmr", "fnmr"].compactMap { metric in
            GroupComparison.pick(cohortRates, metric: metric, minimumSubjects: options.minimumSubjects).map { (metric, $0) }
        }
        var worstBest = picks.map { metric, pick in
            GroupComparison.point(cohortRates, metric: metric, worst: pick.worst, best: pick.best, groups: pick.eligible.count)
        }
        if let tallies {
            let draws = SubjectBootstrap.run(
                subjects: subjectCount, replicates: options.replicates, seed: options.seed, threads: options.threads
            ) { m in
                (
                    overall: (tallies.overall.matedRate(m), tallies.overall.nonMatedRate(m)),
                    counts: tallies.cohorts.map { ($0.matedCounts(m), $0.nonMatedCounts(m)) }
                )
            }
            // Each cohort's (FNMR, FMR) in each resample, from its counts.
            let samples = draws.map { s in
                (
                    overall: s.overall, counts: s.counts,
                    cohorts: s.counts.map { (SubjectBootstrap.Tally.rate($0.0), SubjectBootstrap.Tally.rate($0.1)) }
                )
            }
            func interval(_ values: [Double]) -> SubjectBootstrap.Interval { SubjectBootstrap.interval(values, alpha: options.alpha) }
            overallRates.fnmrBootstrap = interval(samples.map(\.overall.0)).bounds
            overallRates.fmrBootstrap = interval(samples.map(\.overall.1)).bounds
            let referenceIndex = options.referenceCohort.flatMap { name in cohortRates.firstIndex { $0.cohort == name } }
            for i in cohortRates.indices {
                var intervals: [String: SubjectBootstrap.Interval] = [
                    "fnmr": interval(samples.map { $0.cohorts[i].0 }),
                    "fmr": interval(samples.map { $0.cohorts[i].1 }),
                    "fmr_ratio_to_overall": interval(samples.map { $0.cohorts[i].1 / $0.overall.1 }),
                    "fnmr_ratio_to_overall": interval(samples.map { $0.cohorts[i].0 / $0.overall.0 }),
                ]
                if let r = referenceIndex {
                    intervals["fmr_ratio_to_reference"] = interval(samples.map { $0.cohorts[i].1 / $0.cohorts[r].1 })
                    intervals["fnmr_ratio_to_reference"] = interval(samples.map { $0.cohorts[i].0 / $0.cohorts[r].0 })
                }
                cohortRates[i].fnmrBootstrap = intervals["fnmr"]?.bounds
                cohortRates[i].fmrBootstrap = intervals["fmr"]?.bounds
                cohortRates[i].ratioBootstrap = intervals.filter { $0.key.contains("_ratio_") }.compactMapValues(\.bounds)
                cohortRates[i].bootstrapUndefinedShare = intervals.mapValues(\.undefinedShare)
            }
            for (k, (metric, pick)) in picks.enumerated() {
                let ratio = interval(
                    samples.map {
                        metric == "fmr"
                            ? $0.cohorts[pick.worst].1 / $0.cohorts[pick.best].1 : $0.cohorts[pick.worst].0 / $0.cohorts[pick.best].0
                    })
                worstBest[k].interval = ratio.bounds
                worstBest[k].undefinedShare = ratio.undefinedShare
                // Every eligible group's counts, on the full data and in each resample.
                let eligible = pick.eligible
                let fmr = metric == "fmr"
                if worstBest[k].ratio != nil, let w = eligible.firstIndex(of: pick.worst), let b = eligible.firstIndex(of: pick.best) {
                    worstBest[k].pValue = GroupComparison.pValue(
                        worst: w, best: b,
                        observed: eligible.map { i in
                            let c = fmr ? cohortRates[i].fmr : cohortRates[i].fnmr
                            return (c.errors, c.trials)
                        },
                        resamples: samples.count
                    ) { r in eligible.map { i in fmr ? samples[r].counts[i].1 : samples[r].counts[i].0 } }
                }
                let involved = GroupComparison.involved(tallies.cohorts[pick.worst], metric: metric)
                worstBest[k].peopleInvolved = involved.people
                worstBest[k].pairsInvolved = involved.pairs
            }
            let measures = samples.map { s in
                InequityMeasures(
                    fmr: inequityMembers.map { s.cohorts[$0].1 }, fnmr: inequityMembers.map { s.cohorts[$0].0 },
                    alpha: options.inequityAlpha)
            }
            var intervals: [String: BinomialInterval] = [:]
            var undefined: [String: Double] = [:]
            let paths: [(String, KeyPath<InequityMeasures, Double?>)] = [
                ("fmr_max_min", \.fmrMaxMin), ("fnmr_max_min", \.fnmrMaxMin), ("fmr_max_geomean", \.fmrMaxGeomean),
                ("fnmr_max_geomean", \.fnmrMaxGeomean), ("fmr_gini", \.fmrGini), ("fnmr_gini", \.fnmrGini), ("garbe", \.garbe),
                ("fdr", \.fdr), ("ir", \.ir),
            ]
            for (name, path) in paths {
                let result = interval(measures.map { $0[keyPath: path] ?? .nan })
                intervals[name] = result.bounds
                undefined[name] = result.undefinedShare
            }
            inequityBootstrap = intervals
            inequityUndefined = undefined
        }
        var result = DisaggregatedRates(
            dimensions: dimensions, operatingPoint: setting.kind, targetFMR: setting.targetFMR,
            threshold: setting.fixedThreshold ?? options.polarity.threshold(tau), thresholdLabel: setting.label, estimable: estimable,
            overall: overallRates, cohorts: cohortRates, crossFMR: cross, inequity: inequity, inequityBootstrap: inequityBootstrap,
            inequityBootstrapUndefinedShare: inequityUndefined, worstBest: worstBest.isEmpty ? nil : worstBest,
            referenceCohort: options.referenceCohort, partnerCounts: people)
        if cohorts.count > options.crossCohortLimit {
            result.crossFMROmitted =
                "no cross-cohort table for more than \(options.crossCohortLimit) cohorts: these \(cohorts.count) would make "
                + "\((cohorts.count * cohorts.count).grouped) cells, most of them a pair of people or none"
        }
        result.bootstrapTallies = tallies.map {
            BootstrapTallies(
                overall: $0.overall, cohorts: $0.cohorts, subjects: subjectCount, replicates: options.replicates, seed: options.seed,
                alpha: options.alpha)
        }
        result.setDetectableRatios()
        return result
    }

    /// The overall and per-cohort score sets (mated pairs, within-cohort non-mated pairs), for curves.
    public static func scores(of data: LabeledComparisons, polarity: ScorePolarity) -> [(cohort: String, scores: SortedScores)] {
        let sorted = data.groupedScores
        // In the scores' own units, so that SortedScores reports thresholds in them.
        func inUnits(_ s: SortedScores) -> SortedScores {
            SortedScores(
                sortedGenuine: s.genuine, sortedImpostor: s.impostor, genuineFailures: s.genuineFailures,
                impostorFailures: s.impostorFailures,
                polarity: polarity)
        }
        return [("overall", inUnits(sorted.overall))] + zip(data.cohortNames, sorted.cohorts).map { ($0, inUnits($1)) }
    }

    static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    static func ratio(_ a: Double, _ b: Double) -> Double? {
        guard a.isFinite, b.isFinite, b > 0 else { return nil }
        return a / b
    }
}
