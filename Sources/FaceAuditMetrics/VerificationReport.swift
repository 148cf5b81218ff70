import FaceAuditScoring

/// The JSON object `faceaudit metrics --json` prints. Keys are a contract for scripts and CI.
///
/// NaN never appears: a rate without trials is `null`.
///
/// Scores without a single completed mated comparison (an impostor-only set: one photo per person) still
/// give thresholds, FMRs and their intervals, which need only non-mated scores. Every number that needs
/// mated scores is then `null`: FNMR and its interval, FRR, the EERs, min-HTER, both AUCs, d′, ZeroFMR,
/// ZeroFNMR and the mated distribution. `curve` is empty (a ROC/DET point needs both rates).
public struct VerificationReport: Sendable, Codable {
    /// `similarity` or `dissimilarity`.
    public var polarity: String
    /// Completed mated comparisons (the FNMR denominator).
    public var genuineTrials: Int
    /// Completed non-mated comparisons (the FMR denominator).
    public var impostorTrials: Int
    /// Mated comparisons with a NaN score.
    public var genuineFailures: Int
    /// Non-mated comparisons with a NaN score.
    public var impostorFailures: Int
    /// Pooled failure-to-acquire rate (bob's `get_fta`).
    public var fta: Double?
    /// FVC2000/pyeer EER; null without mated scores.
    @NullWhenUndefined public var eer: EER?
    /// bob's EER: the midpoint threshold minimising |FMR − FNMR| and the rates there; null without mated scores.
    @NullWhenUndefined public var eerBob: ThresholdRates?
    /// bob's minimum half-total error rate threshold and the rates there; null without mated scores.
    @NullWhenUndefined public var minHter: ThresholdRates?
    /// Mann–Whitney AUC, ties ½; null without mated scores.
    @NullWhenUndefined public var auc: Double?
    /// bob.measure's `roc_auc_score` (2000-point sampled ROC, trapezoid); null without mated scores.
    @NullWhenUndefined public var aucBob: Double?
    /// Decidability d′; null when undefined (no spread in either score set).
    @NullWhenUndefined public var decidability: Double?
    /// ZeroFMR: lowest FNMR with no false match, and its threshold; null without mated scores.
    @NullWhenUndefined public var zeroFmr: ZeroPoint?
    /// ZeroFNMR: lowest FMR with no false non-match, and its threshold; null without mated scores.
    @NullWhenUndefined public var zeroFnmr: ZeroPoint?
    /// Mated score distribution.
    public var genuineScores: Distribution
    /// Non-mated score distribution.
    public var impostorScores: Distribution
    /// One global operating point per target FMR (largest achievable FMR ≤ target).
    public var operatingPoints: [Point]
    /// One point per fixed threshold (`--threshold`), its FMR measured; absent in reports written before
    /// fixed thresholds existed.
    public var thresholdPoints: [Point]?
    /// pyeer's convention for comparison: FNMR where FMR is nearest each target (may exceed it).
    public var nearestFmrPoints: [NearestPoint]
    /// ROC/DET points (with `--curve`).
    public var curve: [CurvePoint]?
    /// The conventions used, in words.
    public var conventions: [String: String]
    /// Per-cohort analyses (with `--cohorts`): one per dimension set and target FMR.
    public var cohorts: [DisaggregatedRates]?

    /// The FVC2000 EER.
    public struct EER: Sendable, Codable, Hashable {
        /// (low + high) / 2.
        public var value: Double
        /// min(FMR, FNMR) at the chosen threshold.
        public var low: Double
        /// max(FMR, FNMR) at the chosen threshold.
        public var high: Double
        /// The threshold.
        public var threshold: Double
    }

    /// Rates at a threshold.
    public struct ThresholdRates: Sendable, Codable, Hashable {
        /// The threshold.
        public var threshold: Double
        /// FMR there.
        public var fmr: Double
        /// FNMR there.
        public var fnmr: Double
        /// (FMR + FNMR) / 2.
        public var hter: Double
    }

