import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditReport
import FaceAuditTestSupport
import Foundation
import Testing

@testable import faceaudit

/// `faceaudit run` end to end on a small real dataset made of dlib's reference photos.
@Suite("faceaudit run", .serialized)
struct RunCLITests {
    /// Six photos of three people (two each), with labels, as a CSV manifest pointing into ../shared.
    static func dataset(in folder: URL) throws -> URL {
        // The images stay in ../shared; a symbolic link puts them inside the dataset folder, as manifests must.
        try FileManager.default.createSymbolicLink(
            at: folder.appendingPathComponent("images"), withDestinationURL: TestPaths.dlibReference.appendingPathComponent("images"))
        let images = "images"
        let rows = [
            ("obama.jpg", "a", "male", 47), ("obama2.jpg", "a", "male", 48), ("biden.jpg", "b", "male", 66),
            ("biden2.jpg", "b", "male", 67), ("john1.jpeg", "c", "male", 40), ("img1.jpg", "c", "male", 41),
        ]
        let text = "path,subject_id,gender,age\n" + rows.map { "\(images)/\($0.0),\($0.1),\($0.2),\($0.3)" }.joined(separator: "\n") + "\n"
        let manifest = folder.appendingPathComponent("manifest.csv")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        return manifest
    }

    static func outputs(_ folder: URL) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in ["summary.json", "cohorts.csv", "cross_cohort_fmr.csv", "curves.csv"] {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            // The timestamp and the recorded command line (it names the output and cache folders) may differ.
            files[name] = text.split(separator: "\n").filter { !$0.contains("generated_at") && !$0.contains("/tmp/") }.joined(
                separator: "\n")
        }
        return files
    }

    @Test("a run killed midway resumes from its cache and produces the same outputs as an uninterrupted run")
    func killAndResume() throws {
        let folder = try TestPaths.temporaryDirectory("run-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try Self.dataset(in: folder)
        let clean = folder.appendingPathComponent("clean")
        let resumed = folder.appendingPathComponent("resumed")
        let common = ["--bootstrap", "100", "--threads", "1", "--quiet"]
        let first = try CommandRunner.faceaudit(
            ["run", "--dataset", manifest.path, "--out", clean.path, "--cache", folder.appendingPathComponent("cache-clean").path] + common)
        #expect(first.status == 0, "\(first.stderr)")

        // Start a run with an empty cache and kill it as soon as the first template is on disk.
        let cache = folder.appendingPathComponent("cache-killed")
        let process = Process()
        process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("faceaudit")
        process.arguments = ["run", "--dataset", manifest.path, "--out", resumed.path, "--cache", cache.path] + common
        try process.run()
        var cached = 0
        for _ in 0..<600 where process.isRunning {
            cached = (FileManager.default.enumerator(atPath: cache.path)?.allObjects.count ?? 0)
            if cached >= 2 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: resumed.appendingPathComponent("summary.json").path))

        let second = try CommandRunner.faceaudit(
            ["run", "--dataset", manifest.path, "--out", resumed.path, "--cache", cache.path] + common)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.outputs(clean) == Self.outputs(resumed))
        let report = try String(contentsOf: resumed.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.hasPrefix("<!DOCTYPE html>") && !report.contains("obama"))
        let summary = try String(contentsOf: resumed.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"faceaudit.summary/1\"") && !summary.contains("obama"))
        try Self.checkProvenance(resumed, manifest: manifest)
    }

    /// summary.json's provenance: the commit git reports for this repository, the fingerprint of the dataset
    /// as read independently of the run (the run took its image hashes from the extraction's cache keys), and
    /// an explicit command that parses back to the settings recorded.
    static func checkProvenance(_ out: URL, manifest: URL) throws {
        let summary = try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: out.appendingPathComponent("summary.json")))
        if let head = Git.run(["rev-parse", "HEAD"], in: TestPaths.repositoryRoot) {
            #expect(summary.tool["commit"] == head)
        }
        #expect(summary.tool["working_tree"] == "not checked")
        let expected = DatasetFingerprint(manifest: try DatasetReader().read(path: manifest.path))
        #expect(summary.dataset.fingerprint == expected && expected.files == 7 && expected.unreadable == 0)
        let explicit = try #require(summary.explicitCommandLine)
        let recorded = try #require(summary.configuration)
        #expect(
            try RunOptions.parse(Array(explicit.dropFirst(2))).configuration()
                == recorded.effective(layout: .csv, comparison: .euclidean))
        #expect(explicit.contains("--comparison") && explicit[explicit.firstIndex(of: "--comparison")! + 1] == "euclidean")
    }

    @Test("run --estimate-skin-tone adds measured skin_tone cohorts, marked estimated, and refuses other pipelines")
    func estimateSkinTone() throws {
        let folder = try TestPaths.temporaryDirectory("run-skintone")
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try Self.dataset(in: folder)
        let out = folder.appendingPathComponent("out")
        let cache = folder.appendingPathComponent("cache")
        let result = try CommandRunner.faceaudit([
            "run", "--dataset", manifest.path, "--out", out.path, "--cache", cache.path, "--estimate-skin-tone", "--bootstrap", "50",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("skin tone: 6 photos measured, 0 unknown; 3 people labeled"))
        let cohorts = try String(contentsOf: out.appendingPathComponent("cohorts.csv"), encoding: .utf8)
        #expect(cohorts.contains(",skin_tone,skin_tone=monk:"))
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"skin_tone\" : \"estimated (ITA from pixels)\""))
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("skin_tone — estimated (ITA from pixels)") && report.contains("Individual Typology Angle"))
        #expect(report.contains("<h3>Skin tone</h3>\n<p class=\"meta\">Labels: estimated (ITA from pixels).</p>"))
        // Measurements and templates are both cached: 12 entries for 6 photos, each 0600.
        let entries = (FileManager.default.enumerator(atPath: cache.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }
        #expect(entries.count == 12)
        for entry in entries {
            let mode = try FileManager.default.attributesOfItem(atPath: cache.appendingPathComponent(entry).path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        let refused = try CommandRunner.faceaudit([
            "run", "--dataset", manifest.path, "--out", out.path, "--estimate-skin-tone", "--embedder-command", "[\"python3\", \"x.py\"]",
        ])
        #expect(refused.status == 64 && refused.stderr.contains("needs the built-in dlib pipeline"))
    }
}

@Suite("faceaudit demo", .serialized)
struct DemoCLITests {
    @Test("the demo writes every output, marks each SIMULATED, finds the built-in differentials, and is reproducible")
    func demo() throws {
        let folder = try TestPaths.temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a")
        let b = folder.appendingPathComponent("b")
        for out in [a, b] {
            let result = try CommandRunner.faceaudit(["demo", "--out", out.path, "--subjects", "200", "--bootstrap", "200"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let report = try String(contentsOf: a.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("SIMULATED") && report.contains("NIST.IR.8280"))
        // The reproduce block: the demo as a `run` of the simulated population, and a fingerprint that says it is no data.
        #expect(report.contains("faceaudit run \\\n    --simulated-subjects 200 \\\n    --out \(a.path)"))
        #expect(report.contains("SIMULATED: no data was read"))
        // Every chart and every table of the page carries the mark, and so does every printed page.
        let charts = report.components(separatedBy: "<svg class=\"chart\"").count - 1
        let tables = report.components(separatedBy: "<table>").count - 1
        #expect(charts > 5 && tables > 5)
        let marked = "<p class=\"chart-title\"><span class=\"simulated-mark\">SIMULATED</span>"
        #expect(report.components(separatedBy: marked).count - 1 == charts)
        #expect(report.components(separatedBy: "<table><caption class=\"simulated-mark\">SIMULATED").count - 1 == tables)
        #expect(report.contains("@top-right { content: \"SIMULATED data"))
        for csv in ["cohorts.csv", "cross_cohort_fmr.csv", "curves.csv"] {
            let lines = try String(contentsOf: a.appendingPathComponent(csv), encoding: .utf8).split(separator: "\n").dropFirst()
            #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("SIMULATED,") }, "\(csv)")
            #expect(
                try String(contentsOf: a.appendingPathComponent(csv), encoding: .utf8)
                    == String(contentsOf: b.appendingPathComponent(csv), encoding: .utf8))
        }
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: a.appendingPathComponent("summary.json"))) as? [String: Any])
        #expect(summary["simulated"] as? Bool == true)
        // The population is built with women at 2.5× men's false matches: the measured ratio must show it.
        let analyses = try #require(summary["cohorts"] as? [[String: Any]])
        let gender = try #require(analyses.first { $0["dimensions"] as? String == "gender" && $0["target_fmr"] as? Double == 0.01 })
        let cohorts = try #require(gender["cohorts"] as? [[String: Any]])
        func fmr(_ name: String) -> Double {
            ((cohorts.first { $0["cohort"] as? String == name })?["fmr"] as? [String: Any])?["rate"] as? Double ?? .nan
        }
        #expect(fmr("gender=female") > 1.5 * fmr("gender=male"))
    }
}

