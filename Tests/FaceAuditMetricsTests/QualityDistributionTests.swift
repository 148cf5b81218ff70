import FaceAuditProtocols
import FaceAuditReport
import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics

@Suite("Quality distributions: type-7 quantiles")
struct QualityDistributionTests {
    @Test("quantiles equal Python's statistics.quantiles(method='inclusive') (type 7)")
    func againstPython() throws {
        // python3 -c "import statistics; print(statistics.quantiles([10,1,4,3,2], n=20, method='inclusive'))" → 1.4 … 7.6
        let a = try #require(QualityDistribution([10, 1, 4, 3, 2]))
        #expect(a.n == 5)
        #expect(abs(a.p10 - 1.4) < 1e-12 && a.q1 == 2 && a.median == 3 && a.q3 == 4 && abs(a.p90 - 7.6) < 1e-12)
        let b = try #require(QualityDistribution([7.5, -2, 0.25, 3, 3, 11, 6]))
        #expect(abs(b.p10 - -0.65) < 1e-12 && abs(b.q1 - 1.625) < 1e-12 && b.median == 3 && abs(b.q3 - 6.75) < 1e-12)
        #expect(abs(b.p90 - 8.9) < 1e-12)
    }

    @Test("one value is every quantile; non-finite values are left out; none gives nil")
    func edges() throws {
        let one = try #require(QualityDistribution([4, .nan, .infinity]))
        #expect(one.n == 1 && one.p10 == 4 && one.median == 4 && one.p90 == 4)
        #expect(QualityDistribution([]) == nil)
        #expect(QualityDistribution([.nan]) == nil)
    }
}

@Suite("Error regression: named quality covariates")
struct QualityCovariateTests {
    @Test("each named covariate is a column holding the lower of the two photos' values; a pair with none is left out")
    func lowerOfTwo() throws {
        var set = LabeledComparisons()
        set.cohortNames = ["gender=female"]
        set.subjectCount = 3
        // Samples 0–5 all aged 30; pairs (0, 1), (2, 3), (4, 5) of persons 0, 1, 2.
        for p in 0..<3 {
            set.append(
                score: 0.2, probe: TestPhoto(subject: p, sample: 2 * p + 1, cohort: 0),
                reference: TestPhoto(subject: p, sample: 2 * p, cohort: 0))
        }
        let ied = ErrorRegression.QualityCovariate(name: "ied", values: [1.5, -0.5, 2, nil, nil, nil])
        let sharp = ErrorRegression.QualityCovariate(name: "sharp", values: [0.25, 3, nil, -1, 7, 8])
        let samples = ErrorRegression.SampleCovariates(
            ages: [Double?](repeating: 30, count: 6), captureYears: [Double?](repeating: nil, count: 6), qualities: [ied, sharp])
        let t = ErrorRegression.tallies(attributes: [set], threshold: 0.5, samples: samples, references: [:])
        #expect(t.falseNonMatch.columns == ["intercept", "age at enrolment", "ied", "sharp"])
        // Pair 0: min(1.5, −0.5), min(0.25, 3); pair 1: only photo 2 has ied, min(−1) for sharp; pair 2: no ied at all.
        #expect(t.falseNonMatch.cells.indices.map(t.falseNonMatch.row) == [[1, 30, -0.5, 0.25], [1, 30, 2, -1]])
        #expect(t.falseNonMatchExcluded == 1)
        #expect(samples.quality == ied.values)
    }
}

@Suite("Benchmark run: quality covariates for the regression")
struct QualityCovariatesOfRunTests {
    @Test("ln IED and ln(1 + sharpness), standardised over the measured images (population SD), the SD in the label")
    func standardised() throws {
        let ied: [Double?] = [20, 40, nil, 80]
        let sharpness: [Double?] = [0, 9, 99, nil]
        let covariates = BenchmarkRun.qualityCovariates([.interEyeDistance: ied, .sharpness: sharpness, .exposure: [1, 2, 3, 4]])
        #expect(covariates.count == 2)
        for (covariate, raw) in zip(covariates, [ied.map { $0.map(log) }, sharpness.map { $0.map(log1p) }]) {
            let known = raw.compactMap { $0 }
            let mean = known.reduce(0, +) / Double(known.count)
            let sd = (known.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(known.count)).squareRoot()
            #expect(covariate.name.hasSuffix("(\(String(format: "%.3g", sd)))"))
            for (z, r) in zip(covariate.values, raw) {
                #expect((z == nil) == (r == nil))
                if let z, let r { #expect(abs(z - (r - mean) / sd) < 1e-12) }
            }
        }
        #expect(covariates[0].name.hasPrefix("lower inter-eye distance, per SD of ln px"))
        // One distinct value: no spread, no covariate.
        #expect(BenchmarkRun.qualityCovariates([.interEyeDistance: [5, 5, nil]]).isEmpty)
    }
}