    /// A zero-error operating point.
    public struct ZeroPoint: Sendable, Codable, Hashable {
        /// The other error rate at the threshold where this one is zero.
        public var value: Double
        /// The threshold.
        public var threshold: Double
    }

    /// Mean, standard deviation (divisor n) and median; each null when undefined (no scores).
    public struct Distribution: Sendable, Codable {
        /// Mean.
        @NullWhenUndefined public var mean: Double?
        /// Population standard deviation.
        @NullWhenUndefined public var std: Double?
        /// Median.
        @NullWhenUndefined public var median: Double?
    }

    /// One global operating point: for a target FMR, or at a fixed threshold.
    public struct Point: Sendable, Codable {
        /// `target_fmr` or `threshold`: how τ was chosen.
        public var operatingPoint: OperatingPointKind
        /// The requested FMR; absent at a fixed threshold.
        public var targetFmr: Double?
        /// τ in the scores' units.
        public var threshold: Double
        /// What a fixed threshold is (e.g. "face_recognition's default tolerance"); absent otherwise.
        public var label: String?
        /// Realised FMR.
        public var fmr: Double?
        /// FNMR at τ; null without completed mated comparisons ("not measured").
        @NullWhenUndefined public var fnmr: Double?
        /// k of the FMR.
        public var falseMatches: Int
        /// k of the FNMR.
        public var falseNonMatches: Int
        /// n of the FMR.
        public var impostorTrials: Int
        /// n of the FNMR.
        public var genuineTrials: Int
        /// Whether target ≥ 1/n_non-mated (always true at a fixed threshold: its FMR is measured).
        public var estimable: Bool
        /// Naive binomial interval of the FMR (method in `conventions`).
        public var fmrInterval: [Double?]
        /// Naive binomial interval of the FNMR.
        public var fnmrInterval: [Double?]
        /// When no false match was seen: the one-sided upper bound 1 − α^(1/n).
        public var fmrZeroErrorUpperBound: Double?
        /// FAR = FMR · (1 − FTA).
        public var far: Double?
        /// FRR = FTA + FNMR · (1 − FTA); null without completed mated comparisons.
        @NullWhenUndefined public var frr: Double?
    }

    /// A pyeer-style point.
    public struct NearestPoint: Sendable, Codable {
        /// The requested FMR.
        public var targetFmr: Double
        /// The FMR nearest to it on the curve.
        public var fmr: Double
        /// FNMR there; null without mated scores.
        @NullWhenUndefined public var fnmr: Double?
        /// The threshold.
        public var threshold: Double
    }

