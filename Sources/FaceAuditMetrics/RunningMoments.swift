/// The count, mean and sum of squared deviations of a stream of values, updated one value at a time
/// (Welford's method: no large sums of squares to cancel).
public struct RunningMoments: Sendable, Hashable {
    /// Values added.
    public private(set) var count = 0
    /// Their mean (0 before any).
    public private(set) var mean = 0.0
    /// Σ(x − mean)².
    public private(set) var squares = 0.0

    /// No values yet.
    public init() {}

    /// Adds `x`.
    public mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        squares += delta * (x - mean)
    }

    /// √(Σ(x − mean)² / n); NaN without values.
    public var populationStandardDeviation: Double { count == 0 ? .nan : (squares / Double(count)).squareRoot() }

    /// √(Σ(x − mean)² / (n − 1)); NaN with fewer than two values.
    public var sampleStandardDeviation: Double { count < 2 ? .nan : (squares / Double(count - 1)).squareRoot() }
}
