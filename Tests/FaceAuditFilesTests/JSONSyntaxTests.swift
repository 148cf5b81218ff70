import FaceAuditFiles
import Foundation
import Testing

/// The place of a JSON syntax error, which Foundation does not give.
@Suite("JSONSyntax: the first syntax error's line and column")
struct JSONSyntaxTests {
    @Test(
        "valid JSON has none; a comma before a closing bracket is taken, as Foundation takes it",
        arguments: ["{}", " [1, -2.5e3, \"a\\u00e9\\n\", true, null, {\"k\": []}] ", "{\"a\": [1,],}", "0"])
    func valid(text: String) {
        #expect(JSONSyntax.firstError(in: Data(text.utf8)) == nil)
    }

    @Test(
        "the place of each kind of mistake",
        arguments: [
            ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3), ("{\"a\" 1}", 1, 6), ("[1, 2,, 3]", 1, 7), ("{\"é\": tru}", 1, 7),
            ("{\"a\": \"x", 1, 7), ("{\"a\": \"x\\", 1, 7), ("[\"a\tb\"]", 1, 4), ("[01]", 1, 2), ("[1.]", 1, 2),
            ("{\"a\": 1", 1, 8), ("[\"\\q\"]", 1, 3), ("{} x", 1, 4), ("", 1, 1), ("{'a': 1}", 1, 2),
        ])
    func place(text: String, line: Int, column: Int) throws {
        let error = try #require(JSONSyntax.firstError(in: Data(text.utf8)))
        #expect(error.line == line && error.column == column, "\(error)")
    }

    @Test("a hostile nesting depth is scanned without recursion")
    func deep() {
        let text = String(repeating: "[", count: 1_000_000)
        #expect(JSONSyntax.firstError(in: Data(text.utf8))?.problem == "the file ends inside a list")
    }
}
