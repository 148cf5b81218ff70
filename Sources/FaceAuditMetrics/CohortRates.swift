/// One cohort's rates at the global threshold, with everything a report needs beside them.
public struct CohortRates: Sendable, Codable {
    /// The cohort, e.g. `gender=female;ethnicity=black`, or `overall`.
    public var cohort: String
    /// Distinct subjects in the cohort's comparisons.
    public var subjects: Int
    /// FNMR over the cohort's completed mated comparisons.
    public var fnmr: ErrorCount
    /// FMR over the cohort's completed within-cohort non-mated comparisons.
    public var fmr: ErrorCount
    /// Failures to acquire (NaN scores) among the cohort's comparisons.
    public var fta: ErrorCount
    /// Naive binomial interval of the FNMR.
    public var fnmrInterval: BinomialInterval
    /// Naive binomial interval of the FMR.
    public var fmrInterval: BinomialInterval
    /// One-sided upper bound 1 − α^(1/n) when no false match was seen.
    public var fmrZeroErrorUpperBound: Double?
    /// Subject-bootstrap percentile interval of the FNMR.
    public var fnmrBootstrap: BinomialInterval?
    /// Subject-bootstrap percentile interval of the FMR.
    public var fmrBootstrap: BinomialInterval?
    /// Median mated score (in the scores' units).
    public var medianMatedScore: Double?
    /// Median within-cohort non-mated score.
    public var medianNonMatedScore: Double?
    /// The threshold this cohort alone would need for the target FMR (scores' units).
    public var thresholdForTarget: Double?
    /// FMR / overall FMR.
    public var fmrRatioToOverall: Double?
    /// FNMR / overall FNMR.
    public var fnmrRatioToOverall: Double?
    /// FMR / the reference cohort's FMR.
    public var fmrRatioToReference: Double?
    /// FNMR / the reference cohort's FNMR.
    public var fnmrRatioToReference: Double?
    /// Subject-bootstrap intervals of the four ratios, by name (`fmr_ratio_to_overall`, …).
    public var ratioBootstrap: [String: BinomialInterval]?
    /// The share of bootstrap resamples in which each bootstrapped statistic was undefined (a rate with
    /// no trials in the resample, a ratio 0/0), by name: `fmr`, `fnmr` and the ratio names. A statistic
    /// with a share here but no interval (in `fmr_bootstrap`, `ratio_bootstrap`, …) is not estimable: its
    /// interval would depend on the undefined resamples (``SubjectBootstrap/interval(_:alpha:)``).
    public var bootstrapUndefinedShare: [String: Double]?
    /// Warnings: too few non-mated pairs for the target, too few subjects, no mated pairs.
    public var flags: [String]
    /// The smallest FMR ratio this cohort's people and photos could detect at the target FMR
    /// (``DisaggregatedRates/setDetectableRatios()``); nil at a fixed threshold, without a bootstrap, or
    /// when none below 1 / target is detectable.
    public var detectableRatio: Double?

    enum CodingKeys: String, CodingKey {
        case cohort, subjects, fnmr, fmr, fta
        case fnmrInterval = "fnmr_interval"
        case fmrInterval = "fmr_interval"
        case fmrZeroErrorUpperBound = "fmr_zero_error_upper_bound"
        case fnmrBootstrap = "fnmr_bootstrap"
        case fmrBootstrap = "fmr_bootstrap"
        case medianMatedScore = "median_mated_score"
        case medianNonMatedScore = "median_non_mated_score"
        case thresholdForTarget = "threshold_for_target"
        case fmrRatioToOverall = "fmr_ratio_to_overall"
        case fnmrRatioToOverall = "fnmr_ratio_to_overall"
        case fmrRatioToReference = "fmr_ratio_to_reference"
        case fnmrRatioToReference = "fnmr_ratio_to_reference"
        case ratioBootstrap = "ratio_bootstrap"
        case bootstrapUndefinedShare = "bootstrap_undefined_share"
        case flags
        case detectableRatio = "detectable_ratio"
    }
}

