/// Several runs on the same people, resampled together: one subject bootstrap whose every replicate draws
/// one multiset of subjects and evaluates every run's statistic on it, so the interval of a difference
/// between runs reflects only how the runs differ on the same people.
///
/// The resampling is ``SubjectBootstrap``'s, draw for draw: `subjects` draws with replacement from the
/// same ``SplitMix64`` stream (`seed`) per replicate; a mated comparison of subject s weighs m_s, a
/// non-mated comparison of subjects a ≠ b weighs m_a·m_b (a subject drawn twice is not compared with
/// itself). So with the run's own replicates, seed and subject count, one run's interval here is the
/// interval the run reported, and undefined replicates (a rate without trials, a ratio 0/0) count as
/// ``SubjectBootstrap/interval(_:alpha:)`` counts them.
public enum PairedBootstrap {
    /// The error rate compared.
    public enum Metric: String, Sendable, CaseIterable {
        /// False match rate (non-mated comparisons).
        case fmr
        /// False non-match rate (mated comparisons).
        case fnmr
    }

    /// The difference between two runs' statistics.
    public struct Difference: Sendable {
        /// The run subtracted (index into the statistics).
        public var from: Int
        /// The other run.
        public var to: Int
        /// statistic[to] − statistic[from] on the observed data (NaN when either is undefined).
        public var value: Double
        /// Its percentile interval over the shared replicates.
        public var interval: SubjectBootstrap.Interval
    }

    /// Each run's statistic on the data and over the shared replicates, and every pairwise difference.
    public struct Result: Sendable {
        /// Each statistic with every subject drawn once (the observed value).
        public var values: [Double]
        /// Each statistic's percentile interval.
        public var intervals: [SubjectBootstrap.Interval]
        /// statistic[j] − statistic[i] for every i < j.
        public var differences: [Difference]
        /// statistic[j] / statistic[i] for every i < j (``Difference/value`` holds the quotient), by IEEE
        /// division per replicate: 0/0 and ∞/∞ are undefined (NaN), x/0 with x > 0 is +∞ and x/∞ is 0. The
        /// percentile interval of a quotient of ratios is that of the difference of their logarithms, mapped
        /// back (percentiles commute with monotone maps), so this is how much larger one run's ratio is.
        public var quotients: [Difference]
    }

    /// Bootstraps `statistics` (one per run, each a function of the subject multiplicities) together.
    ///
    /// - Parameters:
    ///   - subjects: the number of subjects every run indexes (0..<subjects), drawn per replicate.
    ///   - replicates: bootstrap replicates.
    ///   - seed: the generator's seed.
    ///   - alpha: 1 − confidence.
    ///   - threads: threads for the replicates (the result does not depend on it).
    public static func run(
        subjects: Int, replicates: Int, seed: UInt64, alpha: Double, threads: Int = 1, statistics: [@Sendable ([Int]) -> Double]
    ) -> Result {
        let ones = [Int](repeating: 1, count: subjects)
        let values = statistics.map { $0(ones) }
        let samples = SubjectBootstrap.run(subjects: subjects, replicates: replicates, seed: seed, threads: threads) { m in
            statistics.map { $0(m) }
        }
        let intervals = statistics.indices.map { i in SubjectBootstrap.interval(samples.map { $0[i] }, alpha: alpha) }
        var differences: [Difference] = []
        var quotients: [Difference] = []
        for i in statistics.indices {
            for j in statistics.indices where j > i {
                differences.append(
                    Difference(
                        from: i, to: j, value: values[j] - values[i],
                        interval: SubjectBootstrap.interval(samples.map { $0[j] - $0[i] }, alpha: alpha)))
                quotients.append(
                    Difference(
                        from: i, to: j, value: values[j] / values[i],
                        interval: SubjectBootstrap.interval(samples.map { $0[j] / $0[i] }, alpha: alpha)))
            }
        }
        return Result(values: values, intervals: intervals, differences: differences, quotients: quotients)
    }

    /// Bootstraps one rate of one group (a cohort, or everyone) in each run together.
    public static func rates(
        _ tallies: [SubjectBootstrap.Tally], metric: Metric, subjects: Int, replicates: Int, seed: UInt64, alpha: Double,
        threads: Int = 1
    ) -> Result {
        run(
            subjects: subjects, replicates: replicates, seed: seed, alpha: alpha, threads: threads,
            statistics: tallies.map { tally in { tally.rate(metric, $0) } })
    }

    /// Bootstraps each run's ratio of a rate in its worst group to the rate in its best (each run names
    /// its own pair of groups) together.
    public static func ratios(
        _ pairs: [(worst: SubjectBootstrap.Tally, best: SubjectBootstrap.Tally)], metric: Metric, subjects: Int, replicates: Int,
        seed: UInt64, alpha: Double, threads: Int = 1
    ) -> Result {
        run(
            subjects: subjects, replicates: replicates, seed: seed, alpha: alpha, threads: threads,
            statistics: pairs.map { pair in { pair.worst.rate(metric, $0) / pair.best.rate(metric, $0) } })
    }
}
