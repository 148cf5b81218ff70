/// Thresholds for a target error rate, with bob.measure's conventions (scores are similarities,
/// accept when score ≥ τ; runs of tied scores are accepted or rejected as a whole).
public enum ThresholdSearch {
    /// The threshold giving the **largest achievable FMR ≤ `target`** (bob's `far_threshold`).
    ///
    /// Walks the non-mated scores from the top, a block of tied scores at a time, and stops before the
    /// block that would push the false-match rate above the target. When even the highest block does,
    /// the threshold is the next double above the highest non-mated score (FMR = 0).
    ///
    /// - Parameter impostor: non-mated similarities, ascending, at least one.
    public static func forFMR(_ target: Double, impostor: [Double]) -> Double {
        precondition(!impostor.isEmpty, "no non-mated scores")
        let n = impostor.count
        if target >= 1 - Double.ulpOfOne { return impostor[0].nextDown }
        // bob walks tie blocks down from the top and stops before the first block that makes
        // accepted/n exceed the target. The same answer in O(log n): the most scores that may be
        // accepted, then the lowest whole tie block within that many.
        let allowed = largestCount(n) { Double($0) / Double(n) <= target }
        if allowed >= n { return impostor[0] }
        if allowed == 0 { return impostor[n - 1].nextUp }
        let first = n - allowed  // lowest index that may be accepted
        let value = impostor[first]
        if first == 0 || impostor[first - 1] != value { return value }  // a whole block starts here
        let above = upperBound(impostor, value)  // the block straddles the cut: accept from the next block
        return above < n ? impostor[above] : impostor[n - 1].nextUp
    }

    /// The threshold giving the largest achievable FNMR ≤ `target` (bob's `frr_threshold`, including its
    /// convention of testing a tie block by the index of its last element).
    ///
    /// - Parameter genuine: mated similarities, ascending, at least one.
    public static func forFNMR(_ target: Double, genuine: [Double]) -> Double {
        precondition(!genuine.isEmpty, "no mated scores")
        let n = genuine.count
        if target >= 1 - Double.ulpOfOne { return genuine[n - 1].nextUp }
        // bob accepts a block whose last index e has e/n ≤ target, stopping at the first that fails.
        let lastAllowed = largestCount(n) { Double($0) / Double(n) <= target }  // largest index e passing
        if lastAllowed >= n - 1 { return genuine[n - 1] }
        let value = genuine[lastAllowed]
        let end = upperBound(genuine, value) - 1  // last index of the block holding lastAllowed
        if end == lastAllowed { return value }
        let start = SortedScores.lowerBound(genuine, value)
        return start > 0 ? genuine[start - 1] : genuine[0].nextUp
    }

