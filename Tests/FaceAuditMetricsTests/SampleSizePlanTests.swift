import Foundation
import Testing

@testable import FaceAuditMetrics

@Suite("Sample-size plan: closed form, simulation, pilot")
struct SampleSizePlanTests {
    @Test("with no person heterogeneity the variance is the binomial p(1 − p) / (C(n,2)·k²)")
    func binomialLimit() {
        for (n, k, p) in [(10, 1.0, 0.01), (57, 2.0, 0.003), (200, 3.0, 0.2)] {
            let v = SampleSizePlan.variance(fmr: p, heterogeneity: 0, design: .init(people: n, photos: k))
            let trials = Double(n * (n - 1) / 2) * k * k
            #expect(abs(v / (p * (1 - p) / trials) - 1) < 1e-12)
        }
    }

    @Test("the U-statistic variance equals the sum of covariances over every two person pairs")
    func covarianceSum() {
        let n = 7
        let p = 0.02
        let c = 0.4
        let k = 2.0
        let (z1, z2) = SampleSizePlan.zetas(fmr: p, heterogeneity: c, photos: k)
        // ζ₁ and ζ₂ from the model's moments directly: w has mean 1 and variance c, p_ij = p·w_i·w_j.
        #expect(abs(z1 - c * p * p) < 1e-15)
        let ew2 = 1 + c
        let pairVariance = p * p * (ew2 * ew2 - 1)
        #expect(abs(z2 - (pairVariance + (p - p * p - pairVariance) / (k * k))) < 1e-15)
        var pairs: [(Int, Int)] = []
        for i in 0..<n { for j in (i + 1)..<n { pairs.append((i, j)) } }
        var total = 0.0
        for x in pairs {
            for y in pairs {
                let shared = Set([x.0, x.1]).intersection([y.0, y.1]).count
                total += shared == 2 ? z2 : shared == 1 ? z1 : 0
            }
        }
        let direct = total / Double(pairs.count * pairs.count)
        let v = SampleSizePlan.variance(fmr: p, heterogeneity: c, design: .init(people: n, photos: k))
        #expect(abs(v / direct - 1) < 1e-12)
    }

    @Test("binomial case: power, the smallest n and the detectable ratio match the textbook Wald formula")
    func binomialPower() throws {
        let p0 = 0.01
        let r = 2.0
        let k = 1.0
        let target = SampleSizePlan.Target(fmr: p0, heterogeneity: 0)
        func direct(_ n: Int, _ r: Double) -> Double {
            let trials = Double(n * (n - 1) / 2) * k * k
            let se = ((1 - p0) / (p0 * trials) + (1 - r * p0) / (r * p0 * trials)).squareRoot()
            let z = 1.959963984540054
            return Probit.cdf(log(r) / se - z) + Probit.cdf(-log(r) / se - z)
        }
        let n = try #require(try SampleSizePlan.peopleNeeded(ratio: r, photos: k, target: target))
        #expect(direct(n, r) >= 0.8 && direct(n - 1, r) < 0.8)
        let d = SampleSizePlan.Design(people: n, photos: k)
        #expect(abs(try SampleSizePlan.power(ratio: r, reference: d, cohort: d, target: target) - direct(n, r)) < 1e-12)
        let mdr = try #require(try SampleSizePlan.detectableRatio(reference: d, cohort: d, target: target))
        #expect(mdr <= r && abs(direct(n, mdr) - 0.8) < 1e-5)
    }

    @Test("bad inputs are refused with a line naming them")
    func invalid() {
        let t = SampleSizePlan.Target(fmr: 0.01, heterogeneity: 0.3)
        #expect(throws: SampleSizePlan.InvalidInput.self) { try SampleSizePlan.peopleNeeded(ratio: 1, photos: 1, target: t) }
        #expect(throws: SampleSizePlan.InvalidInput.self) { try SampleSizePlan.peopleNeeded(ratio: 200, photos: 1, target: t) }
        var bad = t
        bad.power = 1
        #expect(throws: SampleSizePlan.InvalidInput.self) { try SampleSizePlan.peopleNeeded(ratio: 2, photos: 1, target: bad) }
        bad = t
        bad.fmr = 0
        #expect(throws: SampleSizePlan.InvalidInput.self) { try SampleSizePlan.peopleNeeded(ratio: 2, photos: 1, target: bad) }
        #expect(throws: SampleSizePlan.InvalidInput.self) { try SampleSizePlan.peopleNeeded(ratio: 2, photos: 0.5, target: t) }
    }

