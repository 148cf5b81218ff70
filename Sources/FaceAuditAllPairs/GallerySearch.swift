import FaceAuditGEMM
import FaceAuditScoring
import Foundation

/// 1:N search on the same `BLAS.gemm` tiles as the all-pairs engine: every probe against every
/// gallery entry, keeping each probe's k most similar entries. Memory is O((probes + gallery)·d +
/// probes·k), never O(probes·gallery).
public enum GallerySearch {
    /// One candidate of a probe: a gallery row and the engine's key (higher is more similar).
    public struct Candidate: Sendable, Hashable {
        /// The gallery row (see ``TemplateMatrix/image`` for its image).
        public var galleryRow: Int32
        /// The key (see ``PairMetric``).
        public var key: Float
    }

    /// The `k` most similar gallery rows of every probe row, most similar first (ties: lower row first).
    /// Both matrices must be prepared for the same metric.
    public static func topK(
        probes: TemplateMatrix, gallery: TemplateMatrix, k: Int, tileSize: Int = 1024, threads: Int = 1
    ) -> [[Candidate]] {
        precondition(probes.metric == gallery.metric && (probes.dimension == gallery.dimension || probes.rows * gallery.rows == 0))
        let k = max(1, k)
        let blocks = stride(from: 0, to: probes.rows, by: tileSize).map { $0..<min($0 + tileSize, probes.rows) }
        let results = SearchResults(count: probes.rows)
        let euclidean = probes.metric == .euclideanDistance
        let d = probes.dimension
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, blocks.count))) { worker in
            var buffer = [Float](repeating: 0, count: tileSize * tileSize)
            for block in stride(from: worker, to: blocks.count, by: max(1, min(threads, blocks.count))).map({ blocks[$0] }) {
                var best = [[Candidate]](repeating: [], count: block.count)
                for start in stride(from: 0, to: gallery.rows, by: tileSize) {
                    let columns = start..<min(start + tileSize, gallery.rows)
                    probes.values.withUnsafeBufferPointer { p in
                        gallery.values.withUnsafeBufferPointer { g in
                            buffer.withUnsafeMutableBufferPointer { c in
                                BLAS.gemm(
                                    m: block.count, n: columns.count, k: d, alpha: euclidean ? 2 : 1,
                                    a: p.baseAddress! + block.lowerBound * d, lda: d, b: g.baseAddress! + columns.lowerBound * d, ldb: d,
                                    beta: 0, c: c.baseAddress!, ldc: columns.count, transposeB: true)
                            }
                        }
                    }
                    for r in 0..<block.count {
                        let rowNorm = euclidean ? probes.squaredNorms[block.lowerBound + r] : 0
                        for c in 0..<columns.count {
                            let column = columns.lowerBound + c
                            let key = buffer[r * columns.count + c] - (euclidean ? rowNorm + gallery.squaredNorms[column] : 0)
                            insert(Candidate(galleryRow: Int32(column), key: key), into: &best[r], k: k)
                        }
                    }
                }
                results.set(block, best)
            }
        }
        return results.values()
    }

    /// Keeps `list` the k best candidates, best first; a tie keeps the earlier (lower) row first.
    @inline(__always)
    static func insert(_ candidate: Candidate, into list: inout [Candidate], k: Int) {
        if list.count == k, let last = list.last, candidate.key <= last.key { return }
        var i = list.count
        while i > 0 && list[i - 1].key < candidate.key { i -= 1 }
        list.insert(candidate, at: i)
        if list.count > k { list.removeLast() }
    }
}

/// Per-probe results written by the search threads, block by block.
private final class SearchResults: @unchecked Sendable {
    private var lists: [[GallerySearch.Candidate]]
    private let lock = NSLock()

    init(count: Int) { lists = Array(repeating: [], count: count) }

    func set(_ block: Range<Int>, _ values: [[GallerySearch.Candidate]]) {
        lock.withLock { lists.replaceSubrange(block, with: values) }
    }

    func values() -> [[GallerySearch.Candidate]] { lock.withLock { lists } }
}
