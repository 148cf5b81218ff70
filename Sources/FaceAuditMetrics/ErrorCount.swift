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

    /// Encodes `{errors, trials, rate}`; `rate` is null without trials.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(errors, forKey: .errors)
        try c.encode(trials, forKey: .trials)
        if trials > 0 { try c.encode(rate, forKey: .rate) } else { try c.encodeNil(forKey: .rate) }
    }

    /// Decodes `{errors, trials}` (a `rate` key is ignored); `0 ≤ errors ≤ trials`, or the file is
    /// refused (an edited summary with 22 errors in 1 trial was compared and reported as it stood).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        errors = try c.decode(Int.self, forKey: .errors)
        trials = try c.decode(Int.self, forKey: .trials)
        guard errors >= 0, errors <= trials else {
            let why = "\(errors) errors in \(trials) trials: a count is 0 or more and at most its trials"
            throw DecodingError.dataCorruptedError(forKey: .errors, in: c, debugDescription: why)
        }
    }

    enum CodingKeys: String, CodingKey { case errors, trials, rate }

    /// Adds two counts.
    public static func + (lhs: ErrorCount, rhs: ErrorCount) -> ErrorCount {
        ErrorCount(errors: lhs.errors + rhs.errors, trials: lhs.trials + rhs.trials)
    }
}
