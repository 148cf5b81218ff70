/// k errors out of n trials, the raw material of every rate. Reports print both, never the rate alone.
public struct ErrorCount: Sendable, Hashable, Codable {
    /// Errors.
    public var errors: Int
    /// Trials.
    public var trials: Int

    /// Creates a count.
    public init(errors: Int, trials: Int) {
        self.errors = errors
        self.trials = trials
    }

    /// errors / trials; NaN when there are no trials.
    public var rate: Double { trials == 0 ? .nan : Double(errors) / Double(trials) }

    /// Adds two counts.
    public static func + (lhs: ErrorCount, rhs: ErrorCount) -> ErrorCount {
        ErrorCount(errors: lhs.errors + rhs.errors, trials: lhs.trials + rhs.trials)
    }
}
