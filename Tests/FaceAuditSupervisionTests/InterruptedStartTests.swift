import Foundation
import Testing

@testable import FaceAuditSupervision

#if canImport(Glibc)
    import Glibc
#endif

/// An interrupt that comes while an external program is being started: the child must not outlive FaceAudit.
@Suite("an interrupt while a child is started")
struct InterruptedStartTests {
    /// The file in which the test's child process leaves its child's process group, by the test's process id.
    static func groupFile(test: pid_t) -> String { NSTemporaryDirectory() + "/faceaudit-started-group-\(test)" }

    /// Whether the process `pid` is running (a zombie, killed but not yet reaped, is not).
    static func running(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    /// From a review: a child's process group was registered with the interrupt guard only once the supervisor
    /// heard of it, after the child had started; a signal between the two left the child running, and with
    /// nothing else registered, ended FaceAudit without its line.
    @Test("SIGINT after a child starts and before its group is known kills the group, prints one line and exits with 130")
    func betweenStartAndRegistration() async throws {
        let file = Self.groupFile(test: getpid())
        try? FileManager.default.removeItem(atPath: file)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = await #expect(processExitsWith: .exitCode(128 + SIGINT), observing: [\.standardErrorContent]) {
            let file = InterruptedStartTests.groupFile(test: getppid())
            ProcessGroups.startedForTesting = { group in
                try? "\(group)".write(toFile: file, atomically: true, encoding: .utf8)
                kill(getpid(), SIGINT)
                // The signal is handled while this thread is still here, in the window.
                usleep(300_000)
            }
            let child = try SupervisedProcess(command: ["sleep", "120"])
            for _ in 0..<60 { sleep(1) }
            child.terminate(grace: .zero)
        }
        let group = try #require((try? String(contentsOfFile: file, encoding: .utf8)).flatMap { pid_t($0) }, "the child never started")
        defer { kill(-group, SIGKILL) }
        let lines = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self).split(separator: "\n")
        #expect(lines == ["faceaudit: error: interrupted by signal 2; the process group of sleep was killed"], "\(lines)")
        // SIGKILL has been sent before the exit; give the kernel a moment to end the group.
        var alive = true
        for _ in 0..<100 where alive {
            alive = Self.running(group)
            if alive { usleep(20_000) }
        }
        #expect(!alive, "the child (process group \(group)) still runs")
    }
    /// From the last review: the line said the group was killed whatever happened, also when the start failed
    /// and there was no group.
    @Test("SIGINT while a start fails prints the interrupt alone, not a killed group, and exits with 130")
    func whileAStartFails() async throws {
        let result = await #expect(processExitsWith: .exitCode(128 + SIGINT), observing: [\.standardErrorContent]) {
            ProcessGroups.launchingForTesting = {
                kill(getpid(), SIGINT)
                // The interrupt now waits for the start, which then fails.
                usleep(300_000)
            }
            _ = try SupervisedProcess(command: ["/nonexistent/faceaudit-test-program"])
            for _ in 0..<60 { sleep(1) }
        }
        let lines = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self).split(separator: "\n")
        #expect(lines == ["faceaudit: error: interrupted by signal 2"], "\(lines)")
    }

    /// The other case of the same review: a start that outlasts the interrupt's wait cannot be killed, and the
    /// line must not say it was.
    @Test("SIGINT while a start outlasts the wait says the program may keep running, and exits with 130")
    func whileAStartOutlastsTheWait() async throws {
        let result = await #expect(processExitsWith: .exitCode(128 + SIGINT), observing: [\.standardErrorContent]) {
            ProcessGroups.Launch.startWait = 0.2
            ProcessGroups.launchingForTesting = {
                kill(getpid(), SIGINT)
                // Longer than the wait: the process ends first, and this start never happens.
                usleep(3_000_000)
            }
            _ = try SupervisedProcess(command: ["sleep", "120"])
            for _ in 0..<60 { sleep(1) }
        }
        let lines = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self).split(separator: "\n")
        let expected = "faceaudit: error: interrupted by signal 2; sleep was still being started after 0.2 s and may keep running"
        #expect(lines == [Substring(expected)], "\(lines)")
    }
    /// From the same review: between a child's reaping and the record of its end, the line still said its group
    /// was killed, though nothing was left to kill.
    @Test("SIGINT after a child has ended, before its end is recorded, names no killed group and exits with 130")
    func afterTheChildIsReaped() async throws {
        let result = await #expect(processExitsWith: .exitCode(128 + SIGINT), observing: [\.standardErrorContent]) {
            ProcessGroups.reapedForTesting = {
                kill(getpid(), SIGINT)
                usleep(300_000)
            }
            _ = try SupervisedProcess(command: ["true"])
            for _ in 0..<60 { sleep(1) }
        }
        let lines = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self).split(separator: "\n")
        #expect(lines == ["faceaudit: error: interrupted by signal 2"], "\(lines)")
    }
}
