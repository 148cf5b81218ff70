import FaceAuditCohorts
import FaceAuditImaging

/// Settings for ``DatasetValidator``.
public struct ValidationOptions: Sendable {
    /// Target false-match rates whose support each cohort is checked for.
    public var targetFMRs: [Double]
    /// Cohorts with fewer subjects are flagged as too small to report.
    public var minimumSubjects: Int
    /// The image decoder (its pixel limit applies).
    public var decoder: ImageDecoder
    /// Threads for reading and decoding images.
    public var threads: Int
    /// Whether to decode images at all (off: only manifest-level checks and file presence).
    public var decodeImages: Bool

    /// Creates options; the defaults check FMR 1e-3 and 1e-4 and flag cohorts under 10 subjects.
    public init(
        targetFMRs: [Double] = [1e-3, 1e-4], minimumSubjects: Int = 10, decoder: ImageDecoder = ImageDecoder(),
        threads: Int = 2, decodeImages: Bool = true
    ) {
        self.targetFMRs = targetFMRs
        self.minimumSubjects = minimumSubjects
        self.decoder = decoder
        self.threads = threads
        self.decodeImages = decodeImages
    }
}
