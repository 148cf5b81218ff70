import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditMetrics

/// The cohorts of one dimension set, numbered as every analysis numbers them: the image-level cohorts
/// in natural order, then each cohort that only a mated pair has (the band of a mean age), in the
/// order such pairs are asked for.
struct CohortIndex {
    /// Cohort names, image-level first.
    private(set) var names: [String]
    /// The image-level cohort of every image.
    let imageCohort: [Int32]
    private var index: [String: Int32]
    private let manifest: Manifest
    private let dimensions: [CohortDimension]
    private let scheme: CohortScheme
    /// Whether every pair's cohort is its images' shared one (``CohortScheme/pairSharesImageValues(_:)``
    /// for every dimension).
    private let pairsFollowImages: Bool

    /// Numbers the cohorts of `dimensions` over the images of `manifest`.
    ///
    /// `cells`, when given, is every image's cell (``PairComparison/cells(manifest:scheme:)``: images of one
    /// cell share every label of the scheme's dimensions), so that a cohort is worked out once per cell
    /// rather than once per image; the numbering is the same.
    init(_ manifest: Manifest, dimensions: [CohortDimension], scheme: CohortScheme, cells: [Int32]? = nil) {
        let records = manifest.records
        // Each image's unit: its cell when the cells decide the cohort, else the image itself. One image
        // of each unit gives the unit's key.
        let byCell = cells.map { $0.count == records.count && dimensions.allSatisfy(scheme.dimensions.contains) } ?? false
        let unitOfImage = byCell ? cells! : records.indices.map(Int32.init)
        var keyOfUnit = [String?](repeating: nil, count: Int(unitOfImage.max() ?? -1) + 1)
        for (i, u) in unitOfImage.enumerated() where keyOfUnit[Int(u)] == nil {
            keyOfUnit[Int(u)] = scheme.key(dimensions, of: records[i].labels).description
        }
        names = Array(Set(keyOfUnit.compactMap { $0 })).sorted(by: NaturalOrder.less)
        index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
        let cohortOfUnit = keyOfUnit.map { [index] in $0.map { index[$0]! } ?? -1 }
        imageCohort = unitOfImage.map { cohortOfUnit[Int($0)] }
        self.manifest = manifest
        self.dimensions = dimensions
        self.scheme = scheme
        pairsFollowImages = dimensions.allSatisfy(CohortScheme.pairSharesImageValues)
    }

    /// The cohort of the mated pair of images i and j (−1 when their labels give none), adding a
    /// pair-only cohort the first time it is met.
    mutating func pairCohort(_ i: Int, _ j: Int) -> Int32 {
        // When a pair's value in each dimension is the one its two images share, or none, its cohort is
        // theirs when they have the same one (the same key), else none. Taken
        // from the images' cohorts rather than building and looking up the pair's key (1.7% of a
        // 20,000-template run, for every mated pair of every dimension set).
        if pairsFollowImages { return imageCohort[i] == imageCohort[j] ? imageCohort[i] : -1 }
        guard let key = scheme.pairKey(dimensions, manifest.records[i].labels, manifest.records[j].labels)?.description else {
            return -1
        }
        if let c = index[key] { return c }
        let c = Int32(names.count)
        names.append(key)
        index[key] = c
        return c
    }
}

extension Manifest {
    /// Every image's subject, numbered 0, 1, … in order of first appearance, and the number of subjects.
    ///
    /// A subject's photos are usually listed together: a record with its predecessor's subject takes its
    /// number without a lookup (hashing every record's subject twice over took 0.6% of a 20,000-template
    /// run). The numbers are the same either way.
    var subjectNumbers: (ofImage: [Int32], count: Int) {
        var number: [SubjectID: Int32] = [:]
        number.reserveCapacity(records.count)
        var previous: (subject: SubjectID, number: Int32)?
        let ofImage = records.map { r -> Int32 in
            if let previous, previous.subject == r.subject { return previous.number }
            let s: Int32
            if let known = number[r.subject] {
                s = known
            } else {
                s = Int32(number.count)
                number[r.subject] = s
            }
            previous = (r.subject, s)
            return s
        }
        return (ofImage, number.count)
    }
}

extension DimensionSet {
    /// The set of `dimensions`, in the scheme's order.
    public init(_ dimensions: [CohortDimension]) {
        self.init(dimensions.map(\.rawValue))
    }
}
