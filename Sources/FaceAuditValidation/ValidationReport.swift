import FaceAuditDatasets

/// Everything `faceaudit validate` found, in the shape of its `--json` output (snake_case keys).
public struct ValidationReport: Sendable, Codable {
    /// Schema version of this JSON object.
    public var schemaVersion = 1
    /// The dataset's identity and card.
    public var dataset: DatasetSummary
    /// Distinct subjects.
    public var subjects: Int
    /// Images listed.
    public var images: Int
    /// Images per subject: minimum, median, maximum.
    public var imagesPerSubject: Spread
    /// Pairs of images of the same subject.
    public var matedPairs: Int
    /// Pairs of images of different subjects.
    public var nonMatedPairs: Int
    /// Non-mated pairs needed per target FMR (rule of three), e.g. `"0.001": 3000`.
    public var requiredNonMatedPairs: [String: Int]
    /// Whether the whole dataset's non-mated pairs reach ⌈3/target⌉, by target FMR.
    public var supportsFMR: [String: Bool]
    /// Counts per marginal cohort and per intersection.
    public var cohorts: [CohortCount]
    /// Listed files that do not exist.
    public var missingFiles: [String]
    /// Files that exist but do not decode, with the reason.
    public var decodeFailures: [DecodeFailure]
    /// Groups of byte-identical files.
    public var duplicates: [DuplicateGroup]
    /// Subjects whose images carry different labels for the same attribute.
    public var labelConflicts: [LabelConflict]
    /// Decoded images whose Exif orientation asks for a rotation FaceAudit does not apply.
    public var rotatedImages: [String]
    /// Non-fatal problems found while reading the dataset.
    public var warnings: [String]
    /// Why the dataset cannot be used as it is; empty when it can.
    public var problems: [String]
    /// True when there are no problems.
    public var usable: Bool
    /// What a usable dataset cannot measure, e.g. FNMR without mated pairs ("usable for FMR-only
    /// evaluation"); empty when it supports every rate.
    public var scope: [String] = []

    /// Identity, layout and card of the dataset.
    public struct DatasetSummary: Sendable, Codable {
        /// Short name.
        public var name: String
        /// How it was read.
        public var layout: String
        /// The manifest file or folder.
        public var source: String
        /// The card.
        public var card: DatasetCard
    }

    /// Minimum, median and maximum.
    public struct Spread: Sendable, Codable, Equatable {
        /// Smallest value.
        public var min: Int
        /// Median (mean of the two middle values for an even count).
        public var median: Double
        /// Largest value.
        public var max: Int
    }

    /// The size of one cohort and what it can support.
    public struct CohortCount: Sendable, Codable {
        /// The cohort key, e.g. `gender=female;ethnicity=black`.
        public var cohort: String
        /// The dimensions it spans.
        public var dimensions: [String]
        /// Subjects with at least one image in the cohort.
        public var subjects: Int
        /// Images in the cohort.
        public var images: Int
        /// Mated pairs assigned to the cohort (age: band of the pair's mean age).
        public var matedPairs: Int
        /// Non-mated pairs with both images in the cohort.
        public var nonMatedPairs: Int
        /// Whether the non-mated pairs reach ⌈3/target⌉, by target FMR.
        public var supportsFMR: [String: Bool]
        /// Short flags: `fewer than N subjects`, `no mated pairs`, `unknown label`.
        public var flags: [String]
    }

    /// One image that failed to decode.
    public struct DecodeFailure: Sendable, Codable {
        /// Path as listed.
        public var path: String
        /// Stable error code, e.g. `truncated`.
        public var code: String
        /// The codec's words.
        public var reason: String
    }

    /// Files with identical bytes.
    public struct DuplicateGroup: Sendable, Codable {
        /// Their SHA-256.
        public var sha256: String
        /// Paths as listed.
        public var paths: [String]
        /// Whether the copies are labeled as different subjects (a mislabel that also inflates FMR).
        public var acrossSubjects: Bool
    }

    /// One subject whose images disagree on an attribute.
    public struct LabelConflict: Sendable, Codable {
        /// The subject as labeled in the dataset (validation output is for the data owner, not a report).
        public var subject: String
        /// The attribute, e.g. `gender`.
        public var attribute: String
        /// The distinct values, sorted.
        public var values: [String]
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case dataset, subjects, images
        case imagesPerSubject = "images_per_subject"
        case matedPairs = "mated_pairs"
        case nonMatedPairs = "non_mated_pairs"
        case requiredNonMatedPairs = "required_non_mated_pairs"
        case supportsFMR = "supports_fmr"
        case cohorts
        case missingFiles = "missing_files"
        case decodeFailures = "decode_failures"
        case duplicates
        case labelConflicts = "label_conflicts"
        case rotatedImages = "rotated_images"
        case warnings, problems, usable, scope
    }
}

extension ValidationReport.CohortCount {
    enum CodingKeys: String, CodingKey {
        case cohort, dimensions, subjects, images
        case matedPairs = "mated_pairs"
        case nonMatedPairs = "non_mated_pairs"
        case supportsFMR = "supports_fmr"
        case flags
    }
}

extension ValidationReport.DuplicateGroup {
    enum CodingKeys: String, CodingKey {
        case sha256, paths
        case acrossSubjects = "across_subjects"
    }
}
