import Foundation

/// The group a system fails most often against the one it fails least often, in one dimension set at
/// one operating point: NIST IR 8429's and Gender Shades' comparison of groups with each other (not with
/// the pooled rate, which counts mostly pairs of people from different groups).
///
/// Semantics:
/// - **Eligible groups**: cohorts with a known label (no `=unknown` in the name), at least the run's
///   `--min-subjects` people, and at least one trial of the metric (non-mated pairs for FMR, mated pairs
///   for FNMR). With fewer than two eligible groups there is no comparison.
/// - **Worst** is the eligible group with the highest rate, **best** the other eligible group with the
///   lowest (the first in cohort order on ties), both at the same global threshold.
/// - **Ratio** is worst rate / best rate; nil when the best rate is 0 (no ratio can be stated).
/// - **Interval**: the subject-bootstrap percentile interval of the ratio of the same two groups'
///   rates in each resample (``SubjectBootstrap/interval(_:alpha:)``), counting resamples where the ratio
///   is 0/0 (`undefinedShare`); nil when not estimable or when the run had no bootstrap. The two groups
///   are chosen on the full data and kept fixed across resamples.
/// - **P-value over every pair** (`p_value`): the worst and best groups are picked after looking, as
///   the most extreme of `groups` groups, so the interval above overstates the evidence (of 30 groups
///   with one true rate, the highest and the lowest differ by chance). The p-value allows for that with
///   a single-step max-test over every pair of eligible groups (Romano & Wolf 2005). Each group's rate
///   is taken as the log of (errors + ½) / (trials + 1) (defined at 0 errors, and near-normal where a
///   rate is not); each pair's difference of these is divided by its standard deviation over the
///   subject-bootstrap resamples, sᵢⱼ. In each resample the largest centred difference of any pair,
///   |(vᵢ* − vⱼ*) − (v̂ᵢ − v̂ⱼ)| / sᵢⱼ, is set against the worst and best groups' (v̂_w − v̂_b) / s_wb;
///   `p_value` = (1 + resamples that reach it) / (1 + resamples). A resample in which an eligible group
///   has no trial counts as reaching it; pairs that never vary (sᵢⱼ = 0) cannot. Nil without a ratio or
///   a bootstrap. ``Finding/list`` adjusts it for the run's number of findings (Holm).
/// - **People involved**: the distinct people in the worst group's errors (both people of every falsely
///   matched pair for FMR; the people with a missed pair for FNMR), and for FMR the distinct pairs of
///   people with a false match. Nil without a bootstrap tally (replicates 0).
public struct GroupComparison: Sendable, Hashable, Codable {
    /// `fmr` or `fnmr`.
    public var metric: String
    /// The worst group's cohort name, e.g. `ethnicity=black`.
    public var worst: String
    /// The best group's cohort name.
    public var best: String
    /// The worst group's errors of trials.
    public var worstCount: ErrorCount
    /// The best group's errors of trials.
    public var bestCount: ErrorCount
    /// People in the worst group.
    public var worstSubjects: Int
    /// People in the best group.
    public var bestSubjects: Int
    /// Groups compared (eligible groups).
    public var groups: Int
    /// worst rate / best rate; nil when the best rate is 0.
    @NullWhenUndefined public var ratio: Double?
    /// Subject-bootstrap percentile interval of the ratio; nil when not estimable or not bootstrapped.
    @NullWhenUndefined public var interval: BinomialInterval?
    /// Share of bootstrap resamples in which the ratio was undefined (0/0); nil when not bootstrapped.
    @NullWhenUndefined public var undefinedShare: Double?
    /// Distinct people in the worst group's errors; nil without a tally.
    @NullWhenUndefined public var peopleInvolved: Int?
    /// Distinct pairs of people with a false match in the worst group (FMR only); nil otherwise.
    @NullWhenUndefined public var pairsInvolved: Int?
    /// The bootstrap p-value of the ratio over every pair of eligible groups (see the type's semantics);
    /// nil without a ratio or a bootstrap.
    @NullWhenUndefined public var pValue: Double?

    /// Creates a comparison.
    public init(
        metric: String, worst: String, best: String, worstCount: ErrorCount, bestCount: ErrorCount, worstSubjects: Int, bestSubjects: Int,
        groups: Int, ratio: Double?, interval: BinomialInterval? = nil, undefinedShare: Double? = nil, peopleInvolved: Int? = nil,
        pairsInvolved: Int? = nil
    ) {
        self.metric = metric
        self.worst = worst
        self.best = best
        self.worstCount = worstCount
        self.bestCount = bestCount
        self.worstSubjects = worstSubjects
        self.bestSubjects = bestSubjects
        self.groups = groups
        self.ratio = ratio
        self.interval = interval
        self.undefinedShare = undefinedShare
        self.peopleInvolved = peopleInvolved
        self.pairsInvolved = pairsInvolved
    }

    /// Whether the interval excludes 1 (above it) and both groups have at least `minimumSubjects` people.
    /// A report states the difference only when this holds and the adjusted ``pValue`` is small enough
    /// too (``Finding``).
    public func holds(minimumSubjects: Int) -> Bool {
        guard let interval, ratio != nil, worstSubjects >= minimumSubjects, bestSubjects >= minimumSubjects else { return false }
        return interval.lower > 1
    }

