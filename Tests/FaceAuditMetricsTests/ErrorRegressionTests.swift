import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics

/// `Tests/References/regression-statsmodels.json`, written by `scripts/reference/regression-statsmodels`
/// (statsmodels Logit on the ungrouped photo pairs, `cov_type="cluster"`; for false matches also the
/// dyadic-robust covariance, computed in numpy from the ungrouped pair scores, `dyadic_*`).
struct RegressionReference: Decodable {
    struct Attribute: Decodable {
        var name: String
        var levels: [String]
    }
    struct Person: Decodable {
        var gender: Int
        var region: Int
        var age: Int
    }
    struct Term: Decodable {
        var name: String
        var df: Int
        var lrStatistic: Double
        var lrP: Double
        var waldStatistic: Double
        var waldP: Double
    }
    /// A term's Wald test with the dyadic covariance (numpy); the statistic as computed, even when negative.
    struct DyadicTerm: Decodable {
        var name: String
        var waldStatistic: Double
        var waldP: Double?
    }
    /// A term's cluster-robust score test (numpy): dyadic for false matches, one-way for false non-matches.
    struct ScoreTerm: Decodable {
        var name: String
        var scoreStatistic: Double
        var scoreP: Double?
    }
    struct Expected: Decodable {
        var coefficients: [Double]
        var clusteredStandardErrors: [Double]
        var naiveStandardErrors: [Double]
        var minusTwoLogLikelihood: Double
        var observations: Int
        var events: Int
        var terms: [Term]
        /// False match only: the dyadic-robust variances, their square roots (null when negative), the
        /// number of people (its G) and the terms' Wald tests.
        var dyadicVariances: [Double]?
        var dyadicStandardErrors: [Double?]?
        var dyadicPeople: Int?
        var dyadicTerms: [DyadicTerm]?
        /// Every term's score test at the fit without it.
        var scoreTerms: [ScoreTerm]
    }
    struct Model: Decodable {
        var columns: [String]
        /// False match: [first, second, photo pairs, false matches]; false non-match: [person, age at
        /// enrolment, years elapsed, error].
        var pairs: [[Int]]
        var expected: Expected
    }
    var attributes: [Attribute]
    var people: [Person]
    var falseMatch: Model
    var falseNonMatch: Model

