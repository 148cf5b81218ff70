/// dlib's `dlib::rand`: the standard 32-bit Mersenne Twister seeded 5489 with its first 10,000 outputs
/// discarded, and dlib's `random_double` built from two 24-bit draws.
struct DlibRandom {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    init() {
        state[0] = 5489
        for i in 1..<624 { state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i) }
        for _ in 0..<10_000 { _ = next() }
    }

    mutating func next() -> UInt32 {
        if index >= 624 {
            for i in 0..<624 {
                let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
                state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// ((u & 0xFFFFFF)·2²⁴ + (u′ & 0xFFFFFF)) / (2⁴⁸ − 1 + 0.05), u drawn first.
    mutating func randomDouble() -> Double {
        let high = Double(next() & 0xFF_FFFF)
        let low = Double(next() & 0xFF_FFFF)
        let value = (high * 16_777_216 + low) / (281_474_976_710_655 + 0.05)
        return value >= 1 ? 1 - 0x1.0p-52 : value
    }

    mutating func double(in a: Double, _ b: Double) -> Double { a + randomDouble() * (b - a) }
}
