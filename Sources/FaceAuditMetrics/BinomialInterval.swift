import Foundation

/// A two-sided confidence interval for a proportion k/n.
///
/// These treat trials as independent. Comparisons that share a subject are not, so in reports these
/// are the *naive* intervals; the subject-level bootstrap gives the honest ones.
public struct BinomialInterval: Sendable, Hashable, Codable {
    /// The method.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// Exact: Beta quantiles (the default; bob's `confidence_for_indicator_variable`).
        case clopperPearson = "clopper-pearson"
        /// Wilson score interval.
        case wilson
        /// Jeffreys: quantiles of Beta(k + ½, n − k + ½).
        case jeffreys
    }

    /// Lower bound.
    public let lower: Double
    /// Upper bound.
    public let upper: Double

    /// Creates an interval.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// The interval for `count` at confidence `1 − alpha` (default 95%).
    public init(_ count: ErrorCount, method: Method = .clopperPearson, alpha: Double = 0.05) {
        let k = Double(count.errors)
        let n = Double(count.trials)
        guard count.trials > 0 else {
            self.init(lower: .nan, upper: .nan)
            return
        }
        switch method {
        case .clopperPearson:
            let lower = count.errors == 0 ? 0 : IncompleteBeta.quantile(alpha / 2, a: k, b: n - k + 1)
            let upper = count.errors == count.trials ? 1 : IncompleteBeta.quantile(1 - alpha / 2, a: k + 1, b: n - k)
            self.init(lower: lower, upper: upper)
        case .wilson:
            let z = Probit.quantile(1 - alpha / 2)
            let z2 = z * z
            let centre = (k + z2 / 2) / (n + z2)
            let half = z / (n + z2) * (k * (n - k) / n + z2 / 4).squareRoot()
            self.init(lower: max(0, centre - half), upper: min(1, centre + half))
        case .jeffreys:
            self.init(
                lower: IncompleteBeta.quantile(alpha / 2, a: k + 0.5, b: n - k + 0.5),
                upper: IncompleteBeta.quantile(1 - alpha / 2, a: k + 0.5, b: n - k + 0.5))
        }
    }

    /// Encodes as `[lower, upper]`, with `null` for a bound that is not a number (no trials).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        for bound in [lower, upper] {
            if bound.isFinite { try c.encode(bound) } else { try c.encodeNil() }
        }
    }

    /// Decodes `[lower, upper]`; a lower bound above the upper one is refused.
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        lower = try c.decodeNil() ? .nan : try c.decode(Double.self)
        upper = try c.decodeNil() ? .nan : try c.decode(Double.self)
        guard !(lower > upper) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: c.codingPath, debugDescription: "an interval from \(lower) down to \(upper)"))
        }
    }

    /// The one-sided upper bound when no error was seen in n trials: 1 − α^(1/n) (≈ 3/n at 95%).
    public static func zeroErrorUpperBound(trials: Int, alpha: Double = 0.05) -> Double {
        trials == 0 ? .nan : -expm1(log(alpha) / Double(trials))
    }
}
