import Foundation
import Testing

@testable import FaceAuditMetrics
@testable import FaceAuditSorting

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

/// bob's `eer_threshold` and `min_weighted_error_rate_threshold` search as a walk over every candidate,
/// one accepted score at a time: the oracle for ``ThresholdSearch/minimizing(_:impostor:counts:genuine:cost:)``,
/// which skips the candidates that cannot end up chosen.
enum BobSearchWalk {
    static func minimizing(
        _ criterion: ThresholdSearch.Criterion, impostor neg: [Double], counts: [Int]?, genuine pos: [Double], cost: Double
    ) -> Double {
        func value(_ far: Double, _ frr: Double) -> Double {
            switch criterion {
            case .absoluteDifference: abs(far - frr)
            case .weightedError: cost * far + (1 - cost) * frr
            }
        }
        var minPredicate = 1e8
        var minThreshold = 1e8
        var far = 1.0
        var frr = 0.0
        let farDecrease = 1.0 / Double(counts?.reduce(0, +) ?? neg.count)
        func accept(_ k: Int) { for _ in 0..<(counts?[k] ?? 1) { far -= farDecrease } }
        let frrIncrease = 1.0 / Double(pos.count)
        var p = 0
        var n = 0
        var threshold = min(neg[0], pos[0])
        while p < pos.count && n < neg.count {
            let predicate = value(far, frr)
            if predicate <= minPredicate {
                minPredicate = predicate
                minThreshold = threshold
            }
            if pos[p] >= neg[n] {
                threshold = neg[n]
                accept(n)
                n += 1
            } else {
                threshold = pos[p]
                p += 1
                frr += frrIncrease
            }
            while n < neg.count && threshold == neg[n] {
                accept(n)
                n += 1
            }
            while p < pos.count && threshold == pos[p] {
                p += 1
                frr += frrIncrease
            }
            if n < neg.count || p < pos.count {
                if n < neg.count && p < pos.count {
                    threshold += min(neg[n], pos[p])
                } else if n < neg.count {
                    threshold += neg[n]
                } else {
                    threshold += pos[p]
                }
                threshold /= 2
            }
        }
        let predicate = value(far, frr)
        if predicate < minPredicate {
            minPredicate = predicate
            minThreshold = threshold
        }
        if n < neg.count || p < pos.count {
            var last = threshold
            if n < neg.count {
                last = neg[neg.count - 1].nextUp
            } else if p < pos.count {
                last = pos[pos.count - 1].nextUp
            }
            if value(0, 1) < minPredicate { minThreshold = last }
        }
        return minThreshold
    }
}

