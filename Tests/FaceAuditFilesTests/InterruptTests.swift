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

    /// This test process's folder `name`, made empty (the exit test's child finds it by its parent's id).
    static func emptyFolder(_ name: String) throws -> String {
        let folder = folder(name, test: getpid())
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

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

    /// From a review: a single-file write (the JUnit file of `compare --junit`, a shard partial, a cache entry)
    /// interrupted while its bytes were written left its `.NAME.UUID.tmp` file behind.
    @Test("an interrupt during a single-file write removes its temporary file")
    func singleFile() async throws {
        let folder = try Self.emptyFolder("single-file")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = await #expect(processExitsWith: .exitCode(128 + SIGTERM), observing: [\.standardErrorContent]) {
            let folder = InterruptTests.folder("single-file", test: getppid())
            // Signals once the temporary file exists: 64 MiB take far longer to write and flush than one poll.
            Thread.detachNewThread {
                while !InterruptTests.names(folder).contains(where: { $0.hasSuffix(".tmp") }) { usleep(100) }
                kill(getpid(), SIGTERM)
            }
            try AtomicFile.write(Data(count: 64 << 20), to: folder + "/big.bin")
            for _ in 0..<60 { sleep(1) }
        }
        let lines = Self.lines(result)
        #expect(lines.count == 1 && lines.first?.hasPrefix("faceaudit: error: interrupted by signal 15") == true, "\(lines)")
        #expect(!Self.names(folder).contains { $0.hasSuffix(".tmp") }, "\(Self.names(folder))")
    }

    /// From a review: the guard made its pipe with `guard pipe(&ends) == 0 else { return }`, so in a process out
    /// of file descriptors it installed no handler and said nothing: an interrupt killed the process and left
    /// what it should have removed.
    @Test("an interrupt in a process with no file descriptor left still removes what was registered and says so")
    func withoutPipe() async throws {
        let folder = try Self.emptyFolder("no-pipe")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = await #expect(processExitsWith: .exitCode(128 + SIGINT), observing: [\.standardErrorContent]) {
            let file = InterruptTests.folder("no-pipe", test: getppid()) + "/.partial.tmp"
            // Made first: from here on no file can be opened, so no pipe can be made either.
            guard FileManager.default.createFile(atPath: file, contents: Data("partial\n".utf8)) else { exit(98) }
            #if os(Linux)
                let files = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
            #else
                let files = RLIMIT_NOFILE
            #endif
            var limit = rlimit()
            getrlimit(files, &limit)
            limit.rlim_cur = min(limit.rlim_cur, 256)
            setrlimit(files, &limit)
            while open("/dev/null", O_RDONLY) >= 0 {}
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) != 0 else { exit(99) }  // the test would prove nothing
            let (registration, _) = InterruptGuard.shared.begin(removing: file, note: "no output was written") {}
            kill(getpid(), SIGINT)
            for _ in 0..<60 { sleep(1) }
            InterruptGuard.shared.end(registration)
        }
        let lines = Self.lines(result)
        #expect(lines == ["faceaudit: error: interrupted by signal 2; no output was written"], "\(lines)")
        #expect(Self.names(folder).isEmpty, "\(Self.names(folder))")
    }
}
