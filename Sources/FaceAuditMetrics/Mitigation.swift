/// What-ifs against the single global threshold: per-cohort thresholds, and cohort Z-norm and T-norm
/// with statistics from held-out people.
///
/// **Per-cohort thresholds.** Every cohort gets its own threshold for the target FMR, found over its own
/// within-cohort non-mated comparisons with the run's convention (``ThresholdSearch/forFMR(_:impostor:)``:
/// the largest achievable FMR ≤ target, accept when score ≥ τ). Its FMR and FNMR at that threshold are set
/// beside those at the global threshold (found over all non-mated comparisons); the FNMR difference is the
/// cost. A cohort without within-cohort non-mated comparisons keeps the global threshold. Operational
/// caveat: a deployed system would have to know which group each person belongs to.
///
/// **Z-norm and T-norm** (bob.bio.base's score normalisation, `PipelineScoreNorm`): Z-norm standardises a
/// comparison's score by the mean and standard deviation of the *reference (enrolled) side's* scores
/// against a cohort of impostor probes (bob's "z-probes"); T-norm by the mean and standard deviation of the
/// *probe side's* scores against a cohort of impostor models (bob's "t-models"): s' = (s − μ)/σ. Here the
/// normalisation cohort of a side is the **held-out people of that side's own demographic cohort**, and
/// the statistics are those of the side's template (its sample; its subject when the sample is unknown):
/// every non-mated, completed score between that template and a held-out person whose side carries the
/// same cohort label, on either side of the comparison (scores are symmetric similarities), with the
/// population standard deviation (divisor n, numpy's default). A comparison whose side has fewer than two
/// such scores, scores against fewer than `options.minimumSubjects` held-out people (`--min-subjects`: a
/// handful of people gives unstable statistics, and a tiny σ blows every score of that side up), a zero
/// standard deviation or no cohort is not normalisable and is left out of both the before and after rates
/// of that what-if (and counted).
///
/// **The split** (``heldOut(_:seed:)``): people are stratified by the cohort of the first comparison side
/// they appear on; within a stratum they are ordered by `SplitMix64(seed: seed &+ subject).next()` (ties by
/// subject index) and the first ⌊n/2⌋ are held out. Only comparisons with both people in the evaluation
/// half are measured, so nobody is normalised with statistics that include a measured person. The before
/// rates of a normalisation what-if are the same evaluation comparisons with raw scores, at their own
/// global threshold.
///
/// Bootstrap intervals are the subject bootstrap's percentile intervals of each cohort's FMR and FNMR
/// with the thresholds held fixed (as ``CohortAnalysis`` does), over the people of the compared set.
public enum Mitigation {
    /// One side's template within one cohort: the unit whose scores are normalised.
    public struct Template: Sendable, Hashable {
        /// Subject index.
        public var subject: Int32
        /// Sample index (−1: unknown, the subject stands for its template).
        public var sample: Int32
        /// The side's cohort.
        public var cohort: Int32
    }

    /// Mean and population standard deviation of a template's scores against held-out people.
    public struct Statistics: Sendable, Hashable {
        /// The scores' count, mean and squared deviations.
        var moments = RunningMoments()
        /// The held-out people the scores are against.
        public var people: Set<Int32> = []

        /// Number of scores.
        public var count: Int { moments.count }
        /// Their mean.
        public var mean: Double { moments.mean }
        /// √(Σ(x − mean)²/n); NaN without scores.
        public var standardDeviation: Double { moments.populationStandardDeviation }

        /// Adds one score.
        mutating func add(_ x: Double, against person: Int32) {
            people.insert(person)
            moments.add(x)
        }
    }

    /// Which side supplies the statistics.
    public enum Norm: String, Sendable, Codable, CaseIterable {
        /// The reference (enrolled) side: Z-norm.
        case z = "z_norm"
        /// The probe side: T-norm.
        case t = "t_norm"
    }

    /// The evaluation comparisons of one normalisation.
    public struct Normalized: Sendable {
        /// With their raw scores.
        public var raw: LabeledComparisons
        /// The same comparisons with normalised scores (z units).
        public var normalized: LabeledComparisons
        /// Evaluation comparisons left out: their side had no usable statistics.
        public var dropped: Int
    }

