import FaceAuditFiles
import Foundation
import Testing

/// An interrupt (SIGINT, SIGTERM, SIGHUP) during any write removes what the write had made so far, prints one
/// line and exits with 128 + the signal. Each test runs in a child process (an exit test) that signals itself
/// in the middle of a write; the child finds its folder by its parent's process id.
@Suite("interrupted writes")
struct InterruptTests {
    /// The folder a test and its child process share.
    static func folder(_ name: String, test: pid_t) -> String { NSTemporaryDirectory() + "/faceaudit-\(name)-\(test)" }

    /// The names in `folder`.
    static func names(_ folder: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() }

    /// The child's standard error as lines.
    static func lines(_ result: ExitTest.Result?) -> [Substring] {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self).split(separator: "\n")
    }

    /// From a review: the guard's handler was installed through libdispatch, which installs its signal handler
    /// only once a process, so the second set written in one process was not guarded: the signal killed the
    /// process and left the staging folder.
    @Test("an interrupt during the second output set written in one process removes its staging folder")
    func secondSet() async throws {
        let folder = Self.folder("second-set", test: getpid())
        try? FileManager.default.removeItem(atPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = await #expect(processExitsWith: .exitCode(128 + SIGINT), observing: [\.standardErrorContent]) {
            let folder = InterruptTests.folder("second-set", test: getppid())
            let members: Set<String> = ["a.csv", "summary.json"]
            try OutputSet(
                files: [OutputFile(name: "a.csv") { "first\n" }, OutputFile(name: "summary.json") { "{}\n" }], marker: "summary.json",
                members: members
            ).write(to: folder)
            let interrupted = OutputFile(name: "a.csv") {
                kill(getpid(), SIGINT)
                for _ in 0..<60 { sleep(1) }
                return "second\n"
            }
            try OutputSet(files: [interrupted, OutputFile(name: "summary.json") { "{}\n" }], marker: "summary.json", members: members)
                .write(to: folder)
        }
        let lines = Self.lines(result)
        #expect(lines.count == 1 && lines.first?.hasPrefix("faceaudit: error: interrupted by signal 2") == true, "\(lines)")
        #expect(Self.names(folder) == ["a.csv", "summary.json"])
        #expect((try? String(contentsOfFile: folder + "/a.csv", encoding: .utf8)) == "first\n")
    }
}
