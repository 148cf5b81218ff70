import FaceAuditDatasets
import Testing

@testable import FaceAuditReport

@Suite("CSV fields as RFC 4180 writes them")
struct CSVFieldTests {
    /// Every field reads back as written through the manifest reader's RFC 4180 parser, including a comma
    /// or quote followed by a combining mark (one Character with it, which `contains(",")` and a split on
    /// `Character("\"")` missed: such a field was written unquoted, a broken row).
    @Test func fieldsReadBackAsWritten() throws {
        let fields = [
            "plain", "", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", "a,\u{301}b", "a\"\u{301}b", "\"", ",",
            "ethnicity=black;gender=female",
            "é,ü",
        ]
        let text = ResultTables.csv([["name", "value"]] + fields.map { [$0, "x"] })
        let table = try CSVTable(text: text, file: "t.csv")
        #expect(table.rows.map { $0[0].value } == fields)
        #expect(table.rows.allSatisfy { $0.count == 2 && $0[1].value == "x" })
        #expect(ResultTables.field("a,\u{301}b") == "\"a,\u{301}b\"")
        #expect(ResultTables.field("a\"\u{301}b") == "\"a\"\"\u{301}b\"")
        #expect(ResultTables.field("plain") == "plain")
    }

    /// From a hostile-input review: run folders named `=HYPERLINK(1)` put a formula into comparison.csv,
    /// and names with ESC or U+202E went into it raw.
    @Test func freeTextIsNoFormulaAndShowsControls() {
        #expect(ResultTables.text("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        #expect(ResultTables.text("+1") == "'+1" && ResultTables.text("-x") == "'-x" && ResultTables.text("@sum") == "'@sum")
        #expect(ResultTables.text("run\u{1B}[31m\u{202E}a") == "run\\u{1B}[31m\\u{202E}a")
        #expect(ResultTables.text("dlib-20") == "dlib-20")
    }
}
