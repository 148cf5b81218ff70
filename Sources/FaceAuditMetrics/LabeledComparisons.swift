import FaceAuditScoring
import FaceAuditSorting

/// Comparisons with their subjects, samples and — for one set of cohort dimensions — cohorts.
///
/// Cohort indices refer to ``cohortNames``; −1 means "in no cohort of this set" (e.g. a mated pair whose
/// two images carry different labels). A non-mated comparison counts towards cohort c's FMR only when
/// both sides are in c (within-cohort, "demographically matched" pairs); every non-mated comparison
/// also lands in the cross-cohort matrix cell (probe cohort, reference cohort).
public struct LabeledComparisons: Sendable {
    /// Similarities (NaN = failure to acquire).
    public var scores: [Double] = [] { didSet { grouped = nil } }
    /// Mated (same subject) or not.
    public var mated: [Bool] = [] { didSet { grouped = nil } }
    /// Probe subject index.
    public var probeSubject: [Int32] = []
    /// Reference subject index.
    public var referenceSubject: [Int32] = []
    /// Probe sample (image) index, or −1 when unknown.
    public var probeSample: [Int32] = []
    /// Reference sample (image) index, or −1 when unknown.
    public var referenceSample: [Int32] = []
    /// Image-level cohort of the probe side.
    public var probeCohort: [Int32] = [] { didSet { grouped = nil } }
    /// Image-level cohort of the reference side.
    public var referenceCohort: [Int32] = [] { didSet { grouped = nil } }
    /// Pair-level cohort of a mated comparison (age: band of the mean age), −1 for none or non-mated.
    public var matedCohort: [Int32] = [] { didSet { grouped = nil } }
    /// The sorted scores ``groupScores(order:)`` stored; forgotten whenever the scores, the mated flags or
    /// the cohorts change, so they always belong to them.
    private var grouped: GroupedScores?
    /// Cohort names, e.g. `gender=female`.
    public var cohortNames: [String] = []
    /// Number of distinct subjects (indices run 0..<subjectCount).
    public var subjectCount: Int = 0

    /// Creates an empty set.
    public init() {}

    /// Number of comparisons.
    public var count: Int { scores.count }

    /// Whether comparison k is a within-cohort non-mated comparison of cohort c.
    @inlinable public func isWithinNonMated(_ k: Int, cohort c: Int32) -> Bool {
        !mated[k] && probeCohort[k] == c && referenceCohort[k] == c
    }

    /// The cohort whose rates comparison k counts towards: a mated comparison's pair-level cohort
    /// (``matedCohort``, for its FNMR), a non-mated one's when both its sides are in one cohort (for its
    /// FMR); −1 for none.
    @inlinable public func cohort(of k: Int) -> Int32 {
        mated[k] ? matedCohort[k] : (probeCohort[k] == referenceCohort[k] ? probeCohort[k] : -1)
    }
}

extension LabeledComparisons {
    /// Comparisons by ascending score (−0 before +0, as ``RadixSort`` orders), those whose score is NaN
    /// apart: any of them taken in this order has its scores sorted.
    public struct ScoreOrder: Sendable {
        /// Comparisons with a score, by ascending score.
        let scored: [UInt32]
        /// Their scores, in that order.
        let sorted: [Double]
        /// Comparisons whose score is NaN, in index order.
        let failed: [UInt32]

        /// The order of `scores` (at most 2³² of them).
        public init(_ scores: [Double]) {
            precondition(scores.count <= Int(UInt32.max), "at most 2^32 comparisons")
            var values: [Double] = []
            var index: [UInt32] = []
            var failed: [UInt32] = []
            values.reserveCapacity(scores.count)
            index.reserveCapacity(scores.count)
            for (k, s) in scores.enumerated() {
                if s.isNaN {
                    failed.append(UInt32(k))
                } else {
                    values.append(s)
                    index.append(UInt32(k))
                }
            }
            let order = RadixSort.order(values)
            self.scored = order.map { index[Int($0)] }
            self.sorted = order.map { values[Int($0)] }
            self.failed = failed
        }

