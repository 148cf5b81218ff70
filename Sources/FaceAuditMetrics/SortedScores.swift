import FaceAuditScoring
import FaceAuditSorting

/// Mated and non-mated similarity scores, sorted ascending, with failures to acquire (NaN) counted apart.
///
/// Build it once; every verification metric reads it. Counting at a threshold is a binary search, so a
/// rate at any τ costs O(log n).
public struct SortedScores: Sendable {
    /// Completed mated (genuine) similarities, ascending.
    public let genuine: [Double]
    /// Completed non-mated (impostor) similarities, ascending.
    public let impostor: [Double]
    /// Mated comparisons whose score is NaN (failure to acquire).
    public let genuineFailures: Int
    /// Non-mated comparisons whose score is NaN.
    public let impostorFailures: Int
    /// How the original scores are oriented; thresholds are reported in these units.
    public let polarity: ScorePolarity

    /// Sorts raw scores (in `polarity` units); NaN scores become failures to acquire.
    public init(genuine: [Double], impostor: [Double], polarity: ScorePolarity = .similarity) {
        var g = genuine.compactMap { $0.isNaN ? nil : polarity.similarity($0) }
        var i = impostor.compactMap { $0.isNaN ? nil : polarity.similarity($0) }
        RadixSort.sort(&g)
        RadixSort.sort(&i)
        self.genuine = g
        self.impostor = i
        self.genuineFailures = genuine.count - g.count
        self.impostorFailures = impostor.count - i.count
        self.polarity = polarity
    }

    /// Wraps scores that are already similarities, sorted ascending and free of NaN.
    public init(
        sortedGenuine: [Double], sortedImpostor: [Double], genuineFailures: Int = 0, impostorFailures: Int = 0,
        polarity: ScorePolarity = .similarity
    ) {
        self.genuine = sortedGenuine
        self.impostor = sortedImpostor
        self.genuineFailures = genuineFailures
        self.impostorFailures = impostorFailures
        self.polarity = polarity
    }

    /// False matches at similarity threshold τ: non-mated scores ≥ τ.
    public func falseMatches(at tau: Double) -> ErrorCount {
        ErrorCount(errors: impostor.count - Self.lowerBound(impostor, tau), trials: impostor.count)
    }

    /// False non-matches at similarity threshold τ: mated scores < τ.
    public func falseNonMatches(at tau: Double) -> ErrorCount {
        ErrorCount(errors: Self.lowerBound(genuine, tau), trials: genuine.count)
    }

    /// Index of the first element ≥ `value` in an ascending array.
    @inlinable public static func lowerBound(_ sorted: [Double], _ value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) >> 1
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
