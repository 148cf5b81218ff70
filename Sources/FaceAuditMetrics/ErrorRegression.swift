import Foundation

/// Why a regression could not be fitted.
public enum ErrorRegressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No cell has a trial.
    case noData
    /// Every trial is an error, or none is: there is nothing to explain.
    case constantOutcome(events: Int, trials: Int)
    /// A column is zero wherever there are trials, or a linear combination of earlier columns.
    case singularDesign(covariate: String)
    /// The covariate separates errors from non-errors (e.g. a cohort with no error at all): its maximum-
    /// likelihood coefficient is infinite.
    case separation(covariate: String)
    /// A clustering has fewer than two clusters (its small-sample factor G/(G − 1) is undefined).
    case tooFewClusters(clustering: String, count: Int)
    /// Newton's method did not converge in `iterations` steps.
    case notConverged(iterations: Int)

    public var description: String {
        switch self {
        case .noData: "no pairs to fit"
        case .constantOutcome(let events, let trials): "\(events) errors in \(trials) pairs: nothing to explain"
        case .singularDesign(let covariate): "the design is singular at '\(covariate)' (no variation, or collinear with earlier columns)"
        case .separation(let covariate): "'\(covariate)' separates the outcomes (its odds ratio is 0 or infinite)"
        case .tooFewClusters(let clustering, let count): "\(count) \(clustering): clustered standard errors need at least 2"
        case .notConverged(let iterations): "the fit did not converge in \(iterations) iterations"
        }
    }
}

/// Logistic regression of errors (false match per non-mated pair, false non-match per mated pair) on
/// covariates, fitted by Newton's method (IRLS) on the grouped binomial likelihood of
/// ``ErrorRegressionTallies`` cells, with person-clustered sandwich standard errors.
///
/// Model: logit P(error) = x·β. Fit: from β = 0 (intercept at the logit of the overall rate when column 0
/// is all ones), Newton steps β ← β + H⁻¹U with U = Σ_c x_c(E_c − M_c p_c), H = Σ_c M_c p_c(1 − p_c) x_c x_cᵀ,
/// halved while −2 log L increases, until the largest step is below 1e-10·(1 + |β|) (at most `maximumIterations`, default 100).
///
/// Covariance (as statsmodels' `cov_type="cluster"` with its default correction): for a clustering g with G
/// clusters, V_g = H⁻¹ (Σ_g u_g u_gᵀ) H⁻¹ · G/(G − 1) · (N − 1)/(N − K), u_g the score summed over the
/// cluster, N the number of pairs, K the number of columns. One-way (false non-match): V = V_person.
/// Dyadic (false match, two people a pair; Fafchamps & Gubert 2007; Aronow, Samii & Assenova 2015): every
/// two pairs that share a person are correlated, so the meat is Σ_p S_p S_pᵀ − Σ_d u_d u_dᵀ, S_p the sum of
/// the scores u_d of the person pairs d that include p (as first or second person), each person pair's own
/// u_d u_dᵀ counted once rather than twice, with G = the people in a pair. (Until 2026-12 the false-match
/// fit used two-way clustering, V_first + V_second − V_pair, which in an all-pairs design never counts the
/// covariance between a person's pairs as first and as second person.) The dyadic V is not guaranteed
/// positive semi-definite either; a negative variance gives a null standard error.
public enum ErrorRegression {
    /// One coefficient.
    public struct Coefficient: Sendable, Codable, Equatable {
        /// The design column's name.
        public var name: String
        /// β.
        public var estimate: Double
        /// Person-clustered (false match: dyadic) standard error; null when the variance comes out negative
        /// (the dyadic V, like the two-way V before it, is not guaranteed positive).
        @NullWhenUndefined public var standardError: Double?
        /// Model-based (independent pairs) standard error, √(H⁻¹)ⱼⱼ, for comparison.
        public var naiveStandardError: Double
        /// exp(β).
        public var oddsRatio: Double
        /// exp(β − z·SE), z the normal quantile at 1 − α/2, SE clustered.
        @NullWhenUndefined public var oddsRatioLower: Double?
        /// exp(β + z·SE).
        @NullWhenUndefined public var oddsRatioUpper: Double?
        /// A group's column (`attribute=level`) only: the fewer of its people and the reference level's
        /// (``Attribute/people``), n. nil for other columns and in results written before it existed.
        public var groupPeople: Int?
        /// A group's column only: its attribute's non-reference levels, m (the comparisons its label makes).
        public var groupComparisons: Int?
        /// A group's column only: the interval that allows for few people and for the label's other groups,
        /// exp(β ∓ q·SE) with q Student's t quantile at 1 − α/(2m) with n − 1 degrees of freedom (clustered
        /// Wald intervals are too narrow when few clusters carry a contrast; n − 1 is the smallest Welch-type
        /// degrees of freedom of two groups of clusters: a conservative rule, checked by
        /// `scripts/bench/regression-calibration`; m: Bonferroni within the label). nil when n < 2 or the
        /// clustered SE is undefined.
        @NullWhenUndefined public var groupOddsRatioLower: Double?
        /// Its upper end.
        @NullWhenUndefined public var groupOddsRatioUpper: Double?
        /// A group's column only: min(1, m · 2 P(T_{n−1} > |β/SE|)), below α exactly when the group interval
        /// misses 1.
        @NullWhenUndefined public var groupP: Double?

