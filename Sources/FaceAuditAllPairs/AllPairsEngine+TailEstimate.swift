import CPairScores
import FaceAuditGEMM
import FaceAuditScoring

extension AllPairsEngine {
    /// A guess at the tail bin a run of one shard ends with, from a sample, so that the pass keeps
    /// few more pairs than its tail from the first tile on. Bins certified from the counts streamed so
    /// far (``certifiedTailBin(tiles:timing:)``, ``PairStatistics/prune()``) start low and rise
    /// slowly: at 50,000 templates (`scripts/bench/make-synthetic`, one thread) the pass appended
    /// 82.4 million pairs along the way for a tail of 13.75 million, and filtered them again; from the
    /// estimate it appends 20.1 million.
    ///
    /// The sample: `sample` rows spread evenly over the matrix, whose rows are grouped by cell (so every
    /// cell is sampled in its share), against `sample` other rows spread the same way half a step on;
    /// every non-mated pair of them keyed as the pass keys it (one product of the gathered rows). The guess is the highest bin at or above which lies `margin` times the tail's
    /// share of the sampled pairs. It is not a bound: ``run(shard:of:threads:estimate:)`` checks it
    /// against the run's own tail bin and collects any bins it left out in a second pass, so the
    /// statistics never depend on it. Nil when the run keeps every pair, when `margin` times the
    /// tail's share is half the pairs or more, or when the sample is too small to estimate it (fewer
    /// than 100 sampled pairs at or above the guess).
    func estimatedTailBin(sample: Int = 2048, margin: Double = 1.5) -> Int? {
        let rows = matrix.rows
        let d = matrix.dimension
        let capacity = layout.tailCapacity
        guard rows >= 2, d > 0, capacity > 0 else { return nil }
        // Non-mated pairs of the run: all pairs less each subject's own.
        var perSubject: [Int32: Int] = [:]
        for r in 0..<rows { perSubject[subjectOfImage[Int(matrix.image[r])], default: 0] += 1 }
        let nonMated = rows * (rows - 1) / 2 - perSubject.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        guard capacity < nonMated else { return nil }
        let share = Double(capacity) / Double(nonMated) * margin
        guard share < 0.5 else { return nil }
        let s = min(sample, rows)
        func spread(from offset: Double) -> [Int] { (0..<s).map { Int((Double($0) + offset) * Double(rows) / Double(s)) } }
        let first = spread(from: 0)
        let second = spread(from: 0.5)
        func gather(_ picked: [Int]) -> [Float] {
            var values = [Float](repeating: 0, count: picked.count * d)
            matrix.values.withUnsafeBufferPointer { all in
                values.withUnsafeMutableBufferPointer { out in
                    for (k, r) in picked.enumerated() { (out.baseAddress! + k * d).update(from: all.baseAddress! + r * d, count: d) }
                }
            }
            return values
        }
        let a = gather(first)
        let b = gather(second)
        let euclidean = matrix.metric == .euclideanDistance
        var products = [Float](repeating: 0, count: s * s)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                products.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(
                        m: s, n: s, k: d, alpha: euclidean ? 2 : 1, a: a.baseAddress!, lda: d, b: b.baseAddress!, ldb: d, beta: 0,
                        c: c.baseAddress!, ldc: s, transposeB: true)
                }
            }
        }
        // Binned as the pass bins a row (``streamRow``): every column of another subject counted, the
        // own subject's listed and taken back (a row's own image among them). A tail bin above every
        // bin lists nothing else. (Binned pair by pair in Swift, the sample took 3% of a 20,000-template
        // run.)
        let scale = Float(layout.bins) / (layout.keyUpper - layout.keyLower)
        let (lower, top) = (layout.keyLower, Float(layout.bins - 1))
        let columnSubject = second.map { subjectOfImage[Int(matrix.image[$0])] }
        let columnNorm = second.map { euclidean ? matrix.squaredNorms[$0] : 0 }
        var counts = [Int64](repeating: 0, count: layout.bins)
        var rowBins = [Int32](repeating: 0, count: s)
        var listed = [Int32](repeating: 0, count: s)
        var sampled = 0
        products.withUnsafeBufferPointer { products in
            counts.withUnsafeMutableBufferPointer { counts in
                for (i, r) in first.enumerated() {
                    let own = fa_bin_row(
                        VectorBuild.current, products.baseAddress! + i * s, 0, s, euclidean ? matrix.squaredNorms[r] : 0, columnNorm,
                        columnSubject, subjectOfImage[Int(matrix.image[r])], lower, scale, top, Int32.max, counts.baseAddress!, &rowBins,
                        &listed)
                    sampled += s - own
                }
            }
        }
        let wanted = share * Double(sampled)
        guard wanted >= 100 else { return nil }
        var above = 0
        for bin in counts.indices.reversed() {
            above += Int(counts[bin])
            if Double(above) >= wanted { return bin }
        }
        return nil
    }
}