    static func load() throws -> RegressionReference {
        let url = TestPaths.repositoryRoot.appendingPathComponent("Tests/References/regression-statsmodels.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(RegressionReference.self, from: Data(contentsOf: url))
    }

    var design: ErrorRegression.FalseMatchDesign {
        .init(attributes: attributes.map { .init(name: $0.name, levels: $0.levels) }, ageDifference: true)
    }

    func levels(_ i: Int) -> [Int] { [people[i].gender, people[i].region] }

    /// The non-mated photo pairs, one outcome each, as an explicit list.
    var falseMatchPairs: [(first: Int, second: Int?, row: [Double], error: Bool)] {
        falseMatch.pairs.flatMap { p in
            let row = design.row(levels: levels(p[0]), age: Double(people[p[0]].age), levels: levels(p[1]), age: Double(people[p[1]].age))
            return (0..<p[2]).map { (first: p[0], second: Optional(p[1]), row: row, error: $0 < p[3]) }
        }
    }
}

@Suite struct ErrorRegressionTests {
    /// Coefficients, naive SEs and likelihoods against statsmodels; clustered SEs and Wald tests against
    /// statsmodels' one-way clustering, or, where the reference has them (false match), the numpy dyadic ones.
    static func expectMatches(_ fit: ErrorRegression.Fit, _ expected: RegressionReference.Expected, columns: [String]) {
        #expect(fit.coefficients.map(\.name) == columns)
        #expect(fit.observations == expected.observations)
        #expect(fit.events == expected.events)
        let dyadic = expected.dyadicStandardErrors != nil
        #expect(fit.covarianceType == (dyadic ? .dyadic : .person))
        for (c, j) in zip(fit.coefficients, expected.coefficients.indices) {
            #expect(abs(c.estimate - expected.coefficients[j]) < 1e-6, "\(c.name)")
            if let se = expected.dyadicStandardErrors?[j] {
                #expect(abs(c.standardError! - se) < 1e-4, "\(c.name)")
            } else if dyadic {
                #expect(c.standardError == nil, "\(c.name)")
            } else {
                #expect(abs(c.standardError! - expected.clusteredStandardErrors[j]) < 1e-4, "\(c.name)")
            }
            if let variance = expected.dyadicVariances?[j] {
                #expect(abs(fit.covariance[j][j] - variance) < 1e-4 * max(1, abs(variance)), "\(c.name)")
            }
            #expect(abs(c.naiveStandardError - expected.naiveStandardErrors[j]) < 1e-6, "\(c.name)")
        }
        #expect(abs(fit.minusTwoLogLikelihood - expected.minusTwoLogLikelihood) < 1e-6)
        #expect(fit.terms.map(\.name) == expected.terms.map(\.name))
        for (t, e) in zip(fit.terms, expected.terms) {
            #expect(t.degreesOfFreedom == e.df)
            #expect(abs(t.likelihoodRatio! - e.lrStatistic) < 1e-6, "\(t.name)")
            #expect(abs(t.likelihoodRatioP! - e.lrP) <= 1e-6 * e.lrP + 1e-300, "\(t.name)")
            let score = expected.scoreTerms.first { $0.name == t.name }!
            #expect(abs(t.score! - score.scoreStatistic) < 1e-4 * max(1, score.scoreStatistic), "\(t.name)")
            #expect(abs(t.scoreP! - score.scoreP!) < 1e-4 * max(score.scoreP!, 1e-12), "\(t.name)")
            if let d = expected.dyadicTerms?.first(where: { $0.name == t.name }) {
                if let p = d.waldP {
                    #expect(abs(t.wald! - d.waldStatistic) < 1e-4 * max(1, d.waldStatistic), "\(t.name)")
                    #expect(abs(t.waldP! - p) < 1e-4 * max(p, 1e-12), "\(t.name)")
                } else {
                    #expect(t.wald == nil && t.waldP == nil, "\(t.name)")
                }
            } else {
                #expect(expected.dyadicTerms == nil, "\(t.name)")
                #expect(abs(t.wald! - e.waldStatistic) < 1e-4 * max(1, e.waldStatistic), "\(t.name)")
                #expect(abs(t.waldP! - e.waldP) < 1e-4 * max(e.waldP, 1e-12), "\(t.name)")
            }
        }
    }

    @Test func falseMatchMatchesStatsmodelsAndNumpyDyadic() throws {
        let reference = try RegressionReference.load()
        let design = reference.design
        #expect(design.columns == reference.falseMatch.columns)
        let tallies = ErrorRegressionTallies.fromPairs(
            columns: design.columns, terms: design.terms, clustering: .twoPeople, reference.falseMatchPairs)
        let fit = try ErrorRegression.fit(tallies)
        Self.expectMatches(fit, reference.falseMatch.expected, columns: reference.falseMatch.columns)
        #expect(fit.clusters == ["people": 50, "first_people": 49, "second_people": 49, "person_pairs": 1225])
        #expect(reference.falseMatch.expected.dyadicPeople == 50)
        // One cell per distinct row: 1,225 person pairs collapse into fewer cells.
        let rows = Set(reference.falseMatchPairs.map(\.row)).count
        #expect(fit.cells == rows && rows < 1225)
        // Deviance = −2 log L (statsmodels') − the saturated model's −2 log L over the cells, computed here.
        var saturated = 0.0
        for cell in tallies.cells {
            let (m, e) = (cell.trials, cell.events)
            if e > 0 { saturated -= 2 * e * log(e / m) }
            if e < m { saturated -= 2 * (m - e) * log((m - e) / m) }
        }
        #expect(abs(fit.deviance - (reference.falseMatch.expected.minusTwoLogLikelihood - saturated)) < 1e-6)
    }

