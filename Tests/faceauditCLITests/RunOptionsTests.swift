import FaceAuditConfiguration
import FaceAuditTestSupport
import Foundation
import Testing

@testable import faceaudit

/// Flags and benchmark files are two ways to write one `RunConfiguration`.
@Suite("run flags")
struct RunOptionsTests {
    /// Every setting away from its default, as flags…
    static let flags = [
        "--dataset", "/data/set", "--layout", "utkface", "--card", "/data/card.json", "--scores", "/data/scores.csv",
        "--format", "bob5", "--dissimilarity", "--simulated-subjects", "300", "--pipeline", "external", "--models", "/models",
        "--upsample", "2", "--face-policy", "confident", "--embedder-command", #"["python3", "embed \"x\".py"]"#,
        "--embedder-version", "7", "--embedder-timeout", "30.5", "--embedder-startup-timeout", "90", "--embedder-protocol", "1",
        "--embeddings", "/data/t.npy", "--comparison", "euclidean", "--estimate-skin-tone",
        "--dimensions", "gender,age_band", "--age-bands", "0,18,65", "--min-subjects", "5", "--target-fmr", "0.01,1e-3", "--threshold",
        "0.6", "--threshold", "0.45",
        "--reference-cohort", "gender=male", "--bootstrap", "200", "--seed", "9", "--watchlist", "--enrolled-share", "1",
        "--target-fpir", "0.05", "--school-size", "800", "--passes-per-day", "2", "--school-days", "170", "--watchlist-size", "20",
        "--watchlist-mix", "gender=female:0.7,gender=male:0.3", "--tracking-days", "30",
        "--shard", "2/7", "--phase", "compare", "--tile-size", "64", "--exact-pair-limit", "5000", "--threads", "3",
        "--cache", "/cache", "--no-cache", "--out", "/out", "--export-scores", "--allow-outside-paths",
    ]

    /// …and as a benchmark file.
    static let toml = ConfigurationSample.toml

    @Test("every setting has a flag, and the flags give the same value as the benchmark file")
    func flagsEqualFile() throws {
        for key in RunConfiguration.validKeys {
            let flag = "--" + (key == "score_format" ? "format" : key.replacingOccurrences(of: "_", with: "-"))
            #expect(Self.flags.contains(flag), "no flag for \(key)")
        }
        let fromFlags = try RunOptions.parse(Self.flags).configuration()
        let fromFile = try RunConfiguration.decode(Self.toml, format: .toml, file: "f.toml")
        #expect(fromFlags == fromFile)
        #expect(fromFile != RunConfiguration())
    }

    @Test("flags replace the benchmark file's values; the rest comes from the file")
    func flagsWin() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("run-options-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("faceaudit.toml")
        try "dataset = \"data\"\nbootstrap = 50\nseed = 4\n".write(to: file, atomically: true, encoding: .utf8)
        let c = try RunOptions.parse(["--benchmark", file.path, "--bootstrap", "7"]).configuration()
        #expect(c.bootstrap == 7 && c.seed == 4 && c.dataset == folder.appendingPathComponent("data").path)
        // --dimensions auto undoes a file's dimensions.
        try "dimensions = [\"gender\"]\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try RunOptions.parse(["--benchmark", file.path]).configuration().dimensions == [.gender])
        #expect(try RunOptions.parse(["--benchmark", file.path, "--dimensions", "auto"]).configuration().dimensions == nil)
        // Given both, the external command wins, as it always has.
        let both = try RunOptions.parse(["--embedder-command", #"["x"]"#, "--embeddings", "t.csv"]).configuration()
        #expect(both.resolvedPipeline == .external)
    }
}

@Suite("hostile command lines")
struct HostileCommandLineTests {
    @Test("a newline in a Slurm resource is a usage error, never a line of the batch script")
    func slurmResourceInjection() throws {
        let result = try CommandRunner.faceaudit([
            "slurm", "submit", "/nonexistent.toml", "--shards", "2", "--partition", "gpu\ntouch /tmp/x",
        ])
        #expect(result.status == 64 && result.stderr.contains("--partition"), "\(result.stderr)")
    }

    @Test("a missing partial or submission folder is missing input (66)")
    func missingFolders() throws {
        #expect(try CommandRunner.faceaudit(["merge", "/nonexistent/shard-0-of-1"]).status == 66)
        #expect(try CommandRunner.faceaudit(["slurm", "status", "/nonexistent/slurm"]).status == 66)
    }
}

@Suite("cohort flags")
struct CohortFlagTests {
    @Test("--cohorts is an alias of --dimensions, and auto means every labeled dimension")
    func alias() throws {
        let a = try CohortOptions.parse(["--cohorts", "gender,age"]).configuration()
        let b = try CohortOptions.parse(["--dimensions", "age_band,gender"]).configuration()
        #expect(a == b && a.dimensions == [.ageBand, .gender])
        let auto = try CohortOptions.parse(["--dimensions", "auto"])
        let automatic = try auto.configuration()
        #expect(auto.requested && automatic.dimensions == nil)
        let none = try CohortOptions.parse([])
        #expect(!none.requested)
    }
}