    /// The largest k in 0...n with `ok(k)`, for a predicate true up to some k and false after.
    /// `ok(0)` is assumed true.
    static func largestCount(_ n: Int, _ ok: (Int) -> Bool) -> Int {
        var low = 0
        var high = n
        while low < high {
            let mid = (low + high + 1) >> 1
            if ok(mid) { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Index of the first element > `value` in an ascending array.
    static func upperBound(_ sorted: [Double], _ value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) >> 1
            if sorted[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// `value` after `count` repetitions of `value -= step`, each rounded to nearest (bob's FMR
    /// accumulation over a run of `count` tied scores), bit for bit, in a few operations per binade
    /// rather than one per repetition.
    ///
    /// While `value` stays in one binade [L, 2L) (spacing u), the exact difference `value − step` is a
    /// multiple of u minus `step`'s remainder modulo u, so every repetition removes the same rounded
    /// amount δ unless that remainder is exactly u/2 (a tie, rounded to even: then one step at a
    /// time). The repetitions that provably stay in the binade are taken at once as `value − s·δ`, which
    /// is exact (a multiple of u in [L, 2L)); the rest, and anything not positive and finite, are
    /// taken one at a time.
    static func repeatedlySubtracting(_ step: Double, times count: Int, from value: Double) -> Double {
        var value = value
        var left = count
        while left > 0 {
            guard left > 4, value.isFinite, value > 0, step.isFinite, step > 0 else {
                value -= step
                left -= 1
                continue
            }
            let next = value - step
            // The exact error of the rounded difference (Knuth's two-sum): value − step = next + error.
            let back = next - value
            let error = (value - (next - back)) + (-step - back)
            let low = value.binade
            guard next >= low, abs(error) != value.ulp / 2 else {
                value = next
                left -= 1
                continue
            }
            let delta = value - next  // exact (Sterbenz); a multiple of u
            if delta == 0 { return value }  // every repetition rounds back to value
            let safe = min(left, max(0, Int(((value - low) / delta).rounded(.down)) - 2))
            if safe == 0 {
                value = next
                left -= 1
                continue
            }
            value -= Double(safe) * delta
            left -= safe
        }
        return value
    }

    /// The criterion minimised by ``minimizing(_:impostor:genuine:cost:)``.
    public enum Criterion: Sendable {
        /// |FMR − FNMR|: bob's `eer_threshold`.
        case absoluteDifference
        /// cost·FMR + (1 − cost)·FNMR: bob's `min_weighted_error_rate_threshold` (cost ½ = min HTER).
        case weightedError
    }

    /// bob's data-driven threshold search: candidate thresholds are the lowest score, the midpoints
    /// between successive distinct scores, and (if better) the next double above the highest score.
    /// Rates are accumulated in steps of 1/n exactly as bob does, and the last of equally good
    /// candidates wins, so the chosen threshold agrees with bob to the last digit.
    public static func minimizing(
        _ criterion: Criterion, impostor neg: [Double], genuine pos: [Double], cost: Double = 0.5
    )
        -> Double
    {
        minimizing(criterion, impostor: neg, counts: nil, genuine: pos, cost: cost)
    }

    /// ``minimizing(_:impostor:genuine:cost:)`` over the non-mated runs of binned scores: each run
    /// lowers the FMR by one step of 1/n per score it holds, so unit runs give bob's answer exactly.
    public static func minimizing(_ criterion: Criterion, binned: BinnedScores, cost: Double = 0.5) -> Double {
        minimizing(criterion, impostor: binned.values, counts: binned.counts, genuine: binned.genuine, cost: cost)
    }

    /// The search over ascending distinct-or-tied `neg` values holding `counts` scores each (nil: one each).
    ///
    /// bob evaluates every candidate in turn, and FMR is accumulated one step at a time, so the walk
    /// is as long as the score list (13.75 million kept scores at 50,000 templates, 4% of such a run for
    /// the two searches of a report). Between two mated scores only non-mated scores are accepted: FNMR
    /// is fixed and FMR falls, so the criterion moves one way there. Where it cannot rise (the
    /// weighted error; |FMR − FNMR| while FMR ≥ FNMR) only the last candidate of such a stretch can
    /// end up chosen, and where it cannot fall and the candidate at hand is already worse than the
    /// best, none can: the candidates before the one that matters are skipped, FMR jumping over their
    /// scores with ``repeatedlySubtracting(_:times:from:)`` (the same bits as step by step) and the
    /// threshold formed as the walk forms it. The chosen threshold is the walk's, bit for bit.
    static func minimizing(
        _ criterion: Criterion, impostor neg: [Double], counts: BinnedScores.RunCounts?, genuine pos: [Double], cost: Double
    )
        -> Double
    {
        precondition(!neg.isEmpty && !pos.isEmpty, "need mated and non-mated scores")
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
        /// Non-mated scores in the runs `a..<b`.
        func scores(_ a: Int, _ b: Int) -> Int { counts.map { $0.atOrAbove[a] - $0.atOrAbove[b] } ?? b - a }
        let farDecrease = 1.0 / Double(scores(0, neg.count))
        func accept(_ k: Int) {
            far = repeatedlySubtracting(farDecrease, times: counts?[k] ?? 1, from: far)
        }
        let frrIncrease = 1.0 / Double(pos.count)
        // Whether the criterion never rises as FMR falls with FNMR fixed: always for the weighted error
        // (a cost that is not negative), for |FMR − FNMR| while FMR ≥ FNMR.
        let weighted: Bool
        switch criterion {
        case .absoluteDifference: weighted = false
        case .weightedError: weighted = cost >= 0
        }
        var p = 0
        var n = 0
        var threshold = min(neg[0], pos[0])
        while p < pos.count && n < neg.count {
            // A stretch of non-mated runs below the next mated score (n starts a block of equal values):
            // skip to the candidate that decides it, if one lies ahead.
            if neg[n] < pos[p] {
                let end = SortedScores.lowerBound(neg, pos[p])  // first value at or above the mated score
                let last = max(n, SortedScores.lowerBound(neg, neg[end - 1]))  // the stretch's last block
                var skipTo = n
                if last > n {
                    if weighted || (criterion == .absoluteDifference && far < frr && value(far, frr) > minPredicate) {
                        skipTo = last
                    } else if criterion == .absoluteDifference && far >= frr {
                        // The last block whose FMR is still ≥ FNMR (FMR only falls along the stretch), by
                        // bisection over positions: every position of a block answers as its start does.
                        func start(_ k: Int) -> Int { max(n, SortedScores.lowerBound(neg, neg[k])) }
                        var (low, high) = (n, last)
                        while low < high {
                            let mid = (low + high + 1) >> 1
                            if repeatedlySubtracting(farDecrease, times: scores(n, start(mid)), from: far) >= frr {
                                low = mid
                            } else {
                                high = mid - 1
                            }
                        }
                        skipTo = start(low)
                    }
                }
                if skipTo > n {
                    far = repeatedlySubtracting(farDecrease, times: scores(n, skipTo), from: far)
                    threshold = neg[skipTo - 1]
                    threshold += neg[skipTo]
                    threshold /= 2
                    n = skipTo
                }
            }
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
