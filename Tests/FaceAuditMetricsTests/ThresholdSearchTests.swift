import Foundation
import Testing

@testable import FaceAuditMetrics

/// bob.measure's `far_threshold` and `frr_threshold` as literal walks, the oracle for the O(log n) versions.
enum BobWalk {
    static func farThreshold(_ target: Double, _ scores: [Double]) -> Double {
        if target >= 1 - Double.ulpOfOne { return scores[0].nextDown }
        let s = Array(scores.reversed())
        let n = s.count
        var position = 0
        var valid = s[0].nextUp
        while position < n {
            let current = s[position]
            while position < n - 1 && s[position + 1] == current { position += 1 }
            if Double(position + 1) / Double(n) > target { break }
            valid = current
            position += 1
        }
        return valid
    }

    static func frrThreshold(_ target: Double, _ s: [Double]) -> Double {
        if target >= 1 - Double.ulpOfOne { return s[s.count - 1].nextUp }
        let n = s.count
        var position = 0
        var valid = s[0].nextUp
        while position < n {
            let current = s[position]
            while position < n - 1 && s[position + 1] == current { position += 1 }
            if Double(position) / Double(n) > target { break }
            valid = current
            position += 1
        }
        return valid
    }
}

@Suite("Threshold search equals bob's walks")
struct ThresholdSearchTests {
    @Test("random score sets with heavy ties, every target on a grid and at exact k/n")
    func randomized() {
        var rng = SplitMix64(seed: 2026)
        for trial in 0..<3000 {
            let n = 1 + rng.below(trial < 100 ? 6 : 60)
            let levels = 1 + rng.below(8)
            let scores = (0..<n).map { _ in Double(rng.below(levels)) / 4 }.sorted()
            var targets = [0, 1e-9, 0.5, 0.999, 1, 1 - Double.ulpOfOne / 2] + (0..<10).map { _ in rng.unit() }
            for k in 0...n { targets.append(Double(k) / Double(n)) }
            for target in targets {
                #expect(ThresholdSearch.forFMR(target, impostor: scores) == BobWalk.farThreshold(target, scores), "FMR \(target) \(scores)")
                #expect(
                    ThresholdSearch.forFNMR(target, genuine: scores) == BobWalk.frrThreshold(target, scores), "FNMR \(target) \(scores)")
            }
        }
    }
}

@Suite("Radix sort")
struct RadixSortTests {
    @Test("sorts large arrays exactly like the standard library, with negatives, ties, zeros and extremes")
    func matchesStandardSort() {
        var rng = SplitMix64(seed: 9)
        var values = (0..<300_000).map { _ in (rng.unit() - 0.5) * pow(10, Double(rng.below(20)) - 10) }
        values += [0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, 1, 1, 1]
        var radix = values
        RadixSort.sort(&radix)
        #expect(radix == values.sorted())
        var small = [3.0, -1, 2]
        RadixSort.sort(&small)
        #expect(small == [-1, 2, 3])
    }
}
