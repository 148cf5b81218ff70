import FaceAuditConfiguration
import FaceAuditProtocols
import FaceAuditReport
import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditBenchmark

/// Records every event, in order.
final class RecordedProgress: RunProgress, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [RunEvent] = []
    var events: [RunEvent] { lock.withLock { recorded } }
    func report(_ event: RunEvent) { lock.withLock { recorded.append(event) } }
}

@Suite("BenchmarkPipeline", .serialized)
struct BenchmarkPipelineTests {
    /// The settings of a run on ``SyntheticDataset`` (90 images of 45 people, one without a template).
    static func run(in folder: URL) throws -> RunConfiguration {
        let (manifest, templates) = try SyntheticDataset.write(in: folder)
        var c = RunConfiguration()
        c.dataset = manifest.path
        c.embeddings = templates.path
        c.out = folder.appendingPathComponent("out").path
        c.targetFMR = [0.1]
        c.bootstrap = 20
        c.threads = 1
        c.tileSize = 16
        return c
    }

    @Test("a run reports its extraction, finishes, writes every output and records its settings in summary.json")
    func events() throws {
        let folder = try TestPaths.temporaryDirectory("pipeline-events")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = try Self.run(in: folder)
        let progress = RecordedProgress()
        let result = try BenchmarkPipeline(commandLine: ["test"], version: "0").run(configuration, progress: progress)
        guard case .completed(let summary, let out) = result else {
            Issue.record("not completed: \(result)")
            return
        }
        #expect(out == configuration.out)
        #expect(summary.configuration == configuration && summary.commandLine == ["test"])
        let events = progress.events
        #expect(events.contains(.extractionFinished(stage: "templates")))
        // The outputs come once, after the extraction (the command frees the heap's free pages then).
        #expect(events.filter { $0 == .writingOutputs }.count == 1)
        #expect(events.lastIndex(of: .writingOutputs)! > events.lastIndex(of: .extractionFinished(stage: "templates"))!)
        // Failures to acquire are told to the user with their details (here: no file names, only counts in summary.json).
        #expect(
            events.contains(.note("1 of 90 images failed to acquire (no_precomputed_template 1); summary.json keeps only these categories"))
        )
        #expect(events.contains(.extraction(stage: "templates", done: 90, total: 90, cached: 0)))
        for name in ["summary.json", "cohorts.csv", "cross_cohort_fmr.csv", "curves.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }
        let written = try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")))
        #expect(written.configuration == configuration)
    }

    /// Runs shard 0 of `count` of ``run(in:)`` through both phases and returns its partial folder.
    static func comparedShard(in folder: URL, of count: Int) throws -> String {
        var shard = try Self.run(in: folder)
        shard.shard = RunConfiguration.Shard(index: 0, count: count)
        shard.phase = .compare
        guard case .shardCompared(_, let partial, _, _, _) = try BenchmarkPipeline(commandLine: [], version: "0").run(shard) else {
            throw RunError(.internal, "no partial")
        }
        return partial
    }

    @Test("shards merged from their stored settings give the single run's summary; argv is never parsed again")
    func shardsFromStoredSettings() throws {
        let folder = try TestPaths.temporaryDirectory("pipeline-shards")
        defer { try? FileManager.default.removeItem(at: folder) }
        let single = try Self.run(in: folder)
        let pipeline = BenchmarkPipeline(commandLine: ["faceaudit", "run"], version: "0")
        guard case .completed(let whole, _) = try pipeline.run(single) else { throw RunError(.internal, "no summary") }
        var partials: [String] = []
        for phase in [RunConfiguration.ShardPhase.extract, .compare] {
            for i in 0..<3 {
                var shard = single
                shard.shard = RunConfiguration.Shard(index: i, count: 3)
                shard.phase = phase
                let result = try pipeline.run(shard)
                if case .shardCompared(_, let folder, _, _, _) = result { partials.append(folder) }
            }
        }
        #expect(partials.count == 3)
        let merged = try BenchmarkPipeline(commandLine: [], version: "0").merge(partials: partials, out: folder.path + "/merged")
        var expected = whole
        var got = try #require(merged.summary)
        expected.generatedAt = ""
        got.generatedAt = ""
        // The recorded command writes where the merge wrote.
        #expect(got.commandLine == ["faceaudit", "run", "--out", folder.path + "/merged"])
        #expect(got.configuration?.out == folder.path + "/merged")
        got.commandLine = whole.commandLine
        got.configuration?.out = single.out
        // So does the explicit one; and the merge, which read every image for the fingerprint, finds the same
        // fingerprint as the single run, which took the hashes from its extraction.
        #expect(got.explicitCommandLine?.contains(folder.path + "/merged") == true)
        got.explicitCommandLine = whole.explicitCommandLine
        #expect(got.dataset.fingerprint != nil && got.dataset.fingerprint == whole.dataset.fingerprint)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(got) == encoder.encode(expected))
    }

