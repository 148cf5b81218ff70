import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditScoring
import FaceAuditTemplates
import Testing

@testable import FaceAuditProtocols

@Suite("a streamed run's mated pairs")
struct StreamedMatedPairsTests {
    @Test("every pair of one subject's images, in image-pair order, with its exact score or NaN without a template")
    func matedPairsInImagePairOrder() throws {
        var rng = SplitMix64(seed: 23)
        // 80 subjects of 1 to 4 photos, listed in shuffled order (a subject's photos not together); every
        // seventh photo without a template.
        var owners: [Int] = []
        for s in 0..<80 { owners += Array(repeating: s, count: 1 + rng.below(4)) }
        owners.shuffle(using: &rng)
        let records = owners.enumerated().map { i, s in
            ImageRecord(path: "img/\(i)", subject: SubjectID("p\(s)"), labels: Labels(gender: s % 2 == 0 ? "female" : "male"))
        }
        let templates: [EmbeddingResult] = owners.indices.map { i in
            i % 7 == 3
                ? .failure(.noPrecomputedTemplate, "none") : .template((0..<8).map { _ in Float(Int(rng.below(2_001)) - 1_000) / 999 })
        }
        let manifest = Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records)
        let scheme = CohortScheme(dimensions: [.gender], intersections: [])
        let comparison = try PairComparison(
            manifest: manifest, templates: templates, comparison: .cosineSimilarity, scheme: scheme, bins: 256, targets: [1e-2],
            exactPairLimit: 0)
        let pairs = try StreamedPairs(
            comparison.engine.run(threads: 1).0, manifest: manifest, templates: templates, comparison: .cosineSimilarity, scheme: scheme)
        var expected: [(Int32, Int32)] = []
        for i in owners.indices {
            for j in (i + 1)..<owners.count where owners[i] == owners[j] { expected.append((Int32(i), Int32(j))) }
        }
        #expect(pairs.base.matedProbe == expected.map(\.0) && pairs.base.matedReference == expected.map(\.1))
        for (k, (i, j)) in expected.enumerated() {
            let score: Double
            if case .template(let a) = templates[Int(i)], case .template(let b) = templates[Int(j)] {
                score = PairMetric.cosineSimilarity.score(a, b)
            } else {
                score = .nan
            }
            #expect(pairs.base.matedScores[k].bitPattern == score.bitPattern, "pair \(i), \(j)")
        }
    }
}