    @Test func falseNonMatchMatchesStatsmodelsOneWay() throws {
        let reference = try RegressionReference.load()
        let design = ErrorRegression.FalseNonMatchDesign(yearsElapsed: true)
        #expect(design.columns == reference.falseNonMatch.columns)
        let pairs = reference.falseNonMatch.pairs.map { p in
            (first: p[0], second: Int?.none, row: design.row(enrolmentAge: Double(p[1]), yearsElapsed: Double(p[2])), error: p[3] == 1)
        }
        let fit = try ErrorRegression.fit(
            ErrorRegressionTallies.fromPairs(columns: design.columns, terms: design.terms, clustering: .person, pairs))
        Self.expectMatches(fit, reference.falseNonMatch.expected, columns: reference.falseNonMatch.columns)
        #expect(fit.clusters == ["people": 50])
    }

    /// The statsmodels population as LabeledComparisons (one per attribute), through the run's entry point.
    @Test func comparisonsEntryPointMatchesStatsmodels() throws {
        let reference = try RegressionReference.load()
        // Non-mated: photo p of person i is sample (offset of i) + p; score 1 for a false match, 0 otherwise.
        var nonMated = reference.attributes.map { attribute in
            var set = LabeledComparisons()
            set.cohortNames = attribute.levels.map { "\(attribute.name)=\($0)" }
            set.subjectCount = reference.people.count
            return set
        }
        var ages: [Double?] = []
        for pair in reference.falseMatch.pairs {
            for k in 0..<pair[2] {
                for (a, set) in nonMated.indices.enumerated() {
                    let level = { (i: Int) in Int32(a == 0 ? reference.people[i].gender : reference.people[i].region) }
                    nonMated[set].append(
                        score: k < pair[3] ? 1 : 0, probe: TestPhoto(subject: pair[0], sample: ages.count, cohort: level(pair[0])),
                        reference: TestPhoto(subject: pair[1], sample: ages.count + 1, cohort: level(pair[1])))
                }
                ages += [Double(reference.people[pair[0]].age), Double(reference.people[pair[1]].age)]
            }
        }
        let samples = ErrorRegression.SampleCovariates(ages: ages, captureYears: ages.map { _ in nil })
        let analysis = ErrorRegression.analyze(
            attributes: nonMated, threshold: 0.5, samples: samples, references: ["gender": "male", "region": "a"])
        #expect(analysis.attributes.map(\.levels) == reference.attributes.map(\.levels))
        let fit = try #require(analysis.falseMatch.fit)
        Self.expectMatches(fit, reference.falseMatch.expected, columns: reference.falseMatch.columns)
        #expect(analysis.falseNonMatch.error == ErrorRegressionError.noData.description)

        // Mated: each pair is two undated photos aged (enrolment, enrolment + elapsed); score 0 for an error.
        var mated = LabeledComparisons()
        mated.cohortNames = ["gender=male", "gender=female"]
        mated.subjectCount = reference.people.count
        var matedAges: [Double?] = []
        for p in reference.falseNonMatch.pairs {
            let cohort = Int32(reference.people[p[0]].gender)
            mated.append(
                score: p[3] == 1 ? 0 : 1, probe: TestPhoto(subject: p[0], sample: matedAges.count + 1, cohort: cohort),
                reference: TestPhoto(subject: p[0], sample: matedAges.count, cohort: cohort))
            matedAges += [Double(p[1]), Double(p[1] + p[2])]
        }
        let matedAnalysis = ErrorRegression.analyze(
            attributes: [mated], threshold: 0.5, samples: .init(ages: matedAges, captureYears: matedAges.map { _ in nil }))
        let fnm = try #require(matedAnalysis.falseNonMatch.fit)
        Self.expectMatches(fnm, reference.falseNonMatch.expected, columns: reference.falseNonMatch.columns)
        #expect(matedAnalysis.falseMatch.fit == nil)
    }

