#if canImport(CMalloc)
    import CMalloc
#endif

/// How the process asks glibc's allocator to treat large blocks: a run allocates and frees arrays of
/// tens to hundreds of megabytes one after another (the kept pairs, their sort buffers and keys, a
/// table per analysis). By default glibc maps every block above 32 MiB from the kernel and unmaps it on
/// `free`, so the next one faults in and clears fresh pages again. With these settings such blocks come
/// from, and go back to, the heap, where the next allocation reuses the pages.
///
/// Measured on a 50,000-template `faceaudit run --threads 1 --bootstrap 0` (`scripts/bench/vs-numpy`'s
/// run, the same settings through `GLIBC_TUNABLES`): system time 0.6–0.7 s instead of 2.2–3.2 s, peak
/// memory 1.07 GB instead of 0.95 GB; a default run (2 threads, 1,000 replicates) peaked at 1,440,168 KB
/// with them and 1,440,332 KB without.
enum AllocatorTuning {
    /// Blocks up to this many bytes come from the heap rather than their own mapping, and the heap keeps
    /// up to this many free bytes at its top instead of returning them: 1 GiB.
    static let largeBlockBytes: Int32 = 1 << 30

    /// Applies the settings for this process (glibc only; elsewhere nothing changes). Returns whether
    /// glibc accepted both. Call it before the first large allocation.
    @discardableResult
    static func keepLargeBlocks() -> Bool {
        #if canImport(CMalloc)
            return mallopt(M_MMAP_THRESHOLD, largeBlockBytes) == 1 && mallopt(M_TRIM_THRESHOLD, largeBlockBytes) == 1
        #else
            return false
        #endif
    }
}