@Suite("faceaudit run with an external embedder", .serialized)
struct ExternalRunCLITests {
    @Test("run --embedder-command drives the example embedder end to end")
    func external() throws {
        let folder = try TestPaths.temporaryDirectory("external-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try RunCLITests.dataset(in: folder)
        let example = TestPaths.repositoryRoot.appendingPathComponent("examples/byte_histogram_embedder.py").path
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.faceaudit([
            "run", "--dataset", manifest.path, "--out", out.path, "--no-cache", "--bootstrap", "50", "--quiet",
            "--embedder-command", "[\"python3\", \"\(example)\"]",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        #expect((summary["pipeline"] as? [String: Any])?["name"] as? String == "external")
        #expect((summary["pipeline"] as? [String: Any])?["comparison"] as? String == "cosine_similarity")
        let bad = try CommandRunner.faceaudit(["run", "--dataset", manifest.path, "--out", out.path, "--embedder-command", "python3 x.py"])
        #expect(bad.status == 64 && bad.stderr.contains("JSON array"))
    }

    @Test("the hello's model reaches summary.json and the cache key; a protocol-2 embedder fails in one line telling what to do")
    func hello() throws {
        let folder = try TestPaths.temporaryDirectory("external-hello")
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try RunCLITests.dataset(in: folder)
        let example = TestPaths.repositoryRoot.appendingPathComponent("examples/byte_histogram_embedder.py").path
        let out = folder.appendingPathComponent("out")
        let common = ["run", "--dataset", manifest.path, "--no-cache", "--bootstrap", "20", "--quiet"]
        let result = try CommandRunner.faceaudit(
            common + ["--out", out.path, "--embedder-command", "[\"python3\", \"\(example)\"]", "--embedder-version", "7"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        let pipeline = summary["pipeline"] as? [String: Any]
        let configuration = summary["configuration"] as? [String: Any]
        #expect(pipeline?["model_identity"] as? String == "byte-histogram-16;v1")
        #expect((pipeline?["identity"] as? String)?.hasSuffix(";version=7;model=byte-histogram-16;v1;cosine_similarity") == true)
        #expect(configuration?["embedder_version"] as? String == "7" && configuration?["embedder_protocol"] as? Int == 3)

        // The same toy as it was before protocol 3: it answers the hello {"id": 0, "error": "KeyError"}.
        let old = folder.appendingPathComponent("old.py")
        try String(contentsOfFile: example, encoding: .utf8).replacingOccurrences(of: "if \"hello\" in request:", with: "if False:")
            .write(to: old, atomically: true, encoding: .utf8)
        let refused = try CommandRunner.faceaudit(
            common + ["--out", folder.appendingPathComponent("old-out").path, "--embedder-command", "[\"python3\", \"\(old.path)\"]"])
        #expect(refused.status == 65 && refused.stderr.contains("--embedder-protocol 2"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        let accepted = try CommandRunner.faceaudit(
            common + [
                "--out", folder.appendingPathComponent("old-ok").path, "--embedder-command", "[\"python3\", \"\(old.path)\"]",
                "--embedder-protocol", "2",
            ])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let oldSummary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("old-ok/summary.json"))) as? [String: Any]
        )
        #expect((oldSummary["pipeline"] as? [String: Any])?["model_identity"] == nil)
    }
}

@Suite("faceaudit run --benchmark", .serialized)
struct BenchmarkFileCLITests {
    @Test("a committed faceaudit.toml reproduces a run with one command")
    func benchmarkFile() throws {
        let folder = try TestPaths.temporaryDirectory("benchmark-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try RunCLITests.dataset(in: folder)
        let example = TestPaths.repositoryRoot.appendingPathComponent("examples/byte_histogram_embedder.py").path
        try """
        dataset = "manifest.csv"
        out = "results"
        pipeline = "external"
        embedder_command = ["python3", "\(example)"]
        target_fmr = [0.1]
        bootstrap = 20
        watchlist = true
        target_fpir = [0.5]
        """.write(to: folder.appendingPathComponent("faceaudit.toml"), atomically: true, encoding: .utf8)
        let result = try CommandRunner.faceaudit([
            "run", "--benchmark", folder.appendingPathComponent("faceaudit.toml").path, "--no-cache", "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results/summary.json")))
                as? [String: Any])
        #expect((summary["pipeline"] as? [String: Any])?["name"] as? String == "external")
        #expect(summary["watchlist"] != nil)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("results/watchlist.csv").path))
        // The same benchmark as YAML gives the same results.
        try """
        dataset: manifest.csv
        out: results-yaml
        pipeline: external
        embedder_command: ["python3", "\(example)"]
        target_fmr: [0.1]
        bootstrap: 20
        watchlist: true
        target_fpir:
          - 0.5
        """.write(to: folder.appendingPathComponent("faceaudit.yaml"), atomically: true, encoding: .utf8)
        let yaml = try CommandRunner.faceaudit([
            "run", "--benchmark", folder.appendingPathComponent("faceaudit.yaml").path, "--no-cache", "--quiet",
        ])
        #expect(yaml.status == 0, "\(yaml.stderr)")
        for name in ["cohorts.csv", "cross_cohort_fmr.csv", "curves.csv", "watchlist.csv"] {
            let a = try String(contentsOf: folder.appendingPathComponent("results/\(name)"), encoding: .utf8)
            let b = try String(contentsOf: folder.appendingPathComponent("results-yaml/\(name)"), encoding: .utf8)
            #expect(a == b, "\(name)")
        }
        let missing = try CommandRunner.faceaudit(["run", "--quiet"])
        #expect(missing.status == 64 && missing.stderr.contains("--benchmark"))
    }
}

