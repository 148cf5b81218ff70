import Testing

@testable import FaceAuditDatasets

@Suite("CSV parsing over UTF-8 bytes: the fields, lines, columns and errors of the scalar parser it replaced")
struct CSVBytesTests {
    /// The parser as it was, scalar by scalar (the definition the byte parser is held to).
    enum ScalarParser {
        struct Record {
            var fields: [CSVTable.Field]
            let line: Int
            var endColumn: Int
        }

        static func parse(_ s: [Unicode.Scalar], file: String) throws(ManifestError) -> [Record] {
            var records: [Record] = []
            var i = 0
            var line = 1
            var column = 1
            if s.first == "\u{FEFF}" { i = 1 }
            var fields: [CSVTable.Field] = []
            var recordLine = 1
            var fieldStart = TextLocation(file: file, line: 1, column: 1)
            var value = String.UnicodeScalarView()
            var atFieldStart = true

            func endRecord() {
                let blank = fields.count == 1 && fields[0].value.isEmpty
                if !blank { records.append(Record(fields: fields, line: recordLine, endColumn: column)) }
                fields = []
            }

            while i < s.count {
                let c = s[i]
                if atFieldStart {
                    fieldStart = TextLocation(file: file, line: line, column: column)
                    if fields.isEmpty { recordLine = line }
                    atFieldStart = false
                    if c == "\"" {
                        // Quoted field: runs to the matching quote; "" is a literal quote.
                        i += 1
                        column += 1
                        var closed = false
                        while i < s.count {
                            let q = s[i]
                            if q == "\"" {
                                if i + 1 < s.count, s[i + 1] == "\"" {
                                    value.append("\"")
                                    i += 2
                                    column += 2
                                    continue
                                }
                                i += 1
                                column += 1
                                closed = true
                                break
                            }
                            value.append(q)
                            i += 1
                            if q == "\n" {
                                line += 1
                                column = 1
                            } else {
                                column += 1
                            }
                        }
                        guard closed else {
                            throw ManifestError(.unterminatedQuote, at: fieldStart, "this quoted field is never closed")
                        }
                        if i < s.count, s[i] != ",", s[i] != "\n", s[i] != "\r" {
                            throw ManifestError(
                                .strayQuote, at: TextLocation(file: file, line: line, column: column),
                                "unexpected character after a closing quote (write a quote inside a quoted field as \"\")")
                        }
                        continue
                    }
                }
                switch c {
                case ",":
                    fields.append(CSVTable.Field(value: String(value), location: fieldStart))
                    value = String.UnicodeScalarView()
                    atFieldStart = true
                    i += 1
                    column += 1
                    if i == s.count {  // a trailing comma ends the file with one more empty field
                        fieldStart = TextLocation(file: file, line: line, column: column)
                        fields.append(CSVTable.Field(value: "", location: fieldStart))
                        endRecord()
                        return records
                    }
                case "\r", "\n":
                    fields.append(CSVTable.Field(value: String(value), location: fieldStart))
                    value = String.UnicodeScalarView()
                    endRecord()
                    atFieldStart = true
                    i += (c == "\r" && i + 1 < s.count && s[i + 1] == "\n") ? 2 : 1
                    line += 1
                    column = 1
                case "\"":
                    throw ManifestError(
                        .strayQuote, at: TextLocation(file: file, line: line, column: column),
                        "a quote inside an unquoted field (quote the whole field and double the quote)")
                default:
                    value.append(c)
                    i += 1
                    column += 1
                }
            }
            if !atFieldStart || !fields.isEmpty {
                fields.append(CSVTable.Field(value: String(value), location: fieldStart))
                endRecord()
            }
            return records
        }
    }

    /// The table's rows (header first) or its error, by either parser.
    static func outcome(_ text: String, bytes: Bool) -> String {
        do throws(ManifestError) {
            if bytes {
                let table = try CSVTable(text: text, file: "f.csv")
                return "\([table.header] + table.rows)"
            }
            var records = try ScalarParser.parse(Array(text.unicodeScalars), file: "f.csv")
            guard !records.isEmpty else { throw ManifestError(.empty, path: "f.csv", "the file has no header row") }
            let header = records.removeFirst()
            for row in records where row.fields.count != header.fields.count {
                let column = row.fields.count > header.fields.count ? row.fields[header.fields.count].location.column : row.endColumn
                throw ManifestError(
                    .fieldCount, at: TextLocation(file: "f.csv", line: row.line, column: column),
                    "this row has \(row.fields.count) fields but the header has \(header.fields.count)")
            }
            return "\([header.fields] + records.map(\.fields))"
        } catch {
            return "error \(error.code) \(error.location.map(\.description) ?? "") \(error.message)"
        }
    }

    /// Random texts of commas, quotes, line ends, spaces, a byte-order mark and one- to four-byte
    /// characters (combining marks, CJK, emoji): every outcome, rows or error, is the same.
    @Test func sameAsTheScalarParser() {
        let pieces = [
            ",", "\"", "\"\"", "\r", "\n", "\r\n", " ", "a", "id", "é", "e\u{301}", "漢", "😀", "\u{FEFF}", "x,y", "\"q,\nr\"",
        ]
        var generator = SystemRandomNumberGenerator()
        var differing: [String] = []
        for round in 0..<4000 {
            var text = round % 7 == 0 ? "\u{FEFF}" : ""
            for _ in 0..<Int.random(in: 0...24, using: &generator) { text += pieces.randomElement(using: &generator)! }
            if Self.outcome(text, bytes: true) != Self.outcome(text, bytes: false) { differing.append(text) }
        }
        #expect(differing.count == 0, "\(differing.prefix(3).map { $0.debugDescription })")
    }
}
