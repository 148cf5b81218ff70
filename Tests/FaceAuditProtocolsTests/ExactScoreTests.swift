import FaceAuditAllPairs
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditProtocols
import FaceAuditScoring
import FaceAuditTemplates
import FaceAuditTestSupport
import Foundation
import Testing

/// The float64 NumPy reference of `scripts/dev/exact-scores-reference.py` (committed as
/// `Tests/References/exact-scores-20000.json`): the generator's parameters and, per metric, the
/// thresholds and error counts.
struct ExactScoreReference: Decodable {
    struct Parameters: Decodable {
        var seed: UInt64
        var dimension: Int
        var subjects: Int
        var photosPerSubject: Int
        var genders: [String]
        var groups: [String]
        var likeness: [String: Double]
        var noise: [String: Double]
        var targets: [Double]
    }
    struct Cohort: Decodable {
        var cohort: String
        var fmrErrors: Int
        var fmrTrials: Int
        var fnmrErrors: Int
        var fnmrTrials: Int
    }
    struct Point: Decodable {
        var targetFmr: Double
        var threshold: Double
        var fmrErrors: Int
        var fnmrErrors: Int
        var cohorts: [Cohort]
    }
    struct Metric: Decodable {
        var nonMatedPairs: Int
        var matedPairs: Int
        var points: [Point]
    }
    var parameters: Parameters
    var templateChecksum: Double
    var firstTemplateHead: [Double]
    var metrics: [String: Metric]

    static func load() throws -> ExactScoreReference {
        let url = TestPaths.repositoryRoot.appendingPathComponent("Tests/References/exact-scores-20000.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ExactScoreReference.self, from: Data(contentsOf: url))
    }

    /// The SIMULATED templates and manifest, bit for bit as the script generates them (see its doc
    /// string): 24-bit uniform draws of SplitMix64, dyadic coefficients summed exactly in `Double`,
    /// one rounding to `Float`.
    func dataset(subjects: Int? = nil) -> (Manifest, [EmbeddingResult]) {
        var p = parameters
        p.subjects = subjects ?? p.subjects
        var rng = SplitMix64(seed: p.seed)
        func draws(_ count: Int) -> [Double] {
            (0..<count).map { _ in Double(Int64(rng.next() >> 40) - (1 << 23)) / Double(1 << 23) }
        }
        var directions: [[Double]] = []
        for _ in 0..<(p.genders.count * p.groups.count) { directions.append(draws(p.dimension)) }
        var records: [ImageRecord] = []
        var templates: [EmbeddingResult] = []
        for s in 0..<p.subjects {
            let gender = p.genders[s % 2]
            let groupIndex = (s / 2) % p.groups.count
            let group = p.groups[groupIndex]
            let direction = directions[(s % 2) * p.groups.count + groupIndex]
            let likeness = p.likeness[group]!
            let noise = p.noise[gender]!
            let centre = draws(p.dimension)
            for k in 0..<p.photosPerSubject {
                let e = draws(p.dimension)
                templates.append(.template((0..<p.dimension).map { Float(centre[$0] + likeness * direction[$0] + noise * e[$0]) }))
                records.append(
                    ImageRecord(
                        path: "img/\(s * p.photosPerSubject + k)", subject: SubjectID("person\(s)"),
                        labels: Labels(gender: gender, ethnicity: group)))
            }
        }
        return (Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records), templates)
    }
}