@Suite("bob's threshold searches skip only candidates that cannot be chosen")
struct MinimizingSearchTests {
    /// The search walked every candidate; it now skips runs of non-mated scores between two mated ones.
    @Test("the same threshold as the walk over every candidate: ties, long stretches, both criteria, any cost")
    func sameAsTheWalk() {
        var rng = SplitMix64(seed: 77)
        var skipped = 0
        for trial in 0..<2_000 {
            // Few mated scores among many non-mated ones (long stretches), or as many, on a coarse grid
            // (ties between and within the lists) or a fine one.
            let negatives = 1 + rng.below(trial % 3 == 0 ? 3_000 : 200)
            let positives = 1 + rng.below(trial % 2 == 0 ? 8 : 300)
            let levels = trial % 4 == 0 ? 1 + rng.below(12) : 100_000
            let shift = trial % 5 == 0 ? 0.6 : 0.0  // mated scores mostly above the non-mated ones
            var neg = (0..<negatives).map { _ in Double(rng.below(levels)) / Double(levels) }.sorted()
            let pos = (0..<positives).map { _ in min(1, Double(rng.below(levels)) / Double(levels) + shift) }.sorted()
            // Binned: distinct values holding several scores each; otherwise one score per (tied) value.
            var counts: [Int]? = nil
            if trial % 2 == 1 {
                var values: [Double] = []
                var runs: [Int] = []
                for v in neg {
                    if values.last == v { runs[runs.count - 1] += 1 } else { values.append(v); runs.append(1 + rng.below(3)) }
                }
                neg = values
                counts = runs
            }
            for criterion in [ThresholdSearch.Criterion.absoluteDifference, .weightedError] {
                for cost in criterion == .weightedError ? [0.5, 0.1, 0, 1, 0.97] : [0.5] {
                    let want = BobSearchWalk.minimizing(criterion, impostor: neg, counts: counts, genuine: pos, cost: cost)
                    let runCounts = counts.map { c in
                        BinnedScores.RunCounts(atOrAbove: c.reversed().reduce(into: [0]) { $0.append($0.last! + $1) }.reversed())
                    }
                    let got = ThresholdSearch.minimizing(criterion, impostor: neg, counts: runCounts, genuine: pos, cost: cost)
                    #expect(got.bitPattern == want.bitPattern, "trial \(trial), \(criterion), cost \(cost): \(got) vs \(want)")
                }
            }
            if negatives > 4 * positives { skipped += 1 }
        }
        #expect(skipped > 250, "too few long stretches: \(skipped)")
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

    @Test("sorted input keeps its bits; +0 before −0 is still reordered as the sort orders them")
    func sortedInput() {
        var rng = SplitMix64(seed: 10)
        var values = (0..<200_000).map { _ in rng.unit() - 0.5 }
        RadixSort.sort(&values)
        let once = values
        RadixSort.sort(&values)
        #expect(values.map(\.bitPattern) == once.map(\.bitPattern))
        var zeros = [Double](repeating: 1, count: 150_000)
        zeros[0] = 0
        zeros[1] = -0.0
        RadixSort.sort(&zeros)
        #expect(zeros[0].sign == .minus && zeros[1].sign == .plus)
    }

    @Test("integer keys of every width sort as the standard library sorts them", arguments: [0, 1, 11, 12, 30, 33, 63, 64])
    func keyWidths(bits: Int) {
        // The sort runs only the passes below the highest set bit: widths at and across pass boundaries.
        var rng = SplitMix64(seed: UInt64(20 + bits))
        let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        var keys = (0..<120_000).map { _ in rng.next() & mask }
        if bits > 0 { keys[7] = mask }  // the top bit set at least once
        var radix = keys
        RadixSort.sort(&radix)
        #expect(radix == keys.sorted())
    }

    @Test(
        "keys that share their low or high bits, crowd one bucket, or leave buckets below and above 48 keys sort as the standard library sorts them, and order stays stable",
        arguments: [
            "low bits shared", "one crowded bucket", "small buckets", "two values", "scores in [0.6, 1)", "long runs below the top digits",
            "short runs below the top digits",
        ])
    func shapes(shape: String) {
        // The sort scatters once on the top varying bits, then sorts each bucket on the rest (insertion
        // below 48 keys): shapes that put the varying bits anywhere and the buckets at any size.
        var rng = SplitMix64(seed: 30)
        let n = 150_000
        let keys: [UInt64] = (0..<n).map { i in
            switch shape {
            case "low bits shared": return (rng.next() >> 24) << 20 | 0x5_5555
            case "one crowded bucket": return i % 10 == 0 ? rng.next() : 1 << 63 | rng.next() >> 40
            case "small buckets": return UInt64(rng.below(2048)) << 40 | UInt64(rng.below(64))
            case "two values": return rng.below(2) == 0 ? 7 : 7 << 50
            // A bucket's sort passes over its top digits only, then finishes each run that shares them: 64
            // buckets of about 2,300 keys (10-bit digits at this size), whose top two inner digits (bits
            // 30–49) are all equal (one run of the whole bucket, finished by the lower digits) or one of
            // about 250 values (runs of about nine, finished by insertion).
            case "long runs below the top digits":
                return UInt64(rng.below(64)) << 50 | UInt64(rng.below(3)) << 25 | UInt64(rng.below(1 << 20))
            case "short runs below the top digits":
                return UInt64(rng.below(64)) << 50 | UInt64(rng.below(2000)) << 27 | UInt64(rng.below(3)) << 25 | UInt64(rng.below(1 << 20))
            default: return RadixSort.key(0.6 + 0.4 * rng.unit() * rng.unit() * rng.unit())
            }
        }
        var radix = keys
        RadixSort.sort(&radix)
        // Bools, not arrays, in the expectations: a failing comparison of 150,000 elements would make
        // Swift Testing diff the arrays for minutes.
        let sorted = radix == keys.sorted()
        #expect(sorted)
        let values = keys.map { Double(bitPattern: $0 & (1 << 63) != 0 ? $0 & ~(1 << 63) : ~$0) }
        let order = RadixSort.order(values).map(Int.init)
        let stable = (0..<n).sorted { (keys[$0], $0) < (keys[$1], $1) }
        let same = order == stable
        #expect(same)
    }

    @Test("all-equal keys, at and above 100,000, keep their order and their payloads")
    func allEqual() {
        for n in [99_999, 100_000, 100_001, 250_000] {
            var keys = [UInt64](repeating: 42, count: n)
            var payload = (0..<n).map { UInt32($0) }
            RadixSort.sort(&keys, carrying: &payload)
            let order = RadixSort.order([Double](repeating: 0.5, count: n))
            var values = [Double](repeating: 0.5, count: n)
            var packed = (0..<n).map { UInt64($0) }
            RadixSort.sort(&values, carrying: &packed)
            let kept = payload == (0..<n).map { UInt32($0) } && order == payload && packed.map { UInt32($0) } == payload
            #expect(kept && keys.allSatisfy { $0 == 42 } && values.allSatisfy { $0 == 0.5 }, "n \(n)")
        }
    }

    /// `n` values with heavy ties: `distinct` integers centred on 0, divided by `over`, zero drawn as −0
    /// half the time.
    static func tied(_ n: Int, distinct: Int, over: Double, _ rng: inout SplitMix64) -> [Double] {
        (0..<n).map { _ -> Double in
            let v = Double(rng.below(distinct)) - Double(distinct / 2)
            return v == 0 && rng.below(2) == 0 ? -0.0 : v / over
        }
    }

    @Test("sorting with a payload gives order's sequence and moves each payload with its value, large and small")
    func carrying() {
        var rng = SplitMix64(seed: 12)
        for n in [0, 1, 5, 99_999, 230_000] {
            let values = Self.tied(n, distinct: 3000, over: 3, &rng)
            var sorted = values
            var payload = (0..<n).map { UInt64($0) << 20 | 0xABCDE }
            RadixSort.sort(&sorted, carrying: &payload)
            let order = RadixSort.order(values)
            let sameValues = sorted.map(\.bitPattern) == order.map { values[Int($0)].bitPattern }
            let samePayloads = payload == order.map { UInt64($0) << 20 | 0xABCDE }
            #expect(sameValues && samePayloads, "n \(n)")
        }
    }

    @Test("order is stable and gives the sort's sequence, large and small")
    func order() {
        var rng = SplitMix64(seed: 11)
        for n in [0, 1, 7, 99_999, 250_000] {
            // Heavy ties, both zeros, negatives: the order's values ascend as the sort's, ties by index.
            let values = Self.tied(n, distinct: 5000, over: 7, &rng)
            let order = RadixSort.order(values).map(Int.init)
            #expect(order.count == n)
            let sorted = values.sorted { RadixSort.key($0) < RadixSort.key($1) }  // −0 before +0
            let same = order.map { values[$0].bitPattern } == sorted.map(\.bitPattern)
            #expect(same, "n \(n)")
            let stable = zip(order, order.dropFirst()).allSatisfy { a, b in
                values[a] != values[b] || values[a].sign != values[b].sign || a < b
            }
            #expect(stable)
            #expect(Set(order).count == n)
        }
    }
}

@Suite("bob's FMR accumulation over a run of tied scores")
struct RepeatedSubtractionTests {
    /// The definition: one rounded subtraction at a time.
    static func literal(_ step: Double, times count: Int, from value: Double) -> Double {
        var value = value
        for _ in 0..<count { value -= step }
        return value
    }

