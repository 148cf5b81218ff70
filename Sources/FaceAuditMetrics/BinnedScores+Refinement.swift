import FaceAuditSorting

/// Making the binned numbers that decide the equal error rate and the AUC exact: the scores of a few
/// bins are fetched again (a second pass over the pairs) and replace those bins' runs.
///
/// A bin run's scores were binned on single-precision keys, so the exact score of a pair it counts
/// lies within rounding of the bin's range. Every check here widens a bin's range by the bin's own
/// width on each side (its *reach*), far more than that rounding (about 1e-5 against widths near 1e-4).
extension BinnedScores {
    /// Whether run `k` is a histogram bin (its scores known only to lie in its range).
    @inline(__always)
    func isBin(_ k: Int) -> Bool { k < binUpperEdges.count && binUpperEdges[k] > values[k] }

    /// The reach of bin run `k`: its range widened by its width on each side.
    @inline(__always)
    func reach(_ k: Int) -> (from: Double, to: Double) {
        let width = binUpperEdges[k] - values[k]
        return (values[k] - width, binUpperEdges[k] + width)
    }

    /// Whether bin run `k`'s reach meets the closed interval `[low, high]`.
    func reaches(_ k: Int, _ low: Double, _ high: Double) -> Bool {
        let (from, to) = reach(k)
        return from <= high && to >= low
    }

    /// Whether any bin run's reach meets the closed interval `[low, high]`.
    func binReaches(_ low: Double, _ high: Double) -> Bool {
        values.indices.contains { isBin($0) && reaches($0, low, high) }
    }

    /// Calls `body(threshold, falseMatches, falseNonMatches)` at the points of ``errorTradeoff``, in
    /// order, without building it, until `body` returns false: the mated scores and the run values
    /// merged, with the non-mated scores at or above and the mated scores below each.
    func forEachTradeoffPoint(_ body: (Double, Int, Int) -> Bool) {
        let g = genuine
        let v = values
        var a = 0
        var b = 0
        while a < g.count || b < v.count {
            let t = b == v.count || (a < g.count && g[a] < v[b]) ? g[a] : v[b]
            guard body(t, atOrAbove[b], a) else { return }
            while a < g.count && g[a] == t { a += 1 }
            if b < v.count && v[b] == t { b += 1 }
        }
    }

    /// The thresholds of ``errorTradeoff`` at indices k₂ − `before` and k₂ + `after` (clamped to the
    /// curve), k₂ being its ``ErrorTradeoff/equalErrorRateIndex``, found by bisection without building
    /// the curve (``BinnedTradeoff``). Nil when the curve is empty.
    func thresholdsAroundEqualErrorRate(before: Int, after: Int) -> (low: Double, high: Double)? {
        let curve = BinnedTradeoff(self)
        guard !curve.isEmpty else { return nil }
        let (k2, found) = curve.equalErrorRatePoint
        var low = k2
        for _ in 0..<before {
            guard let p = curve.previous(low) else { break }
            low = p
        }
        var high = k2
        if found {
            for _ in 0..<after {
                guard let n = curve.next(high) else { break }
                high = n
            }
        }
        return (low, high)
    }

    /// The lower edges of the bin runs whose scores decide the pyeer/FVC2000 EER and the AUC, most
    /// needed first, within `budget` scores. The EER's bins come first: those reaching the curve
    /// between the two points before and the one after its first threshold with FMR ≤ FNMR (the
    /// exact threshold pair lies there). Then the AUC's: every bin reaching a mated score, taken only
    /// if all of them fit. Empty without mated scores or without bins.
    public func binsDecidingEERAndAUC(budget: Int) -> [Double] {
        guard !genuine.isEmpty, !binUpperEdges.isEmpty, let (low, high) = thresholdsAroundEqualErrorRate(before: 2, after: 1) else {
            return []
        }
        var chosen: [Double] = []
        var taken = Set<Double>()
        var used = 0
        for k in values.indices where isBin(k) {
            if reaches(k, low, high) {
                chosen.append(values[k])
                taken.insert(values[k])
                used += counts[k]
            }
        }
        guard used <= budget else { return [] }
        // The AUC's bins: those whose reach holds a mated score.
        var forAUC: [Double] = []
        var extra = 0
        var a = 0
        let g = genuine
        for k in values.indices where isBin(k) {
            let (from, to) = reach(k)
            while a < g.count && g[a] < from { a += 1 }
            if a < g.count && g[a] < to && !taken.contains(values[k]) {
                forAUC.append(values[k])
                extra += counts[k]
            }
        }
        return used + extra <= budget ? chosen + forAUC : chosen
    }

    /// A copy in which the bin runs whose lower edges are `bins` are replaced by `scores`: the exact
    /// similarities of every non-mated pair those bins counted (in any order). An exact score equal to
    /// a remaining bin's lower edge joins that bin.
    public func refining(bins: Set<Double>, with scores: [Double]) -> BinnedScores {
        var exact = scores
        RadixSort.sort(&exact)
        // Three parallel arrays rather than one of tuples: a run then costs 24 bytes here, not 32.
        var values: [Double] = []
        var counts: [Int] = []
        var upper: [Double] = []
        let capacity = self.values.count + exact.count
        values.reserveCapacity(capacity)
        counts.reserveCapacity(capacity + 1)
        upper.reserveCapacity(capacity)
        var lastBin = 0
        func add(_ value: Double, _ count: Int, _ edge: Double?) {
            if values.last == value {
                counts[counts.count - 1] += count
            } else {
                values.append(value)
                counts.append(count)
                upper.append(value)
            }
            if let edge {
                upper[upper.count - 1] = edge
                lastBin = values.count
            }
        }
        var e = 0
        for k in self.values.indices where !(isBin(k) && bins.contains(self.values[k])) {
            while e < exact.count && exact[e] < self.values[k] {
                add(exact[e], 1, nil)
                e += 1
            }
            add(self.values[k], self.counts[k], isBin(k) ? binUpperEdges[k] : nil)
        }
        while e < exact.count {
            add(exact[e], 1, nil)
            e += 1
        }
        // Out of `add`'s capture, so that the initializer turns the counts into totals in place.
        var runCounts: [Int] = []
        swap(&runCounts, &counts)
        return BinnedScores(
            sortedGenuine: genuine, values: values, counts: consume runCounts, binUpperEdges: Array(upper[..<lastBin]),
            exactFrom: exactFrom,
            genuineFailures: genuineFailures, impostorFailures: impostorFailures, polarity: polarity)
    }

    /// Whether the pyeer/FVC2000 EER of these scores is the one of the exact scores: no bin reaches
    /// the curve between the point before its first threshold with FMR ≤ FNMR and that threshold.
    /// (FMR − FNMR falls as the threshold rises, so the points below are on the same side either way.)
    /// False without mated scores (there is no EER).
    public var equalErrorRateIsExact: Bool {
        guard !genuine.isEmpty, let (low, high) = thresholdsAroundEqualErrorRate(before: 1, after: 0) else { return false }
        return !binReaches(low, high)
    }

    /// Whether the AUC of these scores is the one of the exact scores: no bin reaches a mated score.
    /// False without mated scores (there is no AUC).
    public var aucIsExact: Bool {
        guard !genuine.isEmpty else { return false }
        var a = 0
        for k in values.indices where isBin(k) {
            let (from, to) = reach(k)
            while a < genuine.count && genuine[a] < from { a += 1 }
            if a < genuine.count && genuine[a] < to { return false }
        }
        return true
    }
}