        enum CodingKeys: String, CodingKey {
            case name, estimate
            case standardError = "standard_error"
            case naiveStandardError = "naive_standard_error"
            case oddsRatio = "odds_ratio"
            case oddsRatioLower = "odds_ratio_lower"
            case oddsRatioUpper = "odds_ratio_upper"
            case groupPeople = "group_people"
            case groupComparisons = "group_comparisons"
            case groupOddsRatioLower = "group_odds_ratio_lower"
            case groupOddsRatioUpper = "group_odds_ratio_upper"
            case groupP = "group_p"
        }
    }

    /// `fit` with every group column's ``Coefficient/groupP`` and group interval, from `attributes` (the
    /// design's, with ``Attribute/people``) at confidence 1 − `alpha`. Columns of other kinds, and every
    /// column when `attributes` lack their people, are left as they are.
    public static func withGroupIntervals(_ fit: Fit, attributes: [Attribute], alpha: Double = 0.05) -> Fit {
        var fit = fit
        for j in fit.coefficients.indices {
            let c = fit.coefficients[j]
            guard let part = CohortName.parts(c.name).first, let level = part.value,
                let attribute = attributes.first(where: { $0.name == part.dimension }), let people = attribute.people,
                let index = attribute.levels.firstIndex(of: level), index > 0, people.count == attribute.levels.count
            else { continue }
            let n = min(people[index], people[0])
            let m = attribute.levels.count - 1
            fit.coefficients[j].groupPeople = n
            fit.coefficients[j].groupComparisons = m
            guard n >= 2, let se = c.standardError, se > 0 else { continue }
            let nu = Double(n - 1)
            let q = StudentT.upperQuantile(alpha / (2 * Double(m)), degreesOfFreedom: nu)
            fit.coefficients[j].groupOddsRatioLower = exp(c.estimate - q * se)
            fit.coefficients[j].groupOddsRatioUpper = exp(c.estimate + q * se)
            fit.coefficients[j].groupP = min(1, Double(m) * 2 * StudentT.upperTail(abs(c.estimate / se), degreesOfFreedom: nu))
        }
        return fit
    }

    /// Tests that a term's coefficients are all zero.
    public struct TermTest: Sendable, Codable, Equatable {
        /// The term.
        public var name: String
        /// Its number of columns (the χ² degrees of freedom).
        public var degreesOfFreedom: Int
        /// Likelihood ratio: −2 log L without the term minus −2 log L with it; nil when the model without
        /// the term cannot be fitted (``refitError`` says why).
        @NullWhenUndefined public var likelihoodRatio: Double?
        /// P(χ²_df ≥ likelihoodRatio).
        @NullWhenUndefined public var likelihoodRatioP: Double?
        /// Cluster-robust Wald statistic β_Tᵀ V_TT⁻¹ β_T; null when V_TT is singular or the statistic is
        /// negative (a dyadic V_TT that is not positive definite).
        @NullWhenUndefined public var wald: Double?
        /// P(χ²_df ≥ wald).
        @NullWhenUndefined public var waldP: Double?
        /// Cluster-robust score (Rao) statistic at the fit without the term, β̃: Ũ_Tᵀ (A M̃ Aᵀ · c)⁻¹ Ũ_T, Ũ the
        /// full model's score at β̃, M̃ the clustered meat at β̃ (the same clustering as the Wald test), A =
        /// [I_T, −H_TR H_RR⁻¹] (H the information at β̃), c the same small-sample factor. Residuals come from
        /// the model without the term. Where a term's levels have few people it is cautious where the Wald
        /// test is liberal (`scripts/bench/regression-calibration`, random labels in 50 groups of about 30
        /// people: score 0 of 72 fits below 0.05, Wald 22 of 72). Null when the refit failed, A M̃ Aᵀ is
        /// singular, or the statistic is negative.
        @NullWhenUndefined public var score: Double?
        /// P(χ²_df ≥ score).
        @NullWhenUndefined public var scoreP: Double?
        /// Why the model without the term failed, if it did.
        public var refitError: String?

