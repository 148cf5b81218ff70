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
            for i in 0..<n {
                let bits = values[i].bitPattern
                buffer[i] = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
            }
            count = n
        }
        sort(&keys)
        for i in 0..<n {
            let key = keys[i]
            values[i] = Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
        }
    }

    /// Sorts unsigned 64-bit keys ascending: LSD radix sort, 11 bits a pass, skipping passes where
    /// every key shares the digit. Below 100,000 keys the standard library's sort is used.
    public static func sort(_ keys: inout [UInt64]) {
        guard keys.count >= 100_000 else {
            keys.sort()
            return
        }
        let n = keys.count
        let radix = 11
        let buckets = 1 << radix
        let passes = (64 + radix - 1) / radix
        var histograms = [Int](repeating: 0, count: buckets * passes)
        for key in keys {
            for p in 0..<passes { histograms[p * buckets + Int((key >> UInt64(p * radix)) & UInt64(buckets - 1))] += 1 }
        }
        var scratch = [UInt64](repeating: 0, count: n)
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
            keys.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    offsets.withUnsafeMutableBufferPointer { offset in
                        for key in source {
                            let digit = Int((key >> shift) & UInt64(buckets - 1))
                            target[offset[digit]] = key
                            offset[digit] += 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
        }
    }
}
