import FaceAuditMetrics
import Foundation

/// `subjects.json`: per operating point, who made which errors, by subject index, so that runs of other
/// models on the same data can be resampled together (`faceaudit report`).
///
/// A subject is a number: its position in the run's list of subjects (the order the dataset's manifest
/// first names them), the same in every run of the same dataset. The file names no person and no file:
/// counts only. Per operating point it holds everyone's tally and each cohort's (``SubjectBootstrap/Tally``:
/// false non-matches and mated trials per subject, false matches per pair of subjects, the non-mated
/// design), exactly the numbers the run's own subject bootstrap resampled.
public struct SubjectTallies: Sendable, Codable {
    /// The format's name and version.
    public var format = Self.formatName
    /// summary.json's `dataset.fingerprint.value`: which data the indices refer to.
    public var datasetFingerprint: String?
    /// Number of subjects (indices 0..<subjects), drawn per replicate.
    public var subjects: Int
    /// The run's bootstrap replicates.
    public var replicates: Int
    /// The run's bootstrap seed.
    public var seed: UInt64
    /// The run's 1 − confidence.
    public var alpha: Double
    /// One entry per operating point, in the run's order.
    public var operatingPoints: [Point]

    /// The current format.
    public static let formatName = "faceaudit.subjects/1"

    /// One operating point.
    public struct Point: Sendable, Codable {
        /// How the threshold was chosen.
        public var operatingPoint: OperatingPointKind
        /// The target FMR, or nil at a fixed threshold.
        public var targetFMR: Double?
        /// The global threshold, in the scores' units.
        public var threshold: Double
        /// What a fixed threshold is, or nil.
        public var thresholdLabel: String?
        /// Everyone.
        public var overall: SubjectBootstrap.Tally
        /// Each dimension set's cohorts.
        public var dimensions: [Dimension]

        enum CodingKeys: String, CodingKey {
            case operatingPoint = "operating_point"
            case targetFMR = "target_fmr"
            case threshold
            case thresholdLabel = "threshold_label"
            case overall, dimensions
        }
    }

    /// One dimension set's cohorts at one operating point.
    public struct Dimension: Sendable, Codable {
        /// The dimension set.
        public var dimensions: DimensionSet
        /// The cohorts, in the run's order, each with its tally.
        public var cohorts: [Cohort]
    }

    /// One cohort's tally.
    public struct Cohort: Sendable, Codable {
        /// The cohort's name.
        public var cohort: String
        /// Its tally.
        public var tally: SubjectBootstrap.Tally
    }

    enum CodingKeys: String, CodingKey {
        case format
        case datasetFingerprint = "dataset_fingerprint"
        case subjects, replicates, seed, alpha
        case operatingPoints = "operating_points"
    }

    /// The tallies of `summary`'s analyses, or nil when it has none (no bootstrap, or a decoded summary).
    public init?(_ summary: RunSummary) {
        let analysed = summary.cohorts.compactMap { rates in rates.bootstrapTallies.map { (rates, $0) } }
        guard let first = analysed.first?.1 else { return nil }
        datasetFingerprint = summary.dataset.fingerprint?.value
        subjects = first.subjects
        replicates = first.replicates
        seed = first.seed
        alpha = first.alpha
        operatingPoints = []
        for (rates, tallies) in analysed {
            let dimension = Dimension(
                dimensions: rates.dimensions,
                cohorts: zip(rates.cohorts, tallies.cohorts).map { Cohort(cohort: $0.cohort, tally: $1) })
            if let i = operatingPoints.firstIndex(where: { $0.matches(rates) }) {
                operatingPoints[i].dimensions.append(dimension)
            } else {
                operatingPoints.append(
                    Point(
                        operatingPoint: rates.operatingPoint, targetFMR: rates.targetFMR, threshold: rates.threshold,
                        thresholdLabel: rates.thresholdLabel, overall: tallies.overall, dimensions: [dimension]))
            }
        }
    }

    /// The encoded file: compact (its arrays are long), keys sorted.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}

extension SubjectTallies.Point {
    /// Whether `rates` was measured at this operating point.
    func matches(_ rates: DisaggregatedRates) -> Bool {
        operatingPoint == rates.operatingPoint && targetFMR == rates.targetFMR && threshold == rates.threshold
            && thresholdLabel == rates.thresholdLabel
    }

    /// The tally of `cohort` of `dimensions` (`overall` for everyone), or nil.
    public func tally(dimensions: DimensionSet, cohort: String) -> SubjectBootstrap.Tally? {
        if cohort == "overall" { return overall }
        return self.dimensions.first { $0.dimensions == dimensions }?.cohorts.first { $0.cohort == cohort }?.tally
    }
}
