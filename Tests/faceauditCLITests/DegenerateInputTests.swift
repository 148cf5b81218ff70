import FaceAuditTestSupport
import Foundation
import Testing

/// Scores and options at the edges: undefined statistics are null, non-finite or absurd options are usage
/// errors, never a crash or a silent pass.
@Suite("degenerate scores and options")
struct DegenerateInputTests {
    static let scores = TestPaths.shared.appendingPathComponent("testdata/scores")

    @Test("identical scores: d′ is undefined, so null in the JSON (it crashed the encoder)")
    func identicalScores() throws {
        let folder = try TestPaths.temporaryDirectory("degenerate-scores")
        defer { try? FileManager.default.removeItem(at: folder) }
        let g = folder.appendingPathComponent("g.txt"), i = folder.appendingPathComponent("i.txt")
        try "0.5\n0.5\n".write(to: g, atomically: true, encoding: .utf8)
        try "0.5\n0.5\n".write(to: i, atomically: true, encoding: .utf8)
        let result = try CommandRunner.faceaudit(["metrics", "--genuine", g.path, "--impostor", i.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["decidability"] is NSNull)
    }

    @Test(
        "non-finite or absurd option values are usage errors (64)",
        arguments: [
            ["metrics", "--scores", "bob/dev-4col.txt", "--format", "bob4", "--inequity-alpha", "nan"],
            ["metrics", "--scores", "bob/dev-4col.txt", "--format", "bob4", "--curve", "100000000"],
            ["identify", "--scores", "bob/scores-cmc-4col.txt", "--format", "bob4", "--threshold", "nan"],
            ["identify", "--scores", "bob/scores-cmc-4col.txt", "--format", "bob4", "--max-rank", "100000000"],
        ])
    func badOptions(arguments: [String]) throws {
        let resolved = arguments.map { $0.hasSuffix(".txt") ? Self.scores.appendingPathComponent($0).path : $0 }
        let result = try CommandRunner.faceaudit(resolved)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
    }

    @Test("compare --tolerance nan is refused instead of passing every change")
    func nanTolerance() throws {
        let baseline = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/summary.json").path
        let result = try CommandRunner.faceaudit(["compare", baseline, baseline, "--tolerance", "nan"])
        #expect(result.status == 64, "\(result.stderr)")
    }
}
