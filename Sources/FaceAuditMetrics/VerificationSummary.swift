/// Every overall verification number of one score set: the content of `faceaudit metrics --json`.
public struct VerificationSummary: Sendable {
    /// The scores it was computed from.
    public let scores: SortedScores
    /// The FVC2000/pyeer EER.
    public let eer: EqualErrorRate
    /// bob's EER threshold (midpoint minimising |FMR − FNMR|), as a similarity.
    public let bobEERSimilarityThreshold: Double
    /// bob's minimum-HTER threshold, as a similarity.
    public let minHTERSimilarityThreshold: Double
    /// Mann–Whitney AUC, ties ½.
    public let auc: Double
    /// Decidability d′.
    public let decidability: Double
    /// ZeroFMR: the lowest FNMR with no false match (pyeer `fmr0`).
    public let zeroFMR: (fnmr: Double, similarityThreshold: Double)
    /// ZeroFNMR: the lowest FMR with no false non-match (pyeer `fnmr0`).
    public let zeroFNMR: (fmr: Double, similarityThreshold: Double)
    /// Global operating points, one per target FMR.
    public let operatingPoints: [OperatingPoint]
    /// pyeer-style points: FNMR where FMR is nearest each target (may exceed it).
    public let nearestPoints: [(target: Double, fnmr: Double, fmr: Double, similarityThreshold: Double)]

    /// Computes the summary for `targets` (e.g. 1e-2, 1e-3, 1e-4).
    public init(scores: SortedScores, targets: [Double]) {
        precondition(!scores.genuine.isEmpty && !scores.impostor.isEmpty, "need completed mated and non-mated scores")
        self.scores = scores
        let curve = ErrorTradeoff(scores)
        eer = curve.equalErrorRate()
        bobEERSimilarityThreshold = ThresholdSearch.minimizing(.absoluteDifference, impostor: scores.impostor, genuine: scores.genuine)
        minHTERSimilarityThreshold = ThresholdSearch.minimizing(.weightedError, impostor: scores.impostor, genuine: scores.genuine)
        auc = ScoreStatistics.auc(scores)
        decidability = ScoreStatistics.decidability(scores)
        let zero = curve.fnmrAtNearestFMR(0)
        zeroFMR = (zero.fnmr, zero.similarityThreshold)
        let zeroN = curve.fmrAtNearestFNMR(0)
        zeroFNMR = (zeroN.fmr, zeroN.similarityThreshold)
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
