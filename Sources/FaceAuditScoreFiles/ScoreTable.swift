/// Comparisons read from a score file, stored by column with interned names.
public struct ScoreTable: Sendable {
    /// One score per comparison (NaN = failure to acquire), as written in the file.
    public var scores: [Double] = []
    /// Whether each comparison is mated (same subject).
    public var mated: [Bool] = []
    /// Index into ``subjects`` of each comparison's probe subject.
    public var probeSubject: [Int32] = []
    /// Index into ``subjects`` of each comparison's reference subject.
    public var referenceSubject: [Int32] = []
    /// Index into ``items`` of each comparison's probe sample (bob's test_label, CSV probe_id).
    public var probeItem: [Int32] = []
    /// Index into ``items`` of each comparison's reference sample (CSV reference_id; bob's claimed model).
    public var referenceItem: [Int32] = []
    /// Subject names.
    public var subjects: [String] = []
    /// Sample names (probe and reference samples share one index space).
    public var items: [String] = []
    /// Per-side attributes from CSV `probe_<name>`/`reference_<name>` columns, by name.
    public var attributes: [String: SideAttribute] = [:]
    /// The file the table was read from (empty when made in memory), for errors about its values.
    public var file = ""
    /// The line of each comparison in a CSV file (empty otherwise).
    public var lines: [Int32] = []

    /// A place in the file: 1-based line and column (in Unicode scalars).
    public struct Position: Sendable, Hashable {
        /// 1-based line.
        public var line: Int
        /// 1-based column, in Unicode scalars.
        public var column: Int

        /// Creates a position.
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// One attribute's values for both sides of every comparison, interned.
    public struct SideAttribute: Sendable {
        /// Value index of the probe side, per comparison.
        public var probe: [Int32] = []
        /// Value index of the reference side, per comparison.
        public var reference: [Int32] = []
        /// The distinct values.
        public var values: [String] = []
        /// Where each of ``values`` was first met in the file (empty for a table made in memory).
        public var firstSeen: [Position] = []

        /// Creates an attribute's columns.
        public init(probe: [Int32] = [], reference: [Int32] = [], values: [String] = [], firstSeen: [Position] = []) {
            self.probe = probe
            self.reference = reference
            self.values = values
            self.firstSeen = firstSeen
        }
    }

    /// Creates an empty table.
    public init() {}

    /// Number of comparisons.
    public var count: Int { scores.count }

    /// The mated and non-mated scores.
    public func split() -> (genuine: [Double], impostor: [Double]) {
        var genuine: [Double] = []
        var impostor: [Double] = []
        for (score, isMated) in zip(scores, mated) {
            if isMated { genuine.append(score) } else { impostor.append(score) }
        }
        return (genuine, impostor)
    }
}

/// Interns strings to dense indices.
struct Interner {
    private(set) var names: [String] = []
    private var index: [String: Int32] = [:]

    /// The number of `name`, the next one when it is new; nil when an earlier name is the same text in
    /// another Unicode normalization (Swift's strings compare canonically: "Jos\u{E9}" and
    /// "Jose\u{301}" would be one subject, one sample or one label).
    mutating func id(_ name: String) -> Int32? {
        if let existing = index[name] { return names[Int(existing)].utf8.elementsEqual(name.utf8) ? existing : nil }
        let id = Int32(names.count)
        names.append(name)
        index[name] = id
        return id
    }

    /// ``id(_:)``, with a name in another normalization than an earlier one an error at `column` of `line`
    /// (worked out only then: a column counts the line's characters).
    mutating func id(_ name: String, path: String, line: Int, column: @autoclosure () -> Int) throws(ScoreFileError) -> Int32 {
        guard let id = id(name) else { throw ScoreFileReader.otherNormalization(path: path, line: line, column: column()) }
        return id
    }
}
