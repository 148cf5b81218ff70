import FaceAuditTestSupport
import Foundation
import Testing

/// Every failure is one line, `faceaudit: error: …`, with the documented exit status.
@Suite("error messages")
struct MessageTests {
    /// The lines `result` printed on standard error.
    static func lines(_ result: CommandResult) -> [Substring] { result.stderr.split(separator: "\n") }

    @Test(
        "usage errors are one line with where to read more, and exit 64",
        arguments: [
            (["run", "--bogus"], "faceaudit run --help"),
            (["frobnicate"], "faceaudit --help"),
            (["demo", "--out"], "faceaudit demo --help"),
            (["slurm", "submit"], "faceaudit slurm submit --help"),
            (["metrics", "--genuine", "a.txt"], "faceaudit metrics --help"),
            (["run"], "faceaudit run --help"),
        ])
    func usage(arguments: [String], help: String) throws {
        let result = try CommandRunner.faceaudit(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        let lines = Self.lines(result)
        #expect(lines.count == 1 && lines[0].hasPrefix("faceaudit: error: ") && lines[0].hasSuffix("(see \(help))"), "\(result.stderr)")
        #expect(!result.stderr.contains("Usage:") && !result.stderr.contains("Error:"), "\(result.stderr)")
    }

    @Test("--help and --version still print as they did and exit 0")
    func helpAndVersion() throws {
        let version = try CommandRunner.faceaudit(["--version"])
        #expect(version.status == 0 && version.stdout == "0.1.0\n" && version.stderr.isEmpty)
        for arguments in [["--help"], ["run", "--help"], ["help", "demo"], ["slurm", "submit", "--help"]] {
            let help = try CommandRunner.faceaudit(arguments)
            #expect(help.status == 0 && help.stdout.contains("USAGE:") && help.stderr.isEmpty, "\(arguments): \(help.stderr)")
        }
    }

    @Test("a negative number after an option is its value: it is checked, not taken for an unknown option")
    func negativeValues() throws {
        let jitters = try CommandRunner.faceaudit(["embed", "--jitters", "-1", "x.jpg"])
        #expect(jitters.status == 64 && jitters.stderr.contains("--jitters must be ≥ 0"), "\(jitters.stderr)")
        let subjects = try CommandRunner.faceaudit(["demo", "--out", "/nonexistent/x", "--subjects", "-5"])
        #expect(subjects.status == 64 && subjects.stderr.contains("--subjects must be"), "\(subjects.stderr)")
        let scores = TestPaths.shared.appendingPathComponent("testdata/scores/bob/scores-cmc-4col.txt").path
        let spaced = try CommandRunner.faceaudit(["identify", "--scores", scores, "--format", "bob4", "--threshold", "-1500"])
        let joined = try CommandRunner.faceaudit(["identify", "--scores", scores, "--format", "bob4", "--threshold=-1500"])
        #expect(spaced.status == 0 && spaced.stdout == joined.stdout, "\(spaced.stderr)")
    }

    @Test("a FIFO, a device, a link loop or a missing file as input says so, and exits 66")
    func specialInputs() throws {
        let folder = try TestPaths.temporaryDirectory("special-inputs")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("scores.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let loop = folder.appendingPathComponent("loop.csv").path
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        let missing = folder.appendingPathComponent("missing.csv").path
        let cases: [(input: String, says: String)] = [
            (fifo, "not a regular file (a FIFO)"), ("/dev/zero", "not a regular file (a character device)"),
            (loop, "too many levels of symbolic links"), (missing, "no such file"),
        ]
        for (input, says) in cases {
            for arguments in [
                ["metrics", "--scores", input, "--format", "csv"], ["metrics", "--genuine", input, "--impostor", input],
                ["identify", "--scores", input, "--format", "bob4"],
                ["run", "--scores", input, "--out", folder.appendingPathComponent("o").path],
                ["run", "--benchmark", input], ["validate", input], ["compare", input, input],
                ["run", "--dataset", TestPaths.london.path, "--embeddings", input, "--out", folder.appendingPathComponent("e").path],
            ] {
                let result = try CommandRunner.faceaudit(arguments)
                #expect(result.status == 66, "\(arguments): \(result.stderr)")
                let lines = Self.lines(result)
                #expect(
                    lines.count == 1 && lines[0].hasPrefix("faceaudit: error: ") && lines[0].contains(says),
                    "\(arguments): \(result.stderr)")
                #expect(!result.stderr.contains("permission"), "\(arguments): \(result.stderr)")
            }
        }
    }

    @Test("compare and merge describe a malformed file in words, never as a dump of a Swift value")
    func noDumps() throws {
        let folder = try TestPaths.temporaryDirectory("no-dumps")
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = folder.appendingPathComponent("summary.json")
        try #"{"generated_at": "x"}"#.write(to: summary, atomically: true, encoding: .utf8)
        let compare = try CommandRunner.faceaudit(["compare", summary.path, summary.path])
        #expect(compare.status == 65 && compare.stderr.contains("missing key \"schema\""), "\(compare.stderr)")
        let partial = folder.appendingPathComponent("shard-0-of-1")
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        try #"{"format": "faceaudit-shard-2", "shard": "x"}"#.write(
            to: partial.appendingPathComponent("partial.json"), atomically: true, encoding: .utf8)
        try "x".write(to: partial.appendingPathComponent("pairs.bin"), atomically: true, encoding: .utf8)
        try "x\n".write(to: partial.appendingPathComponent("COMPLETE"), atomically: true, encoding: .utf8)
        let merge = try CommandRunner.faceaudit(["merge", partial.path])
        #expect(merge.status == 65, "\(merge.stderr)")
        for result in [compare, merge] {
            #expect(Self.lines(result).count == 1, "\(result.stderr)")
            for dump in ["DecodingError", "CodingKeys(", "Context(", "Debug description", "NSCocoaErrorDomain"] {
                #expect(!result.stderr.contains(dump), "\(result.stderr)")
            }
        }
    }
}
