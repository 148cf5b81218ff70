import Dispatch
import FaceAuditDatasets
import FaceAuditFiles
import FaceAuditHashing
import Foundation

/// Measures every image of a manifest (its template, or its skin tone), in parallel, through the cache.
public struct TemplateExtraction<Measurement: Sendable & Codable> {
    /// What is measured.
    public let measure: any ImageMeasure<Measurement>
    /// Where templates are kept between runs (nil: no cache).
    public let cache: EmbeddingCache?
    /// Worker threads, each with its own pipeline.
    public let threads: Int

    /// Creates an extraction of `measure`.
    public init(measure: any ImageMeasure<Measurement>, cache: EmbeddingCache?, threads: Int) {
        self.measure = measure
        self.cache = cache
        self.threads = threads
    }

    /// Progress reports: images done, images in all, cache hits so far.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ cached: Int) -> Void

    /// One result per record, in manifest order. A result is cached only when its worker says it describes
    /// the image (``MeasuredImage/cacheable``).
    /// - Throws: ``MeasurementStopped`` when a worker cannot go on (the other workers finish their current image).
    public func run(_ manifest: Manifest, progress: Progress? = nil) throws -> [Measurement] {
        try runWithDigests(manifest, progress: progress).results
    }

    /// ``run(_:progress:)``, also giving each image's SHA-256 (of the bytes read for its cache key; nil when
    /// the file could not be read), in manifest order, so that the dataset's fingerprint needs no second
    /// read (``DatasetFingerprint/init(manifest:imageDigests:)``).
    public func runWithDigests(_ manifest: Manifest, progress: Progress? = nil) throws -> (results: [Measurement], digests: [SHA256Digest?])
    {
        let paths = manifest.records.map(manifest.absolutePath(of:))
        let unreadable = InputFile.inMissingFolders(paths)
        let measure = try self.measure.prepared()
        let workers = try (0..<max(1, threads)).map { _ in try measure.makeWorker() }
        let state = SharedState<Measurement>(count: paths.count)
        let identity = measure.identity
        let cache = self.cache
        nonisolated(unsafe) let pool = workers
        DispatchQueue.concurrentPerform(iterations: pool.count) { w in
            while let i = state.next() {
                let path = paths[i]
                var key: String?
                // Read with `open` and `pread` (`FileManager.contents(atPath:)` took 2.5% of a 20,000-template
                // run on missing images alone), a FIFO refused without waiting for a writer; not tried in a
                // folder that is not there.
                if !unreadable[i], let bytes = try? InputFile.bytes(path) {
                    let digest = SHA256Digest(of: bytes)
                    state.record(i, digest)
                    key = EmbeddingCache.key(content: digest, identity: identity)
                }
                if let key, let cached: Measurement = cache?.load(key) {
                    state.finish(i, cached, cached: true, progress: progress)
                    continue
                }
                let result: MeasuredImage<Measurement>
                do { result = try pool[w].attempt(path: path) } catch {
                    state.stop(error as? MeasurementStopped ?? MeasurementStopped(.unavailable, "\(error)"))
                    return
                }
                if let key, result.cacheable { try? cache?.store(result.measurement, key: key) }
                state.finish(i, result.measurement, cached: false, progress: progress)
            }
        }
        if let stopped = state.stopped { throw stopped }
        return (state.results(), state.digests())
    }

    private final class SharedState<Item>: @unchecked Sendable {
        private let lock = NSLock()
        private var cursor = 0
        private var done = 0
        private var cached = 0
        private var slots: [Item?]
        private var digestSlots: [SHA256Digest?]

        private let total: Int

        init(count: Int) {
            slots = Array(repeating: nil, count: count)
            digestSlots = Array(repeating: nil, count: count)
            total = count
        }

        /// Why the extraction stopped early, if it did.
        private(set) var stopped: MeasurementStopped? {
            get { lock.withLock { _stopped } }
            set { lock.withLock { _stopped = newValue } }
        }
        private var _stopped: MeasurementStopped?

        /// Stops every worker after its current image; the first reason is kept.
        func stop(_ reason: MeasurementStopped) {
            lock.withLock {
                if _stopped == nil { _stopped = reason }
                cursor = slots.count
            }
        }

        func next() -> Int? {
            lock.withLock {
                guard cursor < slots.count else { return nil }
                defer { cursor += 1 }
                return cursor
            }
        }

        func finish(_ i: Int, _ result: Item, cached hit: Bool, progress: Progress?) {
            let counts: (Int, Int) = lock.withLock {
                slots[i] = result
                done += 1
                if hit { cached += 1 }
                return (done, cached)
            }
            progress?(counts.0, total, counts.1)
        }

        func results() -> [Item] { lock.withLock { slots.map { $0! } } }

        func record(_ i: Int, _ digest: SHA256Digest) { lock.withLock { digestSlots[i] = digest } }

        func digests() -> [SHA256Digest?] { lock.withLock { digestSlots } }
    }
}

extension TemplateExtraction where Measurement == EmbeddingResult {
    /// Creates the extraction of `embedder`'s templates.
    public init(embedder: any Embedder, cache: EmbeddingCache?, threads: Int) {
        func measure<E: Embedder>(_ embedder: E) -> any ImageMeasure<EmbeddingResult> { embedder }
        self.init(measure: measure(embedder), cache: cache, threads: threads)
    }
}
