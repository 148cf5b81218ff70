import CPairScores
import FaceAuditGEMM
import Testing

@testable import FaceAuditScoring

@Suite("PairScorer: sixteen pairs at a time, each bit for bit PairMetric.score")
struct PairScorerTests {
    /// A deterministic generator (SplitMix64), so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(
        "every score equals score(a, b) exactly, for both metrics, any pair count and order",
        arguments: [PairMetric.cosineSimilarity, .euclideanDistance], [0, 1, 7, 8, 9, 15, 16, 17, 33, 61])
    func sameBits(metric: PairMetric, pairs: Int) {
        // Every build of the C sums the CPU has (baseline, AVX2+FMA, AVX-512F); template lengths with and
        // without a remainder after the blocks of four components, and shorter than one block.
        for build in VectorBuild.available {
            for dimension in [131, 128, 5] { check(metric: metric, pairs: pairs, dimension: dimension, build: build) }
        }
    }

    @Test(
        "pairs in image-pair order, eight sharing one or two first templates (their components broadcast), score as score(a, b)",
        arguments: [PairMetric.cosineSimilarity, .euclideanDistance], [11, 5, 3])
    func sharedFirstTemplates(metric: PairMetric, run: Int) {
        // Runs of 11 put one or two first templates in a group of eight, runs of 5 two, runs of 3 three
        // (transposed), so that the two groups a step scores take every combination of cases.
        for build in VectorBuild.available {
            for dimension in [131, 128, 5] {
                check(metric: metric, pairs: 203, dimension: dimension, build: build, firstRun: run)
            }
        }
    }

    /// Checks `pairs` random pairs; with `firstRun`, the first templates come in runs of that length (the
    /// kept pairs' image-pair order), so that most groups of eight share one.
    func check(metric: PairMetric, pairs: Int, dimension: Int, build: fa_vector_build, firstRun: Int? = nil) {
        let name = VectorBuild.name(build)
        var rng = Generator(state: UInt64(pairs) &+ (metric == .cosineSimilarity ? 0 : 1_000) &+ UInt64(dimension) << 20)
        // Components spread over many magnitudes, so that rounding order matters.
        let templates: [[Float]?] = (0..<20).map { i in
            i == 3
                ? nil
                : (0..<dimension).map { _ in Float.random(in: -1...1, using: &rng) * Float(1 << Int.random(in: 0...12, using: &rng)) }
        }
        let present = templates.indices.filter { templates[$0] != nil }.map(Int32.init)
        var first = (0..<pairs).map { _ in present.randomElement(using: &rng)! }
        if let firstRun { first = (0..<pairs).map { present[$0 / firstRun % present.count] } }
        let second = (0..<pairs).map { _ in present.randomElement(using: &rng)! }
        let scorer = PairScorer(metric: metric, templates: templates)
        let scores = scorer.scores(first: first, second: second, build: build)
        #expect(scores.count == pairs)
        // The same pairs read in place from 12-byte records (first, second, a key's bits), as a run's kept
        // pairs are: the same bits.
        let records = (0..<pairs).flatMap { [first[$0], second[$0], Int32.random(in: .min ... .max, using: &rng)] }
        let strided = records.withUnsafeBufferPointer { r in
            r.baseAddress.map { scorer.scores(first: $0, second: $0 + 1, stride: 3, count: pairs, build: build) } ?? []
        }
        #expect(strided.map(\.bitPattern) == scores.map(\.bitPattern), "records of three, d \(dimension), \(name)")
        // The templates stored in another order (a shuffle, as a run stores them by cell): the same bits.
        let shuffled = PairScorer(metric: metric, templates: templates, rowOrder: Array(templates.indices).shuffled(using: &rng))
        let moved = shuffled.scores(first: first, second: second, build: build)
        #expect(moved.map(\.bitPattern) == scores.map(\.bitPattern), "templates in another order, d \(dimension), \(name)")
        for k in 0..<pairs {
            let expected = metric.score(templates[Int(first[k])]!, templates[Int(second[k])]!)
            #expect(
                scores[k].bitPattern == expected.bitPattern, "pair \(k), d \(dimension), \(name): \(scores[k]) vs \(expected)")
        }
    }

    @Test("the first pair with an image without a template, or outside the templates, is found; none when every image has one")
    func firstPairWithoutTemplate() {
        let scorer = PairScorer(metric: .cosineSimilarity, templates: [[1, 0], nil, [0, 1], [1, 1]])
        func first(_ pairs: [(Int32, Int32)]) -> Int? {
            // One spare value, so that even no pairs have an address to read from.
            let records: [Int32] = pairs.flatMap { [$0.0, $0.1, 7] } + [0]
            return records.withUnsafeBufferPointer { r in
                scorer.firstPairWithoutTemplate(first: r.baseAddress!, second: r.baseAddress! + 1, stride: 3, count: pairs.count)
            }
        }
        #expect(first([(0, 2), (2, 3), (0, 3)]) == nil)
        #expect(first([(0, 2), (2, 1), (1, 3)]) == 1)
        #expect(first([(0, 2), (0, 3), (3, 4)]) == 2)
        #expect(first([(-1, 2)]) == 0)
        #expect(first([]) == nil)
    }

    @Test("a missing template is known as missing")
    func missing() {
        let scorer = PairScorer(metric: .cosineSimilarity, templates: [[1, 0], nil, [0, 1]])
        #expect(scorer.hasTemplate(0) && !scorer.hasTemplate(1) && scorer.hasTemplate(2))
        #expect(scorer.scores(first: [0], second: [2]) == [0])
    }
}
