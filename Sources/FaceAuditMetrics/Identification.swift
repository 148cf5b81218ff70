/// The scores of one 1:N search: its probe against every gallery reference.
///
/// `mated` holds the scores against the probe's own references (empty for a probe whose subject is not
/// enrolled: an open-set, non-mated search); `nonMated` the scores against everyone else.
///
/// A probe whose every comparison is NaN had no usable template: a failure to acquire (``failure``). It
/// still counts as a search, as NIST FRTE counts a search whose template could not be made: when mated, a
/// miss at every rank and threshold (CMC, DIR, FNIR); when non-mated, no false alarm (FPIR's denominator).
public struct SearchScores: Sendable, Hashable {
    /// Similarities against the probe's own references (usually one).
    public var mated: [Double]
    /// Similarities against other subjects' references.
    public var nonMated: [Double]
    /// Set when the probe failed to acquire (every score NaN) or its mate could not be compared (every mated
    /// score NaN); says whether its subject is enrolled. A mated failure is a miss.
    public var failure: Failure?

    /// A search whose probe failed to acquire (every score NaN).
    public enum Failure: Sendable, Hashable {
        /// The probe's subject is enrolled: a mated search that fails.
        case mated
        /// The probe's subject is not enrolled.
        case nonMated
    }

    /// Creates a search.
    public init(mated: [Double], nonMated: [Double], failure: Failure? = nil) {
        self.mated = mated
        self.nonMated = nonMated
        self.failure = failure
    }

    /// Whether the probe's subject is enrolled (including a failed probe's).
    public var isMated: Bool { !mated.isEmpty || failure == .mated }

    /// The rank of the mate, 0-based: the number of non-mated scores ≥ the best mated score (bob's
    /// convention: ties count against the mate). `nil` for a non-mated search.
    public var mateRank: Int? {
        guard let best = mated.max() else { return nil }
        return nonMated.reduce(0) { $0 + ($1 >= best ? 1 : 0) }
    }
}

/// 1:N identification metrics with bob.measure's conventions, and NIST's FNIR/FPIR names.
public enum Identification {
    /// The cumulative match characteristic over mated searches: element r−1 is the share of searches
    /// whose mate is at rank ≤ r. Its length is the largest gallery size + 1 (bob's `cmc`).
    ///
    /// A mated search whose probe failed to acquire is in the denominator and never in the histogram.
    public static func cmc(_ searches: [SearchScores]) -> [Double] {
        let mated = searches.filter(\.isMated)
        guard !mated.isEmpty else { return [] }
        let length = (mated.map(\.nonMated.count).max() ?? 0) + 1
        var histogram = [Int](repeating: 0, count: length)
        for search in mated { if let rank = search.mateRank { histogram[rank] += 1 } }
        var cumulative = 0
        return histogram.map { count in
            cumulative += count
            return Double(cumulative) / Double(mated.count)
        }
    }

    /// Detection and identification rate at threshold τ and rank R: the share of mated searches whose
    /// mate scores ≥ τ and is within rank R. 1 − this is FNIR(N, R, τ).
    public static func detectionIdentificationRate(_ searches: [SearchScores], threshold: Double, rank: Int = 1) -> ErrorCount {
        var hits = 0
        var total = 0
        for search in searches where search.isMated {
            total += 1
            guard let best = search.mated.max(), let r = search.mateRank else { continue }  // failed to acquire: a miss
            if best >= threshold && r < rank { hits += 1 }
        }
        return ErrorCount(errors: hits, trials: total)
    }

    /// False-alarm rate at τ, FPIR(N, τ): the share of non-mated searches (no mate enrolled) with any
    /// candidate scoring ≥ τ.
    public static func falseAlarmRate(_ searches: [SearchScores], threshold: Double) -> ErrorCount {
        var alarms = 0
        var total = 0
        for search in searches where !search.isMated {
            total += 1
            if let top = search.nonMated.max(), top >= threshold { alarms += 1 }
        }
        return ErrorCount(errors: alarms, trials: total)
    }

    /// FNIR(N, R, τ): mated searches whose mate is not returned within rank R at or above τ.
    public static func fnir(_ searches: [SearchScores], threshold: Double, rank: Int) -> ErrorCount {
        let dir = detectionIdentificationRate(searches, threshold: threshold, rank: rank)
        return ErrorCount(errors: dir.trials - dir.errors, trials: dir.trials)
    }
}
