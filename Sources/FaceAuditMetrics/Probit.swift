import Foundation

/// Normal-deviate (probit) transforms for DET curves.
public enum Probit {
    /// NIST DETware's `ppndf` rational approximation of Φ⁻¹(p), as bob.measure uses it: p is clamped to
    /// [ε, 1 − ε] so that 0 and 1 map to about ∓8.13 instead of infinity.
    public static func ppndf(_ probability: Double) -> Double {
        let eps = Double.ulpOfOne
        let p = probability >= 1 ? 1 - eps : (probability <= 0 ? eps : probability)
        let q = p - 0.5
        if abs(q) <= 0.42 {
            let r = q * q
            return q * (((-25.4410604963 * r + 41.3911977353) * r - 18.6150006252) * r + 2.5066282388)
                / ((((3.1308290983 * r - 21.0622410182) * r + 23.0833674374) * r - 8.4735109309) * r + 1)
        }
        let r = (-log(q > 0 ? 1 - p : p)).squareRoot()
        let value =
            (((2.3212127685 * r + 4.8501412713) * r - 2.2979647913) * r - 2.7871893113)
            / ((1.6370678189 * r + 3.5438892476) * r + 1)
        return q < 0 ? -value : value
    }

    /// The standard normal CDF Φ(x).
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// The exact standard normal quantile Φ⁻¹(p) to full double precision: Halley iterations on Φ,
    /// started from ``ppndf(_:)``.
    public static func quantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        var x = ppndf(p)
        for _ in 0..<4 {
            let e = cdf(x) - p
            let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
            x -= u / (1 + x * u / 2)
        }
        return x
    }
}