        enum CodingKeys: String, CodingKey {
            case name
            case degreesOfFreedom = "df"
            case likelihoodRatio = "lr_statistic"
            case likelihoodRatioP = "lr_p"
            case wald = "wald_statistic"
            case waldP = "wald_p"
            case score = "score_statistic"
            case scoreP = "score_p"
            case refitError = "refit_error"
        }
    }

    /// A fitted regression.
    public struct Fit: Sendable, Codable, Equatable {
        /// One per design column.
        public var coefficients: [Coefficient]
        /// One per term.
        public var terms: [TermTest]
        /// −2 log L of the pairs (equal to the ungrouped Bernoulli likelihood's).
        public var minusTwoLogLikelihood: Double
        /// Residual deviance against the saturated model of the cells.
        public var deviance: Double
        /// Newton steps taken.
        public var iterations: Int
        /// Pairs (trials).
        public var observations: Int
        /// Errors among them.
        public var events: Int
        /// Distinct design rows.
        public var cells: Int
        /// Who is in a pair: one person (`person`, false non-match) or two (`two_way_person`, false match; the
        /// value is kept for compatibility, and since ``covarianceType`` `dyadic_person` no longer means
        /// two-way clustering).
        public var clustering: ErrorRegressionTallies.Clustering
        /// How the standard errors are clustered: `cluster_person` (one-way by person) or `dyadic_person`
        /// (every two pairs that share a person). Absent in results written before it existed, whose
        /// `two_way_person` fits used two-way (Cameron–Gelbach–Miller) clustering.
        public var covarianceType: CovarianceType?
        /// Clusters. One-way: `people`. With two people a pair: `people`, everyone in a pair (the dyadic
        /// G), and, as before, `first_people`, `second_people` and `person_pairs` (the two-way clusterings' G).
        public var clusters: [String: Int]
        /// The intervals' confidence, 1 − α.
        public var confidence: Double
        /// The clustered covariance matrix of β (row-major, K × K).
        public var covariance: [[Double]]

        enum CodingKeys: String, CodingKey {
            case coefficients, terms
            case minusTwoLogLikelihood = "minus_two_log_likelihood"
            case deviance, iterations, observations, events, cells, clustering, clusters, confidence, covariance
            case covarianceType = "covariance_type"
        }
    }

    /// The clustered covariance's estimator (summary.json's `covariance_type`).
    public enum CovarianceType: String, Sendable, Codable {
        /// One-way by person (statsmodels `cov_type="cluster"`).
        case person = "cluster_person"
        /// Dyadic-robust (Fafchamps & Gubert 2007; Aronow, Samii & Assenova 2015).
        case dyadic = "dyadic_person"
    }