    @Test("merge finds a run's relative paths in the folder its shards ran in, wherever merge is run from")
    func relativePathsFromTheShardsFolder() throws {
        let folder = try TestPaths.temporaryDirectory("pipeline-relative")
        defer { try? FileManager.default.removeItem(at: folder) }
        let partial = try Self.comparedShard(in: folder, of: 1)
        // As if the shard had run in `folder` with relative paths (this process runs elsewhere).
        #expect(FileManager.default.currentDirectoryPath != folder.path)
        let file = URL(fileURLWithPath: partial + "/partial.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var settings = try #require(object["configuration"] as? [String: Any])
        for key in ["dataset", "embeddings", "out"] {
            settings[key] = (settings[key] as? String)?.replacingOccurrences(of: folder.path + "/", with: "")
        }
        #expect(settings["dataset"] as? String == "manifest.csv")
        object["configuration"] = settings
        object["workingDirectory"] = folder.path
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: file)
        let merged = try BenchmarkPipeline(commandLine: [], version: "0").merge(partials: [partial], out: nil)
        guard case .completed(let summary, let out) = merged else { throw RunError(.internal, "not completed") }
        #expect(out == folder.appendingPathComponent("out").path)
        #expect(summary.configuration?.dataset == "manifest.csv")
    }

    @Test("a partial written before settings were stored as JSON is refused with what to do")
    func oldPartialRefused() throws {
        let folder = try TestPaths.temporaryDirectory("pipeline-old-partial")
        defer { try? FileManager.default.removeItem(at: folder) }
        let json =
            #"{"arguments":["faceaudit","run","--dataset","x"],"endImage":1,"fingerprint":"f","firstImage":0,"format":"faceaudit-shard-1","shard":0,"shards":1,"templates":[]}"#
        try json.write(to: folder.appendingPathComponent("partial.json"), atomically: true, encoding: .utf8)
        try Data([0]).write(to: folder.appendingPathComponent("pairs.bin"))
        try "f\n".write(to: folder.appendingPathComponent("COMPLETE"), atomically: true, encoding: .utf8)
        do {
            _ = try ShardPartial(folder: folder.path)
            Issue.record("an old partial was read")
        } catch {
            #expect(error.code == .dataError)
            #expect(error.message.contains("faceaudit-shard-1") && error.message.contains("rerun the shards"), "\(error.message)")
        }
    }