    /// Builds the report of `scores` at one global threshold per target FMR.
    ///
    /// On ``SortedScores`` every number is exact. On ``BinnedScores`` these are exact: trial and failure
    /// counts, every operating point whose threshold lies in the exact region (the caller keeps enough of
    /// the top), ZeroFMR, and the mated statistics; these are at bin resolution: the EER and AUC unless
    /// ``BinnedScores/equalErrorRateIsExact`` and ``BinnedScores/aucIsExact`` say otherwise, bob's EER
    /// and min-HTER thresholds, bob's AUC, d′, ZeroFNMR, the non-mated distribution and curve points
    /// below ``BinnedScores/exactFrom``.
    ///
    /// Needs at least one completed non-mated score (a threshold comes from them). Without completed mated
    /// scores, every number that needs them is nil (see the type's documentation).
    public init<S: ScoreDistribution>(
        scores: S, targets: [Double], thresholds: [FixedThreshold] = [], interval: BinomialInterval.Method = .clopperPearson,
        alpha: Double = 0.05, curvePoints: Int? = nil
    ) {
        precondition(scores.impostorCount > 0, "need completed non-mated scores")
        let pol = scores.polarity
        let mated = !scores.genuine.isEmpty
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        func rates(_ tau: Double) -> ThresholdRates {
            let fmr = scores.falseMatches(at: tau).rate
            let fnmr = scores.falseNonMatches(at: tau).rate
            return ThresholdRates(threshold: pol.threshold(tau), fmr: fmr, fnmr: fnmr, hter: (fmr + fnmr) / 2)
        }
        // Read off the trade-off curve once (binned scores find the readings without building it).
        let readings = mated ? scores.tradeoffReadings(targets: targets) : nil
        let points = targets.map { OperatingPoint(targetFMR: $0, scores: scores) }
        let point0 = points.first ?? OperatingPoint(targetFMR: 0.01, scores: scores)
        let genuine = ScoreStatistics.meanAndDeviation(scores.genuine)
        let impostor = scores.impostorMeanAndDeviation
        polarity = pol.rawValue
        genuineTrials = scores.genuine.count
        impostorTrials = scores.impostorCount
        genuineFailures = scores.genuineFailures
        impostorFailures = scores.impostorFailures
        fta = finite(AcquisitionAdjustedRates(point: point0, scores: scores).fta)
        if mated {
            let equal = readings!.equalErrorRate
            let zero = readings!.zeroFMR
            let zeroN = readings!.zeroFNMR
            eer = EER(value: equal.value, low: equal.low, high: equal.high, threshold: pol.threshold(equal.similarityThreshold))
            eerBob = rates(scores.threshold(minimizing: .absoluteDifference))
            minHter = rates(scores.threshold(minimizing: .weightedError))
            auc = scores.auc
            aucBob = ScoreStatistics.bobROCAUC(scores)
            decidability = finite(ScoreStatistics.decidability(genuine: genuine, impostor: impostor))
            zeroFmr = ZeroPoint(value: zero.fnmr, threshold: pol.threshold(zero.similarityThreshold))
            zeroFnmr = ZeroPoint(value: zeroN.fmr, threshold: pol.threshold(zeroN.similarityThreshold))
        } else {
            eer = nil
            eerBob = nil
            minHter = nil
            auc = nil
            aucBob = nil
            decidability = nil
            zeroFmr = nil
            zeroFnmr = nil
        }
        genuineScores = Distribution(
            mean: finite(pol.threshold(genuine.mean)), std: finite(genuine.deviation),
            median: finite(pol.threshold(ScoreStatistics.median(sorted: scores.genuine))))
        impostorScores = Distribution(
            mean: finite(pol.threshold(impostor.mean)), std: finite(impostor.deviation),
            median: finite(pol.threshold(scores.impostorMedian)))
        operatingPoints = points.map {
            Point($0, adjusted: AcquisitionAdjustedRates(point: $0, scores: scores), interval: interval, alpha: alpha)
        }
        thresholdPoints = thresholds.map { OperatingPoint(fixed: $0, scores: scores) }.map {
            Point($0, adjusted: AcquisitionAdjustedRates(point: $0, scores: scores), interval: interval, alpha: alpha)
        }
        let nearest = readings?.nearestFMR ?? TradeoffReadings.nearestFMR(scores.errorTradeoff, targets: targets)
        nearestFmrPoints = zip(targets, nearest).map { target, p in
            NearestPoint(targetFmr: target, fmr: p.fmr, fnmr: finite(p.fnmr), threshold: pol.threshold(p.similarityThreshold))
        }
        curve = curvePoints.map { CurvePoints.sample(scores, count: $0) }
        conventions = Self.conventions(polarity: pol, interval: interval, alpha: alpha)
    }

    /// The report of a summary's scores at its targets.
    public init(
        _ s: VerificationSummary, interval: BinomialInterval.Method = .clopperPearson, alpha: Double = 0.05, curvePoints: Int? = nil
    ) {
        self.init(
            scores: s.scores, targets: s.operatingPoints.compactMap(\.targetFMR), interval: interval, alpha: alpha, curvePoints: curvePoints
        )
    }

