/// Error rates at one global threshold: chosen for a target FMR, or fixed in advance.
///
/// For a target, τ gives the largest achievable FMR ≤ target over all non-mated comparisons (bob's
/// `far_threshold`). When the target is below 1/n (fewer non-mated trials than the target can
/// resolve), the point is *not estimable*: τ is set just above the highest non-mated score
/// (FMR = 0) and the one-sided zero-error bound is what a report may state. A fixed threshold is
/// always estimable: its FMR is measured, with its interval.
public struct OperatingPoint: Sendable, Hashable {
    /// How τ was chosen.
    public let setting: OperatingPointSetting
    /// The requested FMR; nil at a fixed threshold.
    public var targetFMR: Double? { setting.targetFMR }
    /// The global threshold, in the scores' own units.
    public let threshold: Double
    /// The same threshold as a similarity (for counting).
    public let similarityThreshold: Double
    /// False matches among completed non-mated trials.
    public let falseMatches: ErrorCount
    /// False non-matches among completed mated trials.
    public let falseNonMatches: ErrorCount
    /// Whether the target is at least 1/n_non-mated.
    public let estimable: Bool

    /// The rates at similarity threshold τ (the global threshold for `target` when nil; a cohort is
    /// measured at the global τ).
    public init<S: ScoreDistribution>(targetFMR target: Double, similarityThreshold tau: Double? = nil, scores: S) {
        let tau = tau ?? scores.threshold(forFMR: target)
        self.setting = .targetFMR(target)
        self.similarityThreshold = tau
        self.threshold = scores.polarity.threshold(tau)
        self.falseMatches = scores.falseMatches(at: tau)
        self.falseNonMatches = scores.falseNonMatches(at: tau)
        self.estimable = scores.impostorCount > 0 && target * Double(scores.impostorCount) >= 1
    }

    /// The rates at a fixed threshold `fixed` (in the scores' own units; a distance for distances).
    public init<S: ScoreDistribution>(fixed: FixedThreshold, scores: S) {
        let tau = scores.polarity.similarity(fixed.value)
        self.setting = .threshold(fixed.value, label: fixed.label)
        self.similarityThreshold = tau
        self.threshold = fixed.value
        self.falseMatches = scores.falseMatches(at: tau)
        self.falseNonMatches = scores.falseNonMatches(at: tau)
        self.estimable = scores.impostorCount > 0
    }

    /// FMR.
    public var fmr: Double { falseMatches.rate }
    /// FNMR.
    public var fnmr: Double { falseNonMatches.rate }
}

/// Failure-to-acquire rates folded into verification rates, with bob's definitions.
public struct AcquisitionAdjustedRates: Sendable, Hashable {
    /// Pooled FTA: NaN scores among all attempted comparisons, mated and non-mated.
    public let fta: Double
    /// FAR = FMR · (1 − FTA).
    public let far: Double
    /// FRR = FTA + FNMR · (1 − FTA).
    public let frr: Double

    /// Folds the FTA of `scores` into the rates of `point`.
    public init<S: ScoreDistribution>(point: OperatingPoint, scores: S) {
        let failures = scores.genuineFailures + scores.impostorFailures
        self.init(point: point, failures: failures, attempts: scores.genuine.count + scores.impostorCount + failures)
    }

    /// Folds `failures` of `attempts` into the rates of `point`.
    init(point: OperatingPoint, failures: Int, attempts: Int) {
        let fta = attempts == 0 ? .nan : Double(failures) / Double(attempts)
        self.fta = fta
        self.far = point.fmr * (1 - fta)
        self.frr = fta + point.fnmr * (1 - fta)
    }
}
