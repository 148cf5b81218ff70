import FaceAuditParallel
import FaceAuditSorting

/// The subject-level ("subsets") bootstrap of Bolle, Ratha & Pankanti, for rates at a fixed threshold.
///
/// A replicate draws as many subjects as there are, with replacement, and keeps every comparison whose
/// subjects were drawn, weighted by multiplicity: m_s for a mated comparison of subject s, m_a·m_b for a
/// non-mated comparison of subjects a and b. Errors are pre-aggregated per subject and per subject pair
/// (only pairs with an error are stored), and the non-mated denominators of complete designs have a
/// closed form, so a replicate costs O(subjects + error pairs), never O(comparisons).
public struct SubjectBootstrap: Sendable {
    /// Tallies of one group of comparisons (a cohort, or everything) at one threshold.
    public struct Tally: Sendable {
        /// Mated errors and trials by subject: (subject, errors, trials).
        var mated: [(subject: Int, errors: Int, trials: Int)] = []
        /// Non-mated errors by subject pair (only pairs with errors), 12 bytes each: a replicate reads
        /// them all, so their size sets the bootstrap's memory traffic.
        var errorPairs: [ErrorPair] = []
        /// How the non-mated trials are counted.
        var denominator: Denominator = .sparse([])

        /// Non-mated trial counting.
        enum Denominator: Sendable {
            /// All unordered pairs of one sample set: Σ_{a<b} m_a m_b n_a n_b.
            case allPairs([(subject: Int, samples: Int)])
            /// All probe samples × all reference samples of other subjects: Σ_{a≠b} m_a m_b p_a r_b.
            case bipartite([(subject: Int, probes: Int, references: Int)])
            /// Anything else: trials per subject pair.
            case sparse([(a: Int, b: Int, trials: Int)])

            /// Weighted number of non-mated comparisons under multiplicities `m`.
            func trials(_ m: [Int]) -> Int {
                var n = 0
                switch self {
                case .allPairs(let list):
                    var sum = 0
                    var squares = 0
                    for s in list {
                        let w = m[s.subject] * s.samples
                        sum += w
                        squares += w * w
                    }
                    n = (sum * sum - squares) / 2
                case .bipartite(let list):
                    var p = 0
                    var r = 0
                    var same = 0
                    for s in list {
                        let w = m[s.subject]
                        p += w * s.probes
                        r += w * s.references
                        same += w * w * s.probes * s.references
                    }
                    n = p * r - same
                case .sparse(let list):
                    for t in list { n += m[t.a] * m[t.b] * t.trials }
                }
                return n
            }
        }

        /// A tally from pre-aggregated counts of an all-pairs design (every sample compared once with
        /// every sample of every other subject), as a streaming comparison engine produces it.
        ///
        /// - Parameters:
        ///   - mated: per subject, mated errors and trials.
        ///   - errorPairs: per subject pair with at least one false match, the number of false matches.
        ///   - samplesPerSubject: per subject, its number of samples.
        public init(
            mated: [(subject: Int, errors: Int, trials: Int)], errorPairs: [(a: Int, b: Int, errors: Int)],
            samplesPerSubject: [(subject: Int, samples: Int)]
        ) {
            self.init(
                mated: mated, errorPairs: errorPairs.map { ErrorPair(a: Int32($0.a), b: Int32($0.b), errors: Int32($0.errors)) },
                samplesPerSubject: samplesPerSubject)
        }

        /// A tally of an all-pairs design whose false matches are already aggregated by subject pair.
        init(
            mated: [(subject: Int, errors: Int, trials: Int)], errorPairs: [ErrorPair], samplesPerSubject: [(subject: Int, samples: Int)]
        ) {
            self.mated = mated
            self.errorPairs = errorPairs
            self.denominator = .allPairs(samplesPerSubject)
        }

        init() {}

        /// Weighted rate of the mated comparisons (NaN without a trial).
        public func matedRate(_ m: [Int]) -> Double { Self.rate(matedCounts(m)) }

        /// Weighted errors and trials of the mated comparisons.
        public func matedCounts(_ m: [Int]) -> (errors: Int, trials: Int) {
            var e = 0
            var n = 0
            for t in mated {
                e += m[t.subject] * t.errors
                n += m[t.subject] * t.trials
            }
            return (e, n)
        }

        /// Weighted rate of the non-mated comparisons (NaN without a trial).
        public func nonMatedRate(_ m: [Int]) -> Double { Self.rate(nonMatedCounts(m)) }

        /// Weighted errors and trials of the non-mated comparisons.
        public func nonMatedCounts(_ m: [Int]) -> (errors: Int, trials: Int) { (nonMatedErrors(m), nonMatedTrials(m)) }

