/// Comparisons with their subjects, samples and — for one set of cohort dimensions — cohorts.
///
/// Cohort indices refer to ``cohortNames``; −1 means "in no cohort of this set" (e.g. a mated pair whose
/// two images carry different labels). A non-mated comparison counts towards cohort c's FMR only when
/// both sides are in c (within-cohort, "demographically matched" pairs); every non-mated comparison
/// also lands in the cross-cohort matrix cell (probe cohort, reference cohort).
public struct LabeledComparisons: Sendable {
    /// Similarities (NaN = failure to acquire).
    public var scores: [Double] = []
    /// Mated (same subject) or not.
    public var mated: [Bool] = []
    /// Probe subject index.
    public var probeSubject: [Int32] = []
    /// Reference subject index.
    public var referenceSubject: [Int32] = []
    /// Probe sample (image) index, or −1 when unknown.
    public var probeSample: [Int32] = []
    /// Reference sample (image) index, or −1 when unknown.
    public var referenceSample: [Int32] = []
    /// Image-level cohort of the probe side.
    public var probeCohort: [Int32] = []
    /// Image-level cohort of the reference side.
    public var referenceCohort: [Int32] = []
    /// Pair-level cohort of a mated comparison (age: band of the mean age), −1 for none or non-mated.
    public var matedCohort: [Int32] = []
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
}
