import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditMetrics

/// Every unordered pair of images of a dataset, scored once, and labeled with cohorts per dimension set.
public struct AllPairs: Sendable {
    /// Image i of each comparison (the "probe").
    public let first: [Int32]
    /// Image j > i (the "reference").
    public let second: [Int32]
    /// The scores in their own units (NaN when either image has no template).
    public let scores: [Double]
    /// Whether the two images show the same subject.
    public let mated: [Bool]
    /// Subject index of every image.
    public let subjectOfImage: [Int32]
    /// Number of subjects.
    public let subjectCount: Int

    /// Scores all pairs with `score(i, j)` for images i < j (NaN: failure to acquire).
    public init(manifest: Manifest, score: (Int, Int) -> Double) {
        let records = manifest.records
        var subjectIndex: [SubjectID: Int32] = [:]
        let subjects = records.map { r -> Int32 in
            if let s = subjectIndex[r.subject] { return s }
            let s = Int32(subjectIndex.count)
            subjectIndex[r.subject] = s
            return s
        }
        let n = records.count
        var first: [Int32] = []
        var second: [Int32] = []
        var scores: [Double] = []
        var mated: [Bool] = []
        let pairs = n * (n - 1) / 2
        first.reserveCapacity(pairs)
        second.reserveCapacity(pairs)
        scores.reserveCapacity(pairs)
        mated.reserveCapacity(pairs)
        for i in 0..<n {
            for j in (i + 1)..<n {
                first.append(Int32(i))
                second.append(Int32(j))
                mated.append(subjects[i] == subjects[j])
                scores.append(score(i, j))
            }
        }
        self.first = first
        self.second = second
        self.scores = scores
        self.mated = mated
        self.subjectOfImage = subjects
        self.subjectCount = subjectIndex.count
    }

    /// The comparisons labeled with the cohorts of one dimension set.
    public func labeled(
        _ manifest: Manifest, dimensions: [CohortDimension], scheme: CohortScheme, polarity: ScorePolarity
    )
        -> LabeledComparisons
    {
        let keys = manifest.records.map { scheme.key(dimensions, of: $0.labels).description }
        let names = Array(Set(keys)).sorted(by: NaturalOrder.less)
        var index: [String: Int32] = [:]
        var allNames = names
        for (i, name) in names.enumerated() { index[name] = Int32(i) }
        let imageCohort = keys.map { index[$0]! }
        var d = LabeledComparisons()
        d.scores = scores.map(polarity.similarity)
        d.mated = mated
        d.probeSubject = first.map { subjectOfImage[Int($0)] }
        d.referenceSubject = second.map { subjectOfImage[Int($0)] }
        d.probeSample = first
        d.referenceSample = second
        d.probeCohort = first.map { imageCohort[Int($0)] }
        d.referenceCohort = second.map { imageCohort[Int($0)] }
        d.subjectCount = subjectCount
        d.matedCohort = (0..<scores.count).map { k in
            guard mated[k] else { return -1 }
            let a = manifest.records[Int(first[k])].labels
            let b = manifest.records[Int(second[k])].labels
            guard let key = scheme.pairKey(dimensions, a, b)?.description else { return -1 }
            if let c = index[key] { return c }
            // A pair cohort no single image has (e.g. the band of a mean age): add it.
            let c = Int32(allNames.count)
            allNames.append(key)
            index[key] = c
            return c
        }
        d.cohortNames = allNames
        return d
    }
}
