import FaceAuditScoring
import FaceAuditSorting

/// Mated similarities known exactly; non-mated similarities known exactly at the top and as histogram
/// counts below. This is what a streaming all-pairs comparison keeps when every score would not fit
/// in memory.
///
/// The non-mated scores are ascending *runs* (value, count):
/// - every completed non-mated score ≥ ``exactFrom`` is a run at its own exact value;
/// - the scores below ``exactFrom`` are counted per histogram bin, each bin a run at its lower edge.
///
/// A count at a threshold τ ≥ ``exactFrom`` is therefore exact. Below ``exactFrom`` it is exact at
/// bin edges and otherwise off by at most the count of the bin that holds τ ("bin resolution"). With
/// no binned run at all, every statistic equals the one ``SortedScores`` gives.
public struct BinnedScores: Sendable {
    /// Completed mated similarities, ascending.
    public let genuine: [Double]
    /// Distinct non-mated values, ascending: bin lower edges, then exact scores.
    public let values: [Double]
    /// Non-mated scores at each value, read off ``atOrAbove`` (no second array per run is kept).
    public var counts: RunCounts { RunCounts(atOrAbove: atOrAbove) }
    /// Every completed non-mated similarity at or above this is in ``values`` exactly.
    public let exactFrom: Double
    /// Mated comparisons without a score.
    public let genuineFailures: Int
    /// Non-mated comparisons without a score.
    public let impostorFailures: Int
    /// How the original scores are oriented; thresholds are reported in these units.
    public let polarity: ScorePolarity
    /// `atOrAbove[k]`: non-mated scores ≥ `values[k]`; one extra 0 at the end.
    let atOrAbove: [Int]
    /// The upper edge of each run up to the last bin run (the next bin edge for a bin, the value itself
    /// for an exact score); none is stored for the exact runs above the last bin (``upperEdge(_:)``).
    /// Bin runs come first unless ``refining(bins:with:)`` made some bins exact.
    let binUpperEdges: [Double]

    /// The upper edge of run `k`: the next bin edge for a bin, the value itself for an exact score.
    @inline(__always)
    func upperEdge(_ k: Int) -> Double { k < binUpperEdges.count ? binUpperEdges[k] : values[k] }

    /// Builds the runs.
    /// - Parameters:
    ///   - genuine: mated similarities in any order; NaN counts as a failure to acquire.
    ///   - binEdges: the edges of the histogram bins, ascending: one more than there are bins, the last
    ///     at most `exactFrom`.
    ///   - binCounts: non-mated scores below `exactFrom` per bin (bin k spans `binEdges[k]..<binEdges[k + 1]`).
    ///   - exact: every completed non-mated similarity ≥ `exactFrom`, in any order.
    ///   - exactFrom: the start of the exact region.
    ///   - impostorFailures: non-mated comparisons without a score.
    public init(
        genuine: [Double], binEdges: [Double], binCounts: [Int], exact: [Double], exactFrom: Double, impostorFailures: Int,
        polarity: ScorePolarity = .similarity
    ) {
        var e = exact
        RadixSort.sort(&e)
        self = e.withUnsafeBufferPointer { e in
            BinnedScores(
                genuine: genuine, binEdges: binEdges, binCounts: binCounts, sortedExact: e.count, { e[$0] }, exactFrom: exactFrom,
                impostorFailures: impostorFailures, polarity: polarity)
        }
    }

    /// ``init(genuine:binEdges:binCounts:exact:exactFrom:impostorFailures:polarity:)`` with the `count`
    /// exact scores already ascending, the k-th read as `exact(k)` (a share of a sorted list, read where
    /// it lies): no copy of them is made and they are not sorted again, only checked for order as the
    /// runs are written (a run's cohorts took their exact scores out of the sorted list into an array of
    /// their own, which this then read twice more).
    @inline(__always)
    init(
        genuine: [Double], binEdges: [Double], binCounts: [Int], sortedExact count: Int, _ exact: (Int) -> Double, exactFrom: Double,
        impostorFailures: Int, polarity: ScorePolarity
    ) {
        precondition(binEdges.count == binCounts.count + 1 || (binEdges.isEmpty && binCounts.isEmpty), "bins need their edges")
        var g = genuine.filter { !$0.isNaN }
        RadixSort.sort(&g)
        precondition(count == 0 || exact(0) >= exactFrom, "an exact score lies below the exact region")
        precondition(binEdges.last.map { $0 <= exactFrom } ?? true, "a bin lies in the exact region")
        // Sized exactly: an array grown by doubling keeps up to twice the memory for its lifetime.
        // Filled through raw pointers: appending run by run (a capacity check and a last element each) took
        // most of this initializer's own time at 13.75 million exact scores.
        let binRuns = binCounts.count { $0 > 0 }
        var upper: [Double] = []
        upper.reserveCapacity(binRuns)
        var runs = 0
        var counts: [Int] = []
        let values = [Double](unsafeUninitializedCapacity: binRuns + count) { values, filled in
            counts = [Int](unsafeUninitializedCapacity: binRuns + count + 1) { counts, countsFilled in
                for (k, n) in binCounts.enumerated() where n > 0 {
                    values[runs] = binEdges[k]
                    counts[runs] = n
                    upper.append(binEdges[k + 1])
                    runs += 1
                }
                for k in 0..<count {
                    let s = exact(k)
                    if runs > binRuns && values[runs - 1] == s {
                        counts[runs - 1] += 1
                    } else {
                        precondition(runs == binRuns || values[runs - 1] < s, "exact scores out of order")
                        values[runs] = s
                        counts[runs] = 1
                        runs += 1
                    }
                }
                countsFilled = runs
            }
            filled = runs
        }
        self.init(
            sortedGenuine: g, values: values, counts: consume counts, binUpperEdges: upper, exactFrom: exactFrom,
            genuineFailures: genuine.count - g.count, impostorFailures: impostorFailures, polarity: polarity)
    }

