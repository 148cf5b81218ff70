import Foundation

extension SampleSizePlan {
    /// What a pilot's false matches say about one cohort: its FMR, ζ₁ and ζ₂ (see ``SampleSizePlan``), and the
    /// heterogeneity c = ζ₁ / p̂² they imply.
    ///
    /// **Estimator** (method of moments, unbiased for ζ₁ and ζ₂ before clamping, on a complete design of
    /// n ≥ 4 people where every person pair is compared): with N = C(n, 2) person pairs, X_ij each pair's share
    /// of false matches, p̂ = mean X_ij, r_i = Σ_j X_ij / (n − 1) each person's mean,
    /// S_x² = Σ (X_ij − p̂)² / (N − 1) and S_r² = Σ (r_i − p̂)² / (n − 1),
    ///
    ///     E[S_x²] = ζ₂ − 2(n − 2)/(N − 1)·ζ₁,     E[S_r²] = (n − 2)/(n − 1)²·((n − 4)·ζ₁ + ζ₂),
    ///
    /// (pairs sharing a person covary by ζ₁; each r_i and r_j share one pair and 3(n − 2) covariances ζ₁),
    /// solved for ζ₁ and ζ₂, each then clamped at 0.
    public struct PilotEstimate: Sendable, Hashable, Codable {
        /// People in the cohort.
        public var people: Int
        /// p̂: the mean over person pairs of their share of false matches.
        public var fmr: Double
        /// ζ₁ ≥ 0.
        public var zeta1: Double
        /// ζ₂ ≥ 0.
        public var zeta2: Double

        /// c = ζ₁ / p̂², or nil when p̂ = 0 (no false match: nothing to say).
        public var heterogeneity: Double? { fmr > 0 ? zeta1 / (fmr * fmr) : nil }

        /// Var(p̂) estimated from ζ₁ and ζ₂ (the U-statistic formula with the estimates plugged in).
        public var variance: Double {
            let n = Double(people)
            return 2 / (n * (n - 1)) * (2 * (n - 2) * zeta1 + zeta2)
        }

        enum CodingKeys: String, CodingKey {
            case people, fmr
            case zeta1 = "zeta_1"
            case zeta2 = "zeta_2"
        }
    }

    /// The estimate from `people` people (indices 0..<people) whose person pairs not listed in `pairs` had no
    /// false match; `pairs` lists (a, b, share) with a ≠ b at most once per unordered pair. Nil for fewer than
    /// 4 people.
    public static func estimate(people n: Int, pairs: [(a: Int, b: Int, share: Double)]) -> PilotEstimate? {
        estimate(people: n, shares: pairs)
    }

    /// ``estimate(people:pairs:)`` over pairs read one at a time.
    static func estimate<Pairs: Sequence>(people n: Int, shares pairs: Pairs) -> PilotEstimate?
    where Pairs.Element == (a: Int, b: Int, share: Double) {
        guard n >= 4 else { return nil }
        var rows = [Double](repeating: 0, count: n)
        var sum = 0.0
        var squares = 0.0
        for p in pairs {
            rows[p.a] += p.share
            rows[p.b] += p.share
            sum += p.share
            squares += p.share * p.share
        }
        let nn = Double(n)
        let count = nn * (nn - 1) / 2
        let mean = sum / count
        let sx = (squares - count * mean * mean) / (count - 1)
        var rowSquares = 0.0
        for r in rows { rowSquares += (r / (nn - 1)) * (r / (nn - 1)) }
        let sr = (rowSquares - nn * mean * mean) / (nn - 1)
        let a = (nn - 2) / ((nn - 1) * (nn - 1))
        let b = 2 * (nn - 2) / (count - 1)
        let zeta1 = (sr / a - sx) / (nn - 4 + b)
        let zeta2 = sx + b * zeta1
        return PilotEstimate(people: n, fmr: mean, zeta1: max(zeta1, 0), zeta2: max(zeta2, 0))
    }

