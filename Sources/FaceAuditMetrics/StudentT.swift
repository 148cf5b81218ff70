import Foundation

/// Student's t distribution with ν degrees of freedom: its upper tail and quantile, for intervals of a
/// group with few people (``ErrorRegression/Coefficient/groupP``).
enum StudentT {
    /// P(T > t) for t ≥ 0: ½ · I_{ν/(ν + t²)}(ν/2, ½); for t < 0, 1 − P(T > −t).
    static func upperTail(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard t.isFinite else { return t > 0 ? 0 : 1 }
        let tail = 0.5 * IncompleteBeta.regularized(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return t >= 0 ? tail : 1 - tail
    }

    /// The t with P(T > t) = `p`, 0 < p < ½: with x the 2p-quantile of Beta(ν/2, ½) (``IncompleteBeta/quantile(_:a:b:)``),
    /// t = √(ν (1 − x) / x), the inverse of ``upperTail(_:degreesOfFreedom:)``.
    static func upperQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 0.5, "an upper tail below one half")
        let x = IncompleteBeta.quantile(2 * p, a: nu / 2, b: 0.5)
        return (nu * (1 - x) / x).squareRoot()
    }
}
