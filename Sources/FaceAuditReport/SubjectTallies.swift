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

    /// What is wrong with a decoded file, or nil: the replicates beyond `run --bootstrap`'s limit (an
    /// edited 1e12 asked for 8 TB), 1 − confidence outside (0, 1), or a tally naming a subject at or
    /// beyond ``subjects`` (which the resampling would index out of range).
    public var problem: String? {
        guard (0...1_000_000).contains(replicates) else { return "replicates \(replicates) is outside 0…1,000,000" }
        guard alpha > 0 && alpha < 1 else { return "alpha \(alpha) is outside (0, 1)" }
        guard (0...100_000_000).contains(subjects) else { return "subjects \(subjects) is outside 0…100,000,000" }
        for point in operatingPoints {
            for tally in [point.overall] + point.dimensions.flatMap({ $0.cohorts.map(\.tally) }) where tally.largestSubject >= subjects {
                return "a tally names subject \(tally.largestSubject), beyond the file's \(subjects) subjects"
            }
        }
        return nil
    }

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

    /// The encoded file: compact (its arrays are long), keys sorted; byte for byte what `JSONEncoder`
    /// with `.sortedKeys` and `.withoutEscapingSlashes` writes (``referenceEncoded()``).
    ///
    /// The tallies' integer arrays are written directly: at 50,000 templates they hold tens of millions
    /// of integers, and `JSONEncoder` builds a tree of every value before it writes a byte (several GiB
    /// for a file of a few hundred MB). The small values go through `JSONEncoder` one at a time, so
    /// numbers and strings are spelled as it spells them.
    public func encoded() throws -> Data {
        var whole = Data()
        try write { whole.append($0) }
        return whole
    }

    /// ``encoded()``'s bytes handed to `write` in pieces of about 64 KiB, in order, so that a writer
    /// need not hold the whole file: at 50,000 templates it is 444 MB, and held whole (grown as it was
    /// written) it made the peak of a default run.
    public func write(_ write: (Data) throws -> Void) throws {
        try withoutActuallyEscaping(write) { write in
            var out = JSONTextWriter(write)
            try out.object {
                try $0.field("alpha", alpha)
                if let datasetFingerprint { try $0.field("dataset_fingerprint", datasetFingerprint) }
                try $0.field("format", format)
                try $0.key("operating_points")
                try $0.array(operatingPoints) { out, point in try Self.write(point, to: &out) }
                try $0.field("replicates", replicates)
                try $0.field("seed", seed)
                try $0.field("subjects", subjects)
            }
            out.bytes.append(UInt8(ascii: "\n"))
            try out.finish()
        }
    }

    /// The file as `JSONEncoder` writes it (the reference ``encoded()`` is tested against).
    public func referenceEncoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    private static func write(_ point: Point, to out: inout JSONTextWriter) throws {
        try out.object {
            try $0.key("dimensions")
            try $0.array(point.dimensions) { out, dimension in
                try out.object {
                    try $0.key("cohorts")
                    try $0.array(dimension.cohorts) { out, cohort in
                        try out.object {
                            try $0.field("cohort", cohort.cohort)
                            try $0.key("tally")
                            try write(cohort.tally, to: &$0)
                        }
                    }
                    try $0.field("dimensions", dimension.dimensions)
                }
            }
            try $0.field("operating_point", point.operatingPoint)
            try $0.key("overall")
            try write(point.overall, to: &$0)
            if let target = point.targetFMR { try $0.field("target_fmr", target) }
            try $0.field("threshold", point.threshold)
            if let label = point.thresholdLabel { try $0.field("threshold_label", label) }
        }
    }

    /// A tally: its row lists in the order of their keys (``SubjectBootstrap/Tally/rowLists``).
    private static func write(_ tally: SubjectBootstrap.Tally, to out: inout JSONTextWriter) throws {
        try out.object {
            for list in tally.rowLists { try $0.rows(list.key, count: list.count, width: list.width, value: list.value) }
        }
    }
}

/// Compact JSON text, written as it goes: objects and arrays with commas placed for the caller, rows of
/// integers written digit by digit, anything else through `JSONEncoder`.
struct JSONTextWriter {
    /// Where the text goes, piece by piece.
    private let write: (Data) throws -> Void
    /// The latest bytes, handed to ``write`` every 64 KiB.
    var bytes: [UInt8] = []
    private var first = [true]
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A writer that hands its text to `write`.
    init(_ write: @escaping (Data) throws -> Void) { self.write = write }

    /// Hands the rest of the text to ``write``.
    mutating func finish() throws {
        try write(Data(bytes))
        bytes = []
    }

    /// Hands ``bytes`` to ``write`` once they fill 64 KiB.
    private mutating func spill() throws {
        guard bytes.count >= 1 << 16 else { return }
        try write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func separate() {
        if first[first.count - 1] { first[first.count - 1] = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    /// `{ … }`, the body writing its fields.
    mutating func object(_ body: (inout JSONTextWriter) throws -> Void) throws {
        separateUnlessKeyed()
        bytes.append(UInt8(ascii: "{"))
        first.append(true)
        try body(&self)
        first.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// `[ … ]` of `elements`, each written by `body`.
    mutating func array<T>(_ elements: [T], _ body: (inout JSONTextWriter, T) throws -> Void) throws {
        separateUnlessKeyed()
        bytes.append(UInt8(ascii: "["))
        first.append(true)
        for element in elements {
            try body(&self, element)
            try spill()
        }
        first.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Whether the next value follows a key (no comma before it).
    private var keyed = false

    private mutating func separateUnlessKeyed() {
        if keyed { keyed = false } else if first.count > 1 { separate() }
    }

    /// `"name":`, the value to follow.
    mutating func key(_ name: String) throws {
        separate()
        bytes += try encoder.encode(name)
        bytes.append(UInt8(ascii: ":"))
        keyed = true
    }

    /// A decimal integer.
    private mutating func append(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = (UInt64(0), UInt64(0), UInt64(0))  // room for the 20 digits of the largest magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for k in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[k]) }
        }
    }

    /// `"name":value`, the value spelled by `JSONEncoder`.
    mutating func field(_ name: String, _ value: some Encodable) throws {
        try key(name)
        keyed = false
        bytes += try encoder.encode(value)
    }

    /// `"name":[[1,2,3],…]`: `count` rows of `width` integers, `value(row, column)`.
    mutating func rows(_ name: String, count: Int, width: Int, value: (Int, Int) -> Int) throws {
        separate()
        bytes += Array("\"\(name)\":[".utf8)
        for r in 0..<count {
            if r > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "["))
            for c in 0..<width {
                if c > 0 { bytes.append(UInt8(ascii: ",")) }
                append(value(r, c))
            }
            bytes.append(UInt8(ascii: "]"))
            try spill()
        }
        bytes.append(UInt8(ascii: "]"))
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
