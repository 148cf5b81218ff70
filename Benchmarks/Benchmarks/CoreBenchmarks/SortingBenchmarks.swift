import Benchmark
import FaceAuditMetrics
import FaceAuditSorting
import Foundation

/// The radix sorts of a streamed run's analysis, on data shaped like a 50,000-template run's at a
/// quarter of its size (3.4 million kept pairs): the kept similarities with each pair packed beside
/// them (the exact list's sort), and false matches keyed by their pair of subjects and position (the
/// partner counts' sort).
func sortingBenchmarks(_ configuration: Benchmark.Configuration) {
    var rng = SplitMix64(seed: 5)
    let n = 3_437_500
    // Similarities of the most similar 1.1% of pairs: a normal tail above 0.2, in double precision.
    let scores = (0..<n).map { _ -> Double in
        let u: Double = max(rng.unit(), 1e-300)
        let radius: Double = (-2 * log(u)).squareRoot()
        let angle: Double = 2 * Double.pi * rng.unit()
        return 0.2 + abs(0.09 * radius * cos(angle))
    }
    let packedPairs = (0..<n).map { _ -> UInt64 in
        let first = UInt64(rng.below(50_000))
        return first << 16 | UInt64(rng.below(50_000))
    }
    // 25,000 subjects: (lower subject · 25,000 + higher) above a 22-bit position, a pair at most four times.
    let partnerKeys = (0..<n).map { k -> UInt64 in
        let a = UInt64(rng.below(25_000))
        let b = UInt64(rng.below(25_000))
        let pair: UInt64 = min(a, b) * 25_000 + max(a, b)
        return pair << 22 | UInt64(k)
    }

    /// The scores sorted carrying `pairs`, copied afresh (outside the measurement) for every iteration:
    /// copied by `map`, since an array assigned from another shares its storage until the sort writes
    /// to it, and the sort would then time the copy.
    func scoresCarrying<Pair: BitwiseCopyable>(_ name: String, _ pairs: [Pair]) {
        Benchmark(name, configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                var values = scores.map { $0 }
                var payload = pairs.map { $0 }
                benchmark.startMeasurement()
                RadixSort.sort(&values, carrying: &payload)
                benchmark.stopMeasurement()
                blackHole(payload)
            }
        }
    }
    scoresCarrying("RadixSort_3.4M_scores_carrying_pairs", packedPairs)
    // The same pairs in 4 bytes (first · 2¹⁶ + second), as a run of at most 65,536 images packs them.
    scoresCarrying("RadixSort_3.4M_scores_carrying_4_byte_pairs", packedPairs.map { UInt32(truncatingIfNeeded: $0) })
    Benchmark("RadixSort_3.4M_partner_keys", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            var keys = partnerKeys.map { $0 }
            benchmark.startMeasurement()
            RadixSort.sort(&keys)
            benchmark.stopMeasurement()
            blackHole(keys)
        }
    }
}
