import FaceAuditSorting

/// The comparisons of an all-pairs design too large to keep every score, labeled with the cohorts of
/// one set of dimensions: who every sample is, every mated comparison, the most similar non-mated
/// comparisons exactly, and the other non-mated comparisons as histogram counts.
///
/// Every sample is compared once with every other sample; a comparison is mated when both samples
/// show the same subject. Samples are indexed 0..<``sampleCount`` and a comparison is written with its
/// lower sample index first (the "probe") and its higher second (the "reference").
/// ``CohortAnalysis/analyze(_:dimensions:options:)-(StreamedComparisons,_,_)`` reads it.
public struct StreamedComparisons: Sendable {
    /// Cohort names, e.g. `gender=female`: first the image-level cohorts, then any cohort only a mated
    /// pair has (the band of a mean age).
    public var cohortNames: [String] = []
    /// Number of distinct subjects (indices run 0..<subjectCount).
    public var subjectCount = 0
    /// Subject of every sample.
    public var sampleSubject: [Int32] = []
    /// Image-level cohort of every sample (−1: none).
    public var sampleCohort: [Int32] = []
    /// Whether a sample has a template; comparisons with a sample without one are failures to acquire.
    public var sampleCompleted: [Bool] = []

    /// Lower sample of every mated comparison.
    public var matedProbe: [Int32] = []
    /// Higher sample of every mated comparison.
    public var matedReference: [Int32] = []
    /// Similarity of every mated comparison (NaN: a sample has no template).
    public var matedScores: [Double] = []
    /// Pair-level cohort of every mated comparison (−1: none).
    public var matedCohort: [Int32] = []

    /// Lower sample of every non-mated comparison kept exactly. The exact comparisons (this,
    /// ``exactReference`` and ``exactScores``, set together by ``setExact(probe:reference:scores:)``)
    /// are in ascending order of similarity, so that the false matches at any threshold are a suffix of
    /// them (``exactIndices(atLeast:)``).
    public private(set) var exactProbe: [Int32] = []
    /// Higher sample of every non-mated comparison kept exactly.
    public private(set) var exactReference: [Int32] = []
    /// Similarity of every non-mated comparison kept exactly: all completed ones ≥ ``exactFrom``.
    public private(set) var exactScores: [Double] = []
    /// Every completed non-mated similarity at or above this is kept exactly.
    public var exactFrom = -Double.infinity

    /// The class of every exact comparison's pair of samples, when known (``setExactClasses(sampleGroup:classOfGroups:groups:classes:)``):
    /// classes such that the two samples of every comparison of one class are in one cohort, or not, the
    /// same for every comparison of the class, in every labeling that sets ``cohortOfClass`` (a run's
    /// histograms of pairs of cells, for labelings by its scheme's dimensions).
    /// Empty: each comparison's cohort is looked up from its samples'.
    public private(set) var exactClass: [UInt16] = []
    /// Exact comparisons per class of ``exactClass``.
    public private(set) var exactClassCounts: [Int] = []
    /// This labeling's cohort of every class of ``exactClass`` (−1: its samples are in different cohorts,
    /// or in none); read only with ``exactClass``, and then one per class.
    public var cohortOfClass: [Int32] = []

    /// Edges of the histogram bins of the other non-mated similarities, ascending (one more than bins;
    /// the last at most ``exactFrom``).
    public var binEdges: [Double] = []
    /// Completed non-mated comparisons below ``exactFrom`` per bin, all cohorts together.
    public var overallBins: [Int] = []
    /// Completed within-cohort non-mated comparisons below ``exactFrom`` per bin, per cohort.
    public var cohortBins: [[Int]] = []
    /// The overall group's scores when already computed: they are the same for every labeling of one
    /// run, so a run sorts them once and every dimension set shares one copy. Nil: computed from the
    /// fields above.
    public var overallScores: BinnedScores?
    /// Everyone's bootstrap tally at each threshold, when already made: the same for every labeling, so
    /// that every dimension set's results share one copy (``CohortAnalysis/overallTallies(_:options:)``).
    public var overallTallies: [Double: SubjectBootstrap.Tally] = [:]
    /// Everyone's per-subject partner counts (``PartnerCounts/overall``) at each threshold, and the
    /// first false match of every pair of subjects, when already made: the same for every labeling
    /// (``CohortAnalysis/overallPartners(_:options:)``).
    public var overallPartners: [Double: PartnerCounts.Overall] = [:]

