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

@Suite("outputs")
struct OutputFolderTests {
    @Test("an --out that cannot be written fails at once (74), before any template is extracted")
    func unwritableOut() throws {
        let folder = try TestPaths.temporaryDirectory("unwritable-out")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a-file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        for out in [file.path, file.path + "/sub"] {
            let result = try CommandRunner.faceaudit(["run", "--dataset", TestPaths.london.path, "--out", out, "--no-cache"])
            #expect(result.status == 74 && result.stderr.contains("cannot write the outputs there"), "\(result.stderr)")
            #expect(!result.stderr.contains("templates"), "it started extracting: \(result.stderr)")
        }
    }

    @Test("temporary files a killed run left in --out are removed by the next run")
    func staleTemporaries() throws {
        let folder = try TestPaths.temporaryDirectory("stale-temporaries")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let stale = out.appendingPathComponent(".scores.csv.0F1E2D3C-0000-0000-0000-000000000000.tmp")
        try "image_a,image_b\n/secret.jpg,/other.jpg\n".write(to: stale, atomically: true, encoding: .utf8)
        let result = try CommandRunner.faceaudit(["demo", "--out", out.path, "--subjects", "20", "--bootstrap", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale.path))
    }

    @Test("a rerun replaces the whole output set: a killed run's staging folder and the earlier set's extra files go, shards stay")
    func wholeSet() throws {
        let folder = try TestPaths.temporaryDirectory("whole-set")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let shard = out.appendingPathComponent("shard-0-of-2")
        let staging = out.appendingPathComponent(".staging-0F1E2D3C-0000-0000-0000-000000000000")
        for made in [shard, staging] { try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true) }
        // An earlier set (its marker, summary.json, and a scores.csv this run will not write) and a killed
        // run's staging folder. Without the marker the folder is not an output folder, and the run refuses
        // to touch its scores.csv (OutputSetTests.userFilesAreKept).
        try "{}".write(to: out.appendingPathComponent("summary.json"), atomically: false, encoding: .utf8)
        try "image_a,image_b\n".write(to: out.appendingPathComponent("scores.csv"), atomically: false, encoding: .utf8)
        try "partial".write(to: staging.appendingPathComponent("cohorts.csv"), atomically: false, encoding: .utf8)
        let result = try CommandRunner.faceaudit(["demo", "--out", out.path, "--subjects", "20", "--bootstrap", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        // age_gap.csv: the simulated people have an age on both photos (the same one).
        #expect(
            names == [
                "age_gap.csv", "cohorts.csv", "cross_cohort_fmr.csv", "curves.csv", "inequity_curves.csv", "mitigation.csv", "report.html",
                "shard-0-of-2",
                "summary.json",
            ])
    }

    /// The files of an output folder, timestamps blanked (hidden entries are not outputs).
    static func outputSet(_ folder: URL) throws -> [String: String] {
        var set: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            set[name] = text.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "T", options: .regularExpression)
        }
        return set
    }

    @Test("kill -9 while the outputs are written: --out holds the old set or the new one, never a mix; the rerun cleans up")
    func killedWhileWriting() throws {
        let folder = try TestPaths.temporaryDirectory("killed-writing")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let binary = CommandRunner.productsDirectory.appendingPathComponent("faceaudit")
        func demo(seed: Int) -> [String] { ["demo", "--out", out.path, "--seed", "\(seed)", "--subjects", "200", "--bootstrap", "20"] }
        #expect(try CommandRunner.faceaudit(demo(seed: 2)).status == 0)
        let new = try Self.outputSet(out)
        #expect(try CommandRunner.faceaudit(demo(seed: 1)).status == 0)
        let old = try Self.outputSet(out)
        #expect(old != new && old.count == 9)  // with subjects.json (the demo resamples its people), mitigation.csv and inequity_curves.csv

        // Kill the run the moment it starts writing: a staging folder appears, or summary.json is replaced.
        let summary = out.appendingPathComponent("summary.json").path
        let before = try FileManager.default.attributesOfItem(atPath: summary)[.systemFileNumber] as? Int
        let process = Process()
        process.executableURL = binary
        process.arguments = demo(seed: 2)
        try process.run()
        var killedWhileStaging = false
        while process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
            let replaced = (try? FileManager.default.attributesOfItem(atPath: summary)[.systemFileNumber] as? Int) != before
            if names.contains(where: { $0.hasPrefix(".staging-") }) || replaced {
                kill(process.processIdentifier, SIGKILL)
                killedWhileStaging = !replaced
                break
            }
            usleep(200)
        }
        process.waitUntilExit()
        let after = try Self.outputSet(out)
        #expect(after == old || after == new, "a mixed set: \(after.keys.sorted())")
        #expect(killedWhileStaging, "the kill did not land while the files were being written")

        #expect(try CommandRunner.faceaudit(demo(seed: 2)).status == 0)
        #expect(try Self.outputSet(out) == new)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).allSatisfy { !$0.hasPrefix(".") })
    }
}
