/// How a global threshold was chosen: for a target FMR over all non-mated comparisons (NIST's way), or
/// fixed in advance, as a deployed system ships it.
///
/// Every disaggregated number is measured at one setting; `cohorts.csv` names it in its
/// `operating_point` column (`target_fmr` or `threshold`).
public enum OperatingPointSetting: Sendable, Hashable {
    /// The threshold giving the largest achievable FMR ≤ the target over all non-mated comparisons.
    case targetFMR(Double)
    /// A fixed threshold in the scores' own units (a distance for distances), with what it is, e.g.
    /// "face_recognition's default tolerance".
    case threshold(Double, label: String?)

    /// `target_fmr` or `threshold`: the `operating_point` column.
    public var kind: OperatingPointKind {
        switch self {
        case .targetFMR: .targetFMR
        case .threshold: .threshold
        }
    }

    /// The target FMR, or nil for a fixed threshold.
    public var targetFMR: Double? {
        if case .targetFMR(let t) = self { return t }
        return nil
    }

    /// The fixed threshold (scores' units), or nil for a target FMR.
    public var fixedThreshold: Double? {
        if case .threshold(let t, _) = self { return t }
        return nil
    }

    /// What a fixed threshold is, when known.
    public var label: String? {
        if case .threshold(_, let label) = self { return label }
        return nil
    }
}

/// A fixed operating threshold and what it is.
public struct FixedThreshold: Sendable, Hashable, Codable {
    /// The threshold in the scores' own units.
    public var value: Double
    /// What it is, e.g. "face_recognition's default tolerance"; nil for a user's own setting.
    public var label: String?

    /// Creates a fixed threshold.
    public init(_ value: Double, label: String? = nil) {
        self.value = value
        self.label = label
    }
}

/// How an operating point's threshold was chosen, as outputs name it.
public enum OperatingPointKind: String, Sendable, Hashable, Codable {
    /// Set for a target FMR over all non-mated comparisons.
    case targetFMR = "target_fmr"
    /// Fixed in advance.
    case threshold
}

extension KeyedDecodingContainer {
    /// A missing key is a target FMR: outputs written before fixed thresholds existed had only those.
    public func decode(_ type: OperatingPointKind.Type, forKey key: Key) throws -> OperatingPointKind {
        try decodeIfPresent(type, forKey: key) ?? .targetFMR
    }
}
