#if canImport(Glibc)
    import FaceAuditBenchmark
    import FaceAuditTestSupport
    import Foundation
    import Glibc
    import Testing

    @testable import faceaudit

    /// The allocator settings the command applies before it runs.
    @Suite("allocator tuning")
    struct AllocatorTuningTests {
        /// Minor page faults of the calling thread so far.
        static func minorFaults() -> Int {
            var usage = rusage()
            getrusage(__rusage_who_t(1), &usage)  // RUSAGE_THREAD (Linux), which Glibc does not export
            return usage.ru_minflt
        }

        /// Allocates `bytes`, writes one byte per page, frees them; returns the page faults that took.
        static func faultsTouching(_ bytes: Int) -> Int {
            let before = minorFaults()
            let block = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
            for offset in stride(from: 0, to: bytes, by: 4096) { block.storeBytes(of: 1, toByteOffset: offset, as: UInt8.self) }
            let faults = minorFaults() - before
            block.deallocate()
            return faults
        }

        /// A block above glibc's largest automatic mapping threshold (32 MiB), freed and allocated again,
        /// reuses its pages: without the settings glibc unmaps it on free and every page faults again.
        /// Swift Testing runs it off the main thread: a thread's heap also keeps a freed block below its
        /// 64 MiB size (the main thread's heap keeps blocks up to 1 GiB).
        @MainActor
        @Test("a freed 48 MiB block is reused without faulting its pages in again")
        func largeBlocksAreReused() {
            #expect(AllocatorTuning.keepLargeBlocks())
            let bytes = 48 << 20
            _ = Self.faultsTouching(bytes)
            let again = Self.faultsTouching(bytes)
            #expect(again < bytes / 4096 / 10, "\(again) page faults for \(bytes / 4096) pages")
        }

        /// The kernel's transparent huge page setting (the bracketed word of
        /// /sys/kernel/mm/transparent_hugepage/enabled), or nil where there is none.
        static func hugePageSetting() -> String? {
            guard let text = try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8),
                let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]")
            else { return nil }
            return String(text[text.index(after: open)..<close])
        }

        /// Runs the built `faceaudit` with `arguments`, its output discarded; returns its exit status and
        /// the resources it used (`wait4`: `CommandRunner`'s `Process` does not report a child's resources,
        /// and `RUSAGE_CHILDREN` would add those of every other test's children).
        static func usage(of arguments: [String]) -> (status: Int32, usage: rusage) {
            let path = CommandRunner.productsDirectory.appendingPathComponent("faceaudit").path
            let argv = (["faceaudit"] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            var pid: pid_t = 0
            guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return (-1, rusage()) }
            var status: Int32 = 0
            var usage = rusage()
            while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
            return ((status >> 8) & 0xFF, usage)
        }

        /// A streamed run of 10,000 templates faults its heap in 2 MiB at a time: fewer page faults than a
        /// quarter of the 4 KiB pages it held at its peak. With 4 KiB pages every page of the heap faults
        /// once: the debug build without the reservation took 14,225 faults for a peak of 26,356 pages,
        /// with it 2,386. Where the kernel has no huge pages for the process (setting `never`, or none)
        /// only the run's success is checked.
        @Test("a run's heap faults in huge pages where the kernel offers them")
        func runFaultsInHugePages() throws {
            let folder = try TestPaths.temporaryDirectory("huge-pages")
            defer { try? FileManager.default.removeItem(at: folder) }
            let (manifest, embeddings) = try SyntheticDataset.write(in: folder, people: 5000)
            let (status, usage) = Self.usage(of: [
                "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out",
                folder.appendingPathComponent("out").path, "--threads", "1", "--bootstrap", "0", "--exact-pair-limit", "0", "--quiet",
            ])
            #expect(status == 0)
            guard let setting = Self.hugePageSetting(), setting == "always" || setting == "madvise" else { return }
            let pages = usage.ru_maxrss / 4
            #expect(usage.ru_minflt < pages / 4, "\(usage.ru_minflt) page faults for a peak of \(pages) pages of 4 KiB")
        }

        /// Records what it is told.
        final class Recorder: RunProgress, @unchecked Sendable {
            private var recorded: [RunEvent] = []
            private let lock = NSLock()
            var events: [RunEvent] { lock.withLock { recorded } }
            func report(_ event: RunEvent) { lock.withLock { recorded.append(event) } }
        }

        /// Before a run writes its outputs the heap's free pages go back to the system, once, and every
        /// event is passed on.
        @Test("the free pages are released when the outputs are about to be written, and only then")
        func releasesBeforeWriting() {
            let recorder = Recorder()
            let releases = Recorder()
            let progress = MemoryReleasingProgress(inner: recorder) { releases.report(.note("released")) }
            progress.report(.note("kept"))
            progress.report(.extractionFinished(stage: "templates"))
            #expect(releases.events.isEmpty)
            progress.report(.writingOutputs)
            #expect(releases.events == [.note("released")])
            #expect(recorder.events == [.note("kept"), .extractionFinished(stage: "templates"), .writingOutputs])
        }
    }
#endif
