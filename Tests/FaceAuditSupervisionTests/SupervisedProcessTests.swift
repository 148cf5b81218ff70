import FaceAuditSupervision
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The child-process supervisor against children that misbehave in each way an embedder was seen to.
@Suite("Supervised process", .serialized)
struct SupervisedProcessTests {
    static func python(_ code: String, limits: SupervisedProcess.Limits = .init()) throws -> SupervisedProcess {
        try SupervisedProcess(command: ["python3", "-u", "-c", code], limits: limits)
    }

    @Test("one reply per request, in order")
    func echo() throws {
        let child = try Self.python("import sys\nfor line in sys.stdin: print('got ' + line.strip(), flush=True)")
        #expect(try child.exchange(Array("a".utf8), timeout: .seconds(30)) == Array("got a".utf8))
        #expect(try child.exchange(Array("b".utf8), timeout: .seconds(30)) == Array("got b".utf8))
    }

    @Test("a child writing far more than a pipe holds to standard error does not deadlock (item 1)")
    func stderrFlood() throws {
        let child = try Self.python(
            "import sys\nfor line in sys.stdin:\n    sys.stderr.write('x' * 1000000 + 'END\\n'); sys.stderr.flush(); print('ok', flush=True)",
            limits: .init(standardErrorBytes: 4096))
        #expect(try child.exchange(Array("a".utf8), timeout: .seconds(60)) == Array("ok".utf8))
        #expect(try child.exchange(Array("b".utf8), timeout: .seconds(60)) == Array("ok".utf8))
        #expect(child.standardErrorTail.hasSuffix("END"))
        #expect(child.standardErrorTail.utf8.count < 4200)
    }

    @Test("a child that never answers times out and its whole process group is killed (item 2)")
    func hang() throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("grandchild-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        // The child starts a grandchild (same group) that would outlive it, then reads a request and sleeps.
        let child = try Self.python(
            """
            import subprocess, sys, time
            g = subprocess.Popen(['sleep', '300'])
            open('\(pidFile.path)', 'w').write(str(g.pid))
            sys.stdin.readline()
            time.sleep(300)
            """)
        #expect {
            _ = try child.exchange(Array("a".utf8), timeout: .milliseconds(1500))
        } throws: { ($0 as? ProcessFailure)?.code == .timedOut }
        let grandchild = try #require(Int32(String(contentsOf: pidFile, encoding: .utf8)))
        child.terminate(grace: .zero)
        // Reaped by its parent's death or by init: in either case no longer running (or a zombie about to go).
        var alive = true
        for _ in 0..<50 where alive {
            let state = (try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8)) ?? ""
            alive = !(state.isEmpty || state.contains(") Z "))
            if alive { usleep(100_000) }
        }
        #expect(!alive)
        // Every later exchange fails the same way, at once.
        #expect(throws: ProcessFailure.self) { _ = try child.exchange(Array("b".utf8), timeout: .seconds(30)) }
    }

    @Test("a child that dies says how, with its standard error (item 5)")
    func diesAtStart() throws {
        let child = try Self.python("import sys; sys.stderr.write('CUDA out of memory\\n'); sys.exit(3)")
        #expect {
            _ = try child.exchange(Array("a".utf8), timeout: .seconds(30))
        } throws: { error in
            guard let failure = error as? ProcessFailure else { return false }
            // The exit status is added when it arrives in time (it does unless the machine is starved).
            return failure.code == .exited && failure.description.contains("CUDA out of memory")
        }
    }

    @Test("a reply line over the limit is refused without buffering it whole (item 4)")
    func hugeLine() throws {
        let child = try Self.python(
            "import sys\nsys.stdin.readline()\nwhile True: sys.stdout.write('9' * 65536)", limits: .init(replyBytes: 1 << 20))
        #expect {
            _ = try child.exchange(Array("a".utf8), timeout: .seconds(60))
        } throws: { ($0 as? ProcessFailure)?.code == .replyTooLong }
    }

    @Test("a program that does not exist cannot start")
    func missing() throws {
        let child = try SupervisedProcess(command: ["/no/such/program"])
        #expect {
            _ = try child.exchange(Array("a".utf8), timeout: .seconds(30))
        } throws: { ($0 as? ProcessFailure)?.code == .cannotStart }
        #expect(throws: ProcessFailure.self) { _ = try SupervisedProcess(command: []) }
    }

    @Test("lines are split at newlines and bounded")
    func splitter() {
        var s = LineSplitter(maximumLength: 4)
        #expect(s.append(Array("ab\ncd".utf8)) == .lines([Array("ab".utf8)]))
        #expect(s.append(Array("e\n\n".utf8)) == .lines([Array("cde".utf8), []]))
        #expect(s.append(Array("abcd".utf8)) == .lines([]))
        #expect(s.append(Array("e".utf8)) == .overlong(before: []))
        #expect(s.append(Array("\n".utf8)) == .overlong(before: []))
    }

    @Test("the ring keeps the last bytes and says how many it dropped")
    func ring() {
        var r = ByteRing(capacity: 5)
        r.append(Array("abc".utf8))
        r.append(Array("defg".utf8))
        #expect(r.bytes == Array("cdefg".utf8))
        #expect(r.text().hasPrefix("(2 earlier bytes not kept)"))
    }
}
