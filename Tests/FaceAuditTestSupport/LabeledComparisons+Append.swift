import FaceAuditMetrics

/// One side of a test comparison: a photo (`sample`) of a subject in a cohort (an index into
/// `cohortNames`, or -1 for none).
public struct TestPhoto: Sendable {
    public var subject: Int
    public var sample: Int
    public var cohort: Int32

    public init(subject: Int, sample: Int, cohort: Int32) {
        self.subject = subject
        self.sample = sample
        self.cohort = cohort
    }
}

extension LabeledComparisons {
    /// Appends the comparison of `probe` with `reference` at similarity `score`: mated when the two photos
    /// are of the same subject, and then counted in the probe's cohort (`matedCohort`), else -1. The one
    /// way every hand-built test design fills the nine parallel arrays.
    public mutating func append(score: Double, probe: TestPhoto, reference: TestPhoto) {
        let mated = probe.subject == reference.subject
        scores.append(score)
        self.mated.append(mated)
        probeSubject.append(Int32(probe.subject))
        referenceSubject.append(Int32(reference.subject))
        probeSample.append(Int32(probe.sample))
        referenceSample.append(Int32(reference.sample))
        probeCohort.append(probe.cohort)
        referenceCohort.append(reference.cohort)
        matedCohort.append(mated ? probe.cohort : -1)
    }
}
