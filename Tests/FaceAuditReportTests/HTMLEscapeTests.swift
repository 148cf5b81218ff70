import Testing

@testable import FaceAuditReport

@Suite("HTML.escape: no markup character survives, whatever follows it")
struct HTMLEscapeTests {
    /// A quote, `<`, `>`, `'` or `&` followed by a combining mark is one Character, and was copied as
    /// it stood: a cohort label `x"\u{301} onmouseover=alert(1) y="` closed the attribute it was written
    /// in and added a handler. Every such scalar is escaped now, and text without them is unchanged.
    @Test func markupScalarsAreEscapedEvenWithCombiningMarks() {
        let hostile = [
            "x\"\u{301} onmouseover=alert(1) y=\"", "<\u{301}script>", "'\u{301}", "&\u{301}amp;", ">\u{301}", "a\u{301}<b>\"'&",
        ]
        for text in hostile {
            let escaped = HTML.escape(text)
            #expect(!escaped.unicodeScalars.contains { "\"<>'".unicodeScalars.contains($0) }, "\(escaped)")
            // Every & starts one of the five entities (compared scalar by scalar: a combining mark may
            // follow the semicolon).
            let scalars = Array(escaped.unicodeScalars)
            for (k, scalar) in scalars.enumerated() where scalar == "&" {
                let rest = scalars[(k + 1)...]
                #expect(["amp;", "lt;", "gt;", "quot;", "#39;"].contains { rest.starts(with: $0.unicodeScalars) }, "\(escaped)")
            }
        }
        #expect(HTML.escape("x\"\u{301}") == "x&quot;\u{301}")
        #expect(HTML.escape("gender=female; ethnicity=black, ages 13–17 é") == "gender=female; ethnicity=black, ages 13–17 é")
        #expect(HTML.escape("<a href='x'>&</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;")
    }

    /// From a hostile-input review: an `--out` path or a run folder's name holding ESC or U+202E reached
    /// report.html raw (the reversal reorders the text around it). They are written visibly now; line
    /// feeds and tabs (the reproduce block's lines) stay.
    @Test func controlAndBidirectionalCharactersAreShownNotKept() {
        #expect(HTML.escape("out\u{1B}[31m\u{202E}lmth.exe") == "out\\u{1B}[31m\\u{202E}lmth.exe")
        #expect(HTML.escape("a\u{85}b\u{2066}c\u{7F}") == "a\\u{85}b\\u{2066}c\\u{7F}")
        #expect(HTML.escape("line one \\\n\tline two") == "line one \\\n\tline two")
    }
}