    @Test("equals one subtraction at a time: steps 1/n from 1, across many binades, down to zero and below")
    func stepsOfOneOverN() {
        var rng = SplitMix64(seed: 18)
        for trial in 0..<340 {
            let n = 1 + rng.below(trial < 300 ? 2_000 : 3_000_000)
            let step = 1 / Double(n)
            var fast = 1.0
            var slow = 1.0
            var left = n + 3  // three steps past zero
            while left > 0 {
                let count = min(left, 1 + rng.below(trial % 2 == 0 ? 40 : 400_000))
                fast = ThresholdSearch.repeatedlySubtracting(step, times: count, from: fast)
                slow = Self.literal(step, times: count, from: slow)
                #expect(fast.bitPattern == slow.bitPattern, "n \(n), \(count) steps: \(fast) against \(slow)")
                left -= count
            }
        }
    }

    @Test("equals one subtraction at a time for steps whose remainder is a tie, tiny steps and odd starts")
    func ties() {
        let u = 0.5.ulp  // the spacing of [0.5, 1)
        let cases: [(step: Double, from: Double, count: Int)] = [
            // From an odd multiple of u a tie's first step differs from the later ones (ties go to even).
            (1.5 * u, 0.75 + u, 100_000), (2.5 * u, 0.75 + u, 100_000),
            (1.5 * u, 0.75, 100_000), (2.5 * u, 0.999, 333_333), (0.5 * u, 0.75, 1_000), (0.25 * u, 0.6, 10_000),
            (0.75 * u, 0.6, 10_000), (1e-300, 1e-290, 5_000), (3.0, 1e6, 1_000_000), (0.1, 3.0, 100), (0.1, -1.0, 50),
            (.infinity, 1.0, 10), (0.001, .nan, 10), (1e-17, 1.0, 1_000), (0.3, 2.0, 0),
        ]
        for c in cases {
            let fast = ThresholdSearch.repeatedlySubtracting(c.step, times: c.count, from: c.from)
            let slow = Self.literal(c.step, times: c.count, from: c.from)
            #expect(fast.bitPattern == slow.bitPattern || (fast.isNaN && slow.isNaN), "\(c): \(fast) against \(slow)")
        }
    }
}