@Suite("Exact scores against float64 NumPy")
struct ExactScoreTests {
    @Test("the generator gives the script's templates bit for bit")
    func templatesMatchTheScript() throws {
        let reference = try ExactScoreReference.load()
        let (_, templates) = reference.dataset()
        let rows = templates.map { $0.template! }
        #expect(rows[0].prefix(4).map(Double.init) == reference.firstTemplateHead)
        // The script sums the float64 rows with NumPy's pairwise sum: the same value to ~1e-10.
        let checksum = rows.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + Double($1) } }
        #expect(abs(checksum - reference.templateChecksum) <= 1e-9 * max(1, abs(checksum)))
    }

    @Test(
        "on 20,000 templates (a streamed run), thresholds equal float64 NumPy to 1e-12 and every count is exact",
        arguments: [PairMetric.euclideanDistance, .cosineSimilarity])
    func thresholdsAndCounts(metric: PairMetric) throws {
        let reference = try ExactScoreReference.load()
        let expected = try #require(reference.metrics[metric.rawValue])
        let (manifest, templates) = reference.dataset()
        let scheme = CohortScheme(dimensions: [.gender, .ethnicity], intersections: [[.gender, .ethnicity]])
        let targets = reference.parameters.targets
        let comparison = try PairComparison(manifest: manifest, templates: templates, comparison: metric, scheme: scheme, targets: targets)
        #expect(comparison.engine.layout.tailCapacity < expected.nonMatedPairs, "the run is streamed")
        let statistics = comparison.engine.run(threads: 2).0
        let pairs = try StreamedPairs(statistics, manifest: manifest, templates: templates, comparison: metric, scheme: scheme)
        let options = CohortAnalysisOptions(targets: targets, polarity: metric.polarity, replicates: 0)
        let rates = CohortAnalysis.analyze(
            pairs.labeled([.gender, .ethnicity]), dimensions: DimensionSet([.gender, .ethnicity]), options: options
        ).rates
        #expect(rates.count == expected.points.count)
        for (point, want) in zip(rates, expected.points) {
            #expect(point.targetFMR == want.targetFmr)
            #expect(abs(point.threshold - want.threshold) <= 1e-12, "\(metric) at \(want.targetFmr)")
            #expect(point.overall.fmr == ErrorCount(errors: want.fmrErrors, trials: expected.nonMatedPairs))
            #expect(point.overall.fnmr == ErrorCount(errors: want.fnmrErrors, trials: expected.matedPairs))
            let cohorts = Dictionary(uniqueKeysWithValues: point.cohorts.map { ($0.cohort, $0) })
            for c in want.cohorts {
                let got = try #require(cohorts[c.cohort])
                #expect(got.fmr == ErrorCount(errors: c.fmrErrors, trials: c.fmrTrials), "\(metric) \(c.cohort) at \(want.targetFmr)")
                #expect(got.fnmr == ErrorCount(errors: c.fnmrErrors, trials: c.fnmrTrials), "\(metric) \(c.cohort) at \(want.targetFmr)")
            }
        }
    }

    /// From a review: a class of pairs of cells is one cohort or none only for the scheme's dimensions.
    /// Three genders, ethnicity a for f and m and b for x: every cell (a gender) has one ethnicity, yet
    /// the class "f with x" holds pairs in no ethnicity and "f with m" pairs in ethnicity a. Labeled by
    /// ethnicity (outside the scheme, which `labeled` documents as unsupported: its bins cannot be split
    /// by it, and a debug build's analysis asserts so), the kept pairs were grouped by class into the
    /// wrong cohorts; now they are grouped by their samples' cohorts.
    @Test("only labelings by the scheme's dimensions group the kept pairs by class")
    func dimensionOutsideTheScheme() throws {
        let (base, templates) = try ExactScoreReference.load().dataset(subjects: 1_500)
        var genderOf: [SubjectID: String] = [:]
        let records = base.records.map { record in
            let gender = genderOf[record.subject] ?? ["f", "m", "x"][genderOf.count % 3]
            genderOf[record.subject] = gender
            var labels = record.labels
            labels.gender = gender
            labels.ethnicity = gender == "x" ? "b" : "a"
            return ImageRecord(path: record.path, subject: record.subject, labels: labels)
        }
        let manifest = Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records)
        let metric = PairMetric.cosineSimilarity
        let scheme = CohortScheme(dimensions: [.gender], intersections: [])
        let comparison = try PairComparison(
            manifest: manifest, templates: templates, comparison: metric, scheme: scheme, tileSize: 512, exactPairLimit: 0)
        let statistics = comparison.engine.run(threads: 2).0
        let pairs = try StreamedPairs(statistics, manifest: manifest, templates: templates, comparison: metric, scheme: scheme)
        #expect(!pairs.labeled([.gender]).cohortOfClass.isEmpty, "the scheme's own dimension takes the classes")
        #expect(pairs.labeled([.ethnicity]).cohortOfClass.isEmpty, "a dimension outside the scheme does not")
    }

    @Test(
        "in a streamed run the exact numbers do not depend on the tile size",
        arguments: [PairMetric.euclideanDistance, .cosineSimilarity])
    func exactNumbersIgnoreTheTileSize(metric: PairMetric) throws {
        // 4,000 templates of the same generator, every run streamed (limit 0), in tiles of 96 and 1,000.
        let (manifest, templates) = try ExactScoreReference.load().dataset(subjects: 2_000)
        let scheme = CohortScheme(dimensions: [.gender, .ethnicity], intersections: [[.gender, .ethnicity]])
        let options = CohortAnalysisOptions(polarity: metric.polarity, replicates: 0)
        var runs: [[DisaggregatedRates]] = []
        for tileSize in [96, 1_000] {
            let comparison = try PairComparison(
                manifest: manifest, templates: templates, comparison: metric, scheme: scheme, tileSize: tileSize, exactPairLimit: 0)
            let statistics = comparison.engine.run(threads: 2).0
            #expect(!statistics.isComplete)
            let pairs = try StreamedPairs(statistics, manifest: manifest, templates: templates, comparison: metric, scheme: scheme)
            runs.append(
                CohortAnalysis.analyze(
                    pairs.labeled([.gender, .ethnicity]), dimensions: DimensionSet([.gender, .ethnicity]), options: options
                ).rates)
        }
        #expect(runs[0].count == 3 && runs[1].count == 3)
        for (a, b) in zip(runs[0], runs[1]) {
            #expect(a.threshold == b.threshold)
            #expect(a.overall.fmr == b.overall.fmr && a.overall.fnmr == b.overall.fnmr)
            #expect(a.cohorts.map(\.fmr) == b.cohorts.map(\.fmr))
            #expect(a.cohorts.map(\.fnmr) == b.cohorts.map(\.fnmr))
            #expect(a.crossFMR == b.crossFMR)
        }
    }

    @Test(
        "in a streamed run, the second pass makes everyone's EER and AUC those of the run that keeps every pair",
        arguments: [PairMetric.euclideanDistance, .cosineSimilarity])
    func refinedEqualErrorRate(metric: PairMetric) throws {
        // 2,000 templates (1,998,000 non-mated pairs): kept whole under the default limit, streamed with limit 0.
        let (manifest, templates) = try ExactScoreReference.load().dataset(subjects: 1_000)
        let scheme = CohortScheme(dimensions: [.gender], intersections: [])
        let whole = try PairComparison(manifest: manifest, templates: templates, comparison: metric, scheme: scheme)
        let complete = whole.engine.run(threads: 2).0
        #expect(complete.isComplete)
        let all = try PairComparison.pairs(complete, manifest: manifest, templates: templates, comparison: metric)
        let similarities = all.scores.map(metric.polarity.similarity)
        let sorted = SortedScores(
            genuine: all.scores.indices.filter { all.mated[$0] }.map { similarities[$0] },
            impostor: all.scores.indices.filter { !all.mated[$0] }.map { similarities[$0] })

        // Kept: the 1,220 most similar (the top 1e-4, 10% more and 1,000), well above the EER.
        let comparison = try PairComparison(
            manifest: manifest, templates: templates, comparison: metric, scheme: scheme, targets: [1e-4], exactPairLimit: 0)
        let statistics = comparison.engine.run(threads: 2).0
        #expect(!statistics.isComplete)
        var pairs = try StreamedPairs(statistics, manifest: manifest, templates: templates, comparison: metric, scheme: scheme)
        // Only the second pass of the same comparison is accepted.
        var untouched = pairs
        let other = try PairComparison(
            manifest: manifest, templates: templates, comparison: metric, scheme: scheme, tileSize: 512, targets: [1e-4], exactPairLimit: 0)
        #expect(throws: RunError.self) { try untouched.refineOverall(other.engine, templates: templates, comparison: metric, threads: 1) }
        let before = try #require(pairs.labeled([]).overallScores)
        let refinement = try pairs.refineOverall(comparison.engine, templates: templates, comparison: metric, threads: 2)
        let after = try #require(pairs.labeled([]).overallScores)
        let want = ErrorTradeoff(sorted).equalErrorRate()
        #expect(refinement.bins > 0 && refinement.equalErrorRateIsExact, "\(refinement)")
        #expect(!before.equalErrorRateIsExact, "without the second pass the EER is at bin resolution")
        #expect(Double(statistics.tail.count) < want.low * Double(sorted.impostor.count), "the EER lies below the kept pairs")
        #expect(after.errorTradeoff.equalErrorRate() == want, "\(metric)")
        #expect(after.impostorCount == sorted.impostor.count && after.genuine == sorted.genuine)
        if refinement.aucIsExact { #expect(after.auc == ScoreStatistics.auc(sorted)) }
        // Every count at the target thresholds is unchanged.
        for target in [1e-4, 1e-5] {
            #expect(after.threshold(forFMR: target) == before.threshold(forFMR: target))
            #expect(after.threshold(forFMR: target) == sorted.threshold(forFMR: target))
        }
    }
}