    /// The simulation: person latents u ~ N(0, σ²), pair probability expit(μ + u_i + u_j) with μ set so that the
    /// cohort's mean FMR is p, k² photo pairs per person pair drawn as a binomial; per dataset the same Wald
    /// test with Var(p̂) estimated from the dataset (``SampleSizePlan/estimate(people:pairs:)``). The plan is
    /// given c = exp(σ²) − 1, the rare-event limit of this latent.
    @Test(
        "the planned n agrees with 1,000 simulated datasets within 10%: power(0.9·n) < target ≤ power(1.1·n)",
        arguments: [(k: 2, p0: 1e-2, r: 2.0, seed: UInt64(17)), (k: 1, p0: 5e-3, r: 3.0, seed: UInt64(18))])
    func simulation(design: (k: Int, p0: Double, r: Double, seed: UInt64)) throws {
        let sigma = 0.5
        let target = SampleSizePlan.Target(fmr: design.p0, heterogeneity: exp(sigma * sigma) - 1)
        let n = try #require(try SampleSizePlan.peopleNeeded(ratio: design.r, photos: Double(design.k), target: target))
        var rng = SplitMix64(seed: design.seed)
        let below = Simulation.power(
            people: Int((0.9 * Double(n)).rounded(.down)), k: design.k, p0: design.p0, r: design.r, sigma: sigma, rng: &rng)
        let above = Simulation.power(
            people: Int((1.1 * Double(n)).rounded(.up)), k: design.k, p0: design.p0, r: design.r, sigma: sigma, rng: &rng)
        #expect(below < target.power && target.power <= above, "n \(n): power \(below) at 0.9·n, \(above) at 1.1·n")
    }

    @Test("the binomial plan (c = 0) is too small for the same clustered data: 36 people, power below 0.8 at 1.1·36")
    func binomialPlanFallsShort() throws {
        let naive = SampleSizePlan.Target(fmr: 1e-2, heterogeneity: 0)
        let n = try #require(try SampleSizePlan.peopleNeeded(ratio: 2, photos: 2, target: naive))
        #expect(n == 36)
        var rng = SplitMix64(seed: 17)
        let power = Simulation.power(people: Int((1.1 * Double(n)).rounded(.up)), k: 2, p0: 1e-2, r: 2, sigma: 0.5, rng: &rng)
        #expect(power < 0.8, "power \(power)")
    }

    @Test("the pilot estimator recovers a known heterogeneity from synthetic tallies")
    func pilotRecovery() throws {
        var rng = SplitMix64(seed: 5)
        for c in [0.0, 0.3, 1.0] {
            let sigma = log(1 + c).squareRoot()
            var estimates: [Double] = []
            for _ in 0..<8 {
                // p_ij = p·w_i·w_j with w log-normal of mean 1 and variance c; 2 photos each, all pairs.
                let people = 300
                let p = 0.02
                let w = (0..<people).map { _ in exp(sigma * Simulation.normal(&rng) - sigma * sigma / 2) }
                var errorPairs: [(a: Int, b: Int, errors: Int)] = []
                for i in 0..<people {
                    for j in (i + 1)..<people {
                        let e = Simulation.binomial(4, min(p * w[i] * w[j], 1), &rng)
                        if e > 0 { errorPairs.append((a: i, b: j, errors: e)) }
                    }
                }
                let tally = SubjectBootstrap.Tally(
                    mated: [], errorPairs: errorPairs, samplesPerSubject: (0..<people).map { (subject: $0, samples: 2) })
                let e = try #require(SampleSizePlan.estimate(tally))
                #expect(e.people == people)
                estimates.append(try #require(e.heterogeneity))
            }
            let mean = estimates.reduce(0, +) / Double(estimates.count)
            #expect(abs(mean - c) < 0.06 + 0.1 * c, "c \(c): estimated \(mean)")
        }
    }

    @Test("a bipartite pilot tally: each person pair's share is errors over p_a·r_b + p_b·r_a; a sparse one gives none")
    func bipartitePilot() throws {
        var tally = SubjectBootstrap.Tally()
        // Subjects 3, 5, 8, 9 with (probes, references); false matches 5–8: 2, 3–9: 1.
        tally.denominator = .bipartite([(3, 1, 2), (5, 2, 1), (8, 1, 1), (9, 0, 3)])
        tally.errorPairs = [.init(a: 5, b: 8, errors: 2), .init(a: 3, b: 9, errors: 1)]
        let e = try #require(SampleSizePlan.estimate(tally))
        let direct = try #require(SampleSizePlan.estimate(people: 4, pairs: [(1, 2, 2.0 / 3), (0, 3, 1.0 / 3)]))
        #expect(e == direct)
        let design = try #require(SampleSizePlan.design(of: tally))
        #expect(design.people == 4 && abs(design.photos - ((4.0 + 4 + 2 + 0) / 4).squareRoot()) < 1e-12)
        tally.denominator = .sparse([(3, 5, 4)])
        #expect(SampleSizePlan.estimate(tally) == nil && SampleSizePlan.design(of: tally) == nil)
    }

    @Test("the pilot estimator's moments: a hand-made 4-person cohort")
    func pilotByHand() throws {
        // X = shares of the 6 pairs; (0,1) = 0.5, (2,3) = 0.25, others 0.
        let e = try #require(SampleSizePlan.estimate(people: 4, pairs: [(0, 1, 0.5), (2, 3, 0.25)]))
        let x = [0.5, 0, 0, 0, 0, 0.25]
        let mean = x.reduce(0, +) / 6
        let sx = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5
        let r = [0.5, 0.5, 0.25, 0.25].map { $0 / 3 }
        let sr = r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3
        // Solve E[S_x²] = ζ₂ − 2·2/5·ζ₁ and E[S_r²] = 2/9·(0·ζ₁ + ζ₂) for ζ₁ and ζ₂.
        let z2 = sr * 9 / 2
        let z1 = (z2 - sx) * 5 / 4
        #expect(close(e.fmr, mean, 1e-15) && close(e.zeta1, max(z1, 0), 1e-15) && close(e.zeta2, z2, 1e-15))
    }
}

/// The generative model of ``SampleSizePlanTests/simulation(design:)``.
enum Simulation {
    static func normal(_ rng: inout SplitMix64) -> Double {
        let u = max(rng.unit(), 1e-300)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * rng.unit())
    }