    /// Capture dates win over ages for years elapsed; pairs without a score or an age are left out.
    @Test func yearsElapsedFromCaptureDatesAndExclusions() throws {
        var set = LabeledComparisons()
        set.cohortNames = ["gender=female"]
        set.subjectCount = 1
        // Samples: 0 (age 10, 2000.0), 1 (age 12, 2005.0: dates say 5 years), 2 (no age), 3 (age 30).
        set.append(score: 0.2, probe: TestPhoto(subject: 0, sample: 1, cohort: 0), reference: TestPhoto(subject: 0, sample: 0, cohort: 0))
        set.append(score: 0.9, probe: TestPhoto(subject: 0, sample: 2, cohort: 0), reference: TestPhoto(subject: 0, sample: 0, cohort: 0))
        set.append(score: .nan, probe: TestPhoto(subject: 0, sample: 3, cohort: 0), reference: TestPhoto(subject: 0, sample: 0, cohort: 0))
        let samples = ErrorRegression.SampleCovariates(ages: [10, 12, nil, 30], captureYears: [2000, 2005, nil, nil])
        let analysis = ErrorRegression.analyze(attributes: [set], threshold: 0.5, samples: samples)
        #expect(analysis.falseNonMatch.excludedPairs == 2)
        // One pair left, one error: nothing to explain — but the row it would have used is checked directly.
        #expect(analysis.falseNonMatch.error == ErrorRegressionError.constantOutcome(events: 1, trials: 1).description)
        let design = ErrorRegression.FalseNonMatchDesign(yearsElapsed: true, quality: true)
        #expect(design.columns == ["intercept", "age at enrolment", "years elapsed", "quality"])
        #expect(design.row(enrolmentAge: 10, yearsElapsed: 5, quality: 0.5) == [1, 10, 5, 0.5])
    }

    /// Same-session photos (years elapsed 0 for every pair, as in the demo): no `years elapsed` column, so the
    /// design is not singular and age at enrolment is still modelled.
    @Test func sameSessionPhotosDropYearsElapsed() throws {
        var set = LabeledComparisons()
        set.cohortNames = ["gender=female"]
        set.subjectCount = 40
        var ages: [Double?] = []
        for person in 0..<40 {
            let age = Double(10 + person)
            // Younger people miss more often: every 3rd of the first 20, every 7th of the rest.
            let missed = person < 20 ? person % 3 == 0 : person % 7 == 0
            set.append(
                score: missed ? 0.1 : 0.9, probe: TestPhoto(subject: person, sample: ages.count + 1, cohort: 0),
                reference: TestPhoto(subject: person, sample: ages.count, cohort: 0))
            ages += [age, age]
        }
        let analysis = ErrorRegression.analyze(
            attributes: [set], threshold: 0.5, samples: .init(ages: ages, captureYears: ages.map { _ in nil }))
        let fit = try #require(analysis.falseNonMatch.fit, "\(analysis.falseNonMatch.error ?? "")")
        #expect(fit.coefficients.map(\.name) == ["intercept", "age at enrolment"])
        #expect(fit.events == 10 && fit.observations == 40)
        #expect(fit.coefficients[1].estimate < 0)
    }

    /// A known odds ratio is recovered within its interval: 300 people, half in cohort B whose odds are
    /// 2.5× cohort A's, 20 mated pairs each, a person-level latent (logit-normal, sd 0.5) so pairs cluster.
    @Test func recoversAKnownOddsRatio() throws {
        var rng = SplitMix64(seed: 17)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        func normal() -> Double { (-2 * log(1 - uniform())).squareRoot() * cos(2 * .pi * uniform()) }
        let trueLogOdds = log(2.5)
        var tallies = ErrorRegressionTallies(
            columns: ["intercept", "cohort=B"], terms: [.init(name: "cohort", columns: [1])], clustering: .person)
        for person in 0..<300 {
            let b = person % 2 == 1
            let eta = -2.0 + (b ? trueLogOdds : 0) + 0.5 * normal()
            let p = 1 / (1 + exp(-eta))
            let events = (0..<20).reduce(0) { n, _ in n + (uniform() < p ? 1 : 0) }
            tallies.add(first: person, second: nil, row: [1, b ? 1 : 0], trials: 20, events: events)
        }
        let fit = try ErrorRegression.fit(tallies)
        let ratio = fit.coefficients[1]
        #expect(ratio.oddsRatioLower! < 2.5 && 2.5 < ratio.oddsRatioUpper!)
        // The interval is informative (it excludes 1) and its bounds are exp(β ∓ 1.959964·SE).
        #expect(ratio.oddsRatioLower! > 1)
        #expect(abs(ratio.oddsRatioUpper! - exp(ratio.estimate + 1.959_963_984_540_054 * ratio.standardError!)) < 1e-9)
        // Clustering by person widens the interval over the independent-pairs one (the latent is real).
        #expect(ratio.standardError! > ratio.naiveStandardError)
    }

