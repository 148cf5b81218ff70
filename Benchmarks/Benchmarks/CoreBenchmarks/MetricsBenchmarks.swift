import Benchmark
import FaceAuditMetrics
import Foundation

/// Metrics-engine throughput on synthetic scores (no files): the full verification summary, and the
/// subject bootstrap at the scale issue [2/5] names (1,000 replicates over 10,000 subjects).
func metricsBenchmarks(_ configuration: Benchmark.Configuration) {
    var rng = SplitMix64(seed: 1)
    func normal(_ mean: Double, _ sd: Double) -> Double {
        let u = max(rng.unit(), 1e-300)
        return mean + sd * (-2 * log(u)).squareRoot() * cos(2 * .pi * rng.unit())
    }
    let genuine = (0..<10_000).map { _ in (normal(0.62, 0.13) * 1e7).rounded() / 1e7 }
    let impostor = (0..<1_000_000).map { _ in (normal(0.12, 0.09) * 1e7).rounded() / 1e7 }

    Benchmark("VerificationSummary_1M_impostor_10k_genuine", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let scores = SortedScores(genuine: genuine, impostor: impostor)
            blackHole(VerificationReport(VerificationSummary(scores: scores, targets: [1e-2, 1e-3, 1e-4])))
        }
    }

    // 10,000 subjects × 2 samples, all pairs: 2·10⁸ non-mated comparisons, of which 0.1% are false
    // matches spread over 200,000 subject pairs; 2% mated errors.
    let subjects = 10_000
    let mated = (0..<subjects).map { (subject: $0, errors: rng.below(50) == 0 ? 1 : 0, trials: 1) }
    var pairs: [(a: Int, b: Int, errors: Int)] = []
    for _ in 0..<200_000 {
        let a = rng.below(subjects)
        var b = rng.below(subjects)
        if b == a { b = (a + 1) % subjects }
        pairs.append((a: min(a, b), b: max(a, b), errors: 1))
    }
    let tally = SubjectBootstrap.Tally(
        mated: mated, errorPairs: pairs, samplesPerSubject: (0..<subjects).map { (subject: $0, samples: 2) })

    Benchmark("SubjectBootstrap_1000x_10k_subjects", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let replicates = SubjectBootstrap.run(subjects: subjects, replicates: 1000, seed: 7) { m in
                (tally.matedRate(m), tally.nonMatedRate(m))
            }
            blackHole(SubjectBootstrap.percentileInterval(replicates.map(\.1)))
        }
    }
}
