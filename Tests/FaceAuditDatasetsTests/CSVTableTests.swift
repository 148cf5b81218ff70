import Testing

@testable import FaceAuditDatasets

@Suite("CSV parsing with exact error locations")
struct CSVTableTests {
    static func parse(_ text: String) throws(ManifestError) -> CSVTable { try CSVTable(text: text, file: "m.csv") }

    static func expectError(
        _ text: String, _ code: ManifestError.Code, line: Int, column: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try parse(text)
            Issue.record("parsed without error", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.location == TextLocation(file: "m.csv", line: line, column: column), "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("m.csv:\(line):\(column): "), sourceLocation: sourceLocation)
        }
    }

    @Test("quoted fields keep commas, doubled quotes and line breaks")
    func quoting() throws {
        let table = try Self.parse("a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,end\n")
        #expect(table.rows.count == 2)
        #expect(table.rows[0].map(\.value) == ["x,1", "say \"hi\"", "two\nlines"])
        #expect(table.rows[1].map(\.value) == ["plain", "", "end"])
        #expect(table.rows[1][2].location == TextLocation(file: "m.csv", line: 4, column: 8))
    }

    @Test("CRLF, a byte-order mark, blank lines and a missing final newline")
    func lineEndings() throws {
        let table = try Self.parse("\u{FEFF}a,b\r\n1,2\r\n\r\n3,4")
        #expect(table.header.map(\.value) == ["a", "b"])
        #expect(table.rows.map { $0.map(\.value) } == [["1", "2"], ["3", "4"]])
        #expect(table.rows[1][0].location.line == 4)
    }

    @Test("a row with too many fields points at the first extra field")
    func tooMany() { Self.expectError("a,b\n1,2\n1,2,3\n", .fieldCount, line: 3, column: 5) }

    @Test("a row with too few fields points at its end")
    func tooFew() { Self.expectError("a,b,c\n1,2\n", .fieldCount, line: 2, column: 4) }

    @Test("an unterminated quote points at the opening quote")
    func unterminated() { Self.expectError("a,b\n1,\"open\n\n", .unterminatedQuote, line: 2, column: 3) }

    @Test("text after a closing quote is an error at that character")
    func afterQuote() { Self.expectError("a,b\n\"x\"y,2\n", .strayQuote, line: 2, column: 4) }

    @Test("a bare quote inside an unquoted field is an error at the quote")
    func bareQuote() { Self.expectError("a,b\n1,ab\"c\n", .strayQuote, line: 2, column: 5) }

    @Test("columns count characters, not bytes")
    func unicodeColumns() { Self.expectError("a,b\n\"é\"x,2\n", .strayQuote, line: 2, column: 4) }

    @Test("an empty file has no header")
    func empty() {
        #expect(throws: ManifestError.self) { try Self.parse("") }
    }
}
