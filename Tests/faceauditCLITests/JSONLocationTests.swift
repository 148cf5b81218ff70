import FaceAuditTestSupport
import Foundation
import Testing

/// From a hostile-input review: a malformed JSON input said "not valid JSON" without where.
@Suite("JSON syntax errors name their place")
struct JSONLocationTests {
    static let malformed = "{\n  \"schema\": 3,\n  \"x\": [1, 2,, 3]\n}\n"

    @Test("compare and report name file, line and column of a malformed summary.json")
    func summaries() throws {
        let folder = try TestPaths.temporaryDirectory("json-location")
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = folder.appendingPathComponent("summary.json")
        try Self.malformed.write(to: summary, atomically: true, encoding: .utf8)
        let baseline = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib")
        let compare = try CommandRunner.faceaudit(["compare", summary.path, baseline.appendingPathComponent("summary.json").path])
        #expect(compare.status == 65 && compare.stderr.hasPrefix("faceaudit: error: \(summary.path):3:14: "), "\(compare.stderr)")
        let report = try CommandRunner.faceaudit(["report", folder.path, baseline.path, "--out", folder.appendingPathComponent("r").path])
        #expect(report.status == 65 && report.stderr.hasPrefix("faceaudit: error: \(summary.path):3:14: "), "\(report.stderr)")
        for result in [compare, report] { #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)") }
    }

    @Test(
        "a benchmark file and a dataset card name file, line and column",
        arguments: [
            ("faceaudit.json", ["run", "--benchmark"], "{\n  \"bootstrap\": 5\n  \"out\": \"x\"\n}\n", ":3:3: "),
            ("card.json", ["validate", "--card"], "{\"name\": \"x\",\n \"license\": tru}\n", ":2:13: "),
            ("faceaudit.json", ["run", "--benchmark"], "{\"out\": \"x\"", ":1:12: "),
        ])
    func files(name: String, arguments: [String], text: String, place: String) throws {
        let folder = try TestPaths.temporaryDirectory("json-location")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        let dataset = TestPaths.repositoryRoot.appendingPathComponent("datasets/london-subset/manifest.csv").path
        let result = try CommandRunner.faceaudit(arguments + [file.path] + (name == "card.json" ? [dataset] : []))
        #expect(result.stderr.hasPrefix("faceaudit: error: \(file.path)\(place)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1 && result.status != 0, "\(result.stderr)")
    }
}