    /// Whether each subject is held out (index = subject), by the stratified rule in the type's comment.
    public static func heldOut(_ data: LabeledComparisons, seed: UInt64) -> [Bool] {
        var stratum = [Int32?](repeating: nil, count: data.subjectCount)
        for k in 0..<data.count {
            if stratum[Int(data.probeSubject[k])] == nil { stratum[Int(data.probeSubject[k])] = data.probeCohort[k] }
            if stratum[Int(data.referenceSubject[k])] == nil { stratum[Int(data.referenceSubject[k])] = data.referenceCohort[k] }
        }
        var members: [Int32: [(key: UInt64, subject: Int)]] = [:]
        for s in 0..<data.subjectCount {
            var rng = SplitMix64(seed: seed &+ UInt64(s))
            members[stratum[s] ?? -1, default: []].append((rng.next(), s))
        }
        var held = [Bool](repeating: false, count: data.subjectCount)
        for list in members.values {
            let ordered = list.sorted { ($0.key, $0.subject) < ($1.key, $1.subject) }
            for entry in ordered.prefix(list.count / 2) { held[entry.subject] = true }
        }
        return held
    }

    /// The statistics of every evaluation-set template against the held-out people of its own cohort.
    public static func statistics(_ data: LabeledComparisons, heldOut held: [Bool]) -> [Template: Statistics] {
        var stats: [Template: Statistics] = [:]
        for k in 0..<data.count where !data.mated[k] && !data.scores[k].isNaN {
            let p = Template(subject: data.probeSubject[k], sample: data.probeSample[k], cohort: data.probeCohort[k])
            let r = Template(subject: data.referenceSubject[k], sample: data.referenceSample[k], cohort: data.referenceCohort[k])
            guard p.cohort == r.cohort && p.cohort >= 0 && held[Int(p.subject)] != held[Int(r.subject)] else { continue }
            let (side, other) = held[Int(p.subject)] ? (r, p) : (p, r)
            stats[side, default: Statistics()].add(data.scores[k], against: other.subject)
        }
        return stats
    }

    /// The mean and deviation of every template that can normalise (at least two scores, from at least
    /// `minimumPeople` held-out people, a deviation above zero), found by sample index: hashing a template
    /// and copying its statistics (their set of people too) at every comparison took a quarter of the
    /// what-ifs of a 4,000-image run. A template whose sample is unknown, or shares its index with
    /// another, is found by hashing.
    struct Sides {
        private struct Entry {
            var subject: Int32
            var cohort: Int32
            var side: (mean: Double, deviation: Double)?
        }
        /// By sample index: the first template with statistics at that index (nil: none).
        private var bySample: [Entry?] = []
        /// Every template that can normalise.
        private var all: [Template: (mean: Double, deviation: Double)] = [:]

        init(_ stats: [Template: Statistics], minimumPeople: Int) {
            let highest = stats.keys.lazy.map { Int($0.sample) }.max() ?? -1
            bySample = [Entry?](repeating: nil, count: max(0, min(highest + 1, 4 * stats.count + 1)))
            for (t, s) in stats {
                let usable = s.count >= 2 && s.people.count >= minimumPeople && s.standardDeviation > 0
                let side = usable ? (mean: s.mean, deviation: s.standardDeviation) : nil
                if let side { all[t] = side }
                if t.sample >= 0 && Int(t.sample) < bySample.count && bySample[Int(t.sample)] == nil {
                    bySample[Int(t.sample)] = Entry(subject: t.subject, cohort: t.cohort, side: side)
                }
            }
        }

        /// The template's mean and deviation; nil when it cannot normalise.
        subscript(_ t: Template) -> (mean: Double, deviation: Double)? {
            if t.sample >= 0 && Int(t.sample) < bySample.count, let entry = bySample[Int(t.sample)], entry.subject == t.subject,
                entry.cohort == t.cohort
            {
                return entry.side
            }
            return all[t]
        }
    }

