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

    /// The t with P(T > t) = `p`, 0 < p < ½, by bisection on ``upperTail(_:degreesOfFreedom:)`` to a
    /// relative 1e-12 (the tail falls as t grows; ν = 1 at p = 1e-6 gives t ≈ 3.2e5, inside the bracket).
    static func upperQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 0.5, "an upper tail below one half")
        var (lo, hi) = (0.0, 1.0)
        while upperTail(hi, degreesOfFreedom: nu) > p { (lo, hi) = (hi, hi * 2) }
        while hi - lo > 1e-12 * hi {
            let mid = (lo + hi) / 2
            if upperTail(mid, degreesOfFreedom: nu) > p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
