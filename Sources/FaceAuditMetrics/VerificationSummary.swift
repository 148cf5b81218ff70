/// Every overall verification number of one score set: the content of `faceaudit metrics --json`.
///
/// Needs at least one completed non-mated score. Without completed mated scores (an impostor-only set),
/// the operating points still give thresholds and FMRs; every number that needs mated scores (EER, the bob
/// thresholds, AUC, d′, ZeroFMR, ZeroFNMR, FNMR) is nil.
public struct VerificationSummary: Sendable {
    /// The scores it was computed from.
    public let scores: SortedScores
    /// The FVC2000/pyeer EER; nil without mated scores.
    public let eer: EqualErrorRate?
    /// bob's EER threshold (midpoint minimising |FMR − FNMR|), as a similarity; nil without mated scores.
    public let bobEERSimilarityThreshold: Double?
    /// bob's minimum-HTER threshold, as a similarity; nil without mated scores.
    public let minHTERSimilarityThreshold: Double?
    /// Mann–Whitney AUC, ties ½; nil without mated scores.
    public let auc: Double?
    /// Decidability d′; nil without mated scores (NaN when neither set has any spread).
    public let decidability: Double?
    /// ZeroFMR: the lowest FNMR with no false match (pyeer `fmr0`); nil without mated scores.
    public let zeroFMR: (fnmr: Double, similarityThreshold: Double)?
    /// ZeroFNMR: the lowest FMR with no false non-match (pyeer `fnmr0`); nil without mated scores.
    public let zeroFNMR: (fmr: Double, similarityThreshold: Double)?
    /// Global operating points, one per target FMR (their FNMR is NaN without mated scores).
    public let operatingPoints: [OperatingPoint]
    /// pyeer-style points: FNMR where FMR is nearest each target (may exceed it; NaN without mated scores).
    public let nearestPoints: [(target: Double, fnmr: Double, fmr: Double, similarityThreshold: Double)]

    /// Computes the summary for `targets` (e.g. 1e-2, 1e-3, 1e-4).
    public init(scores: SortedScores, targets: [Double]) {
        precondition(!scores.impostor.isEmpty, "need completed non-mated scores")
        self.scores = scores
        let curve = ErrorTradeoff(scores)
        if scores.genuine.isEmpty {
            eer = nil
            bobEERSimilarityThreshold = nil
            minHTERSimilarityThreshold = nil
            auc = nil
            decidability = nil
            zeroFMR = nil
            zeroFNMR = nil
        } else {
            eer = curve.equalErrorRate()
            bobEERSimilarityThreshold = ThresholdSearch.minimizing(.absoluteDifference, impostor: scores.impostor, genuine: scores.genuine)
            minHTERSimilarityThreshold = ThresholdSearch.minimizing(.weightedError, impostor: scores.impostor, genuine: scores.genuine)
            auc = ScoreStatistics.auc(scores)
            decidability = ScoreStatistics.decidability(scores)
            let zero = curve.fnmrAtNearestFMR(0)
            zeroFMR = (zero.fnmr, zero.similarityThreshold)
            let zeroN = curve.fmrAtNearestFNMR(0)
            zeroFNMR = (zeroN.fmr, zeroN.similarityThreshold)
        }
        operatingPoints = targets.map { OperatingPoint(targetFMR: $0, scores: scores) }
        nearestPoints = targets.map { target in
            let p = curve.fnmrAtNearestFMR(target)
            return (target, p.fnmr, p.fmr, p.similarityThreshold)
        }
    }

    /// FMR and FNMR at a similarity threshold.
    public func rates(atSimilarity tau: Double) -> (fmr: ErrorCount, fnmr: ErrorCount) {
        (scores.falseMatches(at: tau), scores.falseNonMatches(at: tau))
    }
}