        /// Everyone's scores, mated (`mated[k]`) and not, sorted, in the units of `polarity` (the scores
        /// ordered are similarities): what ``SortedScores/init(genuine:impostor:polarity:)`` gives them,
        /// without sorting them again.
        public func sortedScores(mated: [Bool], polarity: ScorePolarity) -> SortedScores {
            precondition(mated.count == count, "one mated flag per comparison")
            var genuine: [Double] = []
            var impostor: [Double] = []
            for (k, s) in zip(scored, sorted) {
                if mated[Int(k)] { genuine.append(s) } else { impostor.append(s) }
            }
            let genuineFailures = failed.count { mated[Int($0)] }
            return SortedScores(
                sortedGenuine: genuine, sortedImpostor: impostor, genuineFailures: genuineFailures,
                impostorFailures: failed.count - genuineFailures, polarity: polarity)
        }

        /// How many comparisons it orders.
        public var count: Int { scored.count + failed.count }
    }

    /// Everyone's scores and each cohort's, sorted: everyone's of every comparison; cohort c's of its mated
    /// comparisons by pair-level cohort (``matedCohort``) and its within-cohort non-mated ones (both sides
    /// in c), as per-cohort FMR and FNMR count them. NaN scores are failures.
    public struct GroupedScores: Sendable {
        /// Every comparison.
        public let overall: SortedScores
        /// Per cohort, in ``cohortNames`` order.
        public let cohorts: [SortedScores]
    }

    /// The ``GroupedScores``: those stored by ``groupScores(order:)``, or made now (one sort).
    public var groupedScores: GroupedScores { grouped ?? Self.group(self, order: ScoreOrder(scores)) }

    /// Sorts the scores once into ``groupedScores`` for every analysis of these comparisons to read
    /// (they were sorted again by each: the overall analysis, inequity curves, curves and mitigation, at
    /// every dimension set). `order`, when given, must be that of ``scores`` (shared by every dimension
    /// set of one run, whose comparisons differ only in their cohorts).
    public mutating func groupScores(order: ScoreOrder? = nil) {
        precondition(order.map { $0.count == scores.count } ?? true, "a score order of other comparisons")
        grouped = Self.group(self, order: order ?? ScoreOrder(scores))
    }

    /// Each group's scores, appended in `order`, so already sorted.
    private static func group(_ data: LabeledComparisons, order: ScoreOrder) -> GroupedScores {
        let cohortCount = data.cohortNames.count
        var genuine = [[Double]](repeating: [], count: cohortCount + 1)
        var impostor = [[Double]](repeating: [], count: cohortCount + 1)
        var genuineFailures = [Int](repeating: 0, count: cohortCount + 1)
        var impostorFailures = [Int](repeating: 0, count: cohortCount + 1)
        /// The cohort of comparison k, or `cohortCount` for none.
        func cohort(_ k: Int) -> Int {
            let c = Int(data.cohort(of: k))
            return c >= 0 && c < cohortCount ? c : cohortCount
        }
        // Each comparison's group (cohort · 2 + mated), worked out in index order; the pass in score order
        // then reads one array where it jumps about (it read five, half of its time going to the jumps).
        let codes = (0..<data.count).map { k in UInt32(cohort(k) << 1 | (data.mated[k] ? 1 : 0)) }
        var everyoneGenuine: [Double] = []
        var everyoneImpostor: [Double] = []
        for (k, s) in zip(order.scored, order.sorted) {
            let code = Int(codes[Int(k)])
            let c = code >> 1
            if code & 1 != 0 {
                everyoneGenuine.append(s)
                if c < cohortCount { genuine[c].append(s) }
            } else {
                everyoneImpostor.append(s)
                if c < cohortCount { impostor[c].append(s) }
            }
        }
        var everyoneFailures = (genuine: 0, impostor: 0)
        for k32 in order.failed {
            let k = Int(k32)
            let c = cohort(k)
            if data.mated[k] {
                everyoneFailures.genuine += 1
                genuineFailures[c] += 1
            } else {
                everyoneFailures.impostor += 1
                impostorFailures[c] += 1
            }
        }
        return GroupedScores(
            overall: SortedScores(
                sortedGenuine: everyoneGenuine, sortedImpostor: everyoneImpostor, genuineFailures: everyoneFailures.genuine,
                impostorFailures: everyoneFailures.impostor),
            cohorts: (0..<cohortCount).map {
                SortedScores(
                    sortedGenuine: genuine[$0], sortedImpostor: impostor[$0], genuineFailures: genuineFailures[$0],
                    impostorFailures: impostorFailures[$0])
            })
    }
}
