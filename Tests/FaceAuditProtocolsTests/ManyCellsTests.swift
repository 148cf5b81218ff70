import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditProtocols
import FaceAuditScoring
import FaceAuditTemplates
import Testing

/// Labels that combine into many groups of images (cells). One histogram per pair of cells took
/// `cells²/2 × 16,384 × 8` bytes: 2 genders × 100 ethnicities × 5 age bands, on 2,000 images,
/// were killed by the kernel at 23.8 GB (`faceaudit run` before this suite).
@Suite("Many cells")
struct ManyCellsTests {
    /// `subjects` people of two photos each, with labels from `label` (of the image's index) and
    /// seeded templates.
    static func dataset(subjects: Int, label: (Int) -> Labels) -> (Manifest, [EmbeddingResult]) {
        var rng = SplitMix64(seed: 5)
        var records: [ImageRecord] = []
        var templates: [EmbeddingResult] = []
        for s in 0..<subjects {
            let centre = (0..<8).map { _ in Double(rng.next() >> 40) / Double(1 << 24) }
            for k in 0..<2 {
                records.append(ImageRecord(path: "img/\(2 * s + k)", subject: SubjectID("p\(s)"), labels: label(2 * s + k)))
                templates.append(.template(centre.map { Float($0 + 0.2 * Double(rng.next() >> 40) / Double(1 << 24)) }))
            }
        }
        return (Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records), templates)
    }

    @Test("1,000 cells share 1,818 histograms, and a streamed run's cohorts count every pair")
    func thousandCells() throws {
        // Person s: gender s mod 2, ethnicity ⌊s/2⌋ mod 100, age band ⌊s/200⌋: every combination once.
        let (manifest, templates) = Self.dataset(subjects: 1000) { image in
            let s = image / 2
            return Labels(age: [2, 6, 10, 20, 40][s / 200], gender: s % 2 == 0 ? "female" : "male", ethnicity: "group\(s / 2 % 100)")
        }
        let scheme = CohortScheme(dimensions: [.gender, .ethnicity, .ageBand], intersections: [])
        let comparison = try PairComparison(
            manifest: manifest, templates: templates, comparison: .cosineSimilarity, scheme: scheme, bins: 256, targets: [1e-2],
            exactPairLimit: 0)
        let layout = comparison.engine.layout
        #expect(layout.cells == 1000 && layout.histograms == 1818)
        let statistics = comparison.engine.run(threads: 2).0
        let pairs = try StreamedPairs(statistics, manifest: manifest, templates: templates, comparison: .cosineSimilarity, scheme: scheme)
        // Every within-cohort non-mated pair is in its cohort's bins or among the exact pairs.
        for dimension in scheme.dimensions {
            let data = pairs.labeled([dimension])
            var perCohort = [Int](repeating: 0, count: data.cohortNames.count)
            for i in 0..<data.sampleCount {
                for j in (i + 1)..<data.sampleCount where data.sampleSubject[i] != data.sampleSubject[j] {
                    if data.sampleCohort[i] == data.sampleCohort[j] { perCohort[Int(data.sampleCohort[i])] += 1 }
                }
            }
            var exact = [Int](repeating: 0, count: data.cohortNames.count)
            for k in data.exactScores.indices
            where data.sampleCohort[Int(data.exactProbe[k])] == data.sampleCohort[Int(data.exactReference[k])] {
                exact[Int(data.sampleCohort[Int(data.exactProbe[k])])] += 1
            }
            for c in perCohort.indices {
                #expect(data.cohortBins[c].reduce(0, +) + exact[c] == perCohort[c], "\(dimension) \(data.cohortNames[c])")
            }
        }
    }

    @Test("a streamed dimension set of more cohorts than the cross-cohort limit has no cross table, and says why")
    func streamedCrossLimit() throws {
        let (manifest, templates) = Self.dataset(subjects: 300) { image in
            Labels(gender: image % 4 < 2 ? "female" : "male", ethnicity: "group\(image / 2 % 150)")
        }
        let scheme = CohortScheme(dimensions: [.gender, .ethnicity], intersections: [])
        let comparison = try PairComparison(
            manifest: manifest, templates: templates, comparison: .cosineSimilarity, scheme: scheme, bins: 256, targets: [1e-2],
            exactPairLimit: 0)
        let pairs = try StreamedPairs(
            comparison.engine.run(threads: 2).0, manifest: manifest, templates: templates, comparison: .cosineSimilarity, scheme: scheme)
        let options = CohortAnalysisOptions(targets: [1e-2], replicates: 0)
        let gender = try #require(CohortAnalysis.analyze(pairs.labeled([.gender]), dimensions: "gender", options: options).rates.first)
        #expect(gender.crossFMR.count == 2 && gender.crossFMROmitted == nil)
        let ethnicity = try #require(
            CohortAnalysis.analyze(pairs.labeled([.ethnicity]), dimensions: "ethnicity", options: options).rates.first)
        #expect(ethnicity.cohorts.count == 150 && ethnicity.crossFMR.isEmpty)
        #expect(ethnicity.crossFMROmitted?.contains("these 150 would make 22,500 cells") == true)
    }

    @Test("more cells than one comparison keeps apart is a usage error saying what to do")
    func tooManyCells() {
        // A gender of its own for every image: one cell more than the limit.
        let (manifest, templates) = Self.dataset(subjects: PairComparison.cellLimit / 2 + 1) { Labels(gender: "g\($0)") }
        let scheme = CohortScheme(dimensions: [.gender], intersections: [])
        do {
            _ = try PairComparison(manifest: manifest, templates: templates, comparison: .cosineSimilarity, scheme: scheme)
            Issue.record("compared \(manifest.records.count) cells")
        } catch {
            #expect(error.code == .usage)
            #expect(
                error.message.contains("into \(PairComparison.cellLimit + 2) groups of images") && error.message.contains("--dimensions"),
                "\(error)")
        }
    }

    @Test("histograms that would not fit in memory are a usage error saying what to do")
    func tooManyHistograms() {
        let (manifest, templates) = Self.dataset(subjects: 40) { Labels(gender: "g\($0 / 2 % 20)") }
        let scheme = CohortScheme(dimensions: [.gender], intersections: [])
        // 2²² bins of 8 bytes: 32 MiB a histogram, 16 in the limit; 20 cells need 21.
        do {
            _ = try PairComparison(
                manifest: manifest, templates: templates, comparison: .cosineSimilarity, scheme: scheme, bins: 1 << 22,
                exactPairLimit: 0)
            Issue.record("allocated 21 histograms of 32 MiB")
        } catch {
            #expect(error.code == .usage)
            #expect(error.message.contains("21 score histograms") && error.message.contains("--dimensions"), "\(error)")
        }
    }
}