    /// Fits `tallies` and tests every term; `alpha` sets the odds ratios' intervals (1 − α).
    public static func fit(
        _ tallies: ErrorRegressionTallies, alpha: Double = 0.05, maximumIterations: Int = 100
    ) throws(ErrorRegressionError)
        -> Fit
    {
        let cells = tallies.cells
        let k = tallies.columns.count
        // Every cell's row by its nonzero entries, as the tallies keep them: for every fit below and the covariance.
        let rows = tallies.rows
        let design = Design(cells, rows: rows)
        let full = try maximize(design, columns: Array(0..<k), names: tallies.columns, maximumIterations: maximumIterations)
        let bread = full.hessianInverse
        let clusterPeople = tallies.clusterPeople
        let people = [clusterPeople.first, clusterPeople.second]
        let clusters: [String: Int] =
            tallies.clustering == .person
            ? ["people": people[0]]
            : [
                "people": tallies.pairPeople, "first_people": people[0], "second_people": people[1],
                "person_pairs": tallies.personPairs,
            ]
        for (name, count) in clusters where count < 2 { throw .tooFewClusters(clustering: name, count: count) }
        // The fits without each term (for the LR and score tests), then every clustered meat in one walk.
        let reduced = tallies.terms.map { term -> Result<Maximum, ErrorRegressionError> in
            let kept = (0..<k).filter { !term.columns.contains($0) }
            do throws(ErrorRegressionError) {
                return .success(try maximize(design, columns: kept, names: tallies.columns, maximumIterations: maximumIterations))
            } catch {
                return .failure(error)
            }
        }
        let fitted = reduced.compactMap { try? $0.get() }
        let meats = clusteredMeats(tallies, rows: rows, betas: [full.beta] + fitted.map(\.beta))
        var reducedMeat = meats.dropFirst().makeIterator()
        let covariance = sandwich(meats[0], bread: bread, tallies: tallies)
        let z = Probit.quantile(1 - alpha / 2)
        let coefficients = (0..<k).map { j in
            let se = covariance[j][j] >= 0 ? covariance[j][j].squareRoot() : nil
            let b = full.beta[j]
            return Coefficient(
                name: tallies.columns[j], estimate: b, standardError: se, naiveStandardError: bread[j][j].squareRoot(), oddsRatio: exp(b),
                oddsRatioLower: se.map { exp(b - z * $0) }, oddsRatioUpper: se.map { exp(b + z * $0) }, groupPeople: nil,
                groupComparisons: nil, groupOddsRatioLower: nil, groupOddsRatioUpper: nil, groupP: nil)
        }
        let terms = zip(tallies.terms, reduced).map { term, reduced in
            let sub = term.columns.map { i in term.columns.map { j in covariance[i][j] } }
            let statistic = quadraticForm(sub, term.columns.map { full.beta[$0] })
            let wald = statistic.isFinite && statistic >= 0 ? statistic : nil
            var test = TermTest(
                name: term.name, degreesOfFreedom: term.columns.count, likelihoodRatio: nil, likelihoodRatioP: nil, wald: wald,
                waldP: wald.map { IncompleteGamma.chiSquaredSurvival($0, degreesOfFreedom: term.columns.count) }, score: nil,
                scoreP: nil, refitError: nil)
            switch reduced {
            case .success(let reduced):
                let lr = max(0, reduced.minusTwoLogLikelihood - full.minusTwoLogLikelihood)
                test.likelihoodRatio = lr
                test.likelihoodRatioP = IncompleteGamma.chiSquaredSurvival(lr, degreesOfFreedom: term.columns.count)
                let score = scoreStatistic(tallies, design: design, reduced: reduced, meat: reducedMeat.next()!, term: term.columns)
                test.score = score.isFinite && score >= 0 ? score : nil
                test.scoreP = test.score.map { IncompleteGamma.chiSquaredSurvival($0, degreesOfFreedom: term.columns.count) }
            case .failure(let error):
                test.refitError = error.description
            }
            return test
        }
        return Fit(
            coefficients: coefficients, terms: terms, minusTwoLogLikelihood: full.minusTwoLogLikelihood, deviance: full.deviance,
            iterations: full.iterations, observations: Int(tallies.observations), events: Int(cells.reduce(0) { $0 + $1.events }),
            cells: cells.filter { $0.trials > 0 }.count, clustering: tallies.clustering,
            covarianceType: tallies.clustering == .person ? .person : .dyadic, clusters: clusters, confidence: 1 - alpha,
            covariance: covariance)
    }

    struct Maximum {
        var beta: [Double]
        var hessianInverse: [[Double]]
        var minusTwoLogLikelihood: Double
        var deviance: Double
        var iterations: Int
    }

    /// The cells with trials, as the fits read them.
    struct Design {
        /// Their rows by nonzero entries: summing over all K² columns took a fifth of a run whose
        /// intersection has 1,000 cohorts, and a row array a cell most of the memory of one with 525.
        let rows: SparseRows
        /// Trials per cell.
        let trials: [Double]
        /// Events per cell.
        let events: [Double]

        /// The cells of `cells` with trials; `rows`: every cell's row (``SparseRows`` of `cells`).
        init(_ cells: [ErrorRegressionTallies.Cell], rows: SparseRows) {
            let used = cells.indices.filter { cells[$0].trials > 0 }
            self.rows = rows.selecting(used)
            trials = used.map { cells[$0].trials }
            events = used.map { cells[$0].events }
        }
    }

