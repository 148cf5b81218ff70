/// Summary statistics of the two score distributions.
public enum ScoreStatistics {
    /// Area under the ROC curve as the Mann–Whitney statistic: the probability that a random mated
    /// score exceeds a random non-mated score, ties counted ½. Exact (integer counts) in one merge pass.
    public static func auc(_ scores: SortedScores) -> Double {
        let g = scores.genuine
        let i = scores.impostor
        guard !g.isEmpty, !i.isEmpty else { return .nan }
        var below = 0  // non-mated scores < current mated score
        var equal = 0  // non-mated scores == current mated score
        var twiceWins: UInt64 = 0
        var b = 0
        var a = 0
        while a < g.count {
            let s = g[a]
            while b < i.count && i[b] < s { b += 1 }
            below = b
            var e = b
            while e < i.count && i[e] == s { e += 1 }
            equal = e - b
            var run = 0
            while a < g.count && g[a] == s {
                run += 1
                a += 1
            }
            twiceWins += UInt64(run) * UInt64(2 * below + equal)
        }
        return Double(twiceWins) / 2 / (Double(g.count) * Double(i.count))
    }

    /// bob.measure's `roc_auc_score`: the trapezoid area under a ROC sampled at `points` of bob's
    /// "meaningful" thresholds (see ``CurvePoints``). An approximation of ``auc(_:)``, kept because
    /// bob users quote it.
    public static func bobROCAUC<S: ScoreDistribution>(_ scores: S, points: Int = 2000, minPower: Int = -8) -> Double {
        trapezoidArea(CurvePoints.sample(scores, count: points, minPower: minPower))
    }

    /// The area under the ROC (1 − FNMR against FMR) through `curve`, by trapezoids.
    static func trapezoidArea(_ curve: [CurvePoint]) -> Double {
        var area = 0.0
        for k in 1..<curve.count {
            area += (curve[k].fmr - curve[k - 1].fmr) * ((1 - curve[k].fnmr) + (1 - curve[k - 1].fnmr)) / 2
        }
        return -area
    }

    /// ``auc(_:)`` of binned scores: a mated score inside a bin's range counts the whole bin as tied (½).
    public static func auc(_ scores: BinnedScores) -> Double {
        let g = scores.genuine
        let v = scores.values
        let n = scores.impostorCount
        guard !g.isEmpty, n > 0 else { return .nan }
        var twiceWins: UInt64 = 0
        var b = 0
        var a = 0
        while a < g.count {
            let s = g[a]
            while b < v.count && v[b] < s { b += 1 }
            // Runs below s, except a bin whose range holds s, which counts as tied.
            var below = n - scores.atOrAbove[b]
            var equal = b < v.count && v[b] == s ? scores.counts[b] : 0
            if equal == 0, b > 0, s < scores.upperEdge(b - 1) {
                below -= scores.counts[b - 1]
                equal = scores.counts[b - 1]
            }
            var run = 0
            while a < g.count && g[a] == s {
                run += 1
                a += 1
            }
            twiceWins += UInt64(run) * UInt64(2 * below + equal)
        }
        return Double(twiceWins) / 2 / (Double(g.count) * Double(n))
    }

    /// Mean and population standard deviation (divisor n), as pyeer reports them.
    public static func meanAndDeviation(_ values: [Double]) -> (mean: Double, deviation: Double) {
        guard !values.isEmpty else { return (.nan, .nan) }
        var sum = 0.0
        for v in values { sum += v }
        let mean = sum / Double(values.count)
        var squares = 0.0
        for v in values { squares += (v - mean) * (v - mean) }
        return (mean, (squares / Double(values.count)).squareRoot())
    }

    /// Decidability d′ = |μ_g − μ_i| / √((σ_g² + σ_i²) / 2) (binned non-mated scores: each run at its value).
    public static func decidability<S: ScoreDistribution>(_ scores: S) -> Double {
        decidability(genuine: meanAndDeviation(scores.genuine), impostor: scores.impostorMeanAndDeviation)
    }

    /// ``decidability(_:)`` from the two means and deviations, for a caller that has them already (a
    /// streamed run's non-mated ones take a pass over every kept score).
    public static func decidability(genuine g: (mean: Double, deviation: Double), impostor i: (mean: Double, deviation: Double)) -> Double {
        abs(g.mean - i.mean) / (0.5 * (g.deviation * g.deviation + i.deviation * i.deviation)).squareRoot()
    }

    /// The median of an ascending array (mean of the middle two for an even count); NaN when empty.
    public static func median(sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
