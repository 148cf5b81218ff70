/// Reading the error trade-off curve of binned scores without building it: the curve's points are the
/// distinct values of ``BinnedScores/genuine`` and ``BinnedScores/values``, and every reading a report
/// takes from it is found by bisection over the two sorted lists (a run's overall curve has one point per
/// kept score: three arrays of 110 MB at 50,000 templates, built and scanned for each reading).
///
/// At a point t the false matches are the non-mated scores at or above t and the false non-matches the
/// mated scores below t, each rate rounded as ``ErrorTradeoff`` rounds it. FMR can only fall and FNMR
/// only rise as t rises (correctly rounded division and subtraction are monotone), so the first point
/// where a monotone condition holds is found in each list separately, and a point's neighbours are its
/// neighbours in the two lists.
struct BinnedTradeoff {
    let genuine: [Double]
    let values: [Double]
    let atOrAbove: [Int]
    let impostors: Double
    let mated: Double

    init(_ scores: BinnedScores) {
        genuine = scores.genuine
        values = scores.values
        atOrAbove = scores.atOrAbove
        impostors = Double(scores.impostorCount)
        mated = Double(scores.genuine.count)
    }

    /// Whether the curve has no point.
    var isEmpty: Bool { genuine.isEmpty && values.isEmpty }

    /// The first index of `list` whose value is ≥ `t` (`strictly`: > `t`).
    func bound(_ list: [Double], _ t: Double, strictly: Bool = false) -> Int {
        var (low, high) = (0, list.count)
        while low < high {
            let mid = (low + high) >> 1
            if strictly ? list[mid] <= t : list[mid] < t { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// FMR at point `t`, as ``ErrorTradeoff/fmr(_:)`` computes it.
    func fmr(_ t: Double) -> Double { Double(atOrAbove[bound(values, t)]) / impostors }
    /// FNMR at point `t`, as ``ErrorTradeoff/fnmr(_:)`` computes it.
    func fnmr(_ t: Double) -> Double { Double(bound(genuine, t)) / mated }

    /// The first point.
    var first: Double { min(genuine.first ?? .infinity, values.first ?? .infinity) }
    /// The last point.
    var last: Double { max(genuine.last ?? -.infinity, values.last ?? -.infinity) }

    /// The point before `t`, if any.
    func previous(_ t: Double) -> Double? {
        let (a, b) = (bound(genuine, t), bound(values, t))
        return [a > 0 ? genuine[a - 1] : nil, b > 0 ? values[b - 1] : nil].compactMap { $0 }.max()
    }

    /// The point after `t`, if any.
    func next(_ t: Double) -> Double? {
        let (a, b) = (bound(genuine, t, strictly: true), bound(values, t, strictly: true))
        return [a < genuine.count ? genuine[a] : nil, b < values.count ? values[b] : nil].compactMap { $0 }.min()
    }

    /// The first point where `holds` is true, for a condition false up to some point and true from it.
    func first(where holds: (Double) -> Bool) -> Double? {
        func first(in list: [Double]) -> Double? {
            var (low, high) = (0, list.count)
            while low < high {
                let mid = (low + high) >> 1
                if holds(list[mid]) { high = mid } else { low = mid + 1 }
            }
            return low < list.count ? list[low] : nil
        }
        return [first(in: genuine), first(in: values)].compactMap { $0 }.min()
    }

    /// ``ErrorTradeoff/equalErrorRateIndex``'s point: the first with FMR ≤ FNMR, the last when none is.
    var equalErrorRatePoint: (point: Double, found: Bool) {
        if let t = first(where: { fmr($0) - fnmr($0) <= 0 }) { return (t, true) }
        return (last, false)
    }

    /// ``ErrorTradeoff/equalErrorRate()``.
    func equalErrorRate() -> EqualErrorRate {
        let t2 = equalErrorRatePoint.point
        let t1 = fmr(t2) - fnmr(t2) != 0 ? previous(t2) ?? t2 : t2
        let k = fmr(t1) + fnmr(t1) <= fmr(t2) + fnmr(t2) ? t1 : t2
        let (a, b) = (fmr(k), fnmr(k))
        return EqualErrorRate(value: (b + a) / 2, low: min(a, b), high: max(a, b), similarityThreshold: k)
    }

    /// ``ErrorTradeoff/fnmrAtNearestFMR(_:)``: of the points with the FMR nearest `target`, the first.
    /// Distances fall while FMR > target and rise after, and a plateau of equal FMR starts where FMR
    /// first reaches its value: the answer is the start of the last plateau above the target or the
    /// first point at or below it, whichever is nearer (the earlier when equally near).
    func fnmrAtNearestFMR(_ target: Double) -> (fnmr: Double, fmr: Double, similarityThreshold: Double) {
        let atOrBelow = first { fmr($0) <= target }
        // The last point above the target: just before the first at or below it, or the last of all.
        let above: Double? = atOrBelow == nil ? last : previous(atOrBelow!)
        var best = atOrBelow
        if let above {
            let value = fmr(above)
            let start = first { fmr($0) <= value } ?? above
            if best == nil || abs(fmr(start) - target) <= abs(fmr(best!) - target) { best = start }
        }
        let k = best!
        return (fnmr(k), fmr(k), k)
    }

    /// ``ErrorTradeoff/fmrAtNearestFNMR(_:)``: of the points with the FNMR nearest `target`, the last.
    /// Distances fall while FNMR < target and rise after: the answer is the last point below the
    /// target or the end of the first plateau at or above it, whichever is nearer (the later when
    /// equally near).
    func fmrAtNearestFNMR(_ target: Double) -> (fmr: Double, fnmr: Double, similarityThreshold: Double) {
        let reached = first { fnmr($0) >= target }
        // The last point below the target: just before the first at or above it, or the last of all.
        var best: Double? = reached == nil ? last : previous(reached!)
        if let reached {
            let value = fnmr(reached)
            let end = first { fnmr($0) > value }.map { previous($0) ?? $0 } ?? last
            if best == nil || abs(fnmr(end) - target) <= abs(fnmr(best!) - target) { best = end }
        }
        let k = best!
        return (fmr(k), fnmr(k), k)
    }
}
