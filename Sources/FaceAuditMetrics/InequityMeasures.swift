import Foundation

/// Summary measures of how unequal per-cohort error rates are, all computed at one global threshold.
///
/// `nil` marks a measure that is undefined for the inputs (a ratio over a zero rate, fewer than two
/// cohorts). Never read one number alone: print the per-cohort table beside it.
public struct InequityMeasures: Sendable, Hashable, Codable {
    /// max/min of the FMRs (≥ 1; 1 is equal). NIST IR 8429.
    public var fmrMaxMin: Double?
    /// max/min of the FNMRs (≥ 1).
    public var fnmrMaxMin: Double?
    /// min/max of the FMRs (≤ 1, fairlearn's `ratio()`; the reciprocal of ``fmrMaxMin``).
    public var fmrMinMax: Double?
    /// min/max of the FNMRs (≤ 1).
    public var fnmrMinMax: Double?
    /// max / geometric mean of the FMRs (NIST IR 8429's leading measure).
    public var fmrMaxGeomean: Double?
    /// max / geometric mean of the FNMRs.
    public var fnmrMaxGeomean: Double?
    /// Gini coefficient of the FMRs with the n/(n−1) correction (0 equal, 1 maximal).
    public var fmrGini: Double?
    /// Gini coefficient of the FNMRs.
    public var fnmrGini: Double?
    /// GARBE = α·Gini(FMR) + (1 − α)·Gini(FNMR) (Howard et al. 2022).
    public var garbe: Double?
    /// Fairness Discrepancy Rate = 1 − (α·max|ΔFMR| + (1 − α)·max|ΔFNMR|) (de Freitas Pereira & Marcel).
    public var fdr: Double?
    /// Inequity Rate = (max/min FMR)^α · (max/min FNMR)^(1 − α) (NIST's proposal).
    public var ir: Double?
    /// max − min of the FMRs (fairlearn's `difference()`).
    public var fmrDifference: Double?
    /// max − min of the FNMRs.
    public var fnmrDifference: Double?
    /// The weight α given to FMR in GARBE, FDR and IR.
    public var alpha: Double

    /// Computes every measure over cohorts whose rates are `fmr[i]`, `fnmr[i]`. NaN rates (empty
    /// cohorts) are left out of each list.
    public init(fmr: [Double], fnmr: [Double], alpha: Double = 0.5) {
        let f = fmr.filter { !$0.isNaN }
        let g = fnmr.filter { !$0.isNaN }
        self.alpha = alpha
        fmrMaxMin = Self.maxMin(f)
        fnmrMaxMin = Self.maxMin(g)
        fmrMinMax = fmrMaxMin.map { 1 / $0 }
        fnmrMinMax = fnmrMaxMin.map { 1 / $0 }
        fmrMaxGeomean = Self.maxGeomean(f)
        fnmrMaxGeomean = Self.maxGeomean(g)
        fmrGini = Self.gini(f)
        fnmrGini = Self.gini(g)
        if let a = fmrGini, let b = fnmrGini { garbe = alpha * a + (1 - alpha) * b }
        fdr = Self.fdr(f, g, alpha: alpha)
        if let a = fmrMaxMin, let b = fnmrMaxMin { ir = pow(a, alpha) * pow(b, 1 - alpha) }
        fmrDifference = Self.range(f)
        fnmrDifference = Self.range(g)
    }

    /// 1 − (α·range(FMR) + (1 − α)·range(FNMR)) of NaN-free rates; nil when either has fewer than two.
    static func fdr(_ f: [Double], _ g: [Double], alpha: Double) -> Double? {
        guard let a = range(f), let b = range(g) else { return nil }
        return 1 - (alpha * a + (1 - alpha) * b)
    }

    /// ``fdr``, ``fmrMaxGeomean`` and ``fnmrMaxGeomean`` alone, as the initializer gives them: what an
    /// inequity curve's bootstrap replicate needs at each point, without the Gini coefficients' sorts.
    static func curveMeasures(
        fmr: [Double], fnmr: [Double], alpha: Double
    ) -> (fdr: Double?, fmrMaxGeomean: Double?, fnmrMaxGeomean: Double?) {
        let f = fmr.filter { !$0.isNaN }
        let g = fnmr.filter { !$0.isNaN }
        return (fdr(f, g, alpha: alpha), maxGeomean(f), maxGeomean(g))
    }

    /// max/min; nil for fewer than two values or a zero minimum.
    public static func maxMin(_ x: [Double]) -> Double? {
        guard x.count >= 2, let lo = x.min(), let hi = x.max(), lo > 0 else { return nil }
        return hi / lo
    }

    /// max / exp(mean ln x); nil for fewer than two values or any zero.
    public static func maxGeomean(_ x: [Double]) -> Double? {
        guard x.count >= 2, x.allSatisfy({ $0 > 0 }), let hi = x.max() else { return nil }
        return hi / exp(x.reduce(0) { $0 + log($1) } / Double(x.count))
    }

    /// Gini with the small-sample correction: n/(n−1) · ΣᵢΣⱼ|xᵢ − xⱼ| / (2n²x̄); nil for fewer than two
    /// values or a zero mean.
    public static func gini(_ x: [Double]) -> Double? {
        let n = Double(x.count)
        guard x.count >= 2 else { return nil }
        let mean = x.reduce(0, +) / n
        guard mean > 0 else { return nil }
        var total = 0.0
        for a in x { for b in x { total += abs(a - b) } }
        return n / (n - 1) * total / (2 * n * n * mean)
    }

    /// max − min; nil for fewer than two values.
    public static func range(_ x: [Double]) -> Double? {
        guard x.count >= 2, let lo = x.min(), let hi = x.max() else { return nil }
        return hi - lo
    }

    enum CodingKeys: String, CodingKey {
        case fmrMaxMin = "fmr_max_min"
        case fnmrMaxMin = "fnmr_max_min"
        case fmrMinMax = "fmr_min_max"
        case fnmrMinMax = "fnmr_min_max"
        case fmrMaxGeomean = "fmr_max_geomean"
        case fnmrMaxGeomean = "fnmr_max_geomean"
        case fmrGini = "fmr_gini"
        case fnmrGini = "fnmr_gini"
        case garbe, fdr, ir
        case fmrDifference = "fmr_difference"
        case fnmrDifference = "fnmr_difference"
        case alpha
    }
}
