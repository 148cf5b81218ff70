/// A Slurm command that failed or could not run.
public struct SlurmError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
