import FaceAuditScoring
import Foundation

/// A point of a ROC or DET curve.
public struct CurvePoint: Sendable, Hashable, Codable {
    /// The threshold, in the scores' own units.
    public let threshold: Double
    /// FMR at the threshold.
    public let fmr: Double
    /// FNMR at the threshold.
    public let fnmr: Double
    /// Φ⁻¹(FMR) by DETware's `ppndf` (the DET x coordinate).
    public let fmrProbit: Double
    /// Φ⁻¹(FNMR) by `ppndf` (the DET y coordinate).
    public let fnmrProbit: Double

    enum CodingKeys: String, CodingKey {
        case threshold, fmr, fnmr
        case fmrProbit = "fmr_probit"
        case fnmrProbit = "fnmr_probit"
    }
}

/// ROC/DET curves sampled where they change, as bob.measure's `roc` does: half the points at thresholds
/// for log-spaced FNMR targets, half at thresholds for log-spaced FMR targets, from 10^minPower to 1.
public enum CurvePoints {
    /// `count` points (sorted by threshold) of the curve of `scores` (for binned scores, FMR at bin
    /// resolution below ``BinnedScores/exactFrom``).
    public static func sample<S: ScoreDistribution>(_ scores: S, count: Int = 100, minPower: Int = -8) -> [CurvePoint] {
        guard !scores.genuine.isEmpty, scores.impostorCount > 0, count >= 2 else { return [] }
        return points(
            count: count, minPower: minPower, polarity: scores.polarity,
            fnmrThreshold: { ThresholdSearch.forFNMR($0, genuine: scores.genuine) },
            fmrThreshold: { scores.threshold(forFMR: $0) },
            rates: { (scores.falseMatches(at: $0).rate, scores.falseNonMatches(at: $0).rate) })
    }

    /// Half the thresholds for log-spaced FNMR targets, half for FMR targets, sorted, with their rates.
    private static func points(
        count: Int, minPower: Int, polarity: ScorePolarity, fnmrThreshold: (Double) -> Double, fmrThreshold: (Double) -> Double,
        rates: (Double) -> (fmr: Double, fnmr: Double)
    ) -> [CurvePoint] {
        let half = count / 2
        var thresholds: [Double] = []
        thresholds += logValues(half, minPower).map(fnmrThreshold)
        thresholds += logValues(count - half, minPower).map(fmrThreshold)
        thresholds.sort()
        return thresholds.map { tau in
            let (fmr, fnmr) = rates(tau)
            return CurvePoint(
                threshold: polarity.threshold(tau), fmr: fmr, fnmr: fnmr, fmrProbit: Probit.ppndf(fmr), fnmrProbit: Probit.ppndf(fnmr))
        }
    }

    /// bob's `_log_values`: 10^((k − points + 1) / ⌊points / −minPower⌋) for k = 0 … points − 1.
    static func logValues(_ points: Int, _ minPower: Int) -> [Double] {
        let step = max(1, points / -minPower)
        return (0..<points).map { k in pow10(Double(k + 1 - points) / Double(step)) }
    }

    private static func pow10(_ x: Double) -> Double { pow(10, x) }
}
