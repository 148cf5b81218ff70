import Foundation

/// The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x), and the χ² upper tail.
enum IncompleteGamma {
    /// P(a, x) = γ(a, x)/Γ(a) for a > 0, x ≥ 0: its series when x < a + 1, else 1 − Q from the continued
    /// fraction (modified Lentz), where each converges fast. 0 for x ≤ 0.
    static func lower(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        return x < a + 1 ? series(a, x) : 1 - continuedFraction(a, x)
    }

    /// Q(a, x) = Γ(a, x)/Γ(a), computed directly in the upper range so that small tails keep their digits.
    static func upper(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        return x < a + 1 ? 1 - series(a, x) : continuedFraction(a, x)
    }

    /// The χ² upper tail: P(χ²_df ≥ statistic) = Q(df/2, statistic/2); 1 for a statistic ≤ 0.
    static func chiSquaredSurvival(_ statistic: Double, degreesOfFreedom df: Int) -> Double {
        upper(Double(df) / 2, statistic / 2)
    }

    private static func series(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var n = a
        for _ in 0..<10_000 {
            n += 1
            term *= x / n
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * exp(-x + a * log(x) - lgamma(a))
    }

    private static func continuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * h
    }
}
