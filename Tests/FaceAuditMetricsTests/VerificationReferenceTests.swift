import FaceAuditScoreFiles
import Foundation
import Testing

@testable import FaceAuditMetrics

@Suite("Verification metrics against the tie vector")
struct TieVectorTests {
    let s = ReferenceScores.ties

    @Test("FMR and FNMR at τ accept ties", arguments: [(0.3, 0.6, 0.0), (0.5, 0.2, 0.2), (0.55, 0.0, 0.4)])
    func rates(tau: Double, fmr: Double, fnmr: Double) {
        #expect(s.falseMatches(at: tau).rate == fmr)
        #expect(s.falseNonMatches(at: tau).rate == fnmr)
    }

    @Test("bob: EER threshold 0.45; largest FMR ≤ 0.2 at 0.5, ≤ 0.4 at 0.4, ≤ 0 just above 0.5")
    func bob() {
        let eer = ThresholdSearch.minimizing(.absoluteDifference, impostor: s.impostor, genuine: s.genuine)
        #expect(close(eer, 0.45, 1e-12))
        #expect(s.falseMatches(at: eer).rate == 0.2 && s.falseNonMatches(at: eer).rate == 0.2)
        #expect(ThresholdSearch.forFMR(0.2, impostor: s.impostor) == 0.5)
        #expect(ThresholdSearch.forFMR(0.4, impostor: s.impostor) == 0.4)
        let zero = ThresholdSearch.forFMR(0, impostor: s.impostor)
        #expect(zero == 0.5.nextUp)
        #expect(s.falseMatches(at: zero).rate == 0 && s.falseNonMatches(at: zero).rate == 0.4)
    }

    @Test("pyeer: EER 0.2 at 0.5, AUC 0.88, ZeroFMR 0.4, ZeroFNMR 0.6")
    func pyeer() {
        let curve = ErrorTradeoff(s)
        let eer = curve.equalErrorRate()
        #expect(eer.value == 0.2 && eer.similarityThreshold == 0.5)
        #expect(close(ScoreStatistics.auc(s), 0.88, 1e-15))
        #expect(curve.fnmrAtNearestFMR(0).fnmr == 0.4)
        #expect(curve.fmrAtNearestFNMR(0).fmr == 0.6)
    }

    @Test("dissimilarity scores: accept when distance ≤ τ, thresholds reported as distances")
    func dissimilarity() {
        let d = SortedScores(genuine: [0.7, 0.5, 0.4, 0.3, 0.2], impostor: [0.9, 0.8, 0.7, 0.6, 0.5], polarity: .dissimilarity)
        let point = OperatingPoint(targetFMR: 0.2, scores: d)
        #expect(point.threshold == 0.5)
        #expect(point.fmr == 0.2 && point.fnmr == 0.2)  // the impostor at exactly 0.5 is accepted
        #expect(ErrorTradeoff(d).equalErrorRate().value == 0.2)
    }

    @Test("dissimilarity scores: means and medians are reported as distances (a negated mean was a bug)")
    func dissimilarityDistributions() {
        let d = SortedScores(genuine: [0.7, 0.5, 0.4, 0.3, 0.2], impostor: [0.9, 0.8, 0.7, 0.6, 0.5], polarity: .dissimilarity)
        let report = VerificationReport(VerificationSummary(scores: d, targets: [0.2]))
        #expect(abs(report.genuineScores.mean! - 0.42) < 1e-12 && report.genuineScores.median == 0.4)
        #expect(abs(report.impostorScores.mean! - 0.7) < 1e-12 && report.impostorScores.median == 0.7)
        #expect(abs(report.genuineScores.std! - 0.17204650534085253) < 1e-12)
    }
}

@Suite("Verification metrics against bob.bio.base's dev/test files")
struct BobReferenceTests {
    @Test("EER threshold, FMR ≤ 1% threshold, min-HTER, AUC on dev; the same thresholds on test", arguments: [ScoreFormat.bob4, .bob5])
    func devTest(format: ScoreFormat) throws {
        let suffix = format == .bob4 ? "4col" : "5col"
        let dev = try ReferenceScores.bob("dev-\(suffix).txt", format: format)
        let test = try ReferenceScores.bob("test-\(suffix).txt", format: format)
        #expect(dev.impostor.count == 520 && dev.genuine.count == 390)

        let eer = ThresholdSearch.minimizing(.absoluteDifference, impostor: dev.impostor, genuine: dev.genuine)
        #expect(close(eer, -4.8305e-3, 1e-9))
        #expect(dev.falseMatches(at: eer) == ErrorCount(errors: 35, trials: 520))
        #expect(dev.falseNonMatches(at: eer) == ErrorCount(errors: 26, trials: 390))
        #expect(test.falseMatches(at: eer) == ErrorCount(errors: 13, trials: 520))
        #expect(test.falseNonMatches(at: eer) == ErrorCount(errors: 24, trials: 390))

        let far = ThresholdSearch.forFMR(0.01, impostor: dev.impostor)
        #expect(close(far, 4.615e-2, 1e-9))
        #expect(dev.falseMatches(at: far) == ErrorCount(errors: 5, trials: 520))
        #expect(dev.falseNonMatches(at: far) == ErrorCount(errors: 85, trials: 390))
        #expect(test.falseMatches(at: far) == ErrorCount(errors: 0, trials: 520))
        #expect(test.falseNonMatches(at: far) == ErrorCount(errors: 71, trials: 390))

        let hter = ThresholdSearch.minimizing(.weightedError, impostor: dev.impostor, genuine: dev.genuine)
        #expect(close(hter, 3.4305e-3, 1e-9))
        #expect(dev.falseMatches(at: hter) == ErrorCount(errors: 22, trials: 520))
        #expect(dev.falseNonMatches(at: hter) == ErrorCount(errors: 31, trials: 390))

        // EXPECTED.md's "dev ROC AUC" 0.9804314595660749 is bob.measure's roc_auc_score: the trapezoid area of a
        // 2000-point sampled ROC. The Mann–Whitney statistic (ties ½) is 0.9804043392504931 (198,826 of 202,800
        // pairs ordered correctly), checked independently with numpy.
        #expect(close(ScoreStatistics.auc(dev), 0.9804043392504931, 1e-12))
        #expect(close(ScoreStatistics.bobROCAUC(dev), 0.9804314595660749, 1e-9))
    }