    /// The conventions, stated in every output so that numbers can be compared across tools.
    public static func conventions(polarity: ScorePolarity, interval: BinomialInterval.Method, alpha: Double) -> [String: String] {
        [
            "decision": polarity == .similarity
                ? "accept when score >= threshold (ties accepted)"
                : "accept when distance <= threshold (ties accepted)",
            "threshold": "one global threshold per target: the largest achievable FMR <= target over all non-mated "
                + "comparisons (bob.measure far_threshold); not estimable when target < 1/n_non-mated",
            "eer": "FVC2000 as pyeer computes it: (low + high) / 2 at the crossing; eer_bob is bob.measure's eer_threshold",
            "auc": "Mann-Whitney U / (n_mated * n_non-mated), ties counted 1/2; auc_bob is bob.measure roc_auc_score",
            "interval": "\(interval.rawValue) \(Int((1 - alpha) * 100))% (naive: treats comparisons as independent)",
            "fta": "NaN scores; pooled over mated and non-mated attempts (bob get_fta); FMR and FNMR are over completed comparisons",
        ]
    }

    enum CodingKeys: String, CodingKey {
        case polarity
        case genuineTrials = "genuine_trials"
        case impostorTrials = "impostor_trials"
        case genuineFailures = "genuine_failures"
        case impostorFailures = "impostor_failures"
        case fta, eer
        case eerBob = "eer_bob"
        case minHter = "min_hter"
        case auc
        case aucBob = "auc_bob"
        case decidability
        case zeroFmr = "zero_fmr"
        case zeroFnmr = "zero_fnmr"
        case genuineScores = "genuine_scores"
        case impostorScores = "impostor_scores"
        case operatingPoints = "operating_points"
        case thresholdPoints = "threshold_points"
        case nearestFmrPoints = "nearest_fmr_points"
        case curve, conventions, cohorts
    }
}

extension VerificationReport {
    /// Every global operating point: the targets', then the fixed thresholds'.
    public var allPoints: [Point] { operatingPoints + (thresholdPoints ?? []) }
}

extension VerificationReport.Point {
    /// The point for a terminal line: `FMR target 0.001` or `threshold 0.6 (face_recognition's default tolerance)`.
    public var name: String {
        if let targetFmr { return "FMR target \(targetFmr)" }
        return "threshold \(threshold)" + (label.map { " (\($0))" } ?? "")
    }

    /// The report's view of an operating point.
    init(_ p: OperatingPoint, adjusted: AcquisitionAdjustedRates, interval: BinomialInterval.Method, alpha: Double) {
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        let fmrCI = BinomialInterval(p.falseMatches, method: interval, alpha: alpha)
        let fnmrCI = BinomialInterval(p.falseNonMatches, method: interval, alpha: alpha)
        self.init(
            operatingPoint: p.setting.kind, targetFmr: p.targetFMR, threshold: p.threshold, label: p.setting.label, fmr: finite(p.fmr),
            fnmr: finite(p.fnmr),
            falseMatches: p.falseMatches.errors, falseNonMatches: p.falseNonMatches.errors,
            impostorTrials: p.falseMatches.trials, genuineTrials: p.falseNonMatches.trials, estimable: p.estimable,
            fmrInterval: [finite(fmrCI.lower), finite(fmrCI.upper)], fnmrInterval: [finite(fnmrCI.lower), finite(fnmrCI.upper)],
            fmrZeroErrorUpperBound: p.falseMatches.errors == 0
                ? finite(BinomialInterval.zeroErrorUpperBound(trials: p.falseMatches.trials, alpha: alpha)) : nil,
            far: finite(adjusted.far), frr: finite(adjusted.frr))
    }

    enum CodingKeys: String, CodingKey {
        case operatingPoint = "operating_point"
        case targetFmr = "target_fmr"
        case threshold, label, fmr, fnmr
        case falseMatches = "false_matches"
        case falseNonMatches = "false_non_matches"
        case impostorTrials = "impostor_trials"
        case genuineTrials = "genuine_trials"
        case estimable
        case fmrInterval = "fmr_interval"
        case fnmrInterval = "fnmr_interval"
        case fmrZeroErrorUpperBound = "fmr_zero_error_upper_bound"
        case far, frr
    }
}

extension VerificationReport.NearestPoint {
    enum CodingKeys: String, CodingKey {
        case targetFmr = "target_fmr"
        case fmr, fnmr, threshold
    }
}
