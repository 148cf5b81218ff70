import Testing

@testable import FaceAuditDatasets

/// From a hostile-input review: "Jos\u{E9}" (NFC) and "Jose\u{301}" (NFD) are different bytes that Swift
/// compares equal, so a manifest's two subjects became one, silently.
@Suite("Unicode normalization in manifests")
struct NormalizationTests {
    /// The message of the error that parsing `text` throws ("" when it parses).
    static func message(_ text: String) -> String {
        do { _ = try ManifestReaderTests.parse(text) } catch { return error.message }
        return ""
    }

    @Test("two subject ids that differ only in normalization are refused, naming both lines and the column")
    func subjects() {
        let text = "path,subject_id\na.jpg,Jos\u{E9}\nb.jpg,Jos\u{E9}\nc.jpg,Jose\u{301}\n"
        ManifestReaderTests.expectError(text, .unicodeNormalization, line: 4, column: 7)
        #expect(Self.message(text).contains("line 2, column 7 differ only in Unicode normalization"), "\(Self.message(text))")
    }

    @Test("two image paths that differ only in normalization are refused as such, not as the same path listed twice")
    func paths() {
        let text = "path,subject_id\nJos\u{E9}.jpg,a\nJose\u{301}.jpg,b\n"
        ManifestReaderTests.expectError(text, .unicodeNormalization, line: 3, column: 1)
        #expect(Self.message(text).contains("line 2, column 1"), "\(Self.message(text))")
    }

    @Test("the same spelling throughout is one subject")
    func sameSpelling() throws {
        let records = try ManifestReaderTests.parse("path,subject_id\na.jpg,Jose\u{301}\nb.jpg,Jose\u{301}\n")
        #expect(Set(records.map(\.subject)).count == 1)
    }
}
