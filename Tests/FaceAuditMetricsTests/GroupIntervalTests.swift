import Foundation
import Testing

@testable import FaceAuditMetrics

/// Student's t and the regression's group intervals, against scipy 1.15.3 (`scipy.stats.t.sf` / `t.isf`,
/// values printed with repr).
@Suite("error regression: group intervals for few people and many groups")
struct GroupIntervalTests {
    @Test("Student's t tail and quantile agree with scipy")
    func studentT() {
        for (t, nu, expected) in [
            (3.0, 12.0, 0.005533347843016839), (0.5, 1.0, 0.3524163823495668), (8.3, 12.0, 1.2870720594443525e-06),
            (2.0, 29.0, 0.027471818591483593),
        ] {
            let p = StudentT.upperTail(t, degreesOfFreedom: nu)
            #expect(abs(p - expected) <= 1e-10 * expected, "t = \(t), ν = \(nu): \(p)")
            #expect(abs(StudentT.upperTail(-t, degreesOfFreedom: nu) - (1 - expected)) < 1e-12)
        }
        for (p, nu, expected) in [
            (0.0125, 12.0, 2.560032959301552), (0.025 / 49, 29.0, 3.651810454171204), (0.025, 1.0, 12.706204736432102),
            (1e-6, 1.0, 318309.88618278794), (0.025, 1000.0, 1.9623390808264078),
        ] {
            let q = StudentT.upperQuantile(p, degreesOfFreedom: nu)
            #expect(abs(q - expected) <= 1e-9 * expected, "p = \(p), ν = \(nu): \(q)")
        }
    }

    /// A group of 13 people against a reference of 40, in a label of 3 levels (m = 2): t with 12 degrees of
    /// freedom at 1 − 0.05/4. Other columns, and attributes without people, are left alone.
    @Test("a group's interval and p use the smaller group's people and its label's comparisons")
    func groupInterval() {
        func coefficient(_ name: String) -> ErrorRegression.Coefficient {
            ErrorRegression.Coefficient(
                name: name, estimate: 1.2, standardError: 0.3, naiveStandardError: 0.1, oddsRatio: exp(1.2), oddsRatioLower: nil,
                oddsRatioUpper: nil, groupPeople: nil, groupComparisons: nil, groupOddsRatioLower: nil, groupOddsRatioUpper: nil,
                groupP: nil)
        }
        var fit = ErrorRegression.Fit(
            coefficients: ["intercept", "ethnicity=black", "ethnicity=asian", "same ethnicity", "gender=female"].map(coefficient),
            terms: [], minusTwoLogLikelihood: 0, deviance: 0, iterations: 0, observations: 0, events: 0, cells: 0,
            clustering: .twoPeople, covarianceType: .dyadic, clusters: [:], confidence: 0.95, covariance: [])
        let attributes = [
            ErrorRegression.Attribute(name: "ethnicity", levels: ["white", "black", "asian"], people: [40, 13, 1]),
            ErrorRegression.Attribute(name: "gender", levels: ["male", "female"]),
        ]
        fit = ErrorRegression.withGroupIntervals(fit, attributes: attributes)
        let black = fit.coefficients[1]
        #expect(black.groupPeople == 13 && black.groupComparisons == 2)
        #expect(abs(black.groupOddsRatioLower! - 1.5403198847255593) < 1e-9)
        #expect(abs(black.groupOddsRatioUpper! - 7.156420228000636) < 1e-9)
        #expect(abs(black.groupP! - 0.0035233924887900503) < 1e-9 * 0.0035)
        // One person: no interval, but its people and comparisons are said.
        let asian = fit.coefficients[2]
        #expect(asian.groupPeople == 1 && asian.groupComparisons == 2 && asian.groupOddsRatioLower == nil && asian.groupP == nil)
        for j in [0, 3, 4] { #expect(fit.coefficients[j].groupPeople == nil && fit.coefficients[j].groupP == nil) }
    }
}