    /// The maximum-likelihood β over the design's `columns` (a subset of the rows' values), padded with
    /// zeros at the other columns; typed errors for the cases ``ErrorRegressionError`` lists.
    static func maximize(
        _ design: Design, columns: [Int], names: [String], maximumIterations: Int
    ) throws(ErrorRegressionError)
        -> Maximum
    {
        guard design.rows.count > 0 else { throw .noData }
        // Each row's nonzero entries among `columns`, numbered by their place there.
        let rows = design.rows.restricted(to: columns)
        let trials = design.trials
        let events = design.events
        let totalEvents = events.reduce(0, +)
        let totalTrials = trials.reduce(0, +)
        guard totalEvents > 0 && totalEvents < totalTrials else {
            throw .constantOutcome(events: Int(totalEvents), trials: Int(totalTrials))
        }
        let k = columns.count
        // Separation by a one-signed column that is zero somewhere: no error (or no non-error) where it is not.
        // Per column, over the rows where it is nonzero, in row order: how many, their signs, Σe and Σm.
        var nonzeroRows = [Int](repeating: 0, count: k)
        var positive = [Bool](repeating: false, count: k)
        var negative = [Bool](repeating: false, count: k)
        var columnEvents = [Double](repeating: 0, count: k)
        var columnTrials = [Double](repeating: 0, count: k)
        for c in 0..<rows.count {
            for e in rows.entries(c) {
                let j = rows.column[e]
                nonzeroRows[j] += 1
                // A NaN is of neither sign: such a column is not one-signed.
                let x = rows.value[e]
                if !(x < 0) { positive[j] = true }
                if !(x > 0) { negative[j] = true }
                columnEvents[j] += events[c]
                columnTrials[j] += trials[c]
            }
        }
        for (j, column) in columns.enumerated() {
            guard nonzeroRows[j] < rows.count, !(positive[j] && negative[j]) else { continue }
            let (e, m) = (columnEvents[j], columnTrials[j])
            if m > 0 && (e == 0 || e == m) { throw .separation(covariate: names[column]) }
        }
        var beta = [Double](repeating: 0, count: k)
        let interceptFirst = (0..<rows.count).allSatisfy { c in
            let e = rows.entries(c)
            return !e.isEmpty && rows.column[e.lowerBound] == 0 && rows.value[e.lowerBound] == 1
        }
        if k > 0 && interceptFirst { beta[0] = log(totalEvents / (totalTrials - totalEvents)) }

        func evaluate(_ beta: [Double]) -> (m2ll: Double, score: [Double], hessian: [[Double]]) {
            likelihood(rows, trials: trials, events: events, beta: beta)
        }

        var current = evaluate(beta)
        var iterations = 0
        while true {
            let factor: [[Double]]
            switch cholesky(current.hessian) {
            case .success(let l): factor = l
            case .failure(let column):
                // Singular at the start: the design; later: weights collapsing towards 0 (a diverging fit).
                if iterations == 0 { throw .singularDesign(covariate: names[columns[column]]) }
                throw .separation(covariate: names[largest(beta, columns: columns)])
            }
            let step = solve(factor, current.score)
            var scale = 1.0
            var next = beta
            var trial = current
            for _ in 0..<30 {
                next = zip(beta, step).map { $0 + scale * $1 }
                trial = evaluate(next)
                if trial.m2ll <= current.m2ll + 1e-12 * max(1, abs(current.m2ll)) { break }
                scale /= 2
            }
            iterations += 1
            let converged = zip(step, beta).allSatisfy { abs(scale * $0) <= 1e-10 * (1 + abs($1)) }
            beta = next
            current = trial
            if beta.contains(where: { abs($0) > 30 }) { throw .separation(covariate: names[largest(beta, columns: columns)]) }
            if converged { break }
            if iterations >= maximumIterations { throw .notConverged(iterations: iterations) }
        }
        guard case .success(let l) = cholesky(current.hessian) else { throw .separation(covariate: names[largest(beta, columns: columns)]) }
        let inverse = invert(l)
        var deviance = 0.0
        for c in 0..<rows.count {
            let p = 1 / (1 + exp(-rows.dot(c, beta)))
            let e = events[c]
            let f = trials[c] - e
            if e > 0 { deviance += 2 * e * log(e / (trials[c] * p)) }
            if f > 0 { deviance += 2 * f * log(f / (trials[c] * (1 - p))) }
        }
        var padded = [Double](repeating: 0, count: names.count)
        var paddedInverse = [[Double]](repeating: [Double](repeating: 0, count: names.count), count: names.count)
        for (i, a) in columns.enumerated() {
            padded[a] = beta[i]
            for (j, b) in columns.enumerated() { paddedInverse[a][b] = inverse[i][j] }
        }
        return Maximum(
            beta: padded, hessianInverse: paddedInverse, minusTwoLogLikelihood: current.m2ll, deviance: deviance, iterations: iterations)
    }