    /// The evaluation comparisons (both people not held out) with raw and normalised scores, subjects
    /// renumbered 0..<people in the evaluation set; `dropped` counts evaluation comparisons that could not
    /// be normalised (left out of both): their side's statistics come from fewer than two scores, from fewer
    /// than `minimumPeople` held-out people, or have a zero standard deviation.
    public static func normalized(
        _ data: LabeledComparisons, heldOut held: [Bool], norm: Norm, statistics stats: [Template: Statistics]? = nil,
        minimumPeople: Int = 1
    ) -> Normalized {
        let stats = stats ?? statistics(data, heldOut: held)
        var renumber = [Int32](repeating: -1, count: data.subjectCount)
        var next: Int32 = 0
        for s in 0..<data.subjectCount where !held[s] {
            renumber[s] = next
            next += 1
        }
        var raw = LabeledComparisons()
        raw.cohortNames = data.cohortNames
        raw.subjectCount = Int(next)
        var scaled: [Double] = []
        var dropped = 0
        let sides = Sides(stats, minimumPeople: minimumPeople)
        for k in 0..<data.count where !held[Int(data.probeSubject[k])] && !held[Int(data.referenceSubject[k])] {
            let side =
                norm == .z
                ? Template(subject: data.referenceSubject[k], sample: data.referenceSample[k], cohort: data.referenceCohort[k])
                : Template(subject: data.probeSubject[k], sample: data.probeSample[k], cohort: data.probeCohort[k])
            guard let s = sides[side] else {
                dropped += 1
                continue
            }
            scaled.append((data.scores[k] - s.mean) / s.deviation)
            raw.scores.append(data.scores[k])
            raw.mated.append(data.mated[k])
            raw.probeSubject.append(renumber[Int(data.probeSubject[k])])
            raw.referenceSubject.append(renumber[Int(data.referenceSubject[k])])
            raw.probeSample.append(data.probeSample[k])
            raw.referenceSample.append(data.referenceSample[k])
            raw.probeCohort.append(data.probeCohort[k])
            raw.referenceCohort.append(data.referenceCohort[k])
            raw.matedCohort.append(data.matedCohort[k])
        }
        var normalizedData = raw
        normalizedData.scores = scaled
        return Normalized(raw: raw, normalized: normalizedData, dropped: dropped)
    }

    /// The global similarity threshold for `target` over all completed non-mated scores; nil without any.
    public static func globalThreshold(_ data: LabeledComparisons, target: Double) -> Double? {
        globalThreshold(nonMated(data), target: target)
    }

    /// All completed non-mated scores of `data`, sorted once for the global threshold of every target.
    static func nonMated(_ data: LabeledComparisons) -> SortedScores { nonMated(data.groupedScores) }

    /// Everyone's completed non-mated scores of `grouped`.
    static func nonMated(_ grouped: LabeledComparisons.GroupedScores) -> SortedScores {
        let everyone = grouped.overall
        return SortedScores(sortedGenuine: [], sortedImpostor: everyone.impostor, impostorFailures: everyone.impostorFailures)
    }

    /// The global similarity threshold for `target` over `scores`; nil without any.
    static func globalThreshold(_ scores: SortedScores, target: Double) -> Double? {
        scores.impostorCount > 0 ? scores.threshold(forFMR: target) : nil
    }

    /// Per cohort: the comparisons counted for its FNMR (mated, pair-level cohort) and FMR (within-cohort
    /// non-mated).
    static func cohortIndices(_ data: LabeledComparisons) -> [[Int]] {
        var indices = [[Int]](repeating: [], count: data.cohortNames.count)
        for k in 0..<data.count {
            let c = data.cohort(of: k)
            if c >= 0 { indices[Int(c)].append(k) }
        }
        return indices
    }

    /// One set of comparisons split by cohort, ready to be counted at any thresholds: who is compared with
    /// whom (the bootstrap designs) does not depend on the threshold or on a normalisation, so it is built
    /// once and shared by the before and after rates of every target.
    struct Groups {
        /// Per cohort, the comparisons counted for it.
        let indices: [[Int]]
        /// Per cohort, the subject-bootstrap design (empty without replicates).
        let designs: [SubjectBootstrap.Design]

        init(_ data: LabeledComparisons, bootstrap: Bool) {
            indices = cohortIndices(data)
            designs = bootstrap && data.subjectCount > 0 ? indices.map { SubjectBootstrap.design(data, indices: $0) } : []
        }

    }

    /// Every cohort's FMR and FNMR at its similarity threshold `thresholds[c]`, with subject-bootstrap
    /// intervals when `options.replicates` > 0.
    public static func rates(_ data: LabeledComparisons, thresholds: [Double], options: CohortAnalysisOptions) -> [MitigationRates] {
        let groups = Groups(data, bootstrap: options.replicates > 0)
        return rates(data, groups: groups, sorted: data.groupedScores.cohorts, thresholds: thresholds, options: options)
    }

