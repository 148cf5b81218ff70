/// The last ``capacity`` bytes written to it: a child's standard error kept for error messages without
/// letting a chatty child grow FaceAudit's memory.
public struct ByteRing: Sendable {
    /// How many bytes are kept.
    public let capacity: Int
    private var storage: [UInt8] = []
    private var head = 0
    /// How many bytes were written in all (kept or not).
    public private(set) var total = 0

    /// Creates an empty ring keeping the last `capacity` bytes.
    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        storage.reserveCapacity(capacity)
    }

    /// Appends `bytes`, dropping the oldest beyond ``capacity``.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        total += bytes.count
        for byte in bytes.suffix(capacity) {
            if storage.count < capacity {
                storage.append(byte)
            } else {
                storage[head] = byte
                head = (head + 1) % capacity
            }
        }
    }

    /// The kept bytes, oldest first.
    public var bytes: [UInt8] { Array(storage[head...] + storage[..<head]) }

    /// The kept bytes as text: the last `lines` lines, invalid UTF-8 replaced, trimmed; "(dropped N bytes)"
    /// in front when older output did not fit.
    public func text(lastLines lines: Int = 20) -> String {
        let all = String(decoding: bytes, as: UTF8.self)
        var kept = all.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines).joined(separator: "\n")
        kept = kept.trimmingWhitespace()
        let dropped = total - storage.count
        return dropped > 0 ? "(\(dropped) earlier bytes not kept) " + kept : kept
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