    @Test("CMC of scores-cmc-4col: rank-1 0.76; ranks 1-5 0.76, 0.89, 0.96, 0.98, 1.0")
    func cmc() throws {
        let table = try ScoreFileReader.read(
            path: ReferenceScores.folder.appendingPathComponent("bob/scores-cmc-4col.txt").path, format: .bob4)
        let searches = SearchGrouping.byProbeItem(table)
        #expect(searches.count == 100)
        let curve = Identification.cmc(searches)
        for (rank, expected) in [0.76, 0.89, 0.96, 0.98, 1.0].enumerated() {
            #expect(close(curve[rank], expected, 1e-12), "rank \(rank + 1)")
        }
    }
}

@Suite("Verification metrics against pyeer 0.5.6")
struct PyeerReferenceTests {
    @Test("every get_eer_stats value", arguments: ["exp1", "exp2"])
    func stats(experiment: String) throws {
        let s = try ReferenceScores.pyeer(experiment)
        let e = try ReferenceScores.pyeerExpected(experiment)
        #expect(Double(s.genuine.count) == e["n_genuine"] && Double(s.impostor.count) == e["n_impostor"])
        let curve = ErrorTradeoff(s)
        let eer = curve.equalErrorRate()
        #expect(close(eer.value, e["eer"]!, 1e-12))
        #expect(close(eer.low, e["eer_low"]!, 1e-12))
        #expect(close(eer.high, e["eer_high"]!, 1e-12))
        #expect(close(eer.similarityThreshold, e["eer_th"]!, 1e-12))
        #expect(close(ScoreStatistics.auc(s), e["auc"]!, 1e-9))
        for (name, op) in [("fmr0", 0.0), ("fmr1000", 1e-3), ("fmr100", 1e-2), ("fmr20", 0.05), ("fmr10", 0.1)] {
            let p = curve.fnmrAtNearestFMR(op)
            #expect(close(p.fnmr, e[name]!, 1e-12), "\(name)")
            #expect(close(p.similarityThreshold, e[name + "_th"]!, 1e-12), "\(name)_th")
        }
        let zeroFNMR = curve.fmrAtNearestFNMR(0)
        #expect(close(zeroFNMR.fmr, e["fnmr0"]!, 1e-12))
        #expect(close(zeroFNMR.similarityThreshold, e["fnmr0_th"]!, 1e-12))
        let g = ScoreStatistics.meanAndDeviation(s.genuine)
        let i = ScoreStatistics.meanAndDeviation(s.impostor)
        #expect(close(g.mean, e["gmean"]!, 1e-12) && close(g.deviation, e["gstd"]!, 1e-12))
        #expect(close(i.mean, e["imean"]!, 1e-12) && close(i.deviation, e["istd"]!, 1e-12))
        #expect(close(ScoreStatistics.decidability(s), e["decidability"]!, 1e-9))
        let j = curve.youdenJ()
        #expect(close(j.value, e["j_index"]!, 1e-12) && close(j.similarityThreshold, e["j_index_th"]!, 1e-12))
        let mcc = curve.maxMCC()
        #expect(close(mcc.value, e["mccoef"]!, 1e-9) && close(mcc.similarityThreshold, e["mccoef_th"]!, 1e-12))
    }

