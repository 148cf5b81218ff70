/// Sorting large score arrays in linear time.
public enum RadixSort {
    /// Sorts doubles ascending (NaN-free input; −0 sorts before +0, which compare equal anyway).
    ///
    /// Radix sort on order-preserving 64-bit keys (see ``sort(_:)-([UInt64])``). Below 100,000 elements
    /// the standard library's sort is used.
    public static func sort(_ values: inout [Double]) {
        guard values.count >= 100_000 else {
            values.sort()
            return
        }
        // Already in the order the sort gives (a subset of scores sorted once, say): nothing to do. Checked
        // on the keys, so that −0 after +0 is not taken as sorted, before they are written (at 13.75
        // million scores, an array of them had fresh pages that cost more than the check).
        let sorted = values.withUnsafeBufferPointer { values in
            var previous: UInt64 = 0
            for v in values {
                let k = key(v)
                guard previous <= k else { return false }
                previous = k
            }
            return true
        }
        if sorted { return }
        values.withUnsafeMutableBufferPointer { values in
            inPlaceKeys(values) { keys in radixSort(keys, carrying: nil as UnsafeMutableBufferPointer<UInt32>?) }
        }
    }

    /// Sorts doubles ascending (NaN-free; −0 before +0), stably, each carrying the payload value at its
    /// index: afterwards `payload[k]` is the value that was beside the k-th smallest. The same order as
    /// ``order(_:)``, without a list of indices to gather by afterwards. A 4-byte payload moves a quarter
    /// less memory than an 8-byte one: `scripts/bench/suite --filter "RadixSort_3.4M_scores.*"` sorted
    /// 3.4 million doubles in a median 96 ms carrying 4 bytes against 115 ms carrying 8.
    public static func sort<Payload: BitwiseCopyable>(_ values: inout [Double], carrying payload: inout [Payload]) {
        precondition(payload.count == values.count, "one payload value per key")
        let n = values.count
        guard n >= 100_000 else {
            let order = order(values)
            values = order.map { values[Int($0)] }
            payload = order.map { payload[Int($0)] }
            return
        }
        values.withUnsafeMutableBufferPointer { values in
            payload.withUnsafeMutableBufferPointer { payload in inPlaceKeys(values) { keys in radixSort(keys, carrying: payload) } }
        }
    }

    /// Calls `body` with `values`' memory holding their ``key(_:)``s, then turns the keys (in whatever
    /// order `body` left them) back into doubles: no array of keys beside the doubles (at 2.2 million
    /// scores, two fresh arrays' pages and the maps into them cost as much as the sort's first scatter).
    private static func inPlaceKeys(_ values: UnsafeMutableBufferPointer<Double>, _ body: (UnsafeMutableBufferPointer<UInt64>) -> Void) {
        values.withMemoryRebound(to: UInt64.self) { keys in
            for i in keys.indices { keys[i] = key(Double(bitPattern: keys[i])) }
            body(keys)
            for i in keys.indices { keys[i] = value(keys[i]).bitPattern }
        }
    }

