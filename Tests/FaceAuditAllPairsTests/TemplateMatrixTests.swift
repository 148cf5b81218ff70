import FaceAuditScoring
import Testing

@testable import FaceAuditAllPairs

@Suite("the template matrix")
struct TemplateMatrixTests {
    /// Seeded numbers below a bound (a linear congruential generator, as `Population`'s).
    struct Generator {
        var state: UInt64
        mutating func below(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test("rows by group, stably: the counting sort gives the order of sorting by (group, image), for any groups")
    func rowOrderIsTheStableSort() {
        var rng = Generator(state: 7)
        for trial in 0..<80 {
            let n = rng.below(3_000)
            // Few groups, many groups, groups far above the count (sorted by comparison), negative ones.
            let spread = [1, 3, 50, 5_000, 1 << 30][trial % 5]
            let shift = trial % 7 == 0 ? -Int(spread / 2) : 0
            let groups = (0..<n).map { _ in Int32(rng.below(spread) + shift) }
            let expected = groups.indices.sorted { (groups[$0], $0) < (groups[$1], $1) }
            #expect(TemplateMatrix.rowOrder(groups: groups) == expected, "trial \(trial)")
        }
    }

    @Test("each row is its image's template, scaled to unit length for cosine, with its squared norm for Euclidean")
    func rowsInGroupOrder() throws {
        var rng = Generator(state: 8)
        let templates: [[Float]?] = (0..<60).map { i in
            i % 7 == 3 ? nil : (0..<5).map { _ in Float(rng.below(2_000)) / 100 - 10 }
        }
        let groups = templates.indices.map { _ in Int32(rng.below(4)) }
        for metric in [PairMetric.cosineSimilarity, .euclideanDistance] {
            let matrix = try TemplateMatrix(templates: templates, metric: metric, groups: groups)
            let order = TemplateMatrix.rowOrder(groups: groups).filter { templates[$0] != nil }
            #expect(matrix.image == order.map(Int32.init))
            #expect(matrix.rows == order.count && matrix.dimension == 5)
            for (row, image) in order.enumerated() {
                let t = templates[image]!
                var norm = 0.0
                for v in t { norm += Double(v) * Double(v) }
                let expected = metric == .cosineSimilarity ? t.map { $0 * Float(1 / norm.squareRoot()) } : t
                #expect(Array(matrix.values[(row * 5)..<(row * 5 + 5)]) == expected)
                #expect(matrix.squaredNorms[row] == (metric == .cosineSimilarity ? 1 : Float(norm)))
            }
        }
        #expect(throws: ComparisonError.self) {
            try TemplateMatrix(templates: [[1, 2], [1, 2, 3]], metric: .cosineSimilarity)
        }
    }
}