    @Test(
        "a hand-edited partial is refused, never a crash: impossible shard counts, settings with unknown keys or out of range",
        arguments: [
            (#""shards":3"#, #""shards":-1"#), (#""shards":3"#, #""shards":4611686018427387904"#),
            (#""bootstrap":20"#, #""bootstrap":9223372036854775807"#), (#""bootstrap":20"#, #""bootstrap":20,"tagret_fmr":[0.1]"#),
        ] as [(String, String)])
    func editedPartial(original: String, edited: String) throws {
        let folder = try TestPaths.temporaryDirectory("pipeline-edited-partial")
        defer { try? FileManager.default.removeItem(at: folder) }
        let partial = try Self.comparedShard(in: folder, of: 3)
        let file = URL(fileURLWithPath: partial + "/partial.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(original))
        try text.replacingOccurrences(of: original, with: edited).write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: RunError.self) { _ = try ShardPartial(folder: partial) }
    }

    @Test(
        "a partial.json whose settings are not an object is refused, never a trap (fuzz finding: JSONSerialization traps on them)",
        arguments: ["1", "\"x\"", "[1]", "null"])
    func settingsNotAnObject(_ value: String) throws {
        let json =
            #"{"commandLine":["faceaudit","run"],"configuration":"# + value
            + #","endImage":1,"fingerprint":"f","firstImage":0,"format":"faceaudit-shard-2","shard":0,"shards":1,"templates":[],"workingDirectory":"/"}"#
        #expect(throws: RunError.self) {
            _ = try ShardPartial(folder: "p", partialJSON: Data(json.utf8), pairs: Data(), marker: Data("f\n".utf8))
        }
    }

    @Test("a damaged or earlier-version pairs.bin is a data error naming the file and what to do, never a crash")
    func damagedPairs() throws {
        let folder = try TestPaths.temporaryDirectory("pipeline-damaged-pairs")
        defer { try? FileManager.default.removeItem(at: folder) }
        let partial = try Self.comparedShard(in: folder, of: 3)
        let file = URL(fileURLWithPath: partial + "/pairs.bin")
        let original = try Data(contentsOf: file)
        _ = try ShardPartial(folder: partial)
        // One bit of the payload (a count, an index or a key), and the version-1 magic number.
        var flipped = original
        flipped[flipped.count / 2] ^= 0x10
        var version1 = original
        version1.replaceSubrange(0..<8, with: Data("FAPAIRS1".utf8))
        for (bytes, expected) in [(flipped, "checksum_mismatch"), (version1, "rerun the shard with this version")] {
            try bytes.write(to: file)
            do {
                _ = try ShardPartial(folder: partial)
                Issue.record("a damaged pairs.bin was read")
            } catch {
                #expect(error.code == .dataError)
                #expect(error.message.contains(partial + "/pairs.bin") && error.message.contains(expected), "\(error.message)")
            }
        }
    }

    @Test("settings that contradict each other are usage errors before any work")
    func usage() {
        var c = RunConfiguration()
        c.out = "/nonexistent/out"
        #expect(throws: RunError(.usage, "give --dataset and --out, or a --benchmark file that sets dataset and out")) {
            try BenchmarkPipeline(commandLine: [], version: "0").run(c)
        }
        c.scores = "/nonexistent/scores.csv"
        c.shard = RunConfiguration.Shard(index: 0, count: 2)
        #expect(throws: RunError(.usage, "--shard needs a dataset; score files are not sharded")) {
            try BenchmarkPipeline(commandLine: [], version: "0").run(c)
        }
        // A watchlist on a score file or the simulated population computed nothing, and said nothing.
        c.shard = nil
        c.watchlist = true
        #expect(
            throws: RunError(
                .usage,
                "--watchlist needs a dataset: a score file has no templates to enrol (for 1:N metrics from scores, use faceaudit identify)")
        ) {
            try BenchmarkPipeline(commandLine: [], version: "0").run(c)
        }
        c.scores = nil
        c.simulatedSubjects = 100
        #expect(throws: RunError(.usage, "--watchlist needs a dataset: the simulated population has no templates to enrol")) {
            try BenchmarkPipeline(commandLine: [], version: "0").run(c)
        }
    }
}

@Suite("Memory left to the exit")
struct LeftToExitTests {
    final class Probe: Sendable {}

    @Test("a value kept until exit is never freed")
    func keptIsNeverFreed() {
        weak var watched: Probe?
        do {
            let probe = Probe()
            watched = probe
            LeftToExit.keep(probe)
        }
        #expect(watched != nil)
        weak var unkept: Probe?
        do {
            let probe = Probe()
            unkept = probe
        }
        #expect(unkept == nil)
    }

    @Test("a run hands its data to the exit only when asked, and writes the same outputs", arguments: [false, true])
    func runKeepsItsDataOnlyWhenAsked(leaving: Bool) throws {
        let folder = try TestPaths.temporaryDirectory("pipeline-left-to-exit")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = try BenchmarkPipelineTests.run(in: folder)
        let kept = RecordedValues()
        var pipeline = BenchmarkPipeline(commandLine: ["test"], version: "0")
        pipeline.leavesMemoryToExit = leaving
        pipeline.keepUntilExit = { kept.append($0) }
        guard case .completed(let summary, _) = try pipeline.run(configuration) else {
            Issue.record("not completed")
            return
        }
        #expect(kept.count == (leaving ? 1 : 0))
        #expect(summary.dataset.images == 90)
    }
}

/// Counts the values handed to it.
final class RecordedValues: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Any] = []
    var count: Int { lock.withLock { values.count } }
    func append(_ value: Any) { lock.withLock { values.append(value) } }
}