    /// ``rates(_:thresholds:options:)`` over groups already built from `data` (or from comparisons with
    /// the same people and the same failures).
    static func rates(
        _ data: LabeledComparisons, groups: Groups, sorted: [SortedScores], thresholds: [Double], options: CohortAnalysisOptions
    ) -> [MitigationRates] {
        let indices = groups.indices
        var rates = indices.indices.map { c in
            let scores = sorted[c]
            return MitigationRates(
                cohort: data.cohortNames[c], threshold: thresholds[c], fmr: scores.falseMatches(at: thresholds[c]),
                fnmr: scores.falseNonMatches(at: thresholds[c]))
        }
        guard options.replicates > 0 && groups.designs.count == indices.count else { return rates }
        let tallies = indices.indices.map {
            SubjectBootstrap.tally(data, indices: indices[$0], threshold: thresholds[$0], design: groups.designs[$0])
        }
        let samples = SubjectBootstrap.run(
            subjects: data.subjectCount, replicates: options.replicates, seed: options.seed, threads: options.threads
        ) { m in tallies.map { ($0.matedRate(m), $0.nonMatedRate(m)) } }
        for c in rates.indices {
            rates[c].fnmrBootstrap = SubjectBootstrap.interval(samples.map { $0[c].0 }, alpha: options.alpha).bounds
            rates[c].fmrBootstrap = SubjectBootstrap.interval(samples.map { $0[c].1 }, alpha: options.alpha).bounds
        }
        return rates
    }

    /// The inequity measures over cohorts other than `…=unknown` (as ``CohortAnalysis`` computes them).
    static func inequity(_ rates: [MitigationRates], alpha: Double) -> InequityMeasures {
        let members = rates.filter { !$0.cohort.contains("=unknown") }
        return InequityMeasures(fmr: members.map(\.fmr.rate), fnmr: members.map(\.fnmr.rate), alpha: alpha)
    }

    /// The three what-ifs for one dimension set at `target`; nil without non-mated comparisons.
    public static func analyze(
        _ data: LabeledComparisons, dimensions: DimensionSet, target: Double, options: CohortAnalysisOptions
    ) -> MitigationAnalysis? {
        analyze(data, dimensions: dimensions, targets: [target], options: options).first
    }

    /// The three what-ifs for one dimension set at each of `targets` (a target without non-mated comparisons
    /// is left out). The split and the normalised scores do not depend on the target, so they are computed once.
    public static func analyze(
        _ data: LabeledComparisons, dimensions: DimensionSet, targets: [Double], options: CohortAnalysisOptions
    ) -> [MitigationAnalysis] {
        let bootstrap = options.replicates > 0
        let cohorts = data.cohortNames.count
        let all = Groups(data, bootstrap: bootstrap)
        let held = heldOut(data, seed: options.seed)
        let stats = statistics(data, heldOut: held)
        let splits = Norm.allCases.map { norm in
            let split = normalized(data, heldOut: held, norm: norm, statistics: stats, minimumPeople: options.minimumSubjects)
            let groups = Groups(split.raw, bootstrap: bootstrap)
            // Each sorted once, for its cohorts and everyone.
            let raw = split.raw.groupedScores
            let normalized = split.normalized.groupedScores
            return (
                norm: norm, split: split, groups: groups, raw: raw.cohorts, normalized: normalized.cohorts,
                global: (raw: nonMated(raw), normalized: nonMated(normalized))
            )
        }
        let everyone = data.groupedScores
        let allNonMated = nonMated(everyone)
        let allSorted = everyone.cohorts
        func whatIf(
            _ name: String, people: Int, heldOut: Int, dropped: Int, before: (Double, [MitigationRates]),
            after: (Double?, [MitigationRates])
        ) -> MitigationWhatIf {
            MitigationWhatIf(
                whatIf: name, globalThresholdBefore: before.0, globalThresholdAfter: after.0, people: people, heldOutPeople: heldOut,
                unnormalizable: dropped, before: before.1, after: after.1, inequityBefore: inequity(before.1, alpha: options.inequityAlpha),
                inequityAfter: inequity(after.1, alpha: options.inequityAlpha))
        }
        return targets.compactMap { target -> MitigationAnalysis? in
            guard let tau = globalThreshold(allNonMated, target: target) else { return nil }
            let own = allSorted.map { $0.impostorCount > 0 ? $0.threshold(forFMR: target) : tau }
            let global = [Double](repeating: tau, count: cohorts)
            var whatIfs = [
                whatIf(
                    "per_cohort_thresholds", people: data.subjectCount, heldOut: 0, dropped: 0,
                    before: (tau, rates(data, groups: all, sorted: allSorted, thresholds: global, options: options)),
                    after: (nil, rates(data, groups: all, sorted: allSorted, thresholds: own, options: options)))
            ]
            for (norm, split, groups, rawSorted, normalizedSorted, global) in splits {
                guard let rawTau = globalThreshold(global.raw, target: target),
                    let normTau = globalThreshold(global.normalized, target: target)
                else { continue }
                let before = rates(
                    split.raw, groups: groups, sorted: rawSorted, thresholds: [Double](repeating: rawTau, count: cohorts), options: options)
                let after = rates(
                    split.normalized, groups: groups, sorted: normalizedSorted, thresholds: [Double](repeating: normTau, count: cohorts),
                    options: options)
                whatIfs.append(
                    whatIf(
                        norm.rawValue, people: split.raw.subjectCount, heldOut: held.filter { $0 }.count, dropped: split.dropped,
                        before: (rawTau, before), after: (normTau, after)))
            }
            return MitigationAnalysis(dimensions: dimensions, targetFMR: target, whatIfs: whatIfs)
        }
    }
}

