/// A cohort definition that cannot be used (bad age bands, an unknown dimension name).
public struct CohortError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and how to write it instead.
    public let message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
