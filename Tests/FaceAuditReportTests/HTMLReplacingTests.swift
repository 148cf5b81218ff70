import Foundation
import Testing

@testable import FaceAuditReport

@Suite("HTML.replacing: what Foundation's replacingOccurrences gives on the report's markup")
struct HTMLReplacingTests {
    /// Left to right without overlap, at the start and end of the text, beside multi-byte text, and with
    /// a replacement that holds the pattern (not replaced again).
    @Test func agreesWithFoundation() {
        let texts = [
            "", "<table>", "a<table>b<table></table>", "aaa", "aaaa", "é<svg class=\"chart\">–</svg>ü", "<title>x</title><title>",
            "<tab<table>>", "no markup at all — ages 13–17",
        ]
        let patterns = [("<table>", "<div><table>"), ("aa", "b"), ("</svg>", "</svg></div>"), ("<title>", "<title>S: "), ("a", "aa")]
        for text in texts {
            for (pattern, replacement) in patterns {
                #expect(
                    HTML.replacing(pattern, with: replacement, in: text) == text.replacingOccurrences(of: pattern, with: replacement),
                    "\(text) \(pattern)")
            }
        }
        #expect(HTML.replacing("", with: "x", in: "abc") == "abc")
    }
}
