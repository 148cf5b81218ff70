/// Scores many pairs of one template set, each bit for bit what ``PairMetric/score(_:_:)`` gives, eight
/// pairs at a time.
///
/// `score(_:_:)` is one chain of dependent double-precision additions per sum, so a single pair waits on
/// the adder's latency at every component. Here the templates sit in one contiguous `Float` matrix
/// (half the memory traffic of doubles; widening a `Float` is exact), the cosine norms are summed once
/// per template (the same sequence of additions `score(_:_:)` performs for each
/// of them, so the same value), and the dot products or squared differences of eight pairs run side by
/// side in the lanes of one vector: each lane still adds its pair's terms one component after another,
/// in the same order, so every score keeps the single-pair rounding.
public struct PairScorer: Sendable {
    /// The metric.
    public let metric: PairMetric
    /// Template length.
    public let dimension: Int
    /// Every template, `dimension` values each (zeros for a missing template).
    private let values: [Float]
    /// Whether image i has a template.
    private let present: [Bool]
    /// Per template, the sum of its squared components (cosine only).
    private let squaredNorms: [Double]

    /// Prepares the templates; all present templates must have the same length.
    public init(metric: PairMetric, templates: [[Float]?]) {
        self.metric = metric
        let d = templates.lazy.compactMap { $0?.count }.first ?? 0
        dimension = d
        var values = [Float](repeating: 0, count: templates.count * d)
        var norms = [Double](repeating: 0, count: metric == .cosineSimilarity ? templates.count : 0)
        for (i, t) in templates.enumerated() {
            guard let t else { continue }
            precondition(t.count == d, "templates of different lengths")
            var sum = 0.0
            for k in 0..<d {
                let x = Double(t[k])
                values[i * d + k] = t[k]
                sum += x * x
            }
            if metric == .cosineSimilarity { norms[i] = sum }
        }
        self.values = values
        present = templates.map { $0 != nil }
        squaredNorms = norms
    }

    /// Whether image `i` has a template.
    public func hasTemplate(_ i: Int) -> Bool { present[i] }

    /// The scores of the pairs (`first[k]`, `second[k]`), in order; every image must have a template.
    public func scores(first: [Int32], second: [Int32]) -> [Double] {
        precondition(first.count == second.count, "pair lists of different lengths")
        let count = first.count
        var result = [Double](repeating: 0, count: count)
        let d = dimension
        values.withUnsafeBufferPointer { v in
            result.withUnsafeMutableBufferPointer { out in
                var k = 0
                while k + 8 <= count {
                    var a = SIMD8<Int>()
                    var b = SIMD8<Int>()
                    for l in 0..<8 {
                        a[l] = Int(first[k + l]) * d
                        b[l] = Int(second[k + l]) * d
                    }
                    var sum = SIMD8<Double>()
                    for c in 0..<d {
                        var x = SIMD8<Double>()
                        var y = SIMD8<Double>()
                        for l in 0..<8 {
                            x[l] = Double(v[a[l] + c])
                            y[l] = Double(v[b[l] + c])
                        }
                        if metric == .cosineSimilarity {
                            sum = sum + x * y
                        } else {
                            let diff = x - y
                            sum = sum + diff * diff
                        }
                    }
                    for l in 0..<8 { out[k + l] = finish(sum[l], Int(first[k + l]), Int(second[k + l])) }
                    k += 8
                }
                while k < count {
                    let (i, j) = (Int(first[k]), Int(second[k]))
                    var sum = 0.0
                    for c in 0..<d {
                        let x = Double(v[i * d + c])
                        let y = Double(v[j * d + c])
                        if metric == .cosineSimilarity {
                            sum += x * y
                        } else {
                            let diff = x - y
                            sum += diff * diff
                        }
                    }
                    out[k] = finish(sum, i, j)
                    k += 1
                }
            }
        }
        return result
    }

    /// The score from a pair's sum, as ``PairMetric/score(_:_:)`` finishes it.
    @inline(__always)
    private func finish(_ sum: Double, _ i: Int, _ j: Int) -> Double {
        switch metric {
        case .cosineSimilarity: return sum / (squaredNorms[i].squareRoot() * squaredNorms[j].squareRoot())
        case .euclideanDistance: return sum.squareRoot()
        }
    }
}
