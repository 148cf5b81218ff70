import FaceAuditScoring

/// Mated and non-mated similarity scores as every verification metric reads them: counts at a
/// threshold, the threshold for a target FMR, and whether a count there is exact.
///
/// Two representations conform: ``SortedScores`` keeps every score (every count exact), and
/// ``BinnedScores`` keeps the most similar non-mated scores exactly and the rest as histogram runs
/// (counts exact from ``BinnedScores/exactFrom`` up). Every metric built on this protocol —
/// ``OperatingPoint``, ``AcquisitionAdjustedRates``, ``CurvePoints``, ``VerificationReport`` — is
/// written once for both.
///
/// All thresholds are similarities (accept when score ≥ τ; ties accepted); ``polarity`` turns them back
/// into the scores' own units.
public protocol ScoreDistribution: Sendable {
    /// How the original scores are oriented; thresholds are reported in these units.
    var polarity: ScorePolarity { get }
    /// Completed mated similarities, ascending (always exact).
    var genuine: [Double] { get }
    /// Completed non-mated comparisons.
    var impostorCount: Int { get }
    /// Mated comparisons without a score (failure to acquire).
    var genuineFailures: Int { get }
    /// Non-mated comparisons without a score.
    var impostorFailures: Int { get }
    /// False matches at similarity threshold τ: non-mated scores ≥ τ.
    func falseMatches(at tau: Double) -> ErrorCount
    /// False non-matches at similarity threshold τ: mated scores < τ.
    func falseNonMatches(at tau: Double) -> ErrorCount
    /// The threshold giving the largest achievable FMR ≤ `target` (whole runs of tied scores are
    /// accepted or rejected together; bob's `far_threshold`).
    func threshold(forFMR target: Double) -> Double
    /// Whether counts at similarity threshold τ are exact.
    func isExact(at tau: Double) -> Bool
    /// The median non-mated score (mean of the middle two for an even count); NaN when empty.
    var impostorMedian: Double { get }
    /// Mean and population standard deviation of the non-mated scores.
    var impostorMeanAndDeviation: (mean: Double, deviation: Double) { get }
    /// FMR and FNMR at every distinct threshold.
    var errorTradeoff: ErrorTradeoff { get }
    /// What a report reads off ``errorTradeoff`` (needs mated scores): the same numbers, however found.
    func tradeoffReadings(targets: [Double]) -> TradeoffReadings
    /// bob's data-driven threshold minimising `criterion` (see ``ThresholdSearch``).
    func threshold(minimizing criterion: ThresholdSearch.Criterion) -> Double
    /// The Mann–Whitney AUC, ties counting ½.
    var auc: Double { get }
    /// The non-mated similarities as ascending runs: each value with the scores it holds (`counts` nil:
    /// one each).
    var impostorRuns: (values: [Double], counts: BinnedScores.RunCounts?) { get }
}

/// The readings of an error trade-off curve a verification report states, as ``ErrorTradeoff`` defines them.
public struct TradeoffReadings: Sendable {
    /// ``ErrorTradeoff/equalErrorRate()``.
    public var equalErrorRate: EqualErrorRate
    /// ``ErrorTradeoff/fnmrAtNearestFMR(_:)`` at each target, in order.
    public var nearestFMR: [(fnmr: Double, fmr: Double, similarityThreshold: Double)]
    /// ``ErrorTradeoff/fnmrAtNearestFMR(_:)`` at 0 (ZeroFMR).
    public var zeroFMR: (fnmr: Double, fmr: Double, similarityThreshold: Double)
    /// ``ErrorTradeoff/fmrAtNearestFNMR(_:)`` at 0 (ZeroFNMR).
    public var zeroFNMR: (fmr: Double, fnmr: Double, similarityThreshold: Double)

    /// ``ErrorTradeoff/fnmrAtNearestFMR(_:)`` of a built curve at each target (a curve without mated
    /// scores has these, with NaN FNMR, and nothing else).
    static func nearestFMR(_ curve: ErrorTradeoff, targets: [Double]) -> [(fnmr: Double, fmr: Double, similarityThreshold: Double)] {
        targets.map { curve.fnmrAtNearestFMR($0) }
    }

    /// The readings, as given.
    init(
        equalErrorRate: EqualErrorRate, nearestFMR: [(fnmr: Double, fmr: Double, similarityThreshold: Double)],
        zeroFMR: (fnmr: Double, fmr: Double, similarityThreshold: Double),
        zeroFNMR: (fmr: Double, fnmr: Double, similarityThreshold: Double)
    ) {
        self.equalErrorRate = equalErrorRate
        self.nearestFMR = nearestFMR
        self.zeroFMR = zeroFMR
        self.zeroFNMR = zeroFNMR
    }

    /// The readings of a built curve.
    public init(_ curve: ErrorTradeoff, targets: [Double]) {
        equalErrorRate = curve.equalErrorRate()
        nearestFMR = Self.nearestFMR(curve, targets: targets)
        zeroFMR = curve.fnmrAtNearestFMR(0)
        zeroFNMR = curve.fmrAtNearestFNMR(0)
    }
}

extension ScoreDistribution {
    /// The readings of the built curve.
    public func tradeoffReadings(targets: [Double]) -> TradeoffReadings { TradeoffReadings(errorTradeoff, targets: targets) }
}

extension SortedScores: ScoreDistribution {
    public var impostorCount: Int { impostor.count }
    public func threshold(forFMR target: Double) -> Double { ThresholdSearch.forFMR(target, impostor: impostor) }
    public func isExact(at tau: Double) -> Bool { true }
    public var impostorMedian: Double { ScoreStatistics.median(sorted: impostor) }
    public var impostorMeanAndDeviation: (mean: Double, deviation: Double) { ScoreStatistics.meanAndDeviation(impostor) }
    public var errorTradeoff: ErrorTradeoff { ErrorTradeoff(self) }
    public func threshold(minimizing criterion: ThresholdSearch.Criterion) -> Double {
        ThresholdSearch.minimizing(criterion, impostor: impostor, genuine: genuine)
    }
    public var auc: Double { ScoreStatistics.auc(self) }
    public var impostorRuns: (values: [Double], counts: BinnedScores.RunCounts?) { (impostor, nil) }
}

extension BinnedScores: ScoreDistribution {
    public var errorTradeoff: ErrorTradeoff { ErrorTradeoff(self) }
    /// The readings of ``errorTradeoff`` by bisection, without building it (``BinnedTradeoff``).
    public func tradeoffReadings(targets: [Double]) -> TradeoffReadings {
        guard !genuine.isEmpty else { return TradeoffReadings(errorTradeoff, targets: targets) }
        let curve = BinnedTradeoff(self)
        return TradeoffReadings(
            equalErrorRate: curve.equalErrorRate(), nearestFMR: targets.map(curve.fnmrAtNearestFMR),
            zeroFMR: curve.fnmrAtNearestFMR(0), zeroFNMR: curve.fmrAtNearestFNMR(0))
    }
    public func threshold(minimizing criterion: ThresholdSearch.Criterion) -> Double {
        ThresholdSearch.minimizing(criterion, binned: self)
    }
    public var auc: Double { ScoreStatistics.auc(self) }
    public var impostorRuns: (values: [Double], counts: BinnedScores.RunCounts?) { (values, counts) }
}
