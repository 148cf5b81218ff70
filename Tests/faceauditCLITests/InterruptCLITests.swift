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

    /// Each signal several times: the handler removing the staging folder while the writer makes the next file
    /// once let the writer print its own "No such file or directory" line beside the handler's (2 runs in 15).
    @Test(
        "SIGINT or SIGTERM while the outputs are made leaves no staging folder, no partial set and one line",
        arguments: [SIGINT, SIGTERM], 0..<8)
    func interrupt(signalNumber: Int32, round: Int) throws {
        let folder = try TestPaths.temporaryDirectory("interrupt")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        let stderrPath = folder.appendingPathComponent("stderr").path
        // 20 people: the outputs take about half a second to make, which the poll below catches.
        let pid = try Self.spawn(["demo", "--out", out, "--subjects", "20", "--bootstrap", "0"], stderr: stderrPath)
        var staging: String?
        var status: Int32 = 0
        while staging == nil && waitpid(pid, &status, WNOHANG) == 0 {
            staging = (try? FileManager.default.contentsOfDirectory(atPath: out))?.first { $0.hasPrefix(".staging-") }
            if staging == nil { usleep(1_000) }
        }
        if staging != nil {
            kill(pid, signalNumber)
            waitpid(pid, &status, 0)
        }
        try #require(staging != nil, "the staging folder was never seen")
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        // Exited (not killed by the signal) with 128 + the signal.
        #expect(status & 0x7F == 0 && (status >> 8) & 0xFF == 128 + signalNumber, "wait status \(status): \(stderr)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(!left.contains { $0.hasPrefix(".") }, "\(left)")
        // All or nothing: either no output at all, or the whole set with its marker.
        #expect(left.isEmpty || left.contains("summary.json"), "\(left)")
        let lines = stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("faceaudit: error: interrupted") == true, "\(stderr)")
    }
}