    /// Creates an empty set.
    public init() {}

    /// Number of samples.
    public var sampleCount: Int { sampleSubject.count }

    /// Sets the comparisons kept exactly (lower sample, higher sample, similarity; NaN-free), in
    /// ascending order of similarity, equal similarities by (probe, reference): the order
    /// ``exactIndices(atLeast:)`` relies on, the same whatever order the lists come in. The lists are
    /// consumed: the probes and references are freed once packed beside their scores, and the scores
    /// are sorted in place.
    public mutating func setExact(probe: consuming [Int32], reference: consuming [Int32], scores: consuming [Double]) {
        precondition(probe.count == scores.count && reference.count == scores.count, "one probe and reference per score")
        let pairs = [UInt64](unsafeUninitializedCapacity: scores.count) { buffer, count in
            for k in 0..<scores.count { buffer[k] = Self.packedPair(probe[k], reference[k]) }
            count = scores.count
        }
        probe = []
        reference = []
        setExact(pairs: pairs, scores: scores)
    }

    /// A comparison's two samples in one key, probe in the high half: samples are never negative, so
    /// packed pairs compare as (probe, reference).
    @inline(__always)
    public static func packedPair(_ probe: Int32, _ reference: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: probe)) << 32 | UInt64(UInt32(bitPattern: reference))
    }

    /// ``setExact(probe:reference:scores:)`` with each comparison's samples already packed by
    /// ``packedPair(_:_:)``: a caller that builds the lists itself writes 8 bytes a comparison instead
    /// of two arrays of 4 that would be packed here.
    public mutating func setExact(pairs: consuming [UInt64], scores: consuming [Double]) {
        precondition(pairs.count == scores.count, "one pair per score")
        // Samples below 2¹⁶ (every run of up to 65,536 images) are packed in 4 bytes for the sort, in
        // the same order: the sort moves a quarter less memory.
        let narrow = pairs.withUnsafeBufferPointer { pairs in pairs.allSatisfy { $0 & 0xFFFF_0000_FFFF_0000 == 0 } }
        if narrow {
            let short = [UInt32](unsafeUninitializedCapacity: pairs.count) { out, count in
                pairs.withUnsafeBufferPointer { pairs in
                    for k in pairs.indices { out[k] = UInt32(truncatingIfNeeded: pairs[k] >> 16 | pairs[k] & 0xFFFF) }
                }
                count = pairs.count
            }
            pairs = []
            setExact(narrowPairs: short, scores: scores)
            return
        } else {
            setSorted(
                scores: scores, pairs: &pairs, probe: { Int32(truncatingIfNeeded: $0 >> 32) },
                reference: { Int32(truncatingIfNeeded: $0) })
        }
        exactClass = []
        exactClassCounts = []
        cohortOfClass = []
    }

    /// ``setExact(pairs:scores:)`` with each comparison's samples (both below 2¹⁶) packed in 4 bytes by
    /// ``narrowPair(_:_:)``: a caller that knows every sample is below 2¹⁶ (a run of at most 65,536
    /// images) writes them so, and nothing is checked or repacked here (at 20,000 templates the check
    /// and the repacking read 17.6 MB and wrote 8.8 MB).
    public mutating func setExact(narrowPairs: consuming [UInt32], scores: consuming [Double]) {
        precondition(narrowPairs.count == scores.count, "one pair per score")
        setSorted(
            scores: scores, pairs: &narrowPairs, probe: { Int32(truncatingIfNeeded: $0 >> 16) },
            reference: { Int32(truncatingIfNeeded: $0 & 0xFFFF) })
        exactClass = []
        exactClassCounts = []
        cohortOfClass = []
    }

    /// A comparison's two samples (each in 0..<2¹⁶) in one 4-byte key, probe in the high half: packed
    /// pairs compare as (probe, reference), as ``packedPair(_:_:)``'s do.
    @inline(__always)
    public static func narrowPair(_ probe: Int32, _ reference: Int32) -> UInt32 {
        UInt32(truncatingIfNeeded: probe) << 16 | UInt32(truncatingIfNeeded: reference) & 0xFFFF
    }

    /// Sorts `scores` ascending, each carrying its pair, equal similarities (equal bits: −0 and +0 stay
    /// apart, in that order) by pair, and sets the exact lists; `probe` and `reference` unpack a pair.
    private mutating func setSorted<Pair: FixedWidthInteger & BitwiseCopyable>(
        scores: consuming [Double], pairs: inout [Pair], probe: (Pair) -> Int32, reference: (Pair) -> Int32
    ) {
        // Each pair moves with its score in the sort: no gathers by an order after.
        RadixSort.sort(&scores, carrying: &pairs)
        scores.withUnsafeBufferPointer { scores in
            pairs.withUnsafeMutableBufferPointer { pairs in
                var start = 0
                while start < scores.count {
                    let bits = scores[start].bitPattern
                    var end = start + 1
                    while end < scores.count && scores[end].bitPattern == bits { end += 1 }
                    if end - start > 1 { pairs[start..<end].sort() }
                    start = end
                }
            }
        }
        exactScores = scores
        // Both sides in one pass over the pairs.
        var references: [Int32] = []
        exactProbe = [Int32](unsafeUninitializedCapacity: pairs.count) { probes, count in
            references = [Int32](unsafeUninitializedCapacity: pairs.count) { references, referenceCount in
                pairs.withUnsafeBufferPointer { pairs in
                    for k in pairs.indices {
                        probes[k] = probe(pairs[k])
                        references[k] = reference(pairs[k])
                    }
                }
                referenceCount = pairs.count
            }
            count = pairs.count
        }
        exactReference = references
    }

    /// Sets ``exactClass`` from every sample's group (`sampleGroup`, each in 0..<`groups`) and the class of
    /// each ordered pair of groups (`classOfGroups[g · groups + h]`, each in 0..<`classes`; at most 65,536
    /// classes): a labeling then finds each exact comparison's cohort from its class in a table of
    /// ``cohortOfClass``, one 2-byte read per comparison, rather than from both samples' cohorts (at
    /// 50,000 templates each dimension set looked up 13.75 million pairs' samples). Each comparison's
    /// class is read from the table (asked of a closure, a call per comparison took 72 ms of a
    /// 50,000-template run).
    public mutating func setExactClasses(sampleGroup: [Int32], classOfGroups: [UInt16], groups: Int, classes: Int) {
        precondition(classes <= 1 << 16, "at most 65,536 classes")
        precondition(classOfGroups.count == groups * groups, "a class for every ordered pair of groups")
        precondition(sampleGroup.allSatisfy { $0 >= 0 && Int($0) < groups }, "every sample in one of the groups")
        precondition(classOfGroups.allSatisfy { Int($0) < classes }, "a class in 0..<classes")
        var counts = [Int](repeating: 0, count: classes)
        let n = exactScores.count
        exactClass = [UInt16](unsafeUninitializedCapacity: n) { out, count in
            exactProbe.withUnsafeBufferPointer { probe in
                exactReference.withUnsafeBufferPointer { reference in
                    sampleGroup.withUnsafeBufferPointer { group in
                        classOfGroups.withUnsafeBufferPointer { table in
                            counts.withUnsafeMutableBufferPointer { counts in
                                for k in 0..<n {
                                    let c = table[Int(group[Int(probe[k])]) &* groups &+ Int(group[Int(reference[k])])]
                                    out[k] = c
                                    counts[Int(c)] &+= 1
                                }
                            }
                        }
                    }
                }
            }
            count = n
        }
        exactClassCounts = counts
    }

    /// The exact comparisons with similarity ≥ `tau`: a suffix of them, found by binary search (the
    /// false matches at threshold `tau`; none at a NaN threshold).
    public func exactIndices(atLeast tau: Double) -> Range<Int> {
        guard !tau.isNaN else { return exactScores.count..<exactScores.count }
        return SortedScores.lowerBound(exactScores, tau)..<exactScores.count
    }
}
