import Foundation

/// Where a JSON text first breaks the grammar (RFC 8259), so that an error can name its line and column:
/// Foundation says "the given data was not valid JSON", or "around character 44", never where.
///
/// Only where: a text whose syntax is valid has no such place (its problem is a type or a missing key). Like
/// Foundation's parser, it takes a comma before a closing bracket, and counts columns in Unicode scalars.
public enum JSONSyntax {
    /// Decodes `type` from `data`, the contents of the JSON file `file`.
    /// - Throws: ``JSONInputError``: at the file's line and column for a syntax error, otherwise at the file
    ///   with what did not decode (``ErrorText/line(_:)``).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws(JSONInputError) -> T {
        do { return try JSONDecoder().decode(type, from: data) } catch {
            if case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty, let syntax = firstError(in: data) {
                throw JSONInputError(file: file, line: syntax.line, column: syntax.column, reason: "not valid JSON: \(syntax.problem)")
            }
            throw JSONInputError(file: file, line: nil, column: nil, reason: ErrorText.line(error))
        }
    }

    /// The first syntax error in `data`: its 1-based line and column and what was expected; nil when the
    /// syntax is valid.
    public static func firstError(in data: Data) -> (line: Int, column: Int, problem: String)? {
        let bytes = [UInt8](data)
        guard let (offset, problem) = scan(bytes) else { return nil }
        var line = 1
        var column = 1
        for byte in bytes[..<offset] {
            if byte == UInt8(ascii: "\n") {
                (line, column) = (line + 1, 1)
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column, problem)
    }

    /// What the scanner expects next.
    private enum Expect { case value, valueOrClose, keyOrClose, colon, commaOrClose, end }

    /// The byte offset of the first syntax error and what is wrong there.
    private static func scan(_ b: [UInt8]) -> (Int, String)? {
        var i = 0
        var open: [UInt8] = []  // the brackets open, innermost last
        var expect = Expect.value
        func skipSpace() { while i < b.count, [0x20, 0x09, 0x0A, 0x0D].contains(b[i]) { i += 1 } }
        func afterValue() -> Expect { open.isEmpty ? .end : .commaOrClose }
        while true {
            skipSpace()
            guard i < b.count else {
                if expect == .end { return nil }
                guard let innermost = open.last else { return (i, "no value") }
                return (i, innermost == UInt8(ascii: "{") ? "the file ends inside an object" : "the file ends inside a list")
            }
            let c = b[i]
            switch expect {
            case .end:
                return (i, "text after the end of the JSON value")
            case .colon:
                guard c == UInt8(ascii: ":") else { return (i, "expected ':' after a key") }
                i += 1
                expect = .value
            case .commaOrClose:
                let close = open.last == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if c == UInt8(ascii: ",") {
                    i += 1
                    expect = close == UInt8(ascii: "}") ? .keyOrClose : .valueOrClose
                } else if c == close {
                    i += 1
                    open.removeLast()
                    expect = afterValue()
                } else {
                    return (i, "expected ',' or '\(Character(Unicode.Scalar(close)))' after a value")
                }
            case .keyOrClose:
                if c == UInt8(ascii: "}") {
                    i += 1
                    open.removeLast()
                    expect = afterValue()
                } else if c == UInt8(ascii: "\"") {
                    if let error = string(b, &i) { return error }
                    expect = .colon
                } else {
                    return (i, "expected a key in double quotes or '}'")
                }
            case .value, .valueOrClose:
                if expect == .valueOrClose && c == UInt8(ascii: "]") {
                    i += 1
                    open.removeLast()
                    expect = afterValue()
                    continue
                }
                switch c {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    open.append(c)
                    i += 1
                    expect = c == UInt8(ascii: "{") ? .keyOrClose : .valueOrClose
                    continue
                case UInt8(ascii: "\""):
                    if let error = string(b, &i) { return error }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if let error = number(b, &i) { return error }
                default:
                    guard let word = ["true", "false", "null"].first(where: { b[i...].starts(with: $0.utf8) }) else {
                        return (i, "expected a value (a string in double quotes, a number, true, false, null, an object or a list)")
                    }
                    i += word.utf8.count
                }
                expect = afterValue()
            }
        }
    }

    /// Skips the string starting at `i` (its opening quote); the error in it, if any.
    private static func string(_ b: [UInt8], _ i: inout Int) -> (Int, String)? {
        let start = i
        i += 1
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\""):
                i += 1
                return nil
            case UInt8(ascii: "\\"):
                guard i + 1 < b.count else { return (start, "a string that is never closed") }
                if b[i + 1] == UInt8(ascii: "u") {
                    let hex = b[(i + 2)..<min(b.count, i + 6)]
                    guard hex.count == 4, hex.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }) else {
                        return (i, "\\u must be followed by four hexadecimal digits")
                    }
                    i += 6
                } else {
                    guard "\"\\/bfnrt".utf8.contains(b[i + 1]) else { return (i, "an unknown escape in a string") }
                    i += 2
                }
            case 0..<0x20:
                return (i, "a control character (a line break or tab) inside a string; write it escaped")
            default:
                i += 1
            }
        }
        return (start, "a string that is never closed")
    }

    /// Skips the number starting at `i`; the error in it, if any.
    private static func number(_ b: [UInt8], _ i: inout Int) -> (Int, String)? {
        let start = i
        func digits() -> Int {
            let from = i
            while i < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) { i += 1 }
            return i - from
        }
        if b[i] == UInt8(ascii: "-") { i += 1 }
        let whole = i
        guard digits() > 0 else { return (start, "a malformed number") }
        if b[whole] == UInt8(ascii: "0") && i - whole > 1 { return (start, "a number with a leading zero") }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return (start, "a malformed number") }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return (start, "a malformed number") }
        }
        return nil
    }
}

/// A JSON input file that does not decode: where, and why.
public struct JSONInputError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public let file: String
    /// The 1-based line and column of a syntax error; nil for any other problem.
    public let line: Int?
    public let column: Int?
    /// What is wrong (`not valid JSON: expected ':' after a key`, `missing key "schema"`).
    public let reason: String

    /// `file:line:column`, or the file alone when there is no line to point at.
    public var place: String {
        guard let line, let column else { return file }
        return "\(file):\(line):\(column)"
    }

    /// `place: reason`.
    public var description: String { "\(place): \(reason)" }
}