    @Test(
        "bob's convention on pyeer's files: FNMR at the largest FMR ≤ target",
        arguments: [
            ("exp1", 1e-3, 0.2982456, 0.000808), ("exp1", 1e-2, 0.1306839, 0.0098990), ("exp2", 1e-3, 0.1888889, nil),
            ("exp2", 1e-2, 0.0888889, nil),
        ] as [(String, Double, Double, Double?)])
    func bobConvention(experiment: String, target: Double, fnmr: Double, fmr: Double?) throws {
        let s = try ReferenceScores.pyeer(experiment)
        let point = OperatingPoint(targetFMR: target, scores: s)
        #expect(close(point.fnmr, fnmr, 1e-7))
        if let fmr { #expect(close(point.fmr, fmr, 1e-6)) }
        #expect(point.fmr <= target)
    }

    @Test(
        "bob EER thresholds on pyeer's files",
        arguments: [("exp1", 0.0198038, 0.0810101, 0.0809166), ("exp2", 0.1525, 0.0444874, 0.0444444)])
    func bobEER(experiment: String, threshold: Double, fmr: Double, fnmr: Double) throws {
        let s = try ReferenceScores.pyeer(experiment)
        let tau = ThresholdSearch.minimizing(.absoluteDifference, impostor: s.impostor, genuine: s.genuine)
        #expect(close(tau, threshold, 1e-7))
        #expect(close(s.falseMatches(at: tau).rate, fmr, 1e-7) && close(s.falseNonMatches(at: tau).rate, fnmr, 1e-7))
    }
}

@Suite("Probits and binomial intervals")
struct IntervalTests {
    @Test(
        "DET probits (DETware ppndf)",
        arguments: [
            (1e-6, -4.7534), (1e-5, -4.2649), (1e-4, -3.7190), (1e-3, -3.0902), (0.01, -2.3263), (0.05, -1.6449), (0.1, -1.2816), (0.5, 0),
        ])
    func probit(p: Double, z: Double) {
        #expect(close(Probit.ppndf(p), z, 5e-5))
        #expect(close(Probit.quantile(p), z, 5e-5))
    }

    @Test("ppndf clamps 0 and 1 to about ∓8.1264, as bob plots them")
    func clamp() {
        #expect(close(Probit.ppndf(0), -8.12636, 1e-4) && close(Probit.ppndf(1), 8.126358, 1e-4))
        #expect(close(Probit.quantile(0.975), 1.959963984540054, 1e-13))
    }

    @Test(
        "Clopper-Pearson, Wilson and Jeffreys against statsmodels",
        arguments: [
            (31, 495, BinomialInterval.Method.clopperPearson, 0.04294448636344665, 0.08771807026841455),
            (31, 495, .wilson, 0.0444674, 0.0875214), (31, 495, .jeffreys, 0.0437889, 0.0865554),
            (0, 3000, .clopperPearson, 0, 0.00122887), (0, 3000, .wilson, 0, 0.00127885),
            (1, 1000, .clopperPearson, 2.53175e-05, 0.00555892), (1, 1000, .wilson, 0.000176546, 0.00564256),
            (1, 1000, .jeffreys, 0.000107919, 0.00466446), (0, 100, .clopperPearson, 0, 0.0362167), (0, 100, .wilson, 0, 0.0369935),
            (0, 100, .jeffreys, 4.898e-06, 0.0247453), (5, 1000, .clopperPearson, 0.00162542, 0.0116295),
            (5, 1000, .wilson, 0.00213754, 0.011651), (5, 1000, .jeffreys, 0.00191035, 0.0109247),
            (10, 100_000, .clopperPearson, 4.79549e-05, 0.000183896), (10, 100_000, .wilson, 5.43207e-05, 0.000184085),
            (0, 300_000, .clopperPearson, 0, 1.22962e-05), (0, 300_000, .wilson, 0, 1.28047e-05),
        ] as [(Int, Int, BinomialInterval.Method, Double, Double)])
    func intervals(k: Int, n: Int, method: BinomialInterval.Method, lower: Double, upper: Double) {
        let ci = BinomialInterval(ErrorCount(errors: k, trials: n), method: method)
        // Reference values carry 6 significant digits.
        #expect(abs(ci.lower - lower) <= max(1e-9, 1e-5 * lower), "\(method) \(k)/\(n) lower \(ci.lower)")
        #expect(abs(ci.upper - upper) <= 1e-5 * upper, "\(method) \(k)/\(n) upper \(ci.upper)")
    }

    @Test("zero errors: 1 − α^(1/N) ≈ 3/N at 95%, 4.6/N at 99%")
    func zeroBound() {
        #expect(close(BinomialInterval.zeroErrorUpperBound(trials: 3000), 1 - pow(0.05, 1.0 / 3000), 1e-15))
        #expect(close(BinomialInterval.zeroErrorUpperBound(trials: 30_000) * 30_000, 2.9957, 1e-3))
        #expect(close(BinomialInterval.zeroErrorUpperBound(trials: 1_000_000, alpha: 0.01) * 1_000_000, -log(0.01), 1e-4))
        #expect(close(BinomialInterval.zeroErrorUpperBound(trials: 1_000_000, alpha: 0.001) * 1_000_000, 6.9078, 1e-3))
        // Clopper-Pearson's one-sided 97.5% bound is the two-sided 95% CP upper limit.
        #expect(
            close(
                BinomialInterval(ErrorCount(errors: 0, trials: 3000)).upper,
                BinomialInterval.zeroErrorUpperBound(trials: 3000, alpha: 0.025), 1e-12))
    }
}
