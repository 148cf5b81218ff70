/// Templates or partial results that the comparison engine cannot use.
public struct ComparisonError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, and where.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
