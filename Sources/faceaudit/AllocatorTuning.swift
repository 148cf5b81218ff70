import FaceAuditBenchmark

#if canImport(Glibc) && canImport(CMalloc)
    import CMalloc
#endif

/// How the process asks glibc's allocator to treat large blocks: a run allocates and frees arrays of
/// tens to hundreds of megabytes one after another (the kept pairs, their sort buffers and keys, a
/// table per analysis). By default glibc maps every block above 32 MiB from the kernel and unmaps it on
/// `free`, so the next one faults in and clears fresh pages again. With these settings such blocks come
/// from, and go back to, the main thread's heap, where the next allocation reuses the pages (worker
/// threads' heaps hold at most 64 MiB, so their larger blocks are still mapped). glibc before 2.35
/// refuses a threshold above 32 MiB; the threshold is then 32 MiB.
///
/// The heap then keeps what the analysis freed, so before a run writes its outputs (`subjects.json`
/// alone is 444 MB at 50,000 templates) ``releaseFreeMemory()`` hands the free pages back: without it a
/// default run of 50,000 templates peaked at 1,584,460 KB, the analysis's high-water mark plus the
/// outputs.
///
/// Measured on a 50,000-template `faceaudit run --threads 1 --bootstrap 0` (`scripts/bench/vs-numpy`'s
/// run, the same settings through `GLIBC_TUNABLES`): system time 0.6–0.7 s instead of 2.2–3.2 s.
enum AllocatorTuning {
    /// Blocks up to this many bytes come from the heap rather than their own mapping, and the heap keeps
    /// up to this many free bytes at its top instead of returning them: 1 GiB.
    static let largeBlockBytes: Int32 = 1 << 30

    /// Applies the settings for this process (glibc only; elsewhere nothing changes). Returns whether
    /// glibc accepted both at 1 GiB. Call it before the first large allocation.
    @discardableResult
    static func keepLargeBlocks() -> Bool {
        #if canImport(Glibc) && canImport(CMalloc)
            let trim = mallopt(M_TRIM_THRESHOLD, largeBlockBytes) == 1
            // glibc before 2.35 accepts at most 32 MiB (4 MiB · sizeof(long)).
            let mapped = mallopt(M_MMAP_THRESHOLD, largeBlockBytes) == 1
            if !mapped { _ = mallopt(M_MMAP_THRESHOLD, 32 << 20) }
            return trim && mapped
        #else
            return false
        #endif
    }

    /// Returns the heap's free pages to the system (glibc's `malloc_trim`; elsewhere nothing).
    static func releaseFreeMemory() {
        #if canImport(Glibc) && canImport(CMalloc)
            _ = malloc_trim(0)
        #endif
    }
}

/// Passes every event on, and releases the heap's free pages when a run is about to write its outputs
/// (``AllocatorTuning/releaseFreeMemory()``).
struct MemoryReleasingProgress: RunProgress {
    /// Where the events go.
    let inner: any RunProgress
    /// What releases the pages (tests record the call).
    var release: @Sendable () -> Void = AllocatorTuning.releaseFreeMemory

    func report(_ event: RunEvent) {
        if event == .writingOutputs { release() }
        inner.report(event)
    }
}