    /// The clustered covariance (see the type's note): `bread` meat `bread` times the small-sample factor.
    static func sandwich(_ meat: (meat: [[Double]], groups: Int), bread: [[Double]], tallies t: ErrorRegressionTallies) -> [[Double]] {
        let correction = smallSampleFactor(t, groups: meat.groups)
        let left = multiply(bread, meat.meat)
        return multiply(left, bread).map { $0.map { $0 * correction } }
    }

    /// statsmodels' G/(G − 1) · (N − 1)/(N − K).
    static func smallSampleFactor(_ t: ErrorRegressionTallies, groups: Int) -> Double {
        let g = Double(groups)
        let n = t.observations
        return g / (g - 1) * (n - 1) / (n - Double(t.columns.count))
    }

    /// −2 log L of the cells `rows` (with `trials` and `events` each) at `beta` (one per column the rows
    /// name), its score Σ x(e − m·p) and its information Σ m·p(1 − p) x xᵀ (summed over each row's lower
    /// triangle, which needs each row's columns ascending, as ``SparseRows`` keeps them, then mirrored).
    static func likelihood(
        _ rows: SparseRows, trials: [Double], events: [Double], beta: [Double]
    ) -> (m2ll: Double, score: [Double], hessian: [[Double]]) {
        let k = beta.count
        var m2ll = 0.0
        var score = [Double](repeating: 0, count: k)
        var flat = [Double](repeating: 0, count: k * k)
        flat.withUnsafeMutableBufferPointer { hessian in
            score.withUnsafeMutableBufferPointer { score in
                for c in 0..<rows.count {
                    let entries = rows.entries(c)
                    let (p, logP, logQ) = logistic(rows.dot(c, beta))
                    m2ll -= 2 * (events[c] * logP + (trials[c] - events[c]) * logQ)
                    let residual = events[c] - trials[c] * p
                    let w = trials[c] * p * (1 - p)
                    for a in entries {
                        let (i, xi) = (rows.column[a], rows.value[a])
                        score[i] += xi * residual
                        for b in entries.lowerBound...a { hessian[i * k + rows.column[b]] += w * xi * rows.value[b] }
                    }
                }
            }
        }
        let hessian = (0..<k).map { i in (0..<k).map { j in j <= i ? flat[i * k + j] : flat[j * k + i] } }
        return (m2ll, score, hessian)
    }

    /// The robust score statistic of the columns `term` at the fit without them (``TermTest/score``); NaN
    /// when A M̃ Aᵀ is singular.
    static func scoreStatistic(
        _ t: ErrorRegressionTallies, design: Design, reduced: Maximum, meat: (meat: [[Double]], groups: Int), term: [Int]
    ) -> Double {
        let k = t.columns.count
        let beta = reduced.beta
        // The full model's score and information at β̃.
        let (_, score, information) = likelihood(design.rows, trials: design.trials, events: design.events, beta: beta)
        // A = [I_T, −H_TR H_RR⁻¹]: reduced.hessianInverse is H_RR⁻¹ padded with zeros at the term's columns.
        let a = term.map { i in
            (0..<k).map { j in
                (j == i ? 1.0 : 0.0) - (0..<k).reduce(0.0) { $0 + information[i][$1] * reduced.hessianInverse[$1][j] }
            }
        }
        let factor = smallSampleFactor(t, groups: meat.groups)
        let variance = multiply(multiply(a, meat.meat), transpose(a)).map { $0.map { $0 * factor } }
        let efficient = a.map { row in zip(row, score).reduce(0.0) { $0 + $1.0 * $1.1 } }
        return quadraticForm(variance, efficient)
    }