/// One cohort's rates in a what-if, at one similarity threshold (z units after normalisation).
public struct MitigationRates: Sendable, Hashable, Codable {
    /// Cohort name.
    public var cohort: String
    /// The similarity threshold its rates were counted at.
    public var threshold: Double
    /// False matches among its within-cohort non-mated comparisons.
    public var fmr: ErrorCount
    /// False non-matches among its mated comparisons.
    public var fnmr: ErrorCount
    /// Subject-bootstrap percentile interval of the FMR (threshold fixed); nil when not estimable or not run.
    public var fmrBootstrap: BinomialInterval?
    /// Subject-bootstrap percentile interval of the FNMR.
    public var fnmrBootstrap: BinomialInterval?

    enum CodingKeys: String, CodingKey {
        case cohort, threshold, fmr, fnmr
        case fmrBootstrap = "fmr_bootstrap"
        case fnmrBootstrap = "fnmr_bootstrap"
    }
}

/// One what-if: every cohort's rates before (the single global threshold) and after.
public struct MitigationWhatIf: Sendable, Hashable, Codable {
    /// `per_cohort_thresholds`, `z_norm` or `t_norm`.
    public var whatIf: String
    /// The global similarity threshold of the compared comparisons' raw scores.
    public var globalThresholdBefore: Double
    /// The global threshold over the normalised scores (z units); nil for per-cohort thresholds.
    public var globalThresholdAfter: Double?
    /// People measured.
    public var people: Int
    /// People held out for the normalisation statistics (0 for per-cohort thresholds).
    public var heldOutPeople: Int
    /// Evaluation comparisons left out because their side had no usable statistics.
    public var unnormalizable: Int
    /// Rates at the single global threshold.
    public var before: [MitigationRates]
    /// Rates after the what-if.
    public var after: [MitigationRates]
    /// Inequity measures before.
    public var inequityBefore: InequityMeasures
    /// Inequity measures after.
    public var inequityAfter: InequityMeasures

    enum CodingKeys: String, CodingKey {
        case whatIf = "what_if"
        case globalThresholdBefore = "global_threshold_before"
        case globalThresholdAfter = "global_threshold_after"
        case people
        case heldOutPeople = "held_out_people"
        case unnormalizable, before, after
        case inequityBefore = "inequity_before"
        case inequityAfter = "inequity_after"
    }
}

/// The what-ifs of one dimension set at one target FMR.
public struct MitigationAnalysis: Sendable, Hashable, Codable {
    /// The dimension set.
    public var dimensions: DimensionSet
    /// The target FMR.
    public var targetFMR: Double
    /// Per-cohort thresholds, Z-norm, T-norm (a normalisation is absent when no scores could be normalised).
    public var whatIfs: [MitigationWhatIf]

    enum CodingKeys: String, CodingKey {
        case dimensions
        case targetFMR = "target_fmr"
        case whatIfs = "what_ifs"
    }
}