    /// The grouped fit (one cell per person and row) equals the ungrouped one (one `add` per pair).
    @Test func groupedEqualsUngrouped() throws {
        var rng = SplitMix64(seed: 5)
        var grouped = ErrorRegressionTallies(columns: ["intercept", "x"], terms: [.init(name: "x", columns: [1])], clustering: .person)
        var ungrouped = grouped
        for person in 0..<40 {
            let x = Double(person % 4)
            var errors = 0
            for _ in 0..<10 {
                let error = rng.below(100) < 10 + 8 * Int(x)
                ungrouped.add(first: person, second: nil, row: [1, x], trials: 1, events: error ? 1 : 0)
                errors += error ? 1 : 0
            }
            grouped.add(first: person, second: nil, row: [1, x], trials: 10, events: errors)
        }
        let a = try ErrorRegression.fit(grouped)
        let b = try ErrorRegression.fit(ungrouped)
        for (x, y) in zip(a.coefficients, b.coefficients) {
            #expect(abs(x.estimate - y.estimate) < 1e-12)
            #expect(abs(x.standardError! - y.standardError!) < 1e-12)
        }
        #expect(abs(a.minusTwoLogLikelihood - b.minusTwoLogLikelihood) < 1e-9)
        #expect(a.cells == 4 && b.cells == 4)
    }

    /// Tallies merged from two shares of the person pairs (as threads or shards would) give the same fit
    /// as one pass over all of them.
    @Test func mergedTalliesEqualOnePass() throws {
        let reference = try RegressionReference.load()
        let design = reference.design
        let pairs = reference.falseMatchPairs
        func tallies(_ part: ArraySlice<(first: Int, second: Int?, row: [Double], error: Bool)>) -> ErrorRegressionTallies {
            .fromPairs(columns: design.columns, terms: design.terms, clustering: .twoPeople, part)
        }
        // Split between person pairs (the first 3,000 photo pairs, rounded up to a whole person pair).
        var cut = 3000
        while pairs[cut].first == pairs[cut - 1].first && pairs[cut].second == pairs[cut - 1].second { cut += 1 }
        var merged = tallies(pairs[cut...])
        merged.merge(tallies(pairs[..<cut]))
        let one = try ErrorRegression.fit(tallies(pairs[...]))
        let two = try ErrorRegression.fit(merged)
        #expect(merged.personPairs == 1225 && merged.observations == 6677)
        for (x, y) in zip(one.coefficients, two.coefficients) {
            #expect(abs(x.estimate - y.estimate) < 1e-10)
            // "same region" has a negative dyadic variance on this data (null on both sides).
            #expect((x.standardError == nil) == (y.standardError == nil))
            if let a = x.standardError, let b = y.standardError { #expect(abs(a - b) < 1e-10) }
        }
    }

    /// The one-way sandwich against a direct computation on three people with a 2-column design.
    @Test func oneWaySandwichByHand() throws {
        var t = ErrorRegressionTallies(columns: ["intercept", "x"], terms: [.init(name: "x", columns: [1])], clustering: .person)
        let data: [(person: Int, x: Double, m: Int, e: Int)] = [(0, 0, 4, 1), (0, 1, 3, 2), (1, 0, 5, 2), (1, 1, 2, 0), (2, 1, 6, 3)]
        for d in data { t.add(first: d.person, second: nil, row: [1, d.x], trials: d.m, events: d.e) }
        let fit = try ErrorRegression.fit(t)
        // Saturated in x: p(x=0) = 3/9, p(x=1) = 5/11.
        let p = [3.0 / 9, 5.0 / 11]
        #expect(abs(fit.coefficients[0].estimate - log(p[0] / (1 - p[0]))) < 1e-10)
        #expect(abs(fit.coefficients[1].estimate - (log(p[1] / (1 - p[1])) - log(p[0] / (1 - p[0])))) < 1e-10)
        // H = Σ m p(1−p) x xᵀ; u_g = Σ x (e − m p); V = H⁻¹ (Σ u uᵀ) H⁻¹ · G/(G−1) · (N−1)/(N−K).
        let w0 = 9 * p[0] * (1 - p[0])
        let w1 = 11 * p[1] * (1 - p[1])
        let h = [[w0 + w1, w1], [w1, w1]]
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0]
        let hi = [[h[1][1] / det, -h[0][1] / det], [-h[1][0] / det, h[0][0] / det]]
        var meat = [[0.0, 0.0], [0.0, 0.0]]
        for person in 0..<3 {
            var u = [0.0, 0.0]
            for d in data where d.person == person {
                let r = Double(d.e) - Double(d.m) * p[Int(d.x)]
                u[0] += r
                u[1] += d.x * r
            }
            for i in 0..<2 { for j in 0..<2 { meat[i][j] += u[i] * u[j] } }
        }
        let correction = 3.0 / 2 * (20.0 - 1) / (20 - 2)
        for j in 0..<2 {
            var v = 0.0
            for a in 0..<2 { for b in 0..<2 { v += hi[j][a] * meat[a][b] * hi[b][j] } }
            #expect(abs(fit.coefficients[j].standardError! - (v * correction).squareRoot()) < 1e-12)
            #expect(abs(fit.coefficients[j].naiveStandardError - hi[j][j].squareRoot()) < 1e-12)
        }
    }

