import FaceAuditScoring
import Foundation
import Testing

@testable import FaceAuditMetrics

/// Binned scores are exact at the top and at bin resolution below: with no bin they must equal the
/// per-score metrics, and with bins they must equal the per-score metrics of the same scores rounded
/// down to their bin's lower edge.
@Suite("Binned scores")
struct BinnedScoresTests {
    /// Scores on a coarse grid, so that ties (within and across the two sets) are common.
    static func scores(_ rng: inout SplitMix64, count: Int, levels: Int, shift: Int) -> [Double] {
        (0..<count).map { _ in Double(min(levels - 1, rng.below(levels / 2) + rng.below(levels / 2) + shift)) / Double(levels) }
    }

    static func json(_ report: VerificationReport) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try JSONSerialization.jsonObject(with: encoder.encode(report)) as! [String: Any]
    }

    /// The report's keys whose values must agree exactly, and those that are sums of many terms.
    static let exactKeys = [
        "polarity", "genuine_trials", "impostor_trials", "genuine_failures", "impostor_failures", "fta", "eer", "eer_bob", "min_hter",
        "auc", "zero_fmr", "zero_fnmr", "operating_points", "nearest_fmr_points", "curve", "conventions",
    ]

    static func expectSame(_ a: VerificationReport, _ b: VerificationReport, checkAUC: Bool, _ context: String) throws {
        let x = try json(a)
        let y = try json(b)
        for key in exactKeys where key != "auc" || checkAUC {
            #expect((x[key] as? NSObject) == (y[key] as? NSObject), "\(key) differs: \(context)")
        }
        let da = try #require(a.decidability), db = try #require(b.decidability)
        #expect(abs(da - db) <= 1e-9 * max(1, abs(da)), "d′: \(context)")
        let aa = try #require(a.aucBob), ab = try #require(b.aucBob)
        #expect(abs(aa - ab) <= 1e-12, "auc_bob: \(context)")
        for (p, q) in [(a.genuineScores, b.genuineScores), (a.impostorScores, b.impostorScores)] {
            #expect(p.median == q.median, "median: \(context)")
            #expect(abs(p.mean! - q.mean!) <= 1e-12 && abs(p.std! - q.std!) <= 1e-12, "mean/std: \(context)")
        }
    }

    @Test("with no bin, every statistic equals the per-score one (random score sets with heavy ties, both polarities)")
    func unitRuns() throws {
        var rng = SplitMix64(seed: 11)
        for trial in 0..<300 {
            let polarity: ScorePolarity = trial % 2 == 0 ? .similarity : .dissimilarity
            var g = Self.scores(&rng, count: 1 + rng.below(40), levels: 24, shift: 8)
            let i = Self.scores(&rng, count: 1 + rng.below(120), levels: 24, shift: 0)
            if trial % 5 == 0 { g.append(.nan) }
            let sorted = SortedScores(genuine: g, impostor: i, polarity: polarity)
            let binned = BinnedScores(
                genuine: g.map { $0.isNaN ? $0 : polarity.similarity($0) }, binEdges: [], binCounts: [],
                exact: i.map(polarity.similarity), exactFrom: -.infinity, impostorFailures: 0, polarity: polarity)
            let targets = [0.5, 0.1, 0.01]
            let expected = VerificationReport(VerificationSummary(scores: sorted, targets: targets), curvePoints: 20)
            let actual = VerificationReport(scores: binned, targets: targets, curvePoints: 20)
            try Self.expectSame(expected, actual, checkAUC: true, "trial \(trial)")
            for target in targets {
                #expect(binned.threshold(forFMR: target) == ThresholdSearch.forFMR(target, impostor: sorted.impostor))
            }
        }
    }

    @Test("with bins, every statistic equals the per-score one of the scores rounded down to their bin's edge")
    func binsAreRoundedScores() throws {
        var rng = SplitMix64(seed: 12)
        let levels = 96
        for trial in 0..<300 {
            // Bins of 4 levels below the exact region, which starts at a bin edge.
            let cut = 4 * (4 + rng.below(16))
            let g = Self.scores(&rng, count: 1 + rng.below(40), levels: levels, shift: 30)
            let i = Self.scores(&rng, count: 1 + rng.below(200), levels: levels, shift: 0)
            let edges = stride(from: 0, through: cut, by: 4).map { Double($0) / Double(levels) }
            let exactFrom = edges.last!
            var counts = [Int](repeating: 0, count: edges.count - 1)
            var rounded: [Double] = []
            for s in i {
                if s >= exactFrom {
                    rounded.append(s)
                } else {
                    let b = Int((s * Double(levels)).rounded()) / 4
                    counts[b] += 1
                    rounded.append(edges[b])
                }
            }
            let binned = BinnedScores(
                genuine: g, binEdges: edges, binCounts: counts, exact: i.filter { $0 >= exactFrom }, exactFrom: exactFrom,
                impostorFailures: 0)
            let targets = [0.2, 0.05, 0.01]
            let expected = VerificationReport(
                VerificationSummary(scores: SortedScores(genuine: g, impostor: rounded), targets: targets), curvePoints: 20)
            let actual = VerificationReport(scores: binned, targets: targets, curvePoints: 20)
            try Self.expectSame(expected, actual, checkAUC: false, "trial \(trial)")

            // AUC: a mated score inside a bin's range ties with the whole bin.
            var twice = 0
            for x in g {
                for s in i {
                    if s >= exactFrom {
                        twice += s < x ? 2 : s == x ? 1 : 0
                    } else {
                        let b = Int((s * Double(levels)).rounded()) / 4
                        twice += edges[b + 1] <= x ? 2 : edges[b] <= x ? 1 : 0
                    }
                }
            }
            #expect(actual.auc == Double(twice) / 2 / Double(g.count * i.count), "AUC, trial \(trial)")
            // Counts are exact in the exact region, whatever the bins hold.
            for tau in [exactFrom, exactFrom + 0.1, exactFrom + 0.3] {
                #expect(binned.falseMatches(at: tau).errors == i.filter { $0 >= tau }.count)
            }
        }
    }

    /// Random binned scores with the true score of every binned pair: levels of 1/96, bins of 4 levels
    /// below an exact region that starts at a bin edge.
    static func binnedWithTruth(_ rng: inout SplitMix64, trial: Int) -> (BinnedScores, SortedScores, [Double: [Double]]) {
        let levels = 96
        let cut = 4 * (4 + rng.below(16))
        let g = scores(&rng, count: 1 + rng.below(40), levels: levels, shift: 8 + rng.below(30))
        let i = scores(&rng, count: 1 + rng.below(200), levels: levels, shift: 0)
        let edges = stride(from: 0, through: cut, by: 4).map { Double($0) / Double(levels) }
        let exactFrom = edges.last!
        var counts = [Int](repeating: 0, count: edges.count - 1)
        var truth: [Double: [Double]] = [:]
        for s in i where s < exactFrom {
            let b = Int((s * Double(levels)).rounded()) / 4
            counts[b] += 1
            truth[edges[b], default: []].append(s)
        }
        let binned = BinnedScores(
            genuine: g, binEdges: edges, binCounts: counts, exact: i.filter { $0 >= exactFrom }, exactFrom: exactFrom, impostorFailures: 0)
        return (binned, SortedScores(genuine: g, impostor: i), truth)
    }

    @Test("when the scores say their EER or AUC is exact, it equals the per-score one (random binned sets, unrefined)")
    func exactnessClaimsHold() throws {
        var rng = SplitMix64(seed: 13)
        var claims = (eer: 0, auc: 0)
        for trial in 0..<2_000 {
            let (binned, sorted, _) = Self.binnedWithTruth(&rng, trial: trial)
            if binned.equalErrorRateIsExact {
                claims.eer += 1
                let want = ErrorTradeoff(sorted).equalErrorRate()
                let got = binned.errorTradeoff.equalErrorRate()
                #expect(got == want, "EER, trial \(trial)")
            }
            if binned.aucIsExact {
                claims.auc += 1
                #expect(binned.auc == ScoreStatistics.auc(sorted), "AUC, trial \(trial)")
            }
        }
        // Both claims are made often enough for the checks to mean something, and not always.
        #expect((200..<1_900).contains(claims.eer), "\(claims.eer) EER claims")
        #expect((50..<1_950).contains(claims.auc), "\(claims.auc) AUC claims")
    }

    @Test("the thresholds around the EER, found by bisection, are the built curve's, with and without an FMR ≤ FNMR")
    func thresholdsAroundEqualErrorRate() {
        var rng = SplitMix64(seed: 15)
        var beyond = 0
        for trial in 0..<2_000 {
            var (binned, _, _) = Self.binnedWithTruth(&rng, trial: trial)
            if trial % 5 == 0 {
                // Mated scores all below the non-mated ones: FMR > FNMR everywhere but at the top.
                binned = BinnedScores(
                    genuine: [-1, -0.5], binEdges: [], binCounts: [], exact: binned.values, exactFrom: -.infinity, impostorFailures: 0)
            }
            let curve = binned.errorTradeoff
            let k2 = curve.equalErrorRateIndex
            if !curve.thresholds.indices.contains(where: { curve.fmr($0) - curve.fnmr($0) <= 0 }) { beyond += 1 }
            for (before, after) in [(0, 0), (1, 0), (2, 1), (3, 4)] {
                let got = binned.thresholdsAroundEqualErrorRate(before: before, after: after)
                let want = (curve.thresholds[max(0, k2 - before)], curve.thresholds[min(curve.thresholds.count - 1, k2 + after)])
                #expect(got?.low == want.0 && got?.high == want.1, "trial \(trial), \(before), \(after)")
            }
        }
        #expect(beyond > 0, "no curve without FMR ≤ FNMR")
    }

    /// A report read its EER, ZeroFMR, ZeroFNMR and FNMR at the nearest FMRs off the built curve; binned
    /// scores now find them by bisection.
    @Test("the trade-off readings found by bisection are the built curve's: EER, nearest FMRs, ZeroFMR, ZeroFNMR")
    func readingsWithoutTheCurve() {
        var rng = SplitMix64(seed: 16)
        for trial in 0..<3_000 {
            var (binned, _, _) = Self.binnedWithTruth(&rng, trial: trial)
            if trial % 5 == 0 {
                // Mated scores all below the non-mated ones: FMR > FNMR everywhere but at the top.
                binned = BinnedScores(
                    genuine: [-1, -0.5, -0.5], binEdges: [], binCounts: [], exact: binned.values, exactFrom: -.infinity, impostorFailures: 0
                )
            } else if trial % 7 == 0 {
                // Mated scores above every non-mated one, with ties: FMR 0 over a plateau.
                binned = BinnedScores(
                    genuine: [2, 2, 3], binEdges: [], binCounts: [], exact: binned.values, exactFrom: -.infinity, impostorFailures: 0)
            }
            let curve = binned.errorTradeoff
            // Targets between, at and beyond the curve's FMRs, and each FNMR's value.
            var targets = [0, 1e-3, 0.01, 0.1, 0.5, 1, 2] + (0..<4).map { _ in Double(rng.below(1_000)) / 1_000 }
            targets += (0..<3).map { _ in curve.fmr(rng.below(curve.thresholds.count)) }
            let got = binned.tradeoffReadings(targets: targets)
            let want = TradeoffReadings(curve, targets: targets)
            #expect(got.equalErrorRate == want.equalErrorRate, "EER, trial \(trial)")
            for (g, w) in zip(got.nearestFMR, want.nearestFMR) {
                #expect(g.similarityThreshold == w.similarityThreshold && g.fmr == w.fmr && g.fnmr == w.fnmr, "nearest FMR, trial \(trial)")
            }
            #expect(got.zeroFMR.similarityThreshold == want.zeroFMR.similarityThreshold, "ZeroFMR, trial \(trial)")
            #expect(got.zeroFNMR.similarityThreshold == want.zeroFNMR.similarityThreshold, "ZeroFNMR, trial \(trial)")
            // At every FNMR value as the target, too (the plateaus' ends).
            for k in stride(from: 0, to: curve.thresholds.count, by: max(1, curve.thresholds.count / 5)) {
                let target = curve.fnmr(k)
                #expect(
                    BinnedTradeoff(binned).fmrAtNearestFNMR(target).similarityThreshold
                        == curve.fmrAtNearestFNMR(target).similarityThreshold,
                    "nearest FNMR \(target), trial \(trial)")
            }
        }
    }

    @Test("refining the bins that decide the EER and AUC with their true scores gives the per-score EER and AUC")
    func refinedBinsAreExact() throws {
        var rng = SplitMix64(seed: 14)
        var differedBefore = 0
        for trial in 0..<2_000 {
            let (binned, sorted, truth) = Self.binnedWithTruth(&rng, trial: trial)
            let bins = binned.binsDecidingEERAndAUC(budget: .max)
            let refined = binned.refining(bins: Set(bins), with: bins.flatMap { truth[$0]! })
            #expect(refined.impostorCount == binned.impostorCount)
            #expect(refined.equalErrorRateIsExact, "EER, trial \(trial)")
            #expect(refined.aucIsExact, "AUC, trial \(trial)")
            let want = ErrorTradeoff(sorted).equalErrorRate()
            #expect(refined.errorTradeoff.equalErrorRate() == want, "EER, trial \(trial)")
            #expect(refined.auc == ScoreStatistics.auc(sorted), "AUC, trial \(trial)")
            if binned.errorTradeoff.equalErrorRate() != want || binned.auc != ScoreStatistics.auc(sorted) { differedBefore += 1 }
            // The exact region and every count in it are unchanged.
            #expect(refined.exactFrom == binned.exactFrom)
            for tau in [binned.exactFrom, binned.exactFrom + 0.1] {
                #expect(refined.falseMatches(at: tau) == binned.falseMatches(at: tau))
            }
            // A budget too small for any bin refines nothing.
            #expect(binned.binsDecidingEERAndAUC(budget: 0).isEmpty)
        }
        #expect(differedBefore > 200, "refinement changed the numbers in \(differedBefore) trials")
    }
}
