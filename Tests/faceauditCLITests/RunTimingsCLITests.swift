import FaceAuditTestSupport
import Foundation
import Testing

/// `faceaudit run --timings`: one line per stage of the run on standard error, in order, whose times add
/// up to no more than the whole process took; nothing without the flag.
@Suite("faceaudit run --timings", .serialized)
struct RunTimingsCLITests {
    /// The stages printed, and their seconds.
    static func stages(_ stderr: String) -> [(String, Double)] {
        stderr.split(separator: "\n").compactMap { line -> (String, Double)? in
            guard line.hasPrefix("timing: "), line.hasSuffix(" s") else { return nil }
            let fields = line.dropFirst("timing: ".count).dropLast(2).split(separator: " ")
            guard let seconds = fields.last.flatMap({ Double($0) }) else { return nil }
            return (fields.dropLast().joined(separator: " "), seconds)
        }
    }

    @Test("every stage of an exact and of a streamed run, in order", arguments: [false, true])
    func stagesInOrder(streamed: Bool) throws {
        let folder = try TestPaths.temporaryDirectory("timings-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder)
        let out = folder.appendingPathComponent("out")
        let start = Date()
        let r = try CommandRunner.faceaudit(
            ["run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--quiet", "--timings"]
                + (streamed ? ["--exact-pair-limit", "0"] : []))
        let wall = Date().timeIntervalSince(start)
        #expect(r.status == 0, "\(r.stderr)")
        let stages = Self.stages(r.stderr)
        #expect(stages.count == r.stderr.split(separator: "\n").count, "only timing lines with --quiet: \(r.stderr)")
        let names = stages.map(\.0)
        let sets = ["cohorts: gender", "cohorts: ethnicity", "cohorts: gender;ethnicity"]
        let expected =
            streamed
            ? [
                "manifest", "templates", "pair setup", "all-pairs pass", "kept pairs scored and sorted", "second pass",
                "everyone's partner counts", sets[0], "error regression",
            ] + sets.dropFirst() + ["summary", "fingerprint", "outputs"]
            : ["manifest", "templates", "pair setup", "all-pairs pass", "pairs scored", "analysis", "fingerprint", "outputs"]
        #expect(names == expected)
        #expect(stages.allSatisfy { $0.1 >= 0 })
        // The stages follow one another inside the process: together no longer than it ran.
        #expect(stages.reduce(0) { $0 + $1.1 } <= wall)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.json").path))
    }

    @Test("no timing lines without the flag")
    func silentWithoutFlag() throws {
        let folder = try TestPaths.temporaryDirectory("timings-cli-off")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder)
        let r = try CommandRunner.faceaudit([
            "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", folder.appendingPathComponent("out").path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("timing:"))
    }
}