    /// Per attribute a person's level is their images' most frequent cohort; the reference is the level
    /// with the most people; a person's age is the mean over their images; the person pair is ordered
    /// (lower subject, higher) whichever side is the probe.
    @Test func personLevelsReferencesAndAges() throws {
        var set = LabeledComparisons()
        set.cohortNames = ["skin=light", "skin=dark"]
        set.subjectCount = 4
        // Person 0: samples 0, 1 (dark, dark) and 2 (light) → dark. Persons 1, 2: dark; person 3: light.
        // Dark has 3 people → the reference; `skin=light` is the column.
        let photos = [
            TestPhoto(subject: 0, sample: 0, cohort: 1), TestPhoto(subject: 0, sample: 1, cohort: 1),
            TestPhoto(subject: 0, sample: 2, cohort: 0),
            TestPhoto(subject: 1, sample: 3, cohort: 1), TestPhoto(subject: 2, sample: 4, cohort: 1),
            TestPhoto(subject: 3, sample: 5, cohort: 0),
        ]
        for (i, a) in photos.enumerated() {
            for b in photos[(i + 1)...] where a.subject != b.subject {
                // Probe is the higher subject, so the builder must reorder.
                set.append(score: Double(a.sample + b.sample) / 10, probe: b, reference: a)
            }
        }
        let ages: [Double?] = [20, 30, 40.4, 50, 61, 70]  // person 0: mean 30.13
        let t = ErrorRegression.tallies(
            attributes: [set], threshold: 0.75, samples: .init(ages: ages, captureYears: ages.map { _ in nil }), references: [:])
        // Three people labelled dark, one light, each with an age.
        #expect(t.attributes == [ErrorRegression.Attribute(name: "skin", levels: ["dark", "light"], people: [3, 1])])
        #expect(t.falseMatch.columns == ["intercept", "skin=light", "same skin", "age difference"])
        // Direct: per person pair, the row and the tallies.
        let level = [0, 0, 0, 1]
        let age = [(20 + 30 + 40.4) / 3, 50, 61, 70]
        var expected: [[Double]: (Double, Double)] = [:]
        for (i, a) in photos.enumerated() {
            for b in photos[(i + 1)...] where a.subject != b.subject {
                let (x, y) = (a.subject, b.subject)
                let row: [Double] = [1, Double(level[x] + level[y]), level[x] == level[y] ? 1 : 0, abs(age[x] - age[y]).rounded()]
                let error = Double(a.sample + b.sample) / 10 >= 0.75 ? 1.0 : 0
                expected[row, default: (0, 0)].0 += 1
                expected[row, default: (0, 0)].1 += error
            }
        }
        #expect(t.falseMatch.cells.count == expected.count)
        for (c, cell) in t.falseMatch.cells.enumerated() {
            let row = t.falseMatch.row(c)
            #expect(expected[row]?.0 == cell.trials && expected[row]?.1 == cell.events, "\(row)")
        }
        #expect(t.falseMatch.personPairs == 6)
        #expect(Set(t.falseMatch.first.keys.map(\.person)) == [0, 1, 2])
        #expect(Set(t.falseMatch.second.keys.map(\.person)) == [1, 2, 3])
    }