        /// errors / trials; NaN without a trial.
        static func rate(_ c: (errors: Int, trials: Int)) -> Double {
            c.trials == 0 ? .nan : Double(c.errors) / Double(c.trials)
        }

        /// Weighted number of non-mated comparisons.
        func nonMatedTrials(_ m: [Int]) -> Int { denominator.trials(m) }

        /// Weighted errors of the mated comparisons, without their trials (which do not depend on the
        /// threshold: ``Design/trials(_:)``).
        func matedErrors(_ m: [Int]) -> Int {
            var e = 0
            for t in mated { e += m[t.subject] * t.errors }
            return e
        }

        /// Weighted errors of the non-mated comparisons.
        func nonMatedErrors(_ m: [Int]) -> Int {
            var e = 0
            for p in errorPairs { e += m[Int(p.a)] * m[Int(p.b)] * Int(p.errors) }
            return e
        }
    }

    /// Who is compared with whom in one group of comparisons: mated trials per subject and the
    /// non-mated denominator. It does not depend on the threshold, so a group's design is built once and
    /// tallied at every threshold (building it hashes every comparison; tallying touches only errors).
    public struct Design: Sendable {
        /// Mated trials by subject, in subject order.
        var matedTrials: [(subject: Int, trials: Int)] = []
        /// How the non-mated trials are counted.
        var denominator: Tally.Denominator = .sparse([])

        /// Weighted mated and non-mated trials under multiplicities `m`: those of every tally of this design.
        func trials(_ m: [Int]) -> (mated: Int, nonMated: Int) {
            var mated = 0
            for t in matedTrials { mated += m[t.subject] * t.trials }
            return (mated, denominator.trials(m))
        }
    }

    /// The design of the comparisons `indices` of `data` (comparisons with a NaN score are left out).
    ///
    /// Subject pairs and (subject, sample) pairs are packed into 64-bit keys, sorted and counted by runs:
    /// a dictionary and three sets per subject took a quarter of a 2,000-image run with 1,000 cohorts,
    /// where everyone's design (two million comparisons) is built for every dimension set.
    public static func design(_ data: LabeledComparisons, indices: [Int]) -> Design {
        var design = Design()
        var mated: [Int: Int] = [:]
        var trials: [UInt64] = []
        var probeSamples: [UInt64] = []
        var referenceSamples: [UInt64] = []
        var samplesKnown = true
        for k in indices {
            guard !data.scores[k].isNaN else { continue }
            let a = Int(data.probeSubject[k])
            if data.mated[k] {
                mated[a, default: 0] += 1
                continue
            }
            let b = Int(data.referenceSubject[k])
            trials.append(pairKey(a, b))
            let ps = data.probeSample[k]
            let rs = data.referenceSample[k]
            guard samplesKnown, ps >= 0, rs >= 0 else {
                samplesKnown = false
                continue
            }
            // Comparisons in image-pair order share their probe: one key for a run of them.
            let probe = UInt64(a) << 32 | UInt64(ps)
            if probeSamples.last != probe { probeSamples.append(probe) }
            referenceSamples.append(UInt64(b) << 32 | UInt64(rs))
        }
        let nonMatedCount = trials.count
        design.matedTrials = mated.map { (subject: $0.key, trials: $0.value) }.sorted { $0.subject < $1.subject }
        RadixSort.sort(&trials)
        let sparse = runs(of: trials).map { (a: Int($0.key >> 32), b: Int($0.key & 0xFFFF_FFFF), trials: $0.count) }
        design.denominator = .sparse(sparse)
        guard samplesKnown && nonMatedCount > 0 else { return design }
        // Distinct samples per subject, in each role and in either, in subject order.
        RadixSort.sort(&probeSamples)
        RadixSort.sort(&referenceSamples)
        probeSamples = distinct(probeSamples)
        referenceSamples = distinct(referenceSamples)
        let all = runs(of: distinct(merged(probeSamples, referenceSamples)), shift: 32).map { (subject: Int($0.key), samples: $0.count) }
        // Complete designs are recognised by their exact counts; each pair is then checked against them.
        let total = all.reduce(0) { $0 + $1.samples }
        let allPairs = (total * total - all.reduce(0) { $0 + $1.samples * $1.samples }) / 2
        let sizes = Dictionary(uniqueKeysWithValues: all.map { ($0.subject, $0.samples) })
        if allPairs == nonMatedCount, sparse.allSatisfy({ $0.trials == sizes[$0.a]! * sizes[$0.b]! }) {
            design.denominator = .allPairs(all)
            return design
        }
        let probes = Dictionary(uniqueKeysWithValues: runs(of: probeSamples, shift: 32).map { (Int($0.key), $0.count) })
        let references = Dictionary(uniqueKeysWithValues: runs(of: referenceSamples, shift: 32).map { (Int($0.key), $0.count) })
        let bi = all.map { (subject: $0.subject, probes: probes[$0.subject] ?? 0, references: references[$0.subject] ?? 0) }
        let p = bi.reduce(0) { $0 + $1.probes }
        let r = bi.reduce(0) { $0 + $1.references }
        let byS = Dictionary(uniqueKeysWithValues: bi.map { ($0.subject, ($0.probes, $0.references)) })
        if p * r - bi.reduce(0, { $0 + $1.probes * $1.references }) == nonMatedCount,
            sparse.allSatisfy({ $0.trials == byS[$0.a]!.0 * byS[$0.b]!.1 + byS[$0.b]!.0 * byS[$0.a]!.1 })
        {
            design.denominator = .bipartite(bi)
        }
        return design
    }

