import FaceAuditDatasets
import Foundation

extension BenchmarkFile {
    /// The settings of a YAML benchmark file: one flat mapping of the same keys as the TOML form.
    ///
    /// Supported: `key: value` at the start of a line; values that are plain, single- or double-quoted
    /// scalars (`true`/`false` and YAML 1.2 numbers are typed, anything else plain is a string), flow
    /// sequences on one line (`[0.01, 0.001]`), or block sequences (`- item` lines indented under an
    /// empty `key:`); `#` comments; a leading `---`. Anything else — nested mappings, anchors, tags,
    /// multi-line scalars — is refused at its line and column rather than guessed at.
    ///
    /// ```yaml
    /// dataset: manifest.csv
    /// pipeline: external
    /// embedder_command: ["python3", "embed.py"]
    /// target_fmr:
    ///   - 0.01
    ///   - 0.001
    /// ```
    static func yamlEntries(_ lines: [String], file: String) throws(ManifestError) -> [Entry] {
        var entries: [Entry] = []
        var open: Int?  // the entry whose block sequence is being read
        var seenContent = false
        for (index, line) in lines.enumerated() {
            var parser = YAMLLine(chars: Array(line.unicodeScalars), file: file, line: index + 1)
            parser.skipSpace()
            let indent = parser.i
            guard !parser.atEnd, parser.chars[parser.i] != "#" else { continue }
            if line.trimmingCharacters(in: .whitespaces) == "---" {
                guard !seenContent else { throw parser.fail("one document only: a second --- is not supported") }
                seenContent = true
                continue
            }
            seenContent = true
            if parser.chars[parser.i] == "-" && (parser.i + 1 == parser.chars.count || parser.chars[parser.i + 1] == " ") {
                guard let e = open, case .array(var items) = entries[e].value else {
                    throw parser.fail("a list item needs an empty key: above it")
                }
                parser.i += 1
                parser.skipSpace()
                items.append(try parser.scalarOrFlow())
                try parser.expectEnd()
                entries[e].value = .array(items)
                continue
            }
            guard indent == 0 else { throw parser.fail("nested mappings are not supported: keys start at column 1") }
            open = nil
            let keyColumn = parser.i + 1
            var key = ""
            while !parser.atEnd, parser.chars[parser.i] != ":" { key.unicodeScalars.append(parser.chars[parser.i]); parser.i += 1 }
            key = key.trimmingCharacters(in: .whitespaces)
            guard !parser.atEnd, !key.isEmpty else { throw parser.fail("expected key: value") }
            parser.i += 1
            guard parser.atEnd || parser.chars[parser.i] == " " || parser.chars[parser.i] == "\t" else {
                throw parser.fail("expected a space after \"\(key):\"")
            }
            parser.skipSpace()
            let location = TextLocation(file: file, line: index + 1, column: keyColumn)
            if parser.atEnd || parser.chars[parser.i] == "#" {
                // An empty value opens a block sequence.
                entries.append(Entry(key: key, location: location, value: .array([])))
                open = entries.count - 1
                continue
            }
            let value = try parser.scalarOrFlow()
            try parser.expectEnd()
            entries.append(Entry(key: key, location: location, value: value))
        }
        for entry in entries where entry.value == .array([]) {
            throw ManifestError(.invalidValue, at: entry.location, "\"\(entry.key)\" has no value")
        }
        return entries
    }

    /// A cursor over one line of YAML.
    private struct YAMLLine {
        let chars: [Unicode.Scalar]
        let file: String
        let line: Int
        var i = 0

        var atEnd: Bool { i >= chars.count }

        func fail(_ message: String) -> ManifestError {
            ManifestError(.invalidValue, at: TextLocation(file: file, line: line, column: i + 1), message)
        }

        mutating func skipSpace() { while !atEnd, chars[i] == " " || chars[i] == "\t" || chars[i] == "\r" { i += 1 } }

        /// Only spaces or a comment may follow a value.
        mutating func expectEnd() throws(ManifestError) {
            skipSpace()
            guard atEnd || chars[i] == "#" else { throw fail("unexpected text after the value") }
        }

        /// A scalar, or a one-line flow sequence of scalars.
        mutating func scalarOrFlow() throws(ManifestError) -> BenchmarkFile.Value {
            guard !atEnd else { throw fail("missing value") }
            guard chars[i] == "[" else { return try scalar(inFlow: false) }
            i += 1
            var items: [BenchmarkFile.Value] = []
            skipSpace()
            while !atEnd, chars[i] != "]" {
                items.append(try scalar(inFlow: true))
                skipSpace()
                if !atEnd, chars[i] == "," {
                    i += 1
                    skipSpace()
                } else if !atEnd, chars[i] != "]" {
                    throw fail("expected , or ] in the list")
                }
            }
            guard !atEnd else { throw fail("unterminated list (flow lists must fit on one line)") }
            i += 1
            return .array(items)
        }

        mutating func scalar(inFlow: Bool) throws(ManifestError) -> BenchmarkFile.Value {
            switch chars[i] {
            case "\"":
                i += 1
                var s = ""
                while !atEnd, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count {
                        i += 1
                        switch chars[i] {
                        case "n": s.append("\n")
                        case "t": s.append("\t")
                        case "\"", "\\", "/": s.unicodeScalars.append(chars[i])
                        default: throw fail("unsupported escape \\\(chars[i])")
                        }
                    } else {
                        s.unicodeScalars.append(chars[i])
                    }
                    i += 1
                }
                guard !atEnd else { throw fail("unterminated string") }
                i += 1
                return .string(s)
            case "'":
                i += 1
                var s = ""
                while !atEnd {
                    if chars[i] == "'" {
                        if i + 1 < chars.count, chars[i + 1] == "'" {
                            s.append("'")
                            i += 2
                            continue
                        }
                        break
                    }
                    s.unicodeScalars.append(chars[i])
                    i += 1
                }
                guard !atEnd else { throw fail("unterminated string") }
                i += 1
                return .string(s)
            case "&", "*", "!", "|", ">", "{", "@", "`", "%":
                throw fail("\"\(chars[i])\" (anchors, tags, block scalars, mappings) is not supported in a benchmark file")
            default:
                var token = ""
                while !atEnd {
                    let c = chars[i]
                    if inFlow && (c == "," || c == "]") { break }
                    if c == "#" && token.last == " " { break }  // a comment needs a space before it
                    if c == ":" && (i + 1 == chars.count || chars[i + 1] == " ") { throw fail("nested mappings are not supported") }
                    token.unicodeScalars.append(c)
                    i += 1
                }
                token = token.trimmingCharacters(in: .whitespaces)
                if token == "true" { return .bool(true) }
                if token == "false" { return .bool(false) }
                if ["null", "~", ""].contains(token) { throw fail("missing value") }
                if token.wholeMatch(of: /[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?/) != nil, let n = Double(token) {
                    return .number(n)
                }
                return .string(token)
            }
        }
    }
}
