extension VerificationReport {
    /// Builds the report from binned scores, with the definitions of ``init(_:interval:alpha:curvePoints:)``.
    ///
    /// What is exact: trial and failure counts, every operating point whose threshold lies in the exact
    /// region (the caller keeps enough of the top), ZeroFMR, and the mated statistics. What is at bin
    /// resolution: the EER, bob's EER and min-HTER thresholds, both AUCs, d′, ZeroFNMR, the non-mated
    /// distribution and curve points below ``BinnedScores/exactFrom``.
    public init(
        binned scores: BinnedScores, targets: [Double], interval: BinomialInterval.Method = .clopperPearson, alpha: Double = 0.05,
        curvePoints: Int? = nil
    ) {
        precondition(!scores.genuine.isEmpty && scores.impostorCount > 0, "need completed mated and non-mated scores")
        let pol = scores.polarity
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        func rates(_ tau: Double) -> ThresholdRates {
            let fmr = scores.falseMatches(at: tau).rate
            let fnmr = scores.falseNonMatches(at: tau).rate
            return ThresholdRates(threshold: pol.threshold(tau), fmr: fmr, fnmr: fnmr, hter: (fmr + fnmr) / 2)
        }
        let tradeoff = ErrorTradeoff(scores)
        let points = targets.map { OperatingPoint(targetFMR: $0, binned: scores) }
        let point0 = points.first ?? OperatingPoint(targetFMR: 0.01, binned: scores)
        let genuine = ScoreStatistics.meanAndDeviation(scores.genuine)
        let impostor = scores.impostorMeanAndDeviation
        let equal = tradeoff.equalErrorRate()
        let zero = tradeoff.fnmrAtNearestFMR(0)
        let zeroN = tradeoff.fmrAtNearestFNMR(0)
        polarity = pol.rawValue
        genuineTrials = scores.genuine.count
        impostorTrials = scores.impostorCount
        genuineFailures = scores.genuineFailures
        impostorFailures = scores.impostorFailures
        fta = finite(AcquisitionAdjustedRates(point: point0, binned: scores).fta)
        eer = EER(value: equal.value, low: equal.low, high: equal.high, threshold: pol.threshold(equal.similarityThreshold))
        eerBob = rates(ThresholdSearch.minimizing(.absoluteDifference, binned: scores))
        minHter = rates(ThresholdSearch.minimizing(.weightedError, binned: scores))
        auc = ScoreStatistics.auc(scores)
        aucBob = ScoreStatistics.bobROCAUC(scores)
        decidability = ScoreStatistics.decidability(scores)
        zeroFmr = ZeroPoint(value: zero.fnmr, threshold: pol.threshold(zero.similarityThreshold))
        zeroFnmr = ZeroPoint(value: zeroN.fmr, threshold: pol.threshold(zeroN.similarityThreshold))
        genuineScores = Distribution(
            mean: finite(pol.threshold(genuine.mean)), std: finite(genuine.deviation),
            median: finite(pol.threshold(ScoreStatistics.median(sorted: scores.genuine))))
        impostorScores = Distribution(
            mean: finite(pol.threshold(impostor.mean)), std: finite(impostor.deviation),
            median: finite(pol.threshold(scores.impostorMedian)))
        operatingPoints = points.map {
            Point($0, adjusted: AcquisitionAdjustedRates(point: $0, binned: scores), interval: interval, alpha: alpha)
        }
        nearestFmrPoints = targets.map { target in
            let p = tradeoff.fnmrAtNearestFMR(target)
            return NearestPoint(targetFmr: target, fmr: p.fmr, fnmr: p.fnmr, threshold: pol.threshold(p.similarityThreshold))
        }
        curve = curvePoints.map { CurvePoints.sample(scores, count: $0) }
        conventions = Self.conventions(polarity: pol, interval: interval, alpha: alpha)
        cohorts = nil
    }
}