    static func binomial(_ trials: Int, _ p: Double, _ rng: inout SplitMix64) -> Int {
        var e = 0
        for _ in 0..<trials where rng.unit() < p { e += 1 }
        return e
    }

    static func expit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// μ with E[expit(μ + U)] = p for U ~ N(0, s²), by bisection over a trapezoid rule on ±8 s.
    static func logitMean(_ p: Double, spread s: Double) -> Double {
        func mean(_ mu: Double) -> Double {
            let steps = 2000
            var total = 0.0
            var weights = 0.0
            for i in 0...steps {
                let z = -8 + 16 * Double(i) / Double(steps)
                let w = exp(-z * z / 2) * (i == 0 || i == steps ? 0.5 : 1)
                total += w * expit(mu + s * z)
                weights += w
            }
            return total / weights
        }
        var low = -30.0
        var high = 10.0
        for _ in 0..<100 {
            let mid = (low + high) / 2
            if mean(mid) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// One cohort: p̂ and its estimated variance.
    static func cohort(people n: Int, k: Int, mu: Double, sigma: Double, rng: inout SplitMix64) -> (Double, Double)? {
        let u = (0..<n).map { _ in sigma * normal(&rng) }
        var pairs: [(a: Int, b: Int, share: Double)] = []
        let trials = k * k
        for i in 0..<n {
            for j in (i + 1)..<n {
                let e = binomial(trials, expit(mu + u[i] + u[j]), &rng)
                if e > 0 { pairs.append((a: i, b: j, share: Double(e) / Double(trials))) }
            }
        }
        guard let e = SampleSizePlan.estimate(people: n, pairs: pairs) else { return nil }
        return (e.fmr, e.variance)
    }

    /// The share of 1,000 simulated studies whose two-sided Wald test at 5% rejects (a study with a zero FMR
    /// or zero variance does not reject).
    static func power(people n: Int, k: Int, p0: Double, r: Double, sigma: Double, rng: inout SplitMix64) -> Double {
        let spread = sigma * 2.0.squareRoot()
        let mu0 = logitMean(p0, spread: spread)
        let mu1 = logitMean(r * p0, spread: spread)
        let z = 1.959963984540054
        var rejected = 0
        let studies = 1000
        for _ in 0..<studies {
            guard let (p, v) = cohort(people: n, k: k, mu: mu0, sigma: sigma, rng: &rng),
                let (q, w) = cohort(people: n, k: k, mu: mu1, sigma: sigma, rng: &rng), p > 0, q > 0
            else { continue }
            let se = (v / (p * p) + w / (q * q)).squareRoot()
            if se > 0, abs(log(q / p)) / se > z { rejected += 1 }
        }
        return Double(rejected) / Double(studies)
    }
}
