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
    /// `count` points (sorted by threshold) of the curve of `scores`.
    public static func sample(_ scores: SortedScores, count: Int = 100, minPower: Int = -8) -> [CurvePoint] {
        guard !scores.genuine.isEmpty, !scores.impostor.isEmpty, count >= 2 else { return [] }
        let half = count / 2
        var thresholds: [Double] = []
        thresholds += logValues(half, minPower).map { ThresholdSearch.forFNMR($0, genuine: scores.genuine) }
        thresholds += logValues(count - half, minPower).map { ThresholdSearch.forFMR($0, impostor: scores.impostor) }
        thresholds.sort()
        return thresholds.map { tau in
            let fmr = scores.falseMatches(at: tau).rate
            let fnmr = scores.falseNonMatches(at: tau).rate
            return CurvePoint(
                threshold: scores.polarity.threshold(tau), fmr: fmr, fnmr: fnmr, fmrProbit: Probit.ppndf(fmr),
                fnmrProbit: Probit.ppndf(fnmr))
        }
    }

    /// bob's `_log_values`: 10^((k − points + 1) / ⌊points / −minPower⌋) for k = 0 … points − 1.
    static func logValues(_ points: Int, _ minPower: Int) -> [Double] {
        let step = max(1, points / -minPower)
        return (0..<points).map { k in pow10(Double(k + 1 - points) / Double(step)) }
    }

    private static func pow10(_ x: Double) -> Double { pow(10, x) }
}
