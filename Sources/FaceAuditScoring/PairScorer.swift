import CPairScores
import FaceAuditGEMM

/// Scores many pairs of one template set, each bit for bit what ``PairMetric/score(_:_:)`` gives, sixteen
/// pairs at a time.
///
/// `score(_:_:)` is one chain of dependent double-precision additions per sum, so a single pair waits on
/// the adder's latency at every component. Here the templates sit in one contiguous matrix, widened to
/// `Double` once (exactly) rather than per pair and component, the cosine norms are summed once
/// per template (the same sequence of additions `score(_:_:)` performs for each of them, so the same
/// value), and the sums of sixteen pairs run side by side in the lanes of two vectors (`fa_pair_sums` in
/// `Sources/CPairScores`, C built for AVX-512F, for AVX2 with FMA and for baseline x86-64, run as
/// ``VectorBuild`` picks; the same bits): each lane still adds its pair's terms one component after another, in the same
/// order, so every score keeps the single-pair rounding.
public struct PairScorer: Sendable {
    /// The metric.
    public let metric: PairMetric
    /// Template length.
    public let dimension: Int
    /// Every template, `dimension` values each (zeros for a missing template), image i's in row
    /// `rowOfImage[i]` (row i when that is empty). Widened to `Double` here: the sums read each template
    /// about as often as it has kept pairs (over 200 times at 20,000 templates), and widening floats on
    /// the way took the vector shuffle port the sums' transposes need (a C harness on a run's 2.2 million
    /// kept pairs: 31 against 35 ns a pair, with the two groups of eight the C sums now run).
    private let values: [Double]
    /// The row of ``values`` that holds each image's template; empty: image i's is row i.
    private let rowOfImage: [Int32]
    /// Whether image i has a template.
    private let present: [Bool]
    /// Per template, the square root of the sum of its squared components (cosine only): taken once
    /// per template rather than twice per pair (the same correctly rounded value either way).
    private let norms: [Double]

    /// Prepares the templates; all present templates must have the same length.
    ///
    /// `rowOrder`, when given, lists every image once in the order their templates are stored: pairs
    /// scored one after another whose templates lie near one another in that order then share cache
    /// lines and pages (a run scores its kept pairs tile by tile, and its tiles are blocks of the
    /// all-pairs pass's rows, ordered by cell). Scores do not depend on it.
    public init(metric: PairMetric, templates: [[Float]?], rowOrder: [Int]? = nil) {
        self.metric = metric
        let d = templates.lazy.compactMap { $0?.count }.first ?? 0
        dimension = d
        var rowOfImage: [Int32] = []
        if let rowOrder {
            precondition(rowOrder.count == templates.count, "a row order lists every image once")
            rowOfImage = [Int32](repeating: -1, count: templates.count)
            for (row, image) in rowOrder.enumerated() {
                precondition(rowOfImage[image] < 0, "a row order lists every image once")
                rowOfImage[image] = Int32(row)
            }
        }
        var values = [Double](repeating: 0, count: templates.count * d)
        var norms = [Double](repeating: 0, count: metric == .cosineSimilarity ? templates.count : 0)
        for (i, t) in templates.enumerated() {
            guard let t else { continue }
            precondition(t.count == d, "templates of different lengths")
            let row = rowOfImage.isEmpty ? i : Int(rowOfImage[i])
            var sum = 0.0
            for k in 0..<d {
                let x = Double(t[k])
                values[row * d + k] = x
                sum += x * x
            }
            if metric == .cosineSimilarity { norms[i] = sum.squareRoot() }
        }
        self.values = values
        self.rowOfImage = rowOfImage
        present = templates.map { $0 != nil }
        self.norms = norms
    }

    /// Whether image `i` has a template.
    public func hasTemplate(_ i: Int) -> Bool { present[i] }

    /// The first of the `count` pairs (`first[k · stride]`, `second[k · stride]`) with an image that has
    /// no template, or is not one of the templates' images; nil when every image has one. One loop over
    /// the list: checked pair by pair through ``hasTemplate(_:)``, the 13.75 million kept pairs of a
    /// 50,000-template run took 61 ms.
    public func firstPairWithoutTemplate(first: UnsafePointer<Int32>, second: UnsafePointer<Int32>, stride: Int, count: Int) -> Int? {
        present.withUnsafeBufferPointer { present in
            let images = UInt32(truncatingIfNeeded: present.count)
            for k in 0..<count {
                let i = UInt32(bitPattern: first[k &* stride]), j = UInt32(bitPattern: second[k &* stride])
                guard i < images, j < images, present[Int(i)], present[Int(j)] else { return k }
            }
            return nil
        }
    }

    /// The scores of the pairs (`first[k]`, `second[k]`), in order; every image must have a template.
    public func scores(first: [Int32], second: [Int32]) -> [Double] {
        scores(first: first, second: second, build: VectorBuild.current)
    }

    /// The scores of the `count` pairs (`first[k · stride]`, `second[k · stride]`), in order; every
    /// image must have a template. For a list of pair records read where it lies (`stride` the record's
    /// size in `Int32`s), without copying its indices out first.
    public func scores(first: UnsafePointer<Int32>, second: UnsafePointer<Int32>, stride: Int, count: Int) -> [Double] {
        scores(first: first, second: second, stride: stride, count: count, build: VectorBuild.current)
    }

    /// ``scores(first:second:)`` with the sums of one build (``VectorBuild``; only one the CPU has):
    /// the same bits in each.
    func scores(first: [Int32], second: [Int32], build: fa_vector_build) -> [Double] {
        precondition(first.count == second.count, "pair lists of different lengths")
        return first.withUnsafeBufferPointer { first in
            second.withUnsafeBufferPointer { second in
                guard let a = first.baseAddress, let b = second.baseAddress else { return [] }
                return scores(first: a, second: b, stride: 1, count: first.count, build: build)
            }
        }
    }

    /// ``scores(first:second:stride:count:)`` with the sums of one build.
    func scores(first: UnsafePointer<Int32>, second: UnsafePointer<Int32>, stride: Int, count: Int, build: fa_vector_build) -> [Double] {
        precondition(stride >= 1 && count >= 0, "a positive stride and a count")
        guard count > 0 else { return [] }
        return [Double](unsafeUninitializedCapacity: count) { out, initialized in
            values.withUnsafeBufferPointer { v in
                // No templates (dimension 0): every sum is 0.
                guard let base = v.baseAddress else {
                    out.initialize(repeating: 0)
                    return
                }
                rowOfImage.withUnsafeBufferPointer { rows in
                    fa_pair_sums(
                        build, metric == .cosineSimilarity ? 0 : 1, base, dimension, rows.isEmpty ? nil : rows.baseAddress, first,
                        second, stride, count, out.baseAddress!)
                }
            }
            norms.withUnsafeBufferPointer { norms in
                for k in 0..<count {
                    out[k] = finish(out[k], Int(first[k * stride]), Int(second[k * stride]), norms: norms)
                }
            }
            initialized = count
        }
    }

    /// The score from a pair's sum, as ``PairMetric/score(_:_:)`` finishes it.
    @inline(__always)
    private func finish(_ sum: Double, _ i: Int, _ j: Int, norms: UnsafeBufferPointer<Double>) -> Double {
        switch metric {
        case .cosineSimilarity: return sum / (norms[i] * norms[j])
        case .euclideanDistance: return sum.squareRoot()
        }
    }
}
