import Benchmark
import FaceAuditMetrics
import FaceAuditScoring

/// The rescoring of a streamed run's kept pairs in double precision (`PairScorer`), on data shaped like
/// a 50,000-template run's at a quarter of its size: 3.4 million pairs of 50,000 unit-length templates
/// of 128 components, in image-pair order (each probe's references ascending, 69 of them on average),
/// cosine similarity.
func scoringBenchmarks(_ configuration: Benchmark.Configuration) {
    var rng = SplitMix64(seed: 9)
    let templates = 50_000, dimension = 128, perProbe = 69
    let scorer = PairScorer(
        metric: .cosineSimilarity,
        templates: (0..<templates).map { _ -> [Float]? in
            let t = (0..<dimension).map { _ in Float(rng.unit() - 0.5) }
            let norm = t.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return t.map { $0 / norm }
        })
    // References anywhere above the probe, or (`local`) among the 1,024 templates of the probe's block
    // of 1,024 and the next block: the pairs of one tile of the all-pairs pass when templates are stored
    // in the pass's row order.
    func pairs(local: Bool) -> (first: [Int32], second: [Int32]) {
        var first: [Int32] = [], second: [Int32] = []
        for probe in 0..<templates - 1 {
            let start = local ? min(templates - 1024, (probe / 1024 + 1) * 1024) : probe + 1
            let span = local ? 1024 : templates - probe - 1
            let references = (0..<perProbe).map { _ in Int32(start + rng.below(span)) }.sorted()
            first += [Int32](repeating: Int32(probe), count: perProbe)
            second += references
        }
        return (first, second)
    }
    for (name, local) in [("anywhere", false), ("in_tiles", true)] {
        let (first, second) = pairs(local: local)
        Benchmark("PairScorer_3.4M_pairs_128d_cosine_\(name)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                benchmark.startMeasurement()
                let scores = scorer.scores(first: first, second: second)
                benchmark.stopMeasurement()
                blackHole(scores)
            }
        }
    }
}
