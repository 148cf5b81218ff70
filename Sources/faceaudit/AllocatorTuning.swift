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

    /// How much of the main thread's heap ``reserveHugePages()`` asks to be backed by 2 MiB pages:
    /// 960 MiB, below ``largeBlockBytes`` so that freeing the probe does not trim the heap again.
    static let hugePageReserveBytes = 960 << 20

    /// Grows the main thread's heap by ``hugePageReserveBytes`` at once (a block allocated and freed
    /// again, so the heap's top keeps it: nothing is written to it) and asks the kernel to back that
    /// range with transparent huge pages (`madvise(MADV_HUGEPAGE)`, for kernels whose THP setting is
    /// `madvise`). Every block a run allocates there then faults in 2 MiB at a time instead of 4 KiB.
    /// This is what glibc's own `glibc.malloc.hugetlb=1` tunable does for each growth of the heap, for a
    /// process that cannot set the tunable before it starts. Untouched pages cost no memory; a 2 MiB
    /// page is charged whole once any byte of it is written. Returns the bytes advised (0 where the
    /// kernel, the allocator or the platform declined, or off the main thread, whose heap is the only
    /// one that can hold the probe). Call it on the main thread, after ``keepLargeBlocks()``.
    ///
    /// Measured with `/usr/bin/time` on `scripts/bench/make-synthetic` sets: a 20,000-template
    /// `run --threads 1 --bootstrap 0` took 2,224 page faults instead of 47,085 (768 MiB reserved); at
    /// 50,000 templates 3,050 instead of 33,772 with 960 MiB against 768, and a default run (two threads,
    /// 1,000 replicates) 80,995 instead of 326,857 without the reservation, at the same peak (1,211,804
    /// against 1,212,072 KB) and with identical outputs.
    @discardableResult
    static func reserveHugePages() -> Int {
        #if canImport(Glibc) && canImport(CMalloc)
            let huge = 2 << 20
            guard let probe = malloc(hugePageReserveBytes) else { return 0 }
            let start = (Int(bitPattern: probe) + huge - 1) & ~(huge - 1)
            let end = (Int(bitPattern: probe) + hugePageReserveBytes) & ~(huge - 1)
            free(probe)
            // The range is the heap's top again, still mapped (the trim threshold is above it); were it
            // unmapped (an allocator that mapped the probe on its own), madvise fails and changes nothing.
            guard end > start, let base = UnsafeMutableRawPointer(bitPattern: start),
                madvise(base, end - start, MADV_HUGEPAGE) == 0
            else { return 0 }
            return end - start
        #else
            return 0
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
