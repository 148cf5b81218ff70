import Foundation

/// How many people per cohort a demographic audit needs to tell a cohort's FMR from a reference cohort's,
/// and, the other way round, the smallest FMR ratio a given design can tell.
///
/// **Design.** A cohort has n people with k photos each; its non-mated comparisons are every photo of one
/// person against every photo of another: C(n, 2) person pairs of k² photo pairs. The cohort's FMR
/// estimate p̂ = Σ_{i<j} X_ij / C(n, 2), with X_ij the share of person pair (i, j)'s k² photo pairs that
/// falsely match (with equal photos per person this is errors / trials), is a U-statistic of order 2 over
/// people, so its variance is exactly (Hoeffding 1948; Serfling 1980, *Approximation Theorems of
/// Mathematical Statistics*, §5.2.1, Lemma A):
///
///     Var(p̂) = 2 / (n(n − 1)) · (2(n − 2)·ζ₁ + ζ₂)
///
/// where ζ₁ = Cov(X_ij, X_il) (two person pairs that share a person) and ζ₂ = Var(X_ij).
///
/// **Heterogeneity model.** Person pair (i, j) falsely matches each of its photo pairs independently with
/// probability p_ij = p·w_i·w_j, where the person factors w have mean 1 and variance c (the squared
/// coefficient of variation of a person's false-match propensity; the rare-event limit of a logit-normal
/// person latent, where c = exp(σ²) − 1). Then
///
///     ζ₁ = c·p²,   Var(p_ij) = (2c + c²)·p²,   ζ₂ = Var(p_ij) + (p − p² − Var(p_ij)) / k²,
///
/// the second term of ζ₂ being the binomial noise of the k² photo pairs. With c = 0 the variance is the
/// binomial p(1 − p) / (C(n, 2)·k²). The design effect is Var(p̂) over that binomial variance.
///
/// **Test.** A two-sided Wald test at level α of log(FMR_cohort / FMR_reference), the two cohorts
/// independent, with the cohort's FMR R·p₀ and the reference's p₀: with
/// se² = Var(p̂_ref)/p₀² + Var(p̂_cohort)/(R·p₀)² (delta method) and d = |log R| / se,
/// power = Φ(d − z_{1−α/2}) + Φ(−d − z_{1−α/2}).
///
/// Everything here is a pure function of its arguments.
public enum SampleSizePlan {
    /// A cohort's design: people and photos per person (a mean, so need not be whole).
    public struct Design: Sendable, Hashable, Codable {
        /// Number of people.
        public var people: Int
        /// Photos per person (≥ 1).
        public var photos: Double

        /// Creates a design.
        public init(people: Int, photos: Double) {
            self.people = people
            self.photos = photos
        }
    }

    /// What the test is asked to do.
    public struct Target: Sendable, Hashable, Codable {
        /// The reference cohort's FMR p₀, in (0, 1).
        public var fmr: Double
        /// The power wanted, in (α, 1).
        public var power: Double
        /// The two-sided test's level, in (0, 1).
        public var alpha: Double
        /// The person heterogeneity c ≥ 0 (see the type's documentation).
        public var heterogeneity: Double

        /// Creates a target; power 0.8 and α 0.05 unless given.
        public init(fmr: Double, power: Double = 0.8, alpha: Double = 0.05, heterogeneity: Double) {
            self.fmr = fmr
            self.power = power
            self.alpha = alpha
            self.heterogeneity = heterogeneity
        }
    }

    /// An input outside its range; `description` names it and its value.
    public struct InvalidInput: Error, Sendable, CustomStringConvertible, Equatable {
        /// The whole message, one line.
        public var description: String
    }

    /// The heterogeneity assumed when neither a pilot nor the user gives one: c = 0.3, about a logit-normal
    /// person latent with σ = 0.5 (exp(0.25) − 1 = 0.284). Plans that use it say so.
    public static let defaultHeterogeneity = 0.3

    /// The most people per cohort ``peopleNeeded(ratio:photos:target:)`` searches.
    public static let maximumPeople = 100_000_000

    /// ζ₁ and ζ₂ of one cohort with FMR p, heterogeneity c and k photos per person.
    public static func zetas(fmr p: Double, heterogeneity c: Double, photos k: Double) -> (zeta1: Double, zeta2: Double) {
        let pairVariance = (2 * c + c * c) * p * p
        return (c * p * p, pairVariance + (p - p * p - pairVariance) / (k * k))
    }