    /// The dyadic V (like the two-way one it replaced) can be negative: four people, intercept only, p̂ = 8/15,
    /// u_d = e − m·p̂ per person pair, S_q = Σ of u_d over q's pairs, V = (Σ S_q² − Σ u_d²)/H² · G/(G − 1) ·
    /// (N − 1)/(N − K) with H = N·p̂(1 − p̂), G = 4, N = 15, K = 1: −0.3613945578231292 (by hand in Python;
    /// the two-way V of statsmodels' `cov_cluster_2groups` was −0.0723…). FaceAudit writes null.
    @Test func negativeDyadicVarianceIsNull() throws {
        let pairs: [(Int, Int, Int, Int)] = [(0, 1, 2, 0), (0, 2, 3, 2), (0, 3, 3, 3), (1, 2, 3, 3), (1, 3, 3, 0), (2, 3, 1, 0)]
        var t = ErrorRegressionTallies(columns: ["intercept"], terms: [], clustering: .twoPeople)
        for (a, b, m, e) in pairs { t.add(first: a, second: b, row: [1], trials: m, events: e) }
        let fit = try ErrorRegression.fit(t)
        #expect(abs(fit.coefficients[0].estimate - log(8.0 / 7)) < 1e-12)
        #expect(abs(fit.covariance[0][0] - -0.361_394_557_823_129_2) < 1e-12)
        #expect(fit.coefficients[0].standardError == nil && fit.coefficients[0].oddsRatioLower == nil)
        let json = String(decoding: try JSONEncoder().encode(fit), as: UTF8.self)
        #expect(json.contains("\"standard_error\":null"))
    }

    /// The reference false-match fit converges in 6 Newton steps; with 2 allowed it is a typed error.
    @Test func notConvergedIsATypedError() throws {
        let reference = try RegressionReference.load()
        let design = reference.design
        let t = ErrorRegressionTallies.fromPairs(
            columns: design.columns, terms: design.terms, clustering: .twoPeople, reference.falseMatchPairs)
        #expect(try ErrorRegression.fit(t).iterations == 6)
        #expect(throws: ErrorRegressionError.notConverged(iterations: 2)) { try ErrorRegression.fit(t, maximumIterations: 2) }
    }

    @Test func tooFewClustersIsATypedError() {
        var t = ErrorRegressionTallies(columns: ["intercept"], terms: [], clustering: .person)
        t.add(first: 0, second: nil, row: [1], trials: 10, events: 3)
        #expect(throws: ErrorRegressionError.tooFewClusters(clustering: "people", count: 1)) { try ErrorRegression.fit(t) }
    }

    @Test func separationIsATypedErrorNamingTheCovariate() {
        var t = ErrorRegressionTallies(
            columns: ["intercept", "gender=female", "age"], terms: [.init(name: "gender", columns: [1])], clustering: .person)
        t.add(first: 0, second: nil, row: [1, 0, 30], trials: 50, events: 5)
        t.add(first: 1, second: nil, row: [1, 0, 40], trials: 50, events: 9)
        t.add(first: 2, second: nil, row: [1, 1, 35], trials: 50, events: 0)
        t.add(first: 3, second: nil, row: [1, 1, 45], trials: 50, events: 0)
        #expect(throws: ErrorRegressionError.separation(covariate: "gender=female")) { try ErrorRegression.fit(t) }
    }

    /// Separation by a covariate that takes negative and positive values is caught by the diverging fit.
    @Test func separationByAContinuousCovariate() {
        var t = ErrorRegressionTallies(columns: ["intercept", "z"], terms: [.init(name: "z", columns: [1])], clustering: .person)
        for (person, z) in [-2.0, -1, 1, 2].enumerated() {
            t.add(first: person, second: nil, row: [1, z], trials: 10, events: z > 0 ? 10 : 0)
        }
        #expect(throws: ErrorRegressionError.separation(covariate: "z")) { try ErrorRegression.fit(t) }
    }

