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
}
