import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditScoring

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
        let (subjects, subjectCount) = manifest.subjectNumbers
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
        self.subjectCount = subjectCount
    }

    /// The comparisons labeled with the cohorts of one dimension set.
    public func labeled(
        _ manifest: Manifest, dimensions: [CohortDimension], scheme: CohortScheme, polarity: ScorePolarity
    )
        -> LabeledComparisons
    {
        var cohorts = CohortIndex(manifest, dimensions: dimensions, scheme: scheme)
        let imageCohort = cohorts.imageCohort
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
            mated[k] ? cohorts.pairCohort(Int(first[k]), Int(second[k])) : -1
        }
        d.cohortNames = cohorts.names
        return d
    }
}
