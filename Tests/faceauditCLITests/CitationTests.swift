import FaceAuditTestSupport
import Foundation
import Testing

/// `CITATION.cff` names the version `faceaudit --version` prints, so a citation matches the tool that made
/// the report.
@Suite("citation")
struct CitationTests {
    @Test("CITATION.cff's version is the tool's version, and it cites the dataset and NISTIR 8280")
    func versionMatches() throws {
        let text = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("CITATION.cff"), encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("version: ") })
        let printed = try CommandRunner.faceaudit(["--version"])
        #expect(printed.status == 0)
        #expect(line.dropFirst("version: ".count) == printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(text.hasPrefix("cff-version: 1.2.0\n") && text.contains("doi: \"10.6028/NIST.IR.8280\""))
    }
}
