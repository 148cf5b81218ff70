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
        var dimension = -1
        var values: [Float] = []
        var norms: [Float] = []
        var image: [Int32] = []
        for index in groups.map(Self.rowOrder) ?? Array(templates.indices) {
            guard let template = templates[index] else { continue }
            if dimension < 0 {
                dimension = template.count
                values.reserveCapacity(templates.lazy.filter { $0 != nil }.count * dimension)
            }
            guard template.count == dimension, dimension > 0 else {
                throw ComparisonError("template of image \(index) has \(template.count) values; the first had \(dimension)")
            }
            guard template.allSatisfy(\.isFinite) else {
                throw ComparisonError("template of image \(index) holds a value that is not a finite number")
            }
            var norm: Double = 0
            for v in template { norm += Double(v) * Double(v) }
            switch metric {
            case .cosineSimilarity:
                let scale = norm > 0 ? Float(1 / norm.squareRoot()) : 0
                for v in template { values.append(v * scale) }
                norms.append(norm > 0 ? 1 : 0)
            case .euclideanDistance:
                values += template
                norms.append(Float(norm))
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
    public static func rowOrder(groups: [Int32]) -> [Int] {
        groups.indices.sorted { (groups[$0], $0) < (groups[$1], $1) }
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
