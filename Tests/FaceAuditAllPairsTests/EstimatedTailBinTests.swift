import FaceAuditGEMM
import FaceAuditScoring
import Testing

@testable import FaceAuditAllPairs

/// A run of one shard keeps pairs from an estimated tail bin up while streaming; the statistics must
/// not depend on the estimate, and the estimate must keep few more pairs than the tail.
@Suite("estimated tail bin")
struct EstimatedTailBinTests {
    @Test(
        "any estimate, too low or too high (a second pass then collects the bins below it), gives the same statistics",
        arguments: [50, 48])
    func statisticsDoNotDependOnTheEstimate(tileSize: Int) throws {
        let population = Population(images: 420, seed: 11, missingEvery: 41)
        for metric in [PairMetric.cosineSimilarity, .euclideanDistance] {
            let engine = try population.engine(metric, tileSize: tileSize, tail: 700)
            let (plain, _) = engine.run(shard: 0, of: 1, threads: 1, estimate: nil)
            let bin = plain.tailBin
            for estimate in [0, bin / 2, bin - 1, bin, bin + 1, bin + 7, engine.layout.bins - 1, engine.layout.bins] {
                for threads in [1, 3] {
                    let (statistics, _) = engine.run(shard: 0, of: 1, threads: threads, estimate: estimate)
                    #expect(statistics.serialized() == plain.serialized(), "\(metric), estimate \(estimate), \(threads) threads")
                    #expect(statistics.tail == plain.tail)
                }
            }
            #expect(engine.run(threads: 2).0.serialized() == plain.serialized())
        }
    }

    @Test("the estimate lies at or below the run's tail bin and keeps at most three times its capacity")
    func estimateIsCloseBelowTheTailBin() throws {
        for (images, seed, capacity) in [(900, UInt64(3), 2_000), (1_500, 9, 5_000), (1_800, 21, 20_000)] {
            let population = Population(images: images, seed: seed)
            for metric in [PairMetric.cosineSimilarity, .euclideanDistance] {
                let complete = try population.engine(metric, tileSize: 128, bins: 4096).run(threads: 2).0
                let engine = try population.engine(metric, tileSize: 128, tail: capacity, bins: 4096)
                // A sample of 512 rows and columns: fewer than the templates, so the estimate is one.
                let estimate = try #require(engine.estimatedTailBin(sample: 512), "\(images) images, \(metric)")
                let tailBin = engine.run(shard: 0, of: 1, threads: 1, estimate: nil).0.tailBin
                #expect(estimate <= tailBin, "\(images) images, \(metric): estimate \(estimate), tail bin \(tailBin)")
                let kept = complete.tail.count { engine.layout.bin(of: $0.key) >= estimate }
                #expect(kept <= 3 * capacity, "\(images) images, \(metric): \(kept) pairs from the estimate for a tail of \(capacity)")
            }
        }
    }

    @Test("no estimate when every pair is kept or the tail is most of the pairs")
    func noEstimate() throws {
        let population = Population(images: 200, seed: 4)
        #expect(try population.engine(.cosineSimilarity, tileSize: 64).estimatedTailBin() == nil)
        #expect(try population.engine(.cosineSimilarity, tileSize: 64, tail: 15_000).estimatedTailBin() == nil)
    }

    @Test(
        "the estimate is the doc's: the sampled product's non-mated pairs binned one by one",
        arguments: [(300, 512), (1_500, 512), (1_800, 1_024)])
    func estimateIsTheDefinition(images: Int, sample: Int) throws {
        let population = Population(images: images, seed: 5, missingEvery: 37)
        for metric in [PairMetric.cosineSimilarity, .euclideanDistance] {
            let engine = try population.engine(metric, tileSize: 128, tail: images * 3, bins: 4096)
            let expected = Self.definition(engine, sample: sample, margin: 1.5)
            #expect(expected != nil)
            #expect(engine.estimatedTailBin(sample: sample, margin: 1.5) == expected, "\(images) images, \(metric)")
        }
    }

    /// ``AllPairsEngine/estimatedTailBin(sample:margin:)`` as its documentation states it, pair by pair:
    /// rows spread evenly and half a step on, one product of the gathered rows, each pair of two
    /// different rows and subjects binned by ``StatisticsLayout/bin(_:lower:scale:top:)``.
    static func definition(_ engine: AllPairsEngine, sample: Int, margin: Double) -> Int? {
        let matrix = engine.matrix
        let (rows, d, layout) = (matrix.rows, matrix.dimension, engine.layout)
        let subject = { (r: Int) in engine.subjectOfImage[Int(matrix.image[r])] }
        var perSubject: [Int32: Int] = [:]
        for r in 0..<rows { perSubject[subject(r), default: 0] += 1 }
        let nonMated = rows * (rows - 1) / 2 - perSubject.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        let share = Double(layout.tailCapacity) / Double(nonMated) * margin
        let s = min(sample, rows)
        let first = (0..<s).map { Int(Double($0) * Double(rows) / Double(s)) }
        let second = (0..<s).map { Int((Double($0) + 0.5) * Double(rows) / Double(s)) }
        let gather = { (picked: [Int]) in picked.flatMap { matrix.values[($0 * d)..<($0 * d + d)] } }
        let (a, b) = (gather(first), gather(second))
        let euclidean = matrix.metric == .euclideanDistance
        var products = [Float](repeating: 0, count: s * s)
        BLAS.gemm(
            m: s, n: s, k: d, alpha: euclidean ? 2 : 1, a: a, lda: d, b: b, ldb: d, beta: 0, c: &products, ldc: s, transposeB: true)
        let scale = Float(layout.bins) / (layout.keyUpper - layout.keyLower)
        var counts = [Int](repeating: 0, count: layout.bins)
        var sampled = 0
        for (i, r) in first.enumerated() {
            for (j, c) in second.enumerated() where c != r && subject(c) != subject(r) {
                let norms = euclidean ? matrix.squaredNorms[r] + matrix.squaredNorms[c] : 0
                let key = products[i * s + j] - norms
                let bin = StatisticsLayout.bin(key, lower: layout.keyLower, scale: scale, top: Float(layout.bins - 1))
                counts[bin] += 1
                sampled += 1
            }
        }
        let wanted = share * Double(sampled)
        guard wanted >= 100 else { return nil }
        var above = 0
        for bin in counts.indices.reversed() {
            above += counts[bin]
            if Double(above) >= wanted { return bin }
        }
        return nil
    }
}
