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

    /// One attribute's values for both sides of every comparison, interned.
    public struct SideAttribute: Sendable {
        /// Value index of the probe side, per comparison.
        public var probe: [Int32] = []
        /// Value index of the reference side, per comparison.
        public var reference: [Int32] = []
        /// The distinct values.
        public var values: [String] = []
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

    mutating func id(_ name: String) -> Int32 {
        if let existing = index[name] { return existing }
        let id = Int32(names.count)
        names.append(name)
        index[name] = id
        return id
    }
}
