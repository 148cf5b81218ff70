import Benchmark
import FaceAuditAllPairs
import FaceAuditMetrics
import Foundation

/// The all-pairs engine at N = 5,000 synthetic 128-D templates in 8 cohorts (12.5 million pairs): the
/// histogram pass on one thread, and with an exact 0.1% tail. scripts/bench/vs-numpy runs the larger
/// sizes side by side with NumPy.
func comparisonBenchmarks(_ configuration: Benchmark.Configuration) {
    var rng = SplitMix64(seed: 3)
    let n = 5_000, d = 128
    var templates: [[Float]?] = []
    var centre: [Float] = []
    for i in 0..<n {
        if i % 2 == 0 { centre = (0..<d).map { _ in Float(rng.unit() - 0.5) } }
        templates.append(centre.map { $0 + 0.3 * Float(rng.unit() - 0.5) })
    }
    let cohorts = (0..<n).map { Int32(($0 / 2) % 8) }
    let subjects = (0..<n).map { Int32($0 / 2) }
    let matrix = try! TemplateMatrix(templates: templates, metric: .cosineSimilarity, groups: cohorts)
    for (name, tail) in [("histograms", 0), ("histograms_and_tail_1_in_1000", n * (n - 1) / 2 / 1000)] {
        var layout = StatisticsLayout(
            metric: .cosineSimilarity, bins: 16_384, keyDomain: matrix.keyDomain, cells: 8, tailCapacity: tail, tileSize: 1024, rows: n,
            images: n, fingerprint: "benchmark")
        layout.keys = AllPairsEngine.keys(for: layout, matrix: matrix)
        let engine = AllPairsEngine(matrix: matrix, cellOfImage: cohorts, subjectOfImage: subjects, layout: layout)
        Benchmark("AllPairsEngine_5k_128d_8cohorts_\(name)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(engine.run(threads: 1)) }
        }
    }
}
