#if canImport(Glibc)
    import FaceAuditBenchmark
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
        /// On the main thread, whose heap (unlike a thread's) is never unmapped while it holds a block.
        @MainActor
        @Test("a freed 48 MiB block is reused without faulting its pages in again")
        func largeBlocksAreReused() {
            #expect(AllocatorTuning.keepLargeBlocks())
            let bytes = 48 << 20
            _ = Self.faultsTouching(bytes)
            let again = Self.faultsTouching(bytes)
            #expect(again < bytes / 4096 / 10, "\(again) page faults for \(bytes / 4096) pages")
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
