import Foundation

extension PartnerCounts {
    /// Where ``PartnerCounts`` values are set aside while a larger value is encoded, so that a writer
    /// can put their text in directly: a run's per-person counts are most of `summary.json`, and
    /// `JSONEncoder` spends a boxed value on every number of them.
    ///
    /// Encoding with an instance under ``PartnerCounts/deferredKey`` in the encoder's `userInfo`
    /// appends each ``PartnerCounts`` to ``values`` and encodes, in its place, the string
    /// ``token(_:)`` of its index.
    public final class Deferred: @unchecked Sendable {
        /// The counts set aside, in the order they were encoded.
        public private(set) var values: [PartnerCounts] = []
        /// Marks this encoding's tokens (a string a dataset could hold cannot look like one by chance).
        public let nonce: String
        private let lock = NSLock()

        /// An empty set, with a fresh nonce.
        public init() { nonce = UUID().uuidString }

        /// The string encoded in place of the `index`th value: U+0001, the nonce, the index.
        public func token(_ index: Int) -> String { "\u{1}\(nonce):\(index)" }

        func append(_ value: PartnerCounts) -> Int {
            lock.withLock {
                values.append(value)
                return values.count - 1
            }
        }
    }

    /// The `userInfo` key under which an encoder carries a ``Deferred``.
    public static let deferredKey = CodingUserInfoKey(rawValue: "faceaudit.partner_counts.deferred")!

    /// Encodes `cohorts` and `overall` (a ``Deferred`` in the encoder's `userInfo`: its token instead).
    public func encode(to encoder: any Encoder) throws {
        if let deferred = encoder.userInfo[Self.deferredKey] as? Deferred {
            var container = encoder.singleValueContainer()
            try container.encode(deferred.token(deferred.append(self)))
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cohorts, forKey: .cohorts)
        try container.encode(overall, forKey: .overall)
    }

    /// `value` as `JSONEncoder` writes it with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`,
    /// byte for byte outside its ``PartnerCounts``, and each of those written by
    /// ``appendPrettyJSON(indent:to:)`` (each record on one line): the encoder writes a token in place of
    /// each (``Deferred``), and each token is replaced by the counts' text, indented as the line it
    /// stands on.
    public static func prettyJSON<T: Encodable>(of value: T) throws -> Data {
        let deferred = Deferred()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[deferredKey] = deferred
        let encoded = [UInt8](try encoder.encode(value))
        guard !deferred.values.isEmpty else { return Data(encoded) }
        // A token is written as "\u0001NONCE:INDEX" (U+0001 escaped).
        let prefix = Array("\"\\u0001\(deferred.nonce):".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count)
        var copied = 0
        var i = 0
        while i + prefix.count <= encoded.count {
            guard encoded[i] == prefix[0], encoded[i..<(i + prefix.count)].elementsEqual(prefix) else {
                i += 1
                continue
            }
            var end = i + prefix.count
            var index = 0
            while end < encoded.count, encoded[end] >= UInt8(ascii: "0"), encoded[end] <= UInt8(ascii: "9") {
                index = index * 10 + Int(encoded[end] - UInt8(ascii: "0"))
                end += 1
            }
            guard end < encoded.count, encoded[end] == UInt8(ascii: "\""), index < deferred.values.count else {
                i += 1
                continue
            }
            var lineStart = i
            while lineStart > 0 && encoded[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
            var indent = 0
            while encoded[lineStart + indent] == UInt8(ascii: " ") { indent += 1 }
            output += encoded[copied..<i]
            deferred.values[index].appendPrettyJSON(indent: indent, to: &output)
            copied = end + 1
            i = copied
        }
        output += encoded[copied...]
        return Data(output)
    }

    /// The counts as `JSONEncoder` writes them with `[.prettyPrinted, .sortedKeys]`, but each record on
    /// one line (`{"comparisons" : [n, n], "false_matches" : [n, n], "partners" : [n, n], "people" : n}`),
    /// as the value of a key on a line indented by `indent` spaces (from the opening brace to the
    /// closing one), appended to `out` as UTF-8: bytes and digits written directly, since these counts
    /// are most of a large run's summary.
    public func appendPrettyJSON(indent: Int, to out: inout [UInt8]) {
        // Written by a value that holds the bytes (moved in and out, no copy): closures over the inout
        // buffer were not inlined, and each byte went through a call and a uniqueness check.
        var writer = JSONBytes(out: consume out, spaces: [UInt8](repeating: UInt8(ascii: " "), count: indent + 10))
        writer.byte("{")
        writer.newline(indent + 2)
        writer.text("\"cohorts\" : ")
        writer.array(cohorts.count, indent + 2) { writer, k, depth in
            writer.array(cohorts[k].count, depth) { writer, l, _ in writer.record(cohorts[k][l]) }
        }
        writer.byte(",")
        writer.newline(indent + 2)
        writer.text("\"overall\" : ")
        writer.array(overall.count, indent + 2) { writer, k, _ in writer.record(overall[k]) }
        writer.newline(indent)
        writer.byte("}")
        out = writer.out
    }
}

/// The bytes ``PartnerCounts/appendPrettyJSON(indent:to:)`` writes, appended to ``out``.
private struct JSONBytes {
    var out: [UInt8]
    /// Enough spaces for the deepest line.
    let spaces: [UInt8]

    mutating func byte(_ c: Unicode.Scalar) { out.append(UInt8(ascii: c)) }

    mutating func newline(_ depth: Int) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: spaces[0..<depth])
    }

    mutating func text(_ s: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }

    mutating func number(_ value: Int) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // Most counts are one digit (a person's partners and false matches per cohort, mostly 0).
        guard magnitude >= 10 else {
            out.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        // Room for the digits of any `Int` (`Int.min` has 19), on the stack: an array member was checked
        // for uniqueness at every digit.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var k = digits.count
            repeat {
                k -= 1
                digits[k] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[k...]))
        }
    }

    /// `[` … `]` with each of `count` elements written by `element` on its own line at `depth` + 2.
    mutating func array(_ count: Int, _ depth: Int, _ element: (inout JSONBytes, Int, Int) -> Void) {
        out.append(UInt8(ascii: "["))
        if count == 0 { out.append(UInt8(ascii: "\n")) }
        for k in 0..<count {
            newline(depth + 2)
            element(&self, k, depth + 2)
            if k < count - 1 { out.append(UInt8(ascii: ",")) }
        }
        newline(depth)
        out.append(UInt8(ascii: "]"))
    }

    /// `[a, b, …]` on one line.
    mutating func numbers(_ values: [Int]) {
        out.append(UInt8(ascii: "["))
        for k in values.indices {
            if k > 0 { text(", ") }
            number(values[k])
        }
        out.append(UInt8(ascii: "]"))
    }

    /// One record on one line: a run of 50,000 templates writes about 300,000 of them, and one number a
    /// line (as `JSONEncoder` writes them) made `summary.json` 54 MB, mostly indentation.
    mutating func record(_ r: PartnerCounts.Record) {
        text("{\"comparisons\" : ")
        numbers(r.comparisons)
        text(", \"false_matches\" : ")
        numbers(r.falseMatches)
        text(", \"partners\" : ")
        numbers(r.partners)
        text(", \"people\" : ")
        number(r.people)
        out.append(UInt8(ascii: "}"))
    }
}