    @Test func singularDesignAndConstantOutcome() {
        var t = ErrorRegressionTallies(
            columns: ["intercept", "a", "twice a"], terms: [.init(name: "a", columns: [1, 2])], clustering: .person)
        for (person, a) in [0.0, 1, 2, 3].enumerated() {
            t.add(first: person, second: nil, row: [1, a, 2 * a], trials: 10, events: 2 + person)
        }
        #expect(throws: ErrorRegressionError.singularDesign(covariate: "twice a")) { try ErrorRegression.fit(t) }
        var none = ErrorRegressionTallies(columns: ["intercept"], terms: [], clustering: .person)
        none.add(first: 0, second: nil, row: [1], trials: 10, events: 0)
        #expect(throws: ErrorRegressionError.constantOutcome(events: 0, trials: 10)) { try ErrorRegression.fit(none) }
        #expect(throws: ErrorRegressionError.noData) {
            try ErrorRegression.fit(ErrorRegressionTallies(columns: ["intercept"], terms: [], clustering: .person))
        }
    }

    /// P(a, x), Q(a, x) and the χ² tail against scipy 1.15.3, computed once with
    /// `python -c "from scipy.special import gammainc, gammaincc; from scipy.stats import chi2; ..."`
    /// (gammainc(a, x), gammaincc(a, x), chi2.sf(s, df)) and pasted here.
    @Test func incompleteGammaMatchesScipy() {
        let values: [(a: Double, x: Double, p: Double, q: Double)] = [
            (0.5, 0.1, 0.34527915398142317, 0.6547208460185768),
            (0.5, 2.0, 0.9544997361036415, 0.04550026389635857),
            (1, 1, 0.6321205588285577, 0.36787944117144245),
            (2.5, 1.5, 0.3000141641213724, 0.6999858358786276),
            (3, 10, 0.9972306042844884, 0.0027693957155115775),
            (10, 3, 0.0011024881301154815, 0.9988975118698845),
            (50, 45, 0.24680203440017026, 0.7531979655998298),
            (0.5, 30, 0.9999999999999906, 9.485737571073857e-15),
        ]
        for v in values {
            #expect(abs(IncompleteGamma.lower(v.a, v.x) - v.p) < 1e-13 * max(1, v.p), "P(\(v.a), \(v.x))")
            #expect(abs(IncompleteGamma.upper(v.a, v.x) - v.q) < 1e-12 * v.q, "Q(\(v.a), \(v.x))")
        }
        let tails: [(s: Double, df: Int, p: Double)] = [
            (3.841458820694124, 1, 0.04999999999999989), (5.991464547107979, 2, 0.05000000000000007),
            (58.477450640704774, 1, 2.056343391135327e-14), (0.5, 3, 0.9188914116546758), (100, 4, 9.836624224615988e-21),
        ]
        for t in tails { #expect(abs(IncompleteGamma.chiSquaredSurvival(t.s, degreesOfFreedom: t.df) - t.p) < 1e-12 * t.p) }
    }

    @Test func analysisIsCodableForSummaryJSON() throws {
        let reference = try RegressionReference.load()
        let design = reference.design
        let fit = try ErrorRegression.fit(
            ErrorRegressionTallies.fromPairs(
                columns: design.columns, terms: design.terms, clustering: .twoPeople, reference.falseMatchPairs))
        let analysis = ErrorRegression.Analysis(
            threshold: 0.5, attributes: design.attributes, falseMatch: .init(fit: fit, error: nil, excludedPairs: 0),
            falseNonMatch: .init(fit: nil, error: "no pairs to fit", excludedPairs: 3))
        let data = try JSONEncoder().encode(analysis)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"odds_ratio_lower\"") && text.contains("\"false_non_match\"") && text.contains("\"lr_statistic\""))
        #expect(try JSONDecoder().decode(ErrorRegression.Analysis.self, from: data) == analysis)
    }
}
