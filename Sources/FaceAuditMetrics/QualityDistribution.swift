import Foundation

/// The distribution of one measured value over a group of images: how many, and five quantiles.
///
/// Quantiles are Hyndman–Fan type 7 (numpy's and R's default): for sorted values x₀ ≤ … ≤ x₍ₙ₋₁₎ and
/// probability p, h = (n − 1)·p and Q(p) = x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋) (x⌊h⌋ itself when ⌊h⌋ = n − 1). One
/// value gives that value for every quantile. Non-finite values are left out (they are not counted in `n`).
public struct QualityDistribution: Sendable, Hashable, Codable {
    /// Values summarised.
    public var n: Int
    /// 10th percentile.
    public var p10: Double
    /// First quartile (25th percentile).
    public var q1: Double
    /// Median.
    public var median: Double
    /// Third quartile (75th percentile).
    public var q3: Double
    /// 90th percentile.
    public var p90: Double

    /// The distribution of `values`; nil when none is finite.
    public init?(_ values: [Double]) {
        let sorted = values.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return nil }
        n = sorted.count
        p10 = Self.quantile(sorted: sorted, 0.10)
        q1 = Self.quantile(sorted: sorted, 0.25)
        median = Self.quantile(sorted: sorted, 0.5)
        q3 = Self.quantile(sorted: sorted, 0.75)
        p90 = Self.quantile(sorted: sorted, 0.90)
    }

    /// The type-7 quantile at probability `p` (0 ≤ p ≤ 1) of non-empty ascending `sorted`.
    public static func quantile(sorted: [Double], _ p: Double) -> Double {
        precondition(!sorted.isEmpty && p >= 0 && p <= 1, "a quantile of at least one value, 0 ≤ p ≤ 1")
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down))
        guard low + 1 < sorted.count else { return sorted[low] }
        return sorted[low] + (h - Double(low)) * (sorted[low + 1] - sorted[low])
    }
}