    /// Var(p̂) of a cohort of `design` with FMR p and heterogeneity c; NaN for fewer than 2 people.
    public static func variance(fmr p: Double, heterogeneity c: Double, design: Design) -> Double {
        let n = Double(design.people)
        guard design.people >= 2 else { return .nan }
        let (z1, z2) = zetas(fmr: p, heterogeneity: c, photos: design.photos)
        return 2 / (n * (n - 1)) * (2 * (n - 2) * z1 + z2)
    }

    /// The power of the Wald test to find a cohort of `cohort` design with FMR R·p₀ different from a
    /// reference of `reference` design with FMR p₀.
    public static func power(ratio r: Double, reference: Design, cohort: Design, target: Target) throws -> Double {
        try check(target)
        try check(ratio: r, fmr: target.fmr)
        try check(reference)
        try check(cohort)
        return unchecked(ratio: r, reference: reference, cohort: cohort, target: target)
    }

    /// The smallest n such that two cohorts of n people with `photos` each (the reference with FMR p₀, the
    /// other with R·p₀) reach the target power; nil when even ``maximumPeople`` do not.
    public static func peopleNeeded(ratio r: Double, photos: Double, target: Target) throws -> Int? {
        try check(target)
        try check(ratio: r, fmr: target.fmr)
        try check(Design(people: 2, photos: photos))
        func reaches(_ n: Int) -> Bool {
            let d = Design(people: n, photos: photos)
            return unchecked(ratio: r, reference: d, cohort: d, target: target) >= target.power
        }
        // Var(p̂) falls as n grows, so power rises: double, then bisect.
        var low = 2
        if reaches(low) { return low }
        var high = 4
        while !reaches(high) {
            guard high < maximumPeople else { return nil }
            low = high
            high = min(high * 2, maximumPeople)
        }
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if reaches(mid) { high = mid } else { low = mid }
        }
        return high
    }

    /// The smallest ratio R > 1 (cohort FMR R·p₀ against the reference's p₀) that the designs detect with the
    /// target power, to a relative precision of 10⁻⁶; nil when no R with R·p₀ < 1 does.
    public static func detectableRatio(reference: Design, cohort: Design, target: Target) throws -> Double? {
        try check(target)
        try check(reference)
        try check(cohort)
        func reaches(_ r: Double) -> Bool {
            unchecked(ratio: r, reference: reference, cohort: cohort, target: target) >= target.power
        }
        var high = 1 / target.fmr * (1 - 1e-9)
        guard high > 1, reaches(high) else { return nil }
        var low = 1.0
        // Power rises with R over (1, 1/p₀): log R grows and se falls (a rarer event's relative variance is larger).
        while high / low - 1 > 1e-6 {
            let mid = (low * high).squareRoot()
            if reaches(mid) { high = mid } else { low = mid }
        }
        return high
    }

    static func unchecked(ratio r: Double, reference: Design, cohort: Design, target: Target) -> Double {
        let p0 = target.fmr
        let p1 = r * p0
        let c = target.heterogeneity
        let se2 =
            variance(fmr: p0, heterogeneity: c, design: reference) / (p0 * p0)
            + variance(fmr: p1, heterogeneity: c, design: cohort) / (p1 * p1)
        let d = abs(log(r)) / se2.squareRoot()
        let z = Probit.quantile(1 - target.alpha / 2)
        return Probit.cdf(d - z) + Probit.cdf(-d - z)
    }

    static func check(_ t: Target) throws {
        guard t.fmr > 0, t.fmr < 1 else { throw InvalidInput(description: "the target FMR must be in (0, 1), not \(t.fmr)") }
        guard t.alpha > 0, t.alpha < 1 else { throw InvalidInput(description: "alpha must be in (0, 1), not \(t.alpha)") }
        guard t.power > t.alpha, t.power < 1 else {
            throw InvalidInput(description: "the power must be in (alpha, 1) = (\(t.alpha), 1), not \(t.power)")
        }
        guard t.heterogeneity >= 0, t.heterogeneity.isFinite else {
            throw InvalidInput(description: "the heterogeneity must be a finite number ≥ 0, not \(t.heterogeneity)")
        }
    }

    static func check(ratio r: Double, fmr: Double) throws {
        guard r > 1, r.isFinite else { throw InvalidInput(description: "the ratio to detect must be greater than 1, not \(r)") }
        guard r * fmr < 1 else {
            throw InvalidInput(description: "the ratio \(r) times the target FMR \(fmr) must be below 1")
        }
    }

    static func check(_ d: Design) throws {
        guard d.people >= 2 else { throw InvalidInput(description: "a cohort needs at least 2 people, not \(d.people)") }
        guard d.photos >= 1, d.photos.isFinite else {
            throw InvalidInput(description: "photos per person must be at least 1, not \(d.photos)")
        }
    }
}
