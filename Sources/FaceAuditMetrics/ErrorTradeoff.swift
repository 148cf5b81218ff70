/// FMR and FNMR at every distinct score, the curve pyeer and FVC2000 read their statistics from.
///
/// Thresholds are the distinct values of all completed scores (mated and non-mated), ascending;
/// at threshold t, FMR = #{non-mated ≥ t}/n and FNMR = #{mated < t}/n, computed as pyeer does
/// (count divided by total, in double precision).
public struct ErrorTradeoff: Sendable {
    /// Distinct similarity thresholds, ascending.
    public let thresholds: [Double]
    /// False matches at each threshold.
    public let falseMatches: [Int]
    /// False non-matches at each threshold.
    public let falseNonMatches: [Int]
    /// Non-mated trials.
    public let impostorCount: Int
    /// Mated trials.
    public let genuineCount: Int

    /// Builds the curve by merging the two sorted score lists in one pass.
    public init(_ scores: SortedScores) {
        let g = scores.genuine
        let i = scores.impostor
        var thresholds: [Double] = []
        var fm: [Int] = []
        var fnm: [Int] = []
        thresholds.reserveCapacity(g.count + i.count)
        fm.reserveCapacity(g.count + i.count)
        fnm.reserveCapacity(g.count + i.count)
        var a = 0
        var b = 0
        while a < g.count || b < i.count {
            let t = b == i.count || (a < g.count && g[a] < i[b]) ? g[a] : i[b]
            thresholds.append(t)
            fnm.append(a)  // mated strictly below t
            fm.append(i.count - b)  // non-mated at or above t
            while a < g.count && g[a] == t { a += 1 }
            while b < i.count && i[b] == t { b += 1 }
        }
        self.thresholds = thresholds
        self.falseMatches = fm
        self.falseNonMatches = fnm
        self.impostorCount = i.count
        self.genuineCount = g.count
    }

    /// The curve of binned scores: thresholds are the mated scores and the non-mated run values, so below
    /// ``BinnedScores/exactFrom`` the FMR is read at bin edges (see ``BinnedScores``). Its points are
    /// ``BinnedScores/forEachTradeoffPoint(_:)``'s.
    public init(_ scores: BinnedScores) {
        var thresholds: [Double] = []
        var fm: [Int] = []
        var fnm: [Int] = []
        let capacity = scores.genuine.count + scores.values.count
        thresholds.reserveCapacity(capacity)
        fm.reserveCapacity(capacity)
        fnm.reserveCapacity(capacity)
        scores.forEachTradeoffPoint { t, falseMatches, falseNonMatches in
            thresholds.append(t)
            fm.append(falseMatches)
            fnm.append(falseNonMatches)
            return true
        }
        self.thresholds = thresholds
        self.falseMatches = fm
        self.falseNonMatches = fnm
        self.impostorCount = scores.impostorCount
        self.genuineCount = scores.genuine.count
    }

    /// FMR at index k.
    @inlinable public func fmr(_ k: Int) -> Double { Double(falseMatches[k]) / Double(impostorCount) }
    /// FNMR at index k.
    @inlinable public func fnmr(_ k: Int) -> Double { Double(falseNonMatches[k]) / Double(genuineCount) }

    /// The FVC2000 equal error rate as pyeer computes it: t₂ is the first threshold with FMR ≤ FNMR,
    /// t₁ the one before (unless the rates are equal at t₂); of the two, the one with the smaller
    /// FMR + FNMR gives [EER_low, EER_high] and EER = (low + high) / 2.
    public func equalErrorRate() -> EqualErrorRate {
        let t2 = equalErrorRateIndex
        let t1 = (fmr(t2) - fnmr(t2) != 0 && t2 != 0) ? t2 - 1 : t2
        let k = fmr(t1) + fnmr(t1) <= fmr(t2) + fnmr(t2) ? t1 : t2
        let low = min(fmr(k), fnmr(k))
        let high = max(fmr(k), fnmr(k))
        return EqualErrorRate(value: (fnmr(k) + fmr(k)) / 2, low: low, high: high, similarityThreshold: thresholds[k])
    }

    /// t₂ of ``equalErrorRate()``: the first threshold with FMR ≤ FNMR (the last when there is none).
    public var equalErrorRateIndex: Int {
        thresholds.indices.first { fmr($0) - fnmr($0) <= 0 } ?? thresholds.count - 1
    }

    /// FNMR at the first threshold whose FMR is nearest to `target` (pyeer's `fmr100`, `fmr1000`; the
    /// realised FMR may exceed the target). With `target` 0 this is ZeroFMR: the lowest FNMR with no
    /// false match, when such a threshold exists.
    public func fnmrAtNearestFMR(_ target: Double) -> (fnmr: Double, fmr: Double, similarityThreshold: Double) {
        var best = 0
        var bestDistance = Double.infinity
        for k in thresholds.indices {
            let d = abs(fmr(k) - target)
            if d < bestDistance {
                bestDistance = d
                best = k
            }
        }
        return (fnmr(best), fmr(best), thresholds[best])
    }

    /// FMR at the last threshold whose FNMR is nearest to `target` (pyeer's `fnmr0` for 0: ZeroFNMR,
    /// the lowest FMR with no false non-match).
    public func fmrAtNearestFNMR(_ target: Double) -> (fmr: Double, fnmr: Double, similarityThreshold: Double) {
        var best = 0
        var bestDistance = Double.infinity
        for k in thresholds.indices {
            let d = abs(fnmr(k) - target)
            if d <= bestDistance {
                bestDistance = d
                best = k
            }
        }
        return (fmr(best), fnmr(best), thresholds[best])
    }
}

extension ErrorTradeoff {
    /// Youden's J = max over thresholds of (1 − FNMR) − FMR, with the first threshold reaching it.
    public func youdenJ() -> (value: Double, similarityThreshold: Double) {
        var best = -Double.infinity
        var at = 0
        for k in thresholds.indices {
            let j = (1 - fnmr(k)) - fmr(k)
            if j > best {
                best = j
                at = k
            }
        }
        return (best, thresholds[at])
    }

    /// The largest Matthews correlation coefficient over thresholds, with the first threshold reaching it.
    public func maxMCC() -> (value: Double, similarityThreshold: Double) {
        var best = -Double.infinity
        var at = 0
        for k in thresholds.indices {
            let tp = Double(genuineCount - falseNonMatches[k])
            let fn = Double(falseNonMatches[k])
            let fp = Double(falseMatches[k])
            let tn = Double(impostorCount - falseMatches[k])
            let denominator = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)).squareRoot()
            let mcc = denominator == 0 ? 0 : (tp * tn - fp * fn) / denominator
            if mcc > best {
                best = mcc
                at = k
            }
        }
        return (best, thresholds[at])
    }
}

/// An equal error rate with its interval and threshold (FVC2000 / pyeer convention).
public struct EqualErrorRate: Sendable, Hashable {
    /// (low + high) / 2.
    public let value: Double
    /// The smaller of FMR and FNMR at the chosen threshold.
    public let low: Double
    /// The larger of FMR and FNMR at the chosen threshold.
    public let high: Double
    /// The chosen threshold, as a similarity.
    public let similarityThreshold: Double
}
