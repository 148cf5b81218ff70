/// Sorting large score arrays in linear time.
public enum RadixSort {
    /// Sorts doubles ascending (NaN-free input; −0 sorts before +0, which compare equal anyway).
    ///
    /// LSD radix sort on order-preserving 64-bit keys, 11 bits a pass, skipping passes where every key
    /// shares the digit. Below 100,000 elements the standard library's sort is used.
    public static func sort(_ values: inout [Double]) {
        guard values.count >= 100_000 else {
            values.sort()
            return
        }
        let n = values.count
        var keys = [UInt64](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = key(values[i]) }
            count = n
        }
        // Already in the order the sort gives (a subset of scores sorted once, say): nothing to do.
        if keys.indices.dropFirst().allSatisfy({ keys[$0 - 1] <= keys[$0] }) { return }
        sort(&keys)
        for i in 0..<n {
            let key = keys[i]
            values[i] = Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
        }
    }

    /// The order-preserving key of a double: unsigned comparison of keys is the numeric order, with
    /// −0 before +0.
    @inline(__always)
    static func key(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// The stable ascending order of `values` (NaN-free): indices such that `values[order[k]]` ascend,
    /// −0 before +0, equal values in index order. LSD radix sort on the keys of ``sort(_:)-([Double])``
    /// carrying each index (below 100,000 values, the standard library's sort on (key, index)).
    public static func order(_ values: [Double]) -> [UInt32] {
        precondition(values.count < 1 << 32, "at most 2^32 values")
        let n = values.count
        var keys = values.map(key)
        var order = (0..<n).map { UInt32(truncatingIfNeeded: $0) }
        guard n >= 100_000 else {
            order.sort { (keys[Int($0)], $0) < (keys[Int($1)], $1) }
            return order
        }
        radixSort(&keys, carrying: &order)
        return order
    }

    /// Sorts unsigned 64-bit keys ascending: LSD radix sort, 11 bits a pass, skipping passes where
    /// every key shares the digit and the digits above the highest bit any key sets. Below 100,000
    /// keys the standard library's sort is used.
    public static func sort(_ keys: inout [UInt64]) {
        guard keys.count >= 100_000 else {
            keys.sort()
            return
        }
        var none: [UInt32] = []
        radixSort(&keys, carrying: &none)
    }

    /// LSD radix sort of `keys`, 11 bits a pass, skipping passes where every key shares the digit and
    /// the digits above the highest bit any key has set (packed indices use few of the 64 bits);
    /// `payload` (empty, or one value per key) moves with its key, so equal keys keep their order.
    private static func radixSort(_ keys: inout [UInt64], carrying payload: inout [UInt32]) {
        let n = keys.count
        let carry = !payload.isEmpty
        precondition(!carry || payload.count == n, "one payload value per key")
        let radix = 11
        let buckets = 1 << radix
        let bits = 64 - keys.reduce(0, |).leadingZeroBitCount
        let passes = max(1, (bits + radix - 1) / radix)
        var histograms = [Int](repeating: 0, count: buckets * passes)
        for key in keys {
            for p in 0..<passes { histograms[p * buckets + Int((key >> UInt64(p * radix)) & UInt64(buckets - 1))] += 1 }
        }
        var scratch = [UInt64](repeating: 0, count: n)
        var scratchPayload = [UInt32](repeating: 0, count: carry ? n : 0)
        for p in 0..<passes {
            let base = p * buckets
            if histograms[base..<(base + buckets)].contains(n) { continue }  // every key has this digit
            var offsets = [Int](repeating: 0, count: buckets)
            var sum = 0
            for b in 0..<buckets {
                offsets[b] = sum
                sum += histograms[base + b]
            }
            let shift = UInt64(p * radix)
            let mask = UInt64(buckets - 1)
            keys.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    offsets.withUnsafeMutableBufferPointer { offset in
                        payload.withUnsafeBufferPointer { from in
                            scratchPayload.withUnsafeMutableBufferPointer { to in
                                if carry {
                                    for i in 0..<n {
                                        let digit = Int((source[i] >> shift) & mask)
                                        target[offset[digit]] = source[i]
                                        to[offset[digit]] = from[i]
                                        offset[digit] += 1
                                    }
                                } else {
                                    for key in source {
                                        let digit = Int((key >> shift) & mask)
                                        target[offset[digit]] = key
                                        offset[digit] += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &scratch)
            if carry { swap(&payload, &scratchPayload) }
        }
    }
}