@Suite("faceaudit run --scores", .serialized)
struct ScoreFileRunCLITests {
    @Test("a labeled CSV score file gives per-cohort results and a report; a bob file gives bob's numbers")
    func scoreFiles() throws {
        let folder = try TestPaths.temporaryDirectory("scores-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("scores.csv")
        try CohortCLITests.writeScores(to: csv)
        let out = folder.appendingPathComponent("out")
        let labeled = try CommandRunner.faceaudit(["run", "--scores", csv.path, "--out", out.path, "--bootstrap", "50", "--quiet"])
        #expect(labeled.status == 0, "\(labeled.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        let dimensions = Set((summary["cohorts"] as? [[String: Any]] ?? []).compactMap { $0["dimensions"] as? String })
        #expect(dimensions.contains("gender") && dimensions.contains("age_band;gender"))
        #expect((summary["pipeline"] as? [String: Any])?["name"] as? String == "scores")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("report.html").path))

        let bob = TestPaths.shared.appendingPathComponent("testdata/scores/bob/dev-4col.txt").path
        let bobOut = folder.appendingPathComponent("bob")
        let result = try CommandRunner.faceaudit([
            "run", "--scores", bob, "--format", "bob4", "--out", bobOut.path, "--target-fmr", "0.01", "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let bobSummary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: bobOut.appendingPathComponent("summary.json"))) as? [String: Any])
        let point = try #require(((bobSummary["verification"] as? [String: Any])?["operating_points"] as? [[String: Any]])?.first)
        #expect(point["false_matches"] as? Int == 5 && point["false_non_matches"] as? Int == 85 && point["threshold"] as? Double == 0.04615)
    }
}