/// Every disaggregated number for one dimension set at one operating point (a target FMR or a fixed
/// threshold): the FaceAudit counterpart of fairlearn's MetricFrame (overall, by cohort, cross-cohort
/// matrix, inequity summaries).
public struct DisaggregatedRates: Sendable, Codable {
    /// The dimension set, e.g. `gender;ethnicity`.
    public var dimensions: DimensionSet
    /// How the global threshold was chosen: `target_fmr` or `threshold` (fixed).
    public var operatingPoint: OperatingPointKind
    /// The target FMR the global threshold was set for; null at a fixed threshold.
    @NullWhenUndefined public var targetFMR: Double?
    /// The global threshold (scores' units): set for the target, or the fixed one.
    public var threshold: Double
    /// What a fixed threshold is (e.g. "face_recognition's default tolerance"); null otherwise.
    public var thresholdLabel: String?
    /// Whether the target is at least 1/n over all non-mated comparisons (always true at a fixed
    /// threshold: its FMR is measured).
    public var estimable: Bool
    /// Everything pooled.
    public var overall: CohortRates
    /// Each cohort, in name order.
    public var cohorts: [CohortRates]
    /// Cross-cohort FMR: `cross_fmr[p][r]` over non-mated comparisons with probe in cohort p, reference in r;
    /// empty for a dimension set of more than ``CohortAnalysisOptions/crossCohortLimit`` cohorts.
    public var crossFMR: [[ErrorCount]]
    /// Why ``crossFMR`` is empty though there are cohorts (too many of them), or nil.
    public var crossFMROmitted: String?
    /// Inequity measures over the cohorts with a known label and at least one comparison.
    public var inequity: InequityMeasures
    /// Bootstrap percentile intervals of the inequity measures, by measure name.
    public var inequityBootstrap: [String: BinomialInterval]?
    /// The share of bootstrap resamples in which each inequity measure was undefined, by measure name; a
    /// measure with a share but no interval in `inequity_bootstrap` is not estimable.
    public var inequityBootstrapUndefinedShare: [String: Double]?
    /// The worst against the best group, for FMR and (where measured) FNMR: see ``GroupComparison``.
    public var worstBest: [GroupComparison]?
    /// The reference cohort of the `*_ratio_to_reference` columns.
    public var referenceCohort: String?
    /// Who falsely matches whom, person by person (counts only), for the school scenario; present for
    /// single-attribute dimension sets of runs since this key was added.
    public var partnerCounts: PartnerCounts?
    /// The subject-bootstrap tallies the intervals were computed from (not part of summary.json; a run
    /// writes them to subjects.json for `faceaudit report`); nil without a bootstrap or when decoded.
    public var bootstrapTallies: BootstrapTallies?
    /// What the cohorts' `detectable_ratio` assume; nil when they have none.
    public var detectableRatioBasis: DetectableRatioBasis?

    /// The operating point as one value.
    public var setting: OperatingPointSetting {
        targetFMR.map(OperatingPointSetting.targetFMR) ?? .threshold(threshold, label: thresholdLabel)
    }

    enum CodingKeys: String, CodingKey {
        case dimensions
        case operatingPoint = "operating_point"
        case targetFMR = "target_fmr"
        case threshold
        case thresholdLabel = "threshold_label"
        case estimable, overall, cohorts
        case crossFMR = "cross_fmr"
        case crossFMROmitted = "cross_fmr_omitted"
        case inequity
        case inequityBootstrap = "inequity_bootstrap"
        case inequityBootstrapUndefinedShare = "inequity_bootstrap_undefined_share"
        case worstBest = "worst_best"
        case referenceCohort = "reference_cohort"
        case partnerCounts = "partner_counts"
        case detectableRatioBasis = "detectable_ratio_basis"
    }
}

/// The subject-bootstrap inputs of one ``DisaggregatedRates``: per subject (by index) the errors and
/// trials of everyone and of each cohort, and how the replicates were drawn.
public struct BootstrapTallies: Sendable {
    /// Everyone's comparisons.
    public var overall: SubjectBootstrap.Tally
    /// Each cohort's (mated and within-cohort non-mated comparisons), in the cohorts' order.
    public var cohorts: [SubjectBootstrap.Tally]
    /// Subjects drawn per replicate (indices 0..<subjects).
    public var subjects: Int
    /// Replicates.
    public var replicates: Int
    /// The generator's seed.
    public var seed: UInt64
    /// 1 − confidence.
    public var alpha: Double
}
