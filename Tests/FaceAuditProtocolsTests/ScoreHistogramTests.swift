import FaceAuditCohorts
import FaceAuditMetrics
import FaceAuditReport
import FaceAuditScoring
import Testing

@testable import FaceAuditProtocols

/// `BenchmarkRun.histogram` finds each bin's stretch of an ascending list by bisection; it must give the
/// counts of binning score by score.
@Suite struct ScoreHistogramTests {
    /// The report's 40 bins, score by score.
    static func naive(_ scores: [Double], weights: [Int]?, range: (Double, Double), polarity: ScorePolarity) -> [Int] {
        let bins = 40
        let width = range.1 > range.0 ? (range.1 - range.0) / Double(bins) : 1
        var c = [Int](repeating: 0, count: bins)
        for (k, s) in scores.enumerated() {
            c[min(bins - 1, max(0, Int((polarity.threshold(s) - range.0) / width)))] += weights?[k] ?? 1
        }
        return c
    }

    @Test(arguments: [ScorePolarity.similarity, .dissimilarity])
    func equalsBinningEachScore(polarity: ScorePolarity) {
        var rng = SplitMix64(seed: 11)
        for trial in 0..<200 {
            let n = Int(rng.next() % 3_000)
            // Scores on a coarse grid, so that many tie and many fall on bin edges; some outside the range.
            let grid = Double(1 + rng.next() % 400)
            var scores = (0..<n).map { _ in (Double(rng.next() % 1_000) - 500) / grid }.sorted()
            if trial % 7 == 0 { scores = scores.map { $0 == 0 ? -0.0 : $0 } }
            let genuine = (0..<(n / 10)).map { _ in (Double(rng.next() % 1_000) - 400) / grid }.sorted()
            let ends = [Double(rng.next() % 1_000) - 500, Double(rng.next() % 1_000) - 500].map { $0 / grid / 2 }
            let range = trial % 11 == 0 ? (ends[0], ends[0]) : (ends.min()!, ends.max()!)
            let mated = SortedScores(genuine: genuine, impostor: scores)
            let plain = BenchmarkRun.histogram(
                DimensionSet(["gender"]), "x", genuine: genuine, nonMated: mated.impostorRuns.values, counts: nil, range: range,
                polarity: polarity)
            #expect(plain.mated == Self.naive(genuine, weights: nil, range: range, polarity: polarity))
            #expect(plain.nonMated == Self.naive(scores, weights: nil, range: range, polarity: polarity))
            // Runs with counts: bins below the exact region, then exact scores with ties.
            let exactFrom = scores.isEmpty ? 0 : scores[scores.count / 2]
            let edges = Array(stride(from: -600 / grid, through: exactFrom, by: 37 / grid))
            let binCounts = (0..<max(0, edges.count - 1)).map { _ in Int(rng.next() % 5) }
            let binned = BinnedScores(
                genuine: genuine, binEdges: edges.count > 1 ? edges : [], binCounts: edges.count > 1 ? binCounts : [],
                exact: scores.filter { $0 >= exactFrom }, exactFrom: exactFrom, impostorFailures: 0)
            let runs = binned.impostorRuns
            let weighted = BenchmarkRun.histogram(
                DimensionSet(["gender"]), "x", genuine: genuine, nonMated: runs.values, counts: runs.counts, range: range,
                polarity: polarity)
            #expect(weighted.nonMated == Self.naive(runs.values, weights: runs.counts.map { Array($0) }, range: range, polarity: polarity))
            #expect(weighted.nonMated.reduce(0, +) == binned.impostorCount)
        }
    }
}
