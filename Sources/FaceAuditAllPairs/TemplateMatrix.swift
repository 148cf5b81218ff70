import FaceAuditScoring

/// Templates in one contiguous row-major matrix, ready for `BLAS.gemm`.
///
/// Only images that have a template are rows; ``image`` maps a row back to its image. For cosine
/// similarity the rows are scaled to unit length, so that a dot product is the score; for Euclidean
/// distance each row's squared norm is kept beside it.
public struct TemplateMatrix: Sendable {
    /// The metric the rows are prepared for.
    public let metric: PairMetric
    /// Number of rows (templates).
    public let rows: Int
    /// Template length.
    public let dimension: Int
    /// rows × dimension values, row-major.
    public let values: [Float]
    /// Squared norm of every row (1 for cosine rows).
    public let squaredNorms: [Float]
    /// The image index of every row.
    public let image: [Int32]
    /// Number of images, with or without a template.
    public let imageCount: Int

    /// Builds the matrix from one optional template per image.
    ///
    /// With `groups`, rows are ordered by group (stably, so images keep their order within one):
    /// then a tile row meets the columns of one cell pair after another, and the histogram counters it
    /// increments stay in the first-level cache. The order is part of the input, so every shard agrees.
    /// - Throws: ``ComparisonError`` when templates differ in length or hold a non-finite value.
    public init(templates: [[Float]?], metric: PairMetric, groups: [Int32]? = nil) throws(ComparisonError) {
        self.metric = metric
        imageCount = templates.count
        let order = groups.map(Self.rowOrder) ?? Array(templates.indices)
        // The first row's length, which every other must have.
        let dimension = order.lazy.compactMap { templates[$0]?.count }.first ?? -1
        let present = templates.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        // Written in place, row by row: appended value by value, the matrix took 1% of a 20,000-template run.
        var values = [Float](repeating: 0, count: present * max(dimension, 0))
        var norms: [Float] = []
        norms.reserveCapacity(present)
        var image: [Int32] = []
        image.reserveCapacity(present)
        for index in order {
            guard let template = templates[index] else { continue }
            guard template.count == dimension, dimension > 0 else {
                throw ComparisonError("template of image \(index) has \(template.count) values; the first had \(dimension)")
            }
            guard template.allSatisfy(\.isFinite) else {
                throw ComparisonError("template of image \(index) holds a value that is not a finite number")
            }
            var norm: Double = 0
            for v in template { norm += Double(v) * Double(v) }
            let row = image.count * dimension
            values.withUnsafeMutableBufferPointer { values in
                template.withUnsafeBufferPointer { template in
                    switch metric {
                    case .cosineSimilarity:
                        let scale = norm > 0 ? Float(1 / norm.squareRoot()) : 0
                        for k in 0..<dimension { values[row + k] = template[k] * scale }
                    case .euclideanDistance:
                        for k in 0..<dimension { values[row + k] = template[k] }
                    }
                }
            }
            switch metric {
            case .cosineSimilarity: norms.append(norm > 0 ? 1 : 0)
            case .euclideanDistance: norms.append(Float(norm))
            }
            image.append(Int32(index))
        }
        self.dimension = max(dimension, 0)
        self.rows = image.count
        self.values = values
        self.squaredNorms = norms
        self.image = image
    }

    /// Every image (index into `groups`, one group each) in the order ``init(templates:metric:groups:)``
    /// gives their rows: by group, stably. Images without a template have no row; they keep their place in
    /// this order, so it also tells a scorer where the rows' templates lie near one another.
    ///
    /// A counting sort by group (groups are cell numbers, 0 up to a few thousand; any other values are
    /// sorted by comparison): the same order as sorting by (group, index).
    public static func rowOrder(groups: [Int32]) -> [Int] {
        guard let least = groups.min(), let most = groups.max() else { return [] }
        guard least >= 0, Int(most) < 2 * groups.count + 4_096 else { return groups.indices.sorted { (groups[$0], $0) < (groups[$1], $1) } }
        var start = [Int](repeating: 0, count: Int(most) + 2)
        for g in groups { start[Int(g) + 1] += 1 }
        for g in 0...Int(most) { start[g + 1] += start[g] }
        return [Int](unsafeUninitializedCapacity: groups.count) { order, count in
            for (i, g) in groups.enumerated() {
                order[start[Int(g)]] = i
                start[Int(g)] += 1
            }
            count = groups.count
        }
    }

    /// The range of keys any pair of rows can produce, padded so that rounding stays inside.
    public var keyDomain: ClosedRange<Float> {
        switch metric {
        case .cosineSimilarity:
            return -1.0001...1.0001
        case .euclideanDistance:
            let largest = squaredNorms.max() ?? 0
            // ‖a − b‖² ≤ (‖a‖ + ‖b‖)² ≤ 4·max‖·‖²; rounded up to a power of two so every shard agrees bit for bit.
            var bound: Float = 1
            while bound < 4 * largest * 1.0001 { bound *= 2 }
            return -bound...bound / 1024
        }
    }
}