    /// The clustered meat at each of `betas` (see the type's note) and its number of clusters G; `rows`: the
    /// cells' rows by their nonzero entries (see ``SparseRows``: the same sums, without the zeros). One walk
    /// over the people serves every β (the walk, not the sums, is most of the cost); each β's meat has the
    /// same operations in the same order as it would alone, so the same bits.
    static func clusteredMeats(_ t: ErrorRegressionTallies, rows: SparseRows, betas: [[Double]]) -> [(meat: [[Double]], groups: Int)] {
        precondition(rows.count == t.cells.count, "one row per cell")
        let k = t.columns.count
        let count = betas.count
        let ps = betas.map { beta in (0..<rows.count).map { c in 1 / (1 + exp(-rows.dot(c, beta))) } }
        /// Calls `body(person, b, u)` with every person's score u = Σ x(e − m·p_b) over their pairs as the
        /// pairs' first person (`first`) or second, for each β (b its index); returns how many people.
        func personScores(first isFirst: Bool, _ body: (_ person: Int, _ b: Int, _ u: UnsafeBufferPointer<Double>) -> Void) -> Int {
            let counts = isFirst ? t.first : t.second
            guard let structure = t.classTrials else {
                // Summed in (person, cell) order, never the dictionaries' (per-process, randomly seeded) order, so
                // the same data gives the same bits in every process (a sharded run's merge equals the single run).
                let keys = counts.keys.sorted(by: { ($0.person, $0.cell) < ($1.person, $1.cell) })
                var people = 0
                for (b, p) in ps.enumerated() {
                    var sums: [Int: [Double]] = [:]
                    for key in keys {
                        let count = counts[key]!
                        let residual = count.events - count.trials * p[key.cell]
                        sums[key.person, default: [Double](repeating: 0, count: k)].withUnsafeMutableBufferPointer { u in
                            for e in rows.entries(key.cell) { u[rows.column[e]] += rows.value[e] * residual }
                        }
                    }
                    for person in sums.keys.sorted() { sums[person]!.withUnsafeBufferPointer { body(person, b, $0) } }
                    people = sums.count
                }
                return people
            }
            // Trials recomputed person by person from the all-pairs structure; events from the tallies' tables
            // (``ErrorRegressionTallies/eventTables``) and dictionary, a (person, cell) in one or the other,
            // gathered by person first (one entry each, so their order does not matter) and the person's sums
            // in buffers made once: a dictionary of arrays and two arrays a person took 3.4% of a
            // 20,000-template run. The same operations in the same order as before, so the same bits.
            let people = structure.classOf.count
            var eventStart = [Int](repeating: 0, count: people + 1)
            for (key, count) in counts where count.events > 0 { eventStart[key.person + 1] += 1 }
            t.eventTables?.forEach(first: isFirst) { person, _, _ in eventStart[person + 1] += 1 }
            for person in 0..<people { eventStart[person + 1] += eventStart[person] }
            var eventCell = [Int](repeating: 0, count: eventStart[people])
            var eventCount = [Double](repeating: 0, count: eventStart[people])
            var next = eventStart
            for (key, count) in counts where count.events > 0 {
                eventCell[next[key.person]] = key.cell
                eventCount[next[key.person]] = count.events
                next[key.person] += 1
            }
            t.eventTables?.forEach(first: isFirst) { person, cell, events in
                eventCell[next[person]] = cell
                eventCount[next[person]] = events
                next[person] += 1
            }
            var groups = 0
            var residual = [Double](repeating: 0, count: t.cells.count)
            var u = [Double](repeating: 0, count: k)
            // Each touched cell's place in the person's list, −1 elsewhere (found by a look-up rather than
            // a search of the list per event: a person of a set with 525 cohorts touches thousands of cells).
            var place = [Int32](repeating: -1, count: t.cells.count)
            residual.withUnsafeMutableBufferPointer { residual in
                u.withUnsafeMutableBufferPointer { u in
                    structure.forEachPerson(cells: t.cells.count, first: isFirst) { person, trials, touched in
                        for (i, c) in touched.enumerated() { place[c] = Int32(truncatingIfNeeded: i) }
                        for (b, p) in ps.enumerated() {
                            for (i, c) in touched.enumerated() { residual[i] = -trials[c] * p[c] }
                            for e in eventStart[person]..<eventStart[person + 1] {
                                let i = Int(place[eventCell[e]])
                                precondition(i >= 0, "events without trials")
                                residual[i] += eventCount[e]
                            }
                            for i in 0..<k { u[i] = 0 }
                            for (i, c) in touched.enumerated() {
                                for e in rows.entries(c) { u[rows.column[e]] += rows.value[e] * residual[i] }
                            }
                            body(person, b, UnsafeBufferPointer(u))
                        }
                        for c in touched { place[c] = -1 }
                        groups += 1
                    }
                }
            }
            return groups
        }
        /// Adds u uᵀ to the row-major k × k `flat`.
        func addSquare(_ flat: inout [Double], _ u: UnsafeBufferPointer<Double>) {
            flat.withUnsafeMutableBufferPointer { flat in
                // addOuter(&meat, u, u, weight: 1), flat: 1 · u[i] is u[i] exactly.
                for i in 0..<k { for j in 0..<k { flat[i * k + j] += u[i] * u[j] } }
            }
        }
        func unflatten(_ flat: [Double]) -> [[Double]] { (0..<k).map { i in Array(flat[(i * k)..<((i + 1) * k)]) } }
        var flats = [[Double]](repeating: [Double](repeating: 0, count: k * k), count: count)
        guard t.clustering == .twoPeople else {
            let groups = personScores(first: true) { _, b, u in addSquare(&flats[b], u) }
            return flats.map { (unflatten($0), groups) }
        }
        // Dyadic: S_p, person p's scores in both roles summed, by person number (people numbered from 0 by
        // the tallies; a person in only one role has the other's zeros), then Σ_p S_p S_pᵀ in person order.
        var sums = [[Int: [Double]]](repeating: [:], count: count)
        var dense: [[Double]] = []
        let people = t.classTrials?.classOf.count
        var seen = [Bool](repeating: false, count: people ?? 0)
        if let people { dense = [[Double]](repeating: [Double](repeating: 0, count: people * k), count: count) }
        for role in [true, false] {
            _ = personScores(first: role) { person, b, u in
                if people != nil {
                    seen[person] = true
                    dense[b].withUnsafeMutableBufferPointer { s in for i in 0..<k { s[person * k + i] += u[i] } }
                } else {
                    sums[b][person, default: [Double](repeating: 0, count: k)].withUnsafeMutableBufferPointer { s in
                        for i in 0..<k { s[i] += u[i] }
                    }
                }
            }
        }
        return (0..<count).map { b in
            var flat = flats[b]
            if let people {
                dense[b].withUnsafeBufferPointer { s in
                    for person in 0..<people where seen[person] {
                        addSquare(&flat, UnsafeBufferPointer(rebasing: s[(person * k)..<((person + 1) * k)]))
                    }
                }
            } else {
                for person in sums[b].keys.sorted() { sums[b][person]!.withUnsafeBufferPointer { addSquare(&flat, $0) } }
            }
            // Less each person pair's own u_d u_dᵀ, counted twice above (once for each of its people):
            // Σ over person pairs of (e − m·p)² x xᵀ = (Σe² − 2p·Σme + p²·Σm²) x xᵀ per cell.
            let p = ps[b]
            for (c, cell) in t.cells.enumerated() {
                let squares = cell.eventsSquared - 2 * p[c] * cell.trialsTimesEvents + p[c] * p[c] * cell.trialsSquared
                addOuter(&flat, rows, c, k: k, weight: -squares)
            }
            return (unflatten(flat), t.pairPeople)
        }
    }