    /// The estimate of a pilot cohort's tally (`subjects.json`), or nil when its non-mated design is not
    /// complete (`all_pairs` or `bipartite`: every person pair compared) or it has fewer than 4 people.
    /// Each person pair's share is its false matches over its trials (m_a·m_b photo pairs, or
    /// p_a·r_b + p_b·r_a in a bipartite design).
    public static func estimate(_ tally: SubjectBootstrap.Tally) -> PilotEstimate? {
        var trials: (Int, Int) -> Int
        var subjects: [Int]
        switch tally.denominator {
        case .allPairs(let list):
            let samples = Dictionary(list.map { ($0.subject, $0.samples) }, uniquingKeysWith: +)
            subjects = list.filter { $0.samples > 0 }.map(\.subject)
            trials = { samples[$0, default: 0] * samples[$1, default: 0] }
        case .bipartite(let list):
            let sides = Dictionary(list.map { ($0.subject, ($0.probes, $0.references)) }, uniquingKeysWith: { a, _ in a })
            subjects = list.filter { $0.probes + $0.references > 0 }.map(\.subject)
            trials = { a, b in
                let (pa, ra) = sides[a] ?? (0, 0)
                let (pb, rb) = sides[b] ?? (0, 0)
                return pa * rb + pb * ra
            }
        case .sparse:
            return nil
        }
        let index = Dictionary(subjects.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // Read as they are needed: a cohort can have millions of error pairs.
        let pairs = tally.errorPairs.lazy.compactMap { p -> (a: Int, b: Int, share: Double)? in
            let a = Int(p.a)
            let b = Int(p.b)
            guard let i = index[a], let j = index[b] else { return nil }
            let t = trials(a, b)
            guard t > 0 else { return nil }
            return (a: i, b: j, share: Double(p.errors) / Double(t))
        }
        return estimate(people: subjects.count, shares: pairs)
    }

    /// The heterogeneity of several cohorts' estimates: the people-weighted mean of their c over the cohorts
    /// with at least one false match; nil when none has one.
    public static func pooledHeterogeneity(_ estimates: [PilotEstimate]) -> Double? {
        var weighted = 0.0
        var people = 0
        for e in estimates {
            guard let c = e.heterogeneity else { continue }
            weighted += Double(e.people) * c
            people += e.people
        }
        return people > 0 ? weighted / Double(people) : nil
    }
}

extension SampleSizePlan {
    /// The pooled heterogeneity (``pooledHeterogeneity(_:)``) of the cohorts whose tallies are `tallies`, with
    /// the number of cohorts and people it rests on; nil when no cohort has a complete design of 4 people or
    /// more with a false match.
    public static func heterogeneity(of tallies: [SubjectBootstrap.Tally]) -> (heterogeneity: Double, cohorts: Int, people: Int)? {
        let estimates = tallies.compactMap(estimate).filter { $0.heterogeneity != nil }
        guard let c = pooledHeterogeneity(estimates) else { return nil }
        return (c, estimates.count, estimates.reduce(0) { $0 + $1.people })
    }

    /// A tally's design as the plan sees it: its people (subjects with a sample) and photos per person k, so
    /// that k² is the mean photo pairs per person pair: the mean samples in an all-pairs design, √(mean of
    /// 2·probes·references) in a bipartite one; nil for a sparse design.
    public static func design(of tally: SubjectBootstrap.Tally) -> Design? {
        var people = 0
        var photos = 0
        switch tally.denominator {
        case .allPairs(let list):
            for s in list where s.samples > 0 {
                people += 1
                photos += s.samples
            }
        case .bipartite(let list):
            var products = 0
            for s in list where s.probes + s.references > 0 {
                people += 1
                products += 2 * s.probes * s.references
            }
            guard people > 0 else { return nil }
            return Design(people: people, photos: max(1, (Double(products) / Double(people)).squareRoot()))
        case .sparse:
            return nil
        }
        return people > 0 ? Design(people: people, photos: Double(photos) / Double(people)) : nil
    }
}