    /// The indices into `cohorts` of the worst and the best of the eligible groups for `metric`, and of
    /// every eligible group (in order); nil with fewer than two eligible groups.
    ///
    /// Ties: among groups at the same highest (lowest) rate, the one with the most comparisons is the
    /// worst (best), then the first in `cohorts`' order. A rate measured on more comparisons says more,
    /// and ties are common at zero: 0 of 9,384 comparisons is a far stronger sign of a low rate than 0 of
    /// 180, and the best group's rate is what a comparison is measured against.
    public static func pick(_ cohorts: [CohortRates], metric: String, minimumSubjects: Int) -> (worst: Int, best: Int, eligible: [Int])? {
        let eligible = cohorts.indices.filter { i in
            let c = cohorts[i]
            let count = metric == "fmr" ? c.fmr : c.fnmr
            return !c.cohort.contains("=unknown") && c.subjects >= minimumSubjects && count.trials > 0
        }
        guard eligible.count >= 2 else { return nil }
        func rate(_ i: Int) -> Double { metric == "fmr" ? cohorts[i].fmr.rate : cohorts[i].fnmr.rate }
        func trials(_ i: Int) -> Int { metric == "fmr" ? cohorts[i].fmr.trials : cohorts[i].fnmr.trials }
        var worst = eligible[0]
        for i in eligible where rate(i) > rate(worst) || (rate(i) == rate(worst) && trials(i) > trials(worst)) { worst = i }
        let others = eligible.filter { $0 != worst }
        var best = others[0]
        for i in others where rate(i) < rate(best) || (rate(i) == rate(best) && trials(i) > trials(best)) { best = i }
        return (worst, best, eligible)
    }

    /// The p-value of the worst group's rate against the best's over every pair of the eligible groups
    /// (see the type's semantics).
    /// - Parameters:
    ///   - worst: the worst group's index in `observed`.
    ///   - best: the best group's index in `observed`.
    ///   - observed: every eligible group's errors and trials on the full data.
    ///   - resamples: how many resamples there are.
    ///   - counts: the eligible groups' errors and trials in resample b, in the order of `observed`.
    /// - Returns: nil when the worst rate is not above the best, or there are no resamples.
    public static func pValue(
        worst: Int, best: Int, observed: [(errors: Int, trials: Int)], resamples: Int, counts: (Int) -> [(errors: Int, trials: Int)]
    ) -> Double? {
        let k = observed.count
        guard resamples > 0, observed.indices.contains(worst), observed.indices.contains(best), worst != best,
            observed.allSatisfy({ $0.trials > 0 })
        else { return nil }
        // log((e + ½) / (n + 1)); NaN without a trial.
        func value(_ c: (errors: Int, trials: Int)) -> Double {
            c.trials > 0 ? Foundation.log((Double(c.errors) + 0.5) / (Double(c.trials) + 1)) : .nan
        }
        let estimate = observed.map(value)
        // As rates, not cross-multiplied counts: a streamed run's trials reach 10¹¹ and more, and their
        // products would overflow.
        func rate(_ c: (errors: Int, trials: Int)) -> Double { Double(c.errors) / Double(c.trials) }
        guard rate(observed[worst]) > rate(observed[best]) else { return nil }
        let table = (0..<resamples).map { counts($0).map(value) }
        precondition(table.allSatisfy { $0.count == k }, "one count per group in every resample")
        // Each pair's standard deviation over the resamples where both groups have a trial.
        var deviation = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            for j in (i + 1)..<k {
                var moments = RunningMoments()
                for v in table where !v[i].isNaN && !v[j].isNaN { moments.add(v[i] - v[j]) }
                deviation[i * k + j] = moments.count > 1 ? moments.sampleStandardDeviation : 0
            }
        }
        let spread = deviation[min(worst, best) * k + max(worst, best)]
        let statistic = spread > 0 ? (estimate[worst] - estimate[best]) / spread : .infinity
        var reached = 0
        for v in table {
            guard v.allSatisfy({ !$0.isNaN }) else {
                reached += 1
                continue
            }
            var largest = 0.0
            for i in 0..<k {
                for j in (i + 1)..<k where deviation[i * k + j] > 0 {
                    largest = max(largest, abs((v[i] - v[j]) - (estimate[i] - estimate[j])) / deviation[i * k + j])
                }
            }
            if largest >= statistic { reached += 1 }
        }
        return Double(1 + reached) / Double(1 + resamples)
    }

    /// The comparison of `cohorts[worst]` with `cohorts[best]` for `metric`, without bootstrap fields.
    static func point(_ cohorts: [CohortRates], metric: String, worst: Int, best: Int, groups: Int) -> GroupComparison {
        let fmr = metric == "fmr"
        let w = fmr ? cohorts[worst].fmr : cohorts[worst].fnmr
        let b = fmr ? cohorts[best].fmr : cohorts[best].fnmr
        return GroupComparison(
            metric: metric, worst: cohorts[worst].cohort, best: cohorts[best].cohort, worstCount: w, bestCount: b,
            worstSubjects: cohorts[worst].subjects, bestSubjects: cohorts[best].subjects, groups: groups,
            ratio: b.rate > 0 && w.rate.isFinite ? w.rate / b.rate : nil)
    }

    /// The people and pairs of people in the errors of `tally` for `metric`.
    static func involved(_ tally: SubjectBootstrap.Tally, metric: String) -> (people: Int, pairs: Int?) {
        if metric == "fnmr" { return (tally.mated.filter { $0.errors > 0 }.count, nil) }
        var people = Set<Int32>()
        for p in tally.errorPairs {
            people.insert(p.a)
            people.insert(p.b)
        }
        return (people.count, tally.errorPairs.count)
    }

    enum CodingKeys: String, CodingKey {
        case metric, worst, best
        case worstCount = "worst_count"
        case bestCount = "best_count"
        case worstSubjects = "worst_subjects"
        case bestSubjects = "best_subjects"
        case groups, ratio, interval
        case undefinedShare = "undefined_share"
        case peopleInvolved = "people_involved"
        case pairsInvolved = "pairs_involved"
        case pValue = "p_value"
    }
}
