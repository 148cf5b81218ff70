import FaceAuditFiles
import Testing

@Suite("ErrorText.printable: a message from input text stays one printable line")
struct PrintableTextTests {
    @Test func controlAndBidirectionalCharactersAreWrittenOut() {
        #expect(ErrorText.printable("plain text, é, 😀") == "plain text, é, 😀")
        #expect(ErrorText.printable("a\nfaceaudit: all checks passed") == "a\\u{A}faceaudit: all checks passed")
        #expect(ErrorText.printable("\u{1B}]0;owned\u{7}") == "\\u{1B}]0;owned\\u{7}")
        #expect(ErrorText.printable("\u{202E}gnp.exe\u{2069}") == "\\u{202E}gnp.exe\\u{2069}")
        #expect(ErrorText.printable("a\u{85}b\u{2028}c\u{7F}") == "a\\u{85}b\\u{2028}c\\u{7F}")
    }
}
