/// Uniform numbers in [−0.5, 0.5) from a 64-bit linear congruential generator: the same sequence for a
/// seed on every platform, for synthetic test data.
public struct SeededUniform {
    private var state: UInt64

    /// Starts the sequence of `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next number.
    public mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53) - 0.5
    }
}
