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
    /// stands on. The bytes of ``prettyJSON(of:pieces:)``, joined.
    public static func prettyJSON<T: Encodable>(of value: T) throws -> Data {
        var whole = Data()
        try prettyJSON(of: value) { whole.append($0) }
        return whole
    }

    /// The bytes of ``prettyJSON(of:)``, handed to `write` piece by piece (the encoder's text between
    /// tokens, and the counts' text in pieces of about ``pieceSize`` bytes), so that the whole is never
    /// held: joined into one growing array and then copied into `Data`, a 20,000-template run's 6.5 MB
    /// summary took fresh pages four times over. `write` may throw; nothing more is written then.
    public static func prettyJSON<T: Encodable>(of value: T, pieces write: (Data) throws -> Void) throws {
        let deferred = Deferred()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[deferredKey] = deferred
        let encoded = try encoder.encode(value)
        guard !deferred.values.isEmpty else { return try write(encoded) }
        // A token is written as "\u0001NONCE:INDEX" (U+0001 escaped).
        let prefix = Array("\"\\u0001\(deferred.nonce):".utf8)
        // Where each token starts and ends (one past its closing quote), which counts it stands for, and
        // the indentation of its line.
        var tokens: [(start: Int, end: Int, index: Int, indent: Int)] = []
        encoded.withUnsafeBytes { (encoded: UnsafeRawBufferPointer) in
            let (quote, zero, nine, space, newline) =
                (UInt8(ascii: "\""), UInt8(ascii: "0"), UInt8(ascii: "9"), UInt8(ascii: " "), UInt8(ascii: "\n"))
            var i = 0
            while i + prefix.count <= encoded.count {
                guard encoded[i] == prefix[0], encoded[i..<(i + prefix.count)].elementsEqual(prefix) else {
                    i += 1
                    continue
                }
                var end = i + prefix.count
                var index = 0
                while end < encoded.count, encoded[end] >= zero, encoded[end] <= nine {
                    index = index * 10 + Int(encoded[end] - zero)
                    end += 1
                }
                guard end < encoded.count, encoded[end] == quote, index < deferred.values.count else {
                    i += 1
                    continue
                }
                var lineStart = i
                while lineStart > 0 && encoded[lineStart - 1] != newline { lineStart -= 1 }
                var indent = 0
                while encoded[lineStart + indent] == space { indent += 1 }
                tokens.append((i, end + 1, index, indent))
                i = end + 1
            }
        }
        var copied = 0
        var text: [UInt8] = []
        text.reserveCapacity(pieceSize + 4096)
        for token in tokens {
            try write(encoded[copied..<token.start])
            try deferred.values[token.index].appendPrettyJSON(indent: token.indent, to: &text) { text in
                if text.count >= pieceSize {
                    try write(Data(text))
                    text.removeAll(keepingCapacity: true)
                }
            }
            if !text.isEmpty { try write(Data(text)) }
            text.removeAll(keepingCapacity: true)
            copied = token.end
        }
        try write(encoded[copied...])
    }

    /// The size from which ``prettyJSON(of:pieces:)`` hands the counts' text over (64 KiB).
    public static let pieceSize = 1 << 16

    /// The counts as `JSONEncoder` writes them with `[.prettyPrinted, .sortedKeys]`, but each record on
    /// one line (`{"comparisons" : [n, n], "false_matches" : [n, n], "partners" : [n, n], "people" : n}`),
    /// as the value of a key on a line indented by `indent` spaces (from the opening brace to the
    /// closing one), appended to `out` as UTF-8: bytes and digits written directly, since these counts
    /// are most of a large run's summary.
    public func appendPrettyJSON(indent: Int, to out: inout [UInt8]) {
        appendPrettyJSON(indent: indent, to: &out) { _ in }
    }

    /// ``appendPrettyJSON(indent:to:)``, calling `afterRecord` with `out` after each record (it may hand
    /// the text over and empty `out`).
    func appendPrettyJSON(indent: Int, to out: inout [UInt8], afterRecord: (inout [UInt8]) throws -> Void) rethrows {
        // Written by a value that holds the bytes (moved in and out, no copy): closures over the inout
        // buffer were not inlined, and each byte went through a call and a uniqueness check.
        var writer = JSONBytes(out: consume out, spaces: [UInt8](repeating: UInt8(ascii: " "), count: indent + 10))
        defer { out = writer.out }
        writer.byte("{")
        writer.newline(indent + 2)
        writer.text("\"cohorts\" : ")
        try writer.array(cohorts.count, indent + 2) { writer, k, depth in
            try writer.array(cohorts[k].count, depth) { writer, l, _ in
                writer.record(cohorts[k][l])
                try afterRecord(&writer.out)
            }
        }
        writer.byte(",")
        writer.newline(indent + 2)
        writer.text("\"overall\" : ")
        try writer.array(overall.count, indent + 2) { writer, k, _ in
            writer.record(overall[k])
            try afterRecord(&writer.out)
        }
        writer.newline(indent)
        writer.byte("}")
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

    /// `[` … `]` with each of `count` elements written by `element` on its own line at `depth` + 2.
    mutating func array(_ count: Int, _ depth: Int, _ element: (inout JSONBytes, Int, Int) throws -> Void) rethrows {
        out.append(UInt8(ascii: "["))
        if count == 0 { out.append(UInt8(ascii: "\n")) }
        for k in 0..<count {
            newline(depth + 2)
            try element(&self, k, depth + 2)
            if k < count - 1 { out.append(UInt8(ascii: ",")) }
        }
        newline(depth)
        out.append(UInt8(ascii: "]"))
    }

    /// One record on one line: a run of 50,000 templates writes about 300,000 of them, and one number a
    /// line (as `JSONEncoder` writes them) made `summary.json` 54 MB, mostly indentation. The line is
    /// spelled in a buffer on the stack and appended at once (appended byte by byte, each byte's append
    /// checked the array's capacity).
    mutating func record(_ r: PartnerCounts.Record) {
        // Room for the text, every number at its longest (20 bytes) and every separator.
        let longest = 64 + 22 * (r.comparisons.count + r.falseMatches.count + r.partners.count + 1)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: longest) { line in
            let p = line.baseAddress!
            var n = 0
            func text(_ s: StaticString) {
                (p + n).update(from: s.utf8Start, count: s.utf8CodeUnitCount)
                n += s.utf8CodeUnitCount
            }
            func number(_ value: Int) {
                if value < 0 {
                    p[n] = UInt8(ascii: "-")
                    n += 1
                }
                var magnitude = value.magnitude
                var digits = 1
                var rest = magnitude
                while rest >= 10 {
                    rest /= 10
                    digits += 1
                }
                n += digits
                var k = n
                repeat {
                    k -= 1
                    p[k] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                    magnitude /= 10
                } while magnitude > 0
            }
            func numbers(_ values: [Int]) {
                p[n] = UInt8(ascii: "[")
                n += 1
                for k in values.indices {
                    if k > 0 { text(", ") }
                    number(values[k])
                }
                p[n] = UInt8(ascii: "]")
                n += 1
            }
            text("{\"comparisons\" : ")
            numbers(r.comparisons)
            text(", \"false_matches\" : ")
            numbers(r.falseMatches)
            text(", \"partners\" : ")
            numbers(r.partners)
            text(", \"people\" : ")
            number(r.people)
            p[n] = UInt8(ascii: "}")
            n += 1
            out.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        }
    }
}