    /// The runs of equal `key >> shift` in sorted `keys`: each value and how many keys share it, ascending.
    /// Exactly as many as there are (the error pairs made of them are kept for subjects.json, so growth by
    /// doubling would keep up to twice their size alive).
    static func runs(of keys: [UInt64], shift: UInt64 = 0) -> [(key: UInt64, count: Int)] {
        var runs: [(key: UInt64, count: Int)] = []
        runs.reserveCapacity(keys.indices.count { $0 == 0 || keys[$0] >> shift != keys[$0 - 1] >> shift })
        var start = 0
        while start < keys.count {
            let value = keys[start] >> shift
            var end = start + 1
            while end < keys.count && keys[end] >> shift == value { end += 1 }
            runs.append((value, end - start))
            start = end
        }
        return runs
    }

    /// Sorted `a` and `b` together, sorted.
    static func merged(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(a.count + b.count)
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] <= b[j]) {
                out.append(a[i])
                i += 1
            } else {
                out.append(b[j])
                j += 1
            }
        }
        return out
    }

    /// Sorted `keys` without repeats.
    static func distinct(_ keys: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(keys.count)
        for key in keys where out.last != key { out.append(key) }
        return out
    }

    /// Builds the tally of the comparisons `indices` of `data` at similarity threshold τ.
    public static func tally(_ data: LabeledComparisons, indices: [Int], threshold tau: Double) -> Tally {
        tally(data, indices: indices, threshold: tau, design: design(data, indices: indices))
    }

    /// The tally at τ of comparisons whose ``design(_:indices:)`` is already known.
    public static func tally(_ data: LabeledComparisons, indices: [Int], threshold tau: Double, design: Design) -> Tally {
        var tally = Tally()
        var matedErrors: [Int: Int] = [:]
        var errors: [UInt64] = []
        for k in indices {
            let score = data.scores[k]
            guard !score.isNaN else { continue }
            if data.mated[k] {
                if score < tau { matedErrors[Int(data.probeSubject[k]), default: 0] += 1 }
            } else if score >= tau {
                errors.append(pairKey(Int(data.probeSubject[k]), Int(data.referenceSubject[k])))
            }
        }
        tally.mated = design.matedTrials.map { (subject: $0.subject, errors: matedErrors[$0.subject] ?? 0, trials: $0.trials) }
        tally.errorPairs = errorPairs(&errors)
        tally.denominator = design.denominator
        return tally
    }

    /// The key of an unordered subject pair.
    static func pairKey(_ a: Int, _ b: Int) -> UInt64 { UInt64(min(a, b)) << 32 | UInt64(max(a, b)) }

    /// A subject pair (a < b) and its number of false matches.
    struct ErrorPair: Sendable, Equatable {
        /// The lower subject index.
        var a: Int32
        /// The higher subject index.
        var b: Int32
        /// False matches between them.
        var errors: Int32
    }

    /// The error pairs, in subject-pair order, of one ``pairKey(_:_:)`` per false match (sorted in place).
    static func errorPairs(_ keys: inout [UInt64]) -> [ErrorPair] {
        RadixSort.sort(&keys)
        return runs(of: keys).map { ErrorPair(a: Int32($0.key >> 32), b: Int32(truncatingIfNeeded: $0.key), errors: Int32($0.count)) }
    }

    /// ``run(subjects:replicates:seed:_:)`` with the statistic evaluated on up to `threads` threads.
    ///
    /// The resamples are drawn in the same order from the same generator, a batch at a time, and the
    /// results keep replicate order, so the answer never depends on the number of threads.
    public static func run<T: Sendable>(
        subjects: Int, replicates: Int, seed: UInt64, threads: Int, _ statistic: @Sendable ([Int]) -> T
    ) -> [T] {
        guard threads > 1 else { return run(subjects: subjects, replicates: replicates, seed: seed, statistic) }
        var rng = SplitMix64(seed: seed)
        var results: [T] = []
        results.reserveCapacity(replicates)
        let batch = 16 * threads
        while results.count < replicates {
            var draws: [[Int]] = []
            for _ in 0..<min(batch, replicates - results.count) {
                var m = [Int](repeating: 0, count: subjects)
                for _ in 0..<subjects { m[rng.below(subjects)] += 1 }
                draws.append(m)
            }
            let ready = draws
            results += parallelMap(count: ready.count, threads: threads) { statistic(ready[$0]) }
        }
        return results
    }

    /// Draws `replicates` subject resamples and returns, for each, `statistic` of the multiplicities.
    public static func run<T>(subjects: Int, replicates: Int, seed: UInt64, _ statistic: ([Int]) -> T) -> [T] {
        var rng = SplitMix64(seed: seed)
        var m = [Int](repeating: 0, count: subjects)
        var results: [T] = []
        results.reserveCapacity(replicates)
        for _ in 0..<replicates {
            for i in m.indices { m[i] = 0 }
            for _ in 0..<subjects { m[rng.below(subjects)] += 1 }
            results.append(statistic(m))
        }
        return results
    }

    /// A percentile interval of bootstrap replicates that counts the replicates where the statistic is
    /// undefined (NaN: a ratio 0/0, a rate without trials in the resample) instead of dropping them.
    public struct Interval: Sendable, Hashable {
        /// The bounds; nil when the interval is not estimable.
        public var bounds: BinomialInterval?
        /// The share of replicates in which the statistic was undefined (0...1).
        public var undefinedShare: Double

        /// Whether the interval could be estimated whatever values the undefined replicates stand for.
        public var estimable: Bool { bounds != nil }
    }

    /// The percentile interval [α/2, 1 − α/2] of all replicates, with linear interpolation between order
    /// statistics (numpy's default), counting undefined (NaN) replicates rather than dropping them.
    ///
    /// An undefined replicate is a value the resample could not give; it may stand for any value. So the
    /// lower bound is taken with every undefined replicate placed below all others, and the upper bound
    /// with every one placed above: the bounds hold whatever the undefined replicates stand for. When a
    /// bound falls on (or interpolates with) an undefined replicate, the interval needs them and is not
    /// estimable (`bounds` nil). Infinite values (a ratio x/0 with x > 0) are defined and ordered as such:
    /// the upper bound may be +∞ (no upper limit; JSON `null`), but a lower bound of +∞ is not estimable.
    /// Without undefined replicates this is the plain percentile interval.
    public static func interval(_ values: [Double], alpha: Double = 0.05) -> Interval {
        let defined = values.filter { !$0.isNaN }.sorted()
        let undefined = values.count - defined.count
        let share = values.isEmpty ? 1 : Double(undefined) / Double(values.count)
        guard !defined.isEmpty else { return Interval(bounds: nil, undefinedShare: share) }
        let n = values.count
        // The value at rank r (0-based) of all n replicates, undefined ones first or last; nil for
        // a rank held by an undefined replicate.
        func ranked(_ r: Int, undefinedFirst: Bool) -> Double? {
            let i = undefinedFirst ? r - undefined : r
            return defined.indices.contains(i) ? defined[i] : nil
        }
        func quantile(_ q: Double, undefinedFirst: Bool) -> Double? {
            let h = q * Double(n - 1)
            let lo = Int(h.rounded(.down))
            let hi = min(lo + 1, n - 1)
            let w = h - Double(lo)
            guard let a = ranked(lo, undefinedFirst: undefinedFirst) else { return nil }
            if w == 0 { return a }
            guard let b = ranked(hi, undefinedFirst: undefinedFirst) else { return nil }
            return b == .infinity ? .infinity : a + w * (b - a)
        }
        guard let lower = quantile(alpha / 2, undefinedFirst: true), lower.isFinite,
            let upper = quantile(1 - alpha / 2, undefinedFirst: false)
        else {
            return Interval(bounds: nil, undefinedShare: share)
        }
        return Interval(bounds: BinomialInterval(lower: lower, upper: upper), undefinedShare: share)
    }

    /// The bounds of ``interval(_:alpha:)``: nil when not estimable (no defined value, or a bound that
    /// needs the undefined replicates).
    public static func percentileInterval(_ values: [Double], alpha: Double = 0.05) -> BinomialInterval? {
        interval(values, alpha: alpha).bounds
    }
}
