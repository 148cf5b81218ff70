/// The identity an image shows, as the dataset labels it. A distinct type so that a subject can never
/// be confused with an image path or a cohort name.
///
/// Subject identifiers are treated as private: reports count subjects but never print these.
public struct SubjectID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The identifier as written in the dataset.
    public let rawValue: String

    /// Wraps an identifier.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Wraps an identifier.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public static func < (lhs: SubjectID, rhs: SubjectID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}