    /// The double whose ``key(_:)`` is `key`.
    @inline(__always)
    static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// The order-preserving key of a double: unsigned comparison of keys is the numeric order, with
    /// −0 before +0.
    @inline(__always)
    static func key(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// The stable ascending order of `values` (NaN-free): indices such that `values[order[k]]` ascend,
    /// −0 before +0, equal values in index order. Radix sort on the keys of ``sort(_:)-([Double])``
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

    /// Sorts unsigned 64-bit keys ascending: radix sort over the bits where the keys differ (see
    /// `radixSort(_:carrying:)`). Below 100,000 keys the standard library's sort is used.
    public static func sort(_ keys: inout [UInt64]) {
        guard keys.count >= 100_000 else {
            keys.sort()
            return
        }
        var none: [UInt32] = []
        radixSort(&keys, carrying: &none)
    }

    /// Sorts unsigned 64-bit keys ascending, stably, each carrying the payload value at its index:
    /// afterwards `payload[k]` is the value that was beside the k-th smallest key (equal keys keep
    /// their order). Below 100,000 keys the standard library's sort on (key, index) is used.
    public static func sort(_ keys: inout [UInt64], carrying payload: inout [UInt32]) {
        precondition(payload.count == keys.count, "one payload value per key")
        guard keys.count >= 100_000 else {
            let order = keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
            keys = order.map { keys[$0] }
            payload = order.map { payload[$0] }
            return
        }
        radixSort(&keys, carrying: &payload)
    }

    /// Stable radix sort of `keys` over the bits where they differ (the bits every key shares, such as a
    /// score's sign and exponent or a packed index's unused top, take no pass); `payload` (empty, or one
    /// value per key) moves with its key, so equal keys keep their order.
    ///
    /// One most-significant-digit pass on the top (up to) 11 varying bits scatters the keys into buckets
    /// of about 2^``bucketBits`` keys, small enough for the cache (none below 2,048 keys), then
    /// each bucket is sorted least-significant digit first on the rest, in passes of at most 11 bits
    /// (digits no key of the bucket differs in are skipped), or by insertion below 48 keys. Every pass
    /// is stable, so the whole is. Only the first pass scatters over all of memory; 11-bit LSD passes
    /// over the whole array each did.
    private static func radixSort<Payload: BitwiseCopyable>(_ keys: inout [UInt64], carrying payload: inout [Payload]) {
        let carry = !payload.isEmpty
        precondition(!carry || payload.count == keys.count, "one payload value per key")
        keys.withUnsafeMutableBufferPointer { keys in
            payload.withUnsafeMutableBufferPointer { payload in radixSort(keys, carrying: carry ? payload : nil) }
        }
    }

    /// The radix sort above on memory the caller holds (`payload` nil, or one value per key): the
    /// result is left in `keys` and `payload`.
    private static func radixSort<Payload: BitwiseCopyable>(
        _ keys: UnsafeMutableBufferPointer<UInt64>, carrying payload: UnsafeMutableBufferPointer<Payload>?
    ) {
        let n = keys.count
        let carry = payload != nil
        precondition(!carry || payload!.count == n, "one payload value per key")
        guard n > 1 else { return }
        var any: UInt64 = 0
        var all: UInt64 = .max
        for key in keys { (any, all) = (any | key, all & key) }
        let varying = any ^ all
        guard varying != 0 else { return }  // every key equal: already in order
        let low = varying.trailingZeroBitCount
        let high = 64 - varying.leadingZeroBitCount
        // Buckets of about 2^bucketBits keys on average (few enough for the cache); no first scatter at
        // all for arrays that are small to begin with.
        let topBits = min(11, high - low, max(0, (Int.bitWidth - n.leadingZeroBitCount) - bucketBits))
        let topShift = UInt64(high - topBits)
        let buckets = 1 << topBits
        // The inner passes: the bits below the top digit, split evenly into digits of at most 11 bits.
        let innerBits = high - topBits - low
        let innerPasses = (innerBits + 10) / 11
        let digit = innerPasses == 0 ? 0 : (innerBits + innerPasses - 1) / innerPasses
        var bounds = [Int](repeating: 0, count: buckets + 1)
        var scratch = [UInt64](unsafeUninitializedCapacity: n) { _, count in count = n }
        var scratchPayload = [Payload](unsafeUninitializedCapacity: carry ? n : 0) { _, count in count = carry ? n : 0 }
        var histograms = [Int](repeating: 0, count: (1 << digit) * innerPasses)
        var offsets = [Int](repeating: 0, count: max(buckets, 1 << digit))
        let keyBase = keys.baseAddress!
        let payloadBase = payload?.baseAddress
        scratch.withUnsafeMutableBufferPointer { scratch in
            scratchPayload.withUnsafeMutableBufferPointer { scratchPayload in
                bounds.withUnsafeMutableBufferPointer { bounds in
                    histograms.withUnsafeMutableBufferPointer { histograms in
                        offsets.withUnsafeMutableBufferPointer { offsets in
                            guard topBits > 0 else {
                                // One bucket: the whole array, sorted into the scratch, then copied back.
                                sortBucket(
                                    keyBase, payloadBase, count: n, low: low, digit: digit, passes: innerPasses,
                                    spare: scratch.baseAddress!, carry ? scratchPayload.baseAddress : nil,
                                    histograms: histograms.baseAddress!, offsets: offsets.baseAddress!)
                                keyBase.update(from: scratch.baseAddress!, count: n)
                                if let payloadBase { payloadBase.update(from: scratchPayload.baseAddress!, count: n) }
                                return
                            }
                            let top = UInt64(buckets - 1)
                            for key in keys { bounds[Int(truncatingIfNeeded: (key >> topShift) & top) &+ 1] &+= 1 }
                            for b in 0..<buckets { bounds[b + 1] &+= bounds[b] }
                            for b in 0..<buckets { offsets[b] = bounds[b] }
                            scatter(
                                keyBase, payloadBase, count: n, shift: topShift, mask: top, offsets: offsets.baseAddress!,
                                into: scratch.baseAddress!, carry ? scratchPayload.baseAddress : nil)
                            for b in 0..<buckets where bounds[b + 1] > bounds[b] {
                                let start = bounds[b]
                                sortBucket(
                                    scratch.baseAddress! + start, carry ? scratchPayload.baseAddress! + start : nil,
                                    count: bounds[b + 1] - start, low: low, digit: digit, passes: innerPasses, spare: keyBase + start,
                                    payloadBase.map { $0 + start }, histograms: histograms.baseAddress!, offsets: offsets.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The first scatter aims at buckets of about 2^`bucketBits` keys. Timed on this machine (under
    /// load, so roughly) against 9, 13 and 15 for 0.1 to 13.75 million doubles with payloads and 32-bit
    /// keys: 11 was the fastest or close to it at every size but 300,000 (about 1 ms slower than plain
    /// LSD there), where aiming at 4,096-key buckets had made 100,000 keys 2.5 times slower than LSD.
    static let bucketBits = 11

    /// Sorts one bucket (`count` keys at `keys`, payload at `values`) on the bits `low..<low + digit *
    /// passes`, least significant digit first, and leaves the result in `spare` (and `spareValues`); the
    /// bucket's own memory is scratch.
    ///
    /// Only the top digits that tell about 16 · `count` keys apart are passed over (at least the bit
    /// length of `count` plus 4 bits, in whole digits); the keys are then in order of those bits, equal
    /// ones in their old order, and each run that shares them is finished on the full key: by insertion
    /// below 48 keys (among a run's scores or partner keys a run rarely holds more than one), else by
    /// the remaining digits. Both are stable, so the result is the full sort's. Two of a bucket's four
    /// passes were spent ordering keys that no higher bit had left tied.
    private static func sortBucket<Payload: BitwiseCopyable>(
        _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Payload>?, count: Int, low: Int, digit: Int, passes: Int,
        spare: UnsafeMutablePointer<UInt64>, _ spareValues: UnsafeMutablePointer<Payload>?, histograms: UnsafeMutablePointer<Int>,
        offsets: UnsafeMutablePointer<Int>
    ) {
        let width = digit == 0 ? 0 : 1 << digit
        var (from, fromValues, to, toValues) = (keys, values, spare, spareValues)
        if count < 48 || passes == 0 {
            // Stable insertion sort, done in the target.
            to.update(from: from, count: count)
            toValues?.update(from: fromValues!, count: count)
            guard passes > 0 else { return }
            insertionSort(to, toValues, count: count)
            return
        }
        // The top `passes − first` digits cover at least the bit length of `count` plus 4 bits.
        let needed = (Int.bitWidth - count.leadingZeroBitCount) + 4
        let first = max(0, passes - (needed + digit - 1) / digit)
        histograms.update(repeating: 0, count: width * passes)
        let mask = UInt64(width - 1)
        for i in 0..<count {
            let key = from[i]
            var p = first
            while p < passes {
                histograms[p &* width &+ Int(truncatingIfNeeded: (key >> UInt64(low &+ p &* digit)) & mask)] &+= 1
                p &+= 1
            }
        }
        var inSpare = false
        for p in first..<passes {
            let histogram = histograms + p * width
            let shift = UInt64(low + p * digit)
            if histogram[Int(truncatingIfNeeded: (from[0] >> shift) & mask)] == count { continue }  // one digit for all
            var sum = 0
            for d in 0..<width {
                offsets[d] = sum
                sum &+= histogram[d]
            }
            scatter(from, fromValues, count: count, shift: shift, mask: mask, offsets: offsets, into: to, toValues)
            swap(&from, &to)
            swap(&fromValues, &toValues)
            inSpare.toggle()
        }
        if !inSpare {
            spare.update(from: from, count: count)
            spareValues?.update(from: fromValues!, count: count)
        }
        guard first > 0 else { return }
        // Runs that share the sorted bits, finished on the bits below them (`keys` is free again).
        let cut = UInt64(low + first * digit)
        var start = 0
        while start < count {
            let prefix = spare[start] >> cut
            var end = start + 1
            while end < count && spare[end] >> cut == prefix { end += 1 }
            if end - start >= 48 {
                sortBucket(
                    spare + start, spareValues.map { $0 + start }, count: end - start, low: low, digit: digit, passes: first,
                    spare: keys + start, values.map { $0 + start }, histograms: histograms, offsets: offsets)
                spare.advanced(by: start).update(from: keys + start, count: end - start)
                spareValues?.advanced(by: start).update(from: values! + start, count: end - start)
            } else if end - start > 1 {
                insertionSort(spare + start, spareValues.map { $0 + start }, count: end - start)
            }
            start = end
        }
    }

    /// Stable insertion sort of `count` keys at `keys` in place, each payload (at `values`, when given)
    /// moving with its key.
    @inline(__always)
    private static func insertionSort<Payload: BitwiseCopyable>(
        _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Payload>?, count: Int
    ) {
        for i in 1..<max(count, 1) {
            let key = keys[i]
            let value = values?[i]
            var j = i
            while j > 0 && keys[j - 1] > key {
                keys[j] = keys[j - 1]
                values?[j] = values![j - 1]
                j -= 1
            }
            keys[j] = key
            if let value { values![j] = value }
        }
    }

    /// One stable counting-sort pass: each key (and its payload) goes to `offsets[digit]`, which then
    /// advances.
    @inline(__always)
    private static func scatter<Payload: BitwiseCopyable>(
        _ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Payload>?, count: Int, shift: UInt64, mask: UInt64,
        offsets: UnsafeMutablePointer<Int>, into target: UnsafeMutablePointer<UInt64>, _ targetValues: UnsafeMutablePointer<Payload>?
    ) {
        if let values, let targetValues {
            for i in 0..<count {
                let key = keys[i]
                let d = Int(truncatingIfNeeded: (key >> shift) & mask)
                let at = offsets[d]
                target[at] = key
                targetValues[at] = values[i]
                offsets[d] = at &+ 1
            }
        } else {
            for i in 0..<count {
                let key = keys[i]
                let d = Int(truncatingIfNeeded: (key >> shift) & mask)
                let at = offsets[d]
                target[at] = key
                offsets[d] = at &+ 1
            }
        }
    }
}
