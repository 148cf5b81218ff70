import FaceAuditTestSupport
import Foundation
import Testing

/// From a hostile-input review: Ctrl-C while a run's outputs were being made left its `.staging-UUID`
/// folder in the output folder until the next write there.
@Suite("interrupted output writes", .serialized)
struct InterruptCLITests {
    /// Starts `faceaudit` with `arguments` as a shell would: every signal unblocked and at its default (the
    /// test runner's own dispositions are not inherited), standard error into `stderr`.
    static func spawn(_ arguments: [String], stderr: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let program = CommandRunner.productsDirectory.appendingPathComponent("faceaudit").path
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        try #require(status == 0, "posix_spawn: \(status)")
        return pid
    }

    /// Runs `faceaudit` with `arguments`, which writes an output set into `out`, sends it `signalNumber` as soon
    /// as the set's staging folder appears, and checks the outcome: an exit with 128 + the signal (not a death by
    /// it) after one line, no hidden entry left in `out`, and either no output or the whole set. `arguments` gets a new temporary folder and `out`, a folder inside it.
    static func expectCleanInterrupt(_ signalNumber: Int32, arguments: (_ folder: URL, _ out: String) throws -> [String]) throws {
        let folder = try TestPaths.temporaryDirectory("interrupt")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        let stderrPath = folder.appendingPathComponent("stderr").path
        let pid = try Self.spawn(try arguments(folder, out), stderr: stderrPath)
        var staging: String?
        var status: Int32 = 0
        while staging == nil && waitpid(pid, &status, WNOHANG) == 0 {
            staging = (try? FileManager.default.contentsOfDirectory(atPath: out))?.first { $0.hasPrefix(".staging-") }
            if staging == nil { usleep(500) }
        }
        if staging != nil {
            kill(pid, signalNumber)
            status = Self.wait(pid)
        }
        try #require(staging != nil, "the staging folder was never seen")
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        #expect(status & 0x7F == 0 && (status >> 8) & 0xFF == 128 + signalNumber, "wait status \(status): \(stderr)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(!left.contains { $0.hasPrefix(".") }, "\(left)")
        #expect(left.isEmpty || left.contains("summary.json"), "\(left)")
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("faceaudit: error: interrupted") == true, "\(stderr)")
    }

    /// Each signal several times: the handler removing the staging folder while the writer makes the next file
    /// once let the writer print its own "No such file or directory" line beside the handler's (2 runs in 15).
    @Test(
        "SIGINT or SIGTERM while the outputs are made leaves no staging folder, no partial set and one line",
        arguments: [SIGINT, SIGTERM], 0..<8)
    func interrupt(signalNumber: Int32, round: Int) throws {
        // 20 people: the outputs take about half a second to make, which the poll catches.
        try Self.expectCleanInterrupt(signalNumber) { _, out in ["demo", "--out", out, "--subjects", "20", "--bootstrap", "0"] }
    }

    /// Waits for `pid` to end; its wait status.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return status
    }

    /// Whether the process `pid` is running (a zombie, killed but not yet reaped, is not).
    static func running(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    /// A CSV manifest of `people` people with two tiny generated files each (64 random bytes named `.png`:
    /// the byte-histogram embedder reads bytes, not pixels).
    static func tinyDataset(in folder: URL, people: Int) throws -> String {
        let images = folder.appendingPathComponent("img")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        var random = SeededUniform(seed: 11)
        var manifest = "path,subject_id,gender,age\n"
        for person in 0..<people {
            for photo in 0..<2 {
                let name = "s\(person)_\(photo).png"
                try Data((0..<64).map { _ in UInt8((random.next() + 0.5) * 255) }).write(to: images.appendingPathComponent(name))
                manifest += "img/\(name),s\(person),\(person % 2 == 0 ? "female" : "male"),\(20 + person)\n"
            }
        }
        let path = folder.appendingPathComponent("manifest.csv").path
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// From a review: with an external embedder, the embedder's interrupt handler and the output writer's both
    /// ran, so a signal while the outputs were made printed two lines, and the first to exit could leave the
    /// staging folder.
    @Test(
        "SIGINT or SIGTERM while an external embedder run's outputs are made: one line, no staging folder",
        arguments: [SIGINT, SIGTERM], 0..<6)
    func externalEmbedderWrite(signalNumber: Int32, round: Int) throws {
        let example = TestPaths.repositoryRoot.appendingPathComponent("examples/byte_histogram_embedder.py").path
        try Self.expectCleanInterrupt(signalNumber) { folder, out in
            let manifest = try Self.tinyDataset(in: folder, people: 30)
            return [
                "run", "--dataset", manifest, "--out", out, "--no-cache", "--quiet", "--bootstrap", "0", "--embedder-command",
                "[\"python3\", \"\(example)\"]",
            ]
        }
    }

    @Test("SIGINT or SIGTERM while an external embedder works kills its process group and prints one line", arguments: [SIGINT, SIGTERM])
    func externalEmbedderRunning(signalNumber: Int32) throws {
        let folder = try TestPaths.temporaryDirectory("interrupt-embedder")
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try Self.tinyDataset(in: folder, people: 3)
        // Answers the hello, then never answers an image: the run is in the extraction when the signal comes.
        let script = folder.appendingPathComponent("slow.py").path
        let groupFile = folder.appendingPathComponent("group").path
        try """
        import json, os, sys, time
        for line in sys.stdin:
            request = json.loads(line)
            if "hello" in request:
                print(json.dumps({"id": request["id"], "hello": {"protocol": 3, "model": "slow"}}), flush=True)
                with open(sys.argv[1] + ".tmp", "w") as f:
                    f.write(str(os.getpgrp()))
                os.rename(sys.argv[1] + ".tmp", sys.argv[1])
            else:
                time.sleep(120)
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let stderrPath = folder.appendingPathComponent("stderr").path
        let pid = try Self.spawn(
            [
                "run", "--dataset", manifest, "--out", folder.appendingPathComponent("out").path, "--no-cache", "--quiet", "--threads", "1",
                "--embedder-command", "[\"python3\", \"\(script)\", \"\(groupFile)\"]",
            ], stderr: stderrPath)
        var group: pid_t?
        var status: Int32 = 0
        while group == nil && waitpid(pid, &status, WNOHANG) == 0 {
            group = (try? String(contentsOfFile: groupFile, encoding: .utf8)).flatMap { pid_t($0) }
            if group == nil { usleep(10_000) }
        }
        defer { if let group { kill(-group, SIGKILL) } }
        try #require(group != nil, "the embedder never answered its hello")
        usleep(200_000)  // the first image is sent
        kill(pid, signalNumber)
        status = Self.wait(pid)
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        #expect(status & 0x7F == 0 && (status >> 8) & 0xFF == 128 + signalNumber, "wait status \(status): \(stderr)")
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("faceaudit: error: interrupted") == true, "\(stderr)")
        // SIGKILL has been sent before the exit; give the kernel a moment to end the group.
        var alive = true
        for _ in 0..<100 where alive {
            alive = Self.running(group!)
            if alive { usleep(20_000) }
        }
        #expect(!alive, "the embedder (process group \(group!)) still runs")
    }
}