    /// Runs already built: ascending distinct `values` holding `counts` scores each, with
    /// `binUpperEdges` covering every run up to the last bin (an exact run's entry is its own value).
    /// `counts` becomes ``atOrAbove`` in place.
    init(
        sortedGenuine: [Double], values: [Double], counts: consuming [Int], binUpperEdges: [Double], exactFrom: Double,
        genuineFailures: Int, impostorFailures: Int, polarity: ScorePolarity
    ) {
        precondition(counts.count == values.count, "one count per value")
        counts.append(0)
        // Through a pointer and without overflow checks: the sum is at most the number of scores. Checked
        // array arithmetic was a third of building a group of 2 million exact scores.
        counts.withUnsafeMutableBufferPointer { counts in
            var k = counts.count - 2
            while k >= 0 {
                counts[k] &+= counts[k + 1]
                k -= 1
            }
        }
        self.genuine = sortedGenuine
        self.values = values
        self.atOrAbove = counts
        self.binUpperEdges = binUpperEdges
        self.exactFrom = exactFrom
        self.genuineFailures = genuineFailures
        self.impostorFailures = impostorFailures
        self.polarity = polarity
    }

    /// The scores of each run, as a collection: `counts[k]` is `atOrAbove[k] − atOrAbove[k + 1]`.
    public struct RunCounts: RandomAccessCollection, Sendable {
        /// The owner's ``BinnedScores/atOrAbove``.
        let atOrAbove: [Int]
        /// 0.
        public var startIndex: Int { 0 }
        /// The number of runs.
        public var endIndex: Int { atOrAbove.count - 1 }
        /// The scores of run `k`.
        public subscript(k: Int) -> Int { atOrAbove[k] - atOrAbove[k + 1] }
        /// The scores of the runs in `runs`: the sum of their counts, in one subtraction.
        public func total(_ runs: Range<Int>) -> Int { atOrAbove[runs.lowerBound] - atOrAbove[runs.upperBound] }
    }

    /// Completed non-mated comparisons.
    public var impostorCount: Int { atOrAbove[0] }

    /// Whether counts at similarity threshold τ are exact.
    public func isExact(at tau: Double) -> Bool { tau >= exactFrom || atOrAbove[0] == 0 }

    /// False matches at similarity threshold τ: non-mated scores ≥ τ (bin resolution below ``exactFrom``).
    public func falseMatches(at tau: Double) -> ErrorCount {
        ErrorCount(errors: atOrAbove[SortedScores.lowerBound(values, tau)], trials: impostorCount)
    }

    /// False non-matches at similarity threshold τ: mated scores < τ (always exact).
    public func falseNonMatches(at tau: Double) -> ErrorCount {
        ErrorCount(errors: SortedScores.lowerBound(genuine, tau), trials: genuine.count)
    }

    /// The threshold giving the largest achievable FMR ≤ `target`, with the conventions of
    /// ``ThresholdSearch/forFMR(_:impostor:)``: whole runs of tied scores are accepted or rejected.
    /// Exact when the result is ≥ ``exactFrom``.
    public func threshold(forFMR target: Double) -> Double {
        precondition(impostorCount > 0, "no non-mated scores")
        let n = impostorCount
        if target >= 1 - Double.ulpOfOne { return values[0].nextDown }
        let allowed = ThresholdSearch.largestCount(n) { Double($0) / Double(n) <= target }
        // The lowest run whose scores and all above it may be accepted.
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) >> 1
            if atOrAbove[mid] <= allowed { high = mid } else { low = mid + 1 }
        }
        return low < values.count ? values[low] : values[values.count - 1].nextUp
    }

    /// The non-mated score at ascending rank `k` (0-based).
    func impostorValue(rank k: Int) -> Double {
        // The first run whose scores reach past rank k: impostorCount − atOrAbove[r + 1] > k.
        var low = 0
        var high = values.count - 1
        while low < high {
            let mid = (low + high) >> 1
            if impostorCount - atOrAbove[mid + 1] > k { high = mid } else { low = mid + 1 }
        }
        return values[low]
    }

    /// The median non-mated score (mean of the middle two for an even count); NaN when empty.
    public var impostorMedian: Double {
        let n = impostorCount
        guard n > 0 else { return .nan }
        return n % 2 == 1 ? impostorValue(rank: n / 2) : (impostorValue(rank: n / 2 - 1) + impostorValue(rank: n / 2)) / 2
    }

    /// Mean and population standard deviation of the non-mated scores, each run at its value.
    public var impostorMeanAndDeviation: (mean: Double, deviation: Double) {
        let n = Double(impostorCount)
        guard n > 0 else { return (.nan, .nan) }
        var sum = 0.0
        for (v, c) in zip(values, counts) { sum += v * Double(c) }
        let mean = sum / n
        var squares = 0.0
        for (v, c) in zip(values, counts) { squares += (v - mean) * (v - mean) * Double(c) }
        return (mean, (squares / n).squareRoot())
    }
}