    /// p = 1 / (1 + e^−η), log p = −softplus(−η) and log(1 − p) = −softplus(η), with softplus(x) = log(1 + eˣ)
    /// written without overflow (x + log1p(e^−x) above 0, log1p(eˣ) otherwise), each bit for bit as those
    /// formulas give it, the calls they share made once: one `exp` and one `log1p` for η ≥ 0, two `exp` below
    /// (five calls before, at every cell of every Newton step).
    @inline(__always)
    static func logistic(_ eta: Double) -> (p: Double, logP: Double, logQ: Double) {
        if eta < 0 {
            // softplus(−η) = −η + log1p(e^η), softplus(η) = log1p(e^η).
            let l = log1p(exp(eta))
            return (1 / (1 + exp(-eta)), -(-eta + l), -l)
        }
        // softplus(−η) = log1p(e^−η); softplus(η) = η + log1p(e^−η) above 0, and log1p(e^η) at ±0, which is
        // the same: e^±0 = 1, and ±0 + l = l.
        let t = exp(-eta)
        let l = log1p(t)
        return (1 / (1 + t), -l, -(eta + l))
    }

    /// The design column with the largest |β| (the intercept, column 0, only when it is the only one).
    static func largest(_ beta: [Double], columns: [Int]) -> Int {
        let candidates = columns.count > 1 ? beta.indices.filter { columns[$0] != 0 } : [0]
        return columns[candidates.max { abs(beta[$0]) < abs(beta[$1]) }!]
    }
}
