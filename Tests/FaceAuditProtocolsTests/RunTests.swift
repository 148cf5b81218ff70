import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditFiles
import FaceAuditMetrics
import FaceAuditReport
import FaceAuditScoring
import FaceAuditTemplates
import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditProtocols

/// A deterministic stand-in pipeline: a template from the file's bytes, or a failure for files named `noface`.
struct FakeEmbedder: Embedder {
    let calls: Counter
    var identity: String { "fake/1" }
    var comparison: PairMetric { .euclideanDistance }
    func makeWorker() throws -> any ImageMeasurer<EmbeddingResult> { Worker(calls: calls) }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    struct Worker: ImageMeasurer {
        let calls: Counter
        func measure(path: String) -> EmbeddingResult {
            calls.add()
            if path.contains("noface") { return .failure(.noFace, "no face found in \(path)") }  // a detail naming the file
            let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
            // Same subject → same first byte → nearby templates.
            return .template([Float(bytes.first ?? 0), Float(bytes.count % 7) / 10, 0])
        }
    }
}

@Suite("The benchmark run")
struct RunTests {
    /// 4 subjects × 2 images, two genders, one image without a face.
    static func dataset() throws -> (URL, Manifest) {
        let folder = try TestPaths.temporaryDirectory("run-dataset")
        var lines = ["path,subject_id,gender,age"]
        for s in 0..<4 {
            for i in 0..<2 {
                let name = s == 3 && i == 1 ? "s\(s)_noface.img" : "s\(s)_\(i).img"
                try Data([UInt8(s * 10)] + [UInt8](repeating: 1, count: i + 1)).write(to: folder.appendingPathComponent(name))
                lines.append("\(name),person\(s),\(s % 2 == 0 ? "female" : "male"),\(20 + s)")
            }
        }
        let manifest = folder.appendingPathComponent("manifest.csv")
        try lines.joined(separator: "\n").write(to: manifest, atomically: true, encoding: .utf8)
        return (folder, try DatasetReader().read(path: manifest.path))
    }

    @Test("templates are cached in 0600 files and a rerun only reads them")
    func cache() throws {
        let (folder, manifest) = try Self.dataset()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = EmbeddingCache(folder: folder.appendingPathComponent("cache").path)
        let calls = FakeEmbedder.Counter()
        let extraction = TemplateExtraction(embedder: FakeEmbedder(calls: calls), cache: cache, threads: 2)
        let first = try extraction.run(manifest)
        #expect(calls.count == 8)
        let second = try extraction.run(manifest)
        #expect(calls.count == 8 && first == second)
        let files = FileManager.default.enumerator(atPath: cache.folder)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }
        #expect(files.count == 8)
        for file in files {
            let attributes = try FileManager.default.attributesOfItem(atPath: cache.folder + "/" + file)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    @Test("an image without a face is a failure to acquire in its cohort, outputs are deterministic and name no one")
    func evaluate() throws {
        let (folder, manifest) = try Self.dataset()
        defer { try? FileManager.default.removeItem(at: folder) }
        let templates = try TemplateExtraction(embedder: FakeEmbedder(calls: .init()), cache: nil, threads: 1).run(manifest)
        var options = BenchmarkRun.Options(scheme: CohortScheme.automatic(for: manifest.records))
        options.targets = [0.2]
        options.replicates = 50
        options.scoresTable = true
        func run() throws -> BenchmarkRun.Result {
            try BenchmarkRun.evaluate(
                manifest: manifest, templates: templates, comparison: .euclideanDistance,
                pipeline: .init(name: "fake", identity: "fake/1", models: [:], comparison: "euclidean_distance", blas: "none"),
                options: options, commandLine: ["faceaudit", "run"], version: "test")
        }
        let a = try run()
        let b = try run()
        #expect(a.cohortsCSV == b.cohortsCSV && a.crossCohortCSV == b.crossCohortCSV && a.curvesCSV == b.curvesCSV)
        #expect(a.summary.failuresToAcquire.images == 1 && a.summary.failuresToAcquire.byReason == ["no_face": 1])
        let male = try #require(a.summary.cohorts.first { $0.dimensions == "gender" }?.cohorts.first { $0.cohort == "gender=male" })
        #expect(male.fta.errors == 1 + 2)  // the mated pair and the within-cohort non-mated pairs that involve the image
        #expect(male.fnmr.trials == 1)  // person1's pair; person3's pair failed to acquire
        let encoder = JSONEncoder()
        let json = String(decoding: try encoder.encode(a.summary), as: UTF8.self) + a.cohortsCSV + a.crossCohortCSV + a.curvesCSV
        #expect(!json.contains("person") && !json.contains(".img"))
        #expect(a.scoresCSV.contains("s0_0.img"))  // only the opt-in scores.csv names images
        // Without --export-scores the table is not even built (at 25 million pairs it alone took gigabytes).
        options.scoresTable = false
        let lean = try run()
        #expect(lean.scoresCSV.isEmpty && lean.cohortsCSV == a.cohortsCSV)
    }

    @Test("atomic writes leave the old file or the new one, and set permissions")
    func atomic() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.json").path
        try AtomicFile.write("one", to: path, permissions: 0o600)
        try AtomicFile.write("two", to: path, permissions: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.json"])
    }
}

@Suite("External and precomputed embedders")
struct OtherEmbedderTests {
    static let example = TestPaths.repositoryRoot.appendingPathComponent("examples/byte_histogram_embedder.py").path

    @Test("the example external embedder answers the JSON-lines protocol, including errors")
    func external() throws {
        let (folder, manifest) = try RunTests.dataset()
        defer { try? FileManager.default.removeItem(at: folder) }
        let embedder = ExternalEmbedder(command: ["python3", Self.example], version: "1", comparison: .cosineSimilarity)
        let templates = try TemplateExtraction(embedder: embedder, cache: nil, threads: 2).run(manifest)
        #expect(templates.filter { $0.template?.count == 16 }.count == 7)
        #expect(templates.filter { $0.failure?.category == .noFace }.count == 1)
    }

    @Test("precomputed templates from CSV and from a float32 .npy, in manifest order")
    func precomputed() throws {
        let (folder, manifest) = try RunTests.dataset()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("templates.csv")
        let rows = manifest.records.dropLast().enumerated().map { i, r in "\(r.path),\(i),\(i % 3),1.5" }
        try (["path,v0,v1,v2"] + rows).joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let fromCSV = try PrecomputedEmbeddings(file: csv.path, manifest: manifest, comparison: .euclideanDistance)
        let a = try TemplateExtraction(embedder: fromCSV, cache: nil, threads: 1).run(manifest)
        #expect(a.compactMap(\.template).count == 7 && a.last?.failure?.category == .noPrecomputedTemplate)
        #expect(a[2].template == [2, 2, 1.5])

        let n = manifest.records.count
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(n), 2), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] =
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + Array(header.utf8)
        for i in 0..<n {
            for v in [Float(i), Float(-i)] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        }
        let npy = folder.appendingPathComponent("templates.npy")
        try Data(bytes).write(to: npy)
        let fromNPY = try PrecomputedEmbeddings(file: npy.path, manifest: manifest, comparison: .euclideanDistance)
        let b = try TemplateExtraction(embedder: fromNPY, cache: nil, threads: 1).run(manifest)
        #expect(b[3].template == [3, -3] && b.compactMap(\.template).count == n)
        // A file that cannot be read is an input error (exit 66), not a format error.
        let missing = #expect(throws: InputFileError.self) {
            _ = try PrecomputedEmbeddings(file: csv.path + ".missing", manifest: manifest, comparison: .euclideanDistance)
        }
        #expect(missing?.code == .missing)
    }
}

@Suite("Watchlist protocol")
struct WatchlistTests {
    @Test("enrolled people search as mated, others as non-mated; FNIR and FPIR at the global threshold")
    func protocolCounts() throws {
        // Subjects a, b, c with two images each; templates on a line so distances are predictable.
        var records: [ImageRecord] = []
        var templates: [EmbeddingResult] = []
        for (s, x) in [("a", 0.0), ("b", 10.0), ("c", 20.0)] {
            for i in 0..<2 {
                records.append(ImageRecord(path: "\(s)\(i)", subject: SubjectID(s), labels: Labels(gender: s == "a" ? "female" : "male")))
                templates.append(.template([Float(x + Double(i) * 0.5)]))
            }
        }
        let manifest = Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records)
        let scheme = CohortScheme(dimensions: [.gender], intersections: [])
        let result = try WatchlistResult(
            manifest: manifest, templates: templates, comparison: .euclideanDistance, scheme: scheme, targets: [0.5, 1.0],
            enrolledShare: 1.0)
        // Everyone enrolled with their first image; each second image is a mated search; no non-mated search.
        #expect(result.gallerySize == 3 && result.matedSearches == 3 && result.nonMatedSearches == 0)
        let half = try WatchlistResult(
            manifest: manifest, templates: templates, comparison: .euclideanDistance, scheme: scheme, targets: [1.0], enrolledShare: 0.5,
            seed: 3)
        #expect(half.gallerySize + (half.nonMatedSearches / 2) == 3)
        #expect(half.matedSearches == half.gallerySize)
        let point = try #require(half.points.first)
        // Target FPIR 1: every non-mated search alarms at the threshold; mated searches (distance 0.5) all hit.
        #expect(point.fpir.errors == point.fpir.trials && point.fnir.errors == 0)
        #expect(point.cohorts.contains { $0.cohort == "gender=male" })
        #expect(half.csv().hasPrefix("data,operating_point,target_fpir,threshold,dimensions,cohort,metric"))
    }
}

@Suite("Watchlist edge cases")
struct WatchlistEdgeTests {
    @Test("with everyone enrolled there is no non-mated search: the threshold is null, not infinity, and the summary encodes")
    func noNonMated() throws {
        let records = (0..<4).map { ImageRecord(path: "\($0)", subject: SubjectID("\($0 / 2)"), labels: Labels()) }
        let templates: [EmbeddingResult] = (0..<4).map { .template([Float($0)]) }
        let manifest = Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records)
        let result = try WatchlistResult(
            manifest: manifest, templates: templates, comparison: .euclideanDistance,
            scheme: CohortScheme(dimensions: [], intersections: []),
            targets: [0.5], enrolledShare: 1.0)
        #expect(result.nonMatedSearches == 0 && result.points[0].threshold == nil)
        #expect(throws: Never.self) { _ = try JSONEncoder().encode(result) }
    }
}

@Suite("Watchlist on tiles")
struct WatchlistTileTests {
    @Test("the tiled top-8 search gives the brute-force FNIR and FPIR, with a gallery far larger than 8")
    func matchesBruteForce() throws {
        var rng = SplitMix64(seed: 99)
        var records: [ImageRecord] = []
        var templates: [EmbeddingResult] = []
        for person in 0..<120 {
            let centre = (0..<6).map { _ in Float(rng.unit()) }
            for photo in 0..<2 {
                records.append(
                    ImageRecord(
                        path: "\(person)-\(photo)", subject: SubjectID("s\(person)"),
                        labels: Labels(gender: person % 2 == 0 ? "female" : "male")))
                templates.append(.template(centre.map { $0 + 0.35 * Float(rng.unit() - 0.5) }))
            }
        }
        let manifest = Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records)
        let scheme = CohortScheme(dimensions: [.gender], intersections: [])
        for comparison in [PairMetric.euclideanDistance, .cosineSimilarity] {
            let result = try WatchlistResult(
                manifest: manifest, templates: templates, comparison: comparison, scheme: scheme, targets: [0.05, 0.2], seed: 4)
            // Brute force: the same gallery (first photo of each enrolled person), every probe against all of it.
            let polarity: ScorePolarity = comparison.isDistance ? .dissimilarity : .similarity
            var draw = SplitMix64(seed: 4)
            var gallery: [(String, [Float], Int)] = []
            for (subject, images) in manifest.imagesBySubject where draw.unit() < 0.5 {
                gallery.append((subject.description, templates[images[0]].template!, images[0]))
            }
            #expect(result.gallerySize == gallery.count)
            let galleryImages = Set(gallery.map(\.2))
            var searches: [(mated: Bool, mate: Double, top: Double)] = []
            for (i, r) in records.enumerated() where !galleryImages.contains(i) {
                var mate = -Double.infinity, top = -Double.infinity
                for g in gallery {
                    let s = polarity.similarity(comparison.score(templates[i].template!, g.1))
                    if g.0 == r.subject.description { mate = s } else { top = max(top, s) }
                }
                searches.append((gallery.contains { $0.0 == r.subject.description }, mate, top))
            }
            let tops = searches.filter { !$0.mated }.map(\.top).sorted()
            for point in result.points {
                let tau = ThresholdSearch.forFMR(point.targetFPIR, impostor: tops)
                let misses = searches.filter { $0.mated && !($0.mate >= tau && $0.mate > $0.top) }.count
                let alarms = searches.filter { !$0.mated && $0.top >= tau }.count
                #expect(point.fnir.errors == misses && point.fnir.trials == searches.filter(\.mated).count, "\(comparison)")
                #expect(point.fpir.errors == alarms && point.fpir.trials == tops.count, "\(comparison)")
            }
        }
    }
}

@Suite("Pair comparison limits")
struct PairComparisonLimitTests {
    @Test("above the limit a run keeps the most similar pairs for the largest target plus a margin; at or below it, every pair")
    func tailAboveTheLimit() throws {
        // 14,200 images of 7,100 people: 100.8 million non-mated pairs (only prepared here, not run).
        let n = 14_200
        let records = (0..<n).map { ImageRecord(path: "\($0)", subject: SubjectID("\($0 / 2)"), labels: Labels()) }
        let manifest = Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records)
        let templates: [EmbeddingResult] = (0..<n).map { .template([Float($0 % 7), 1]) }
        let scheme = CohortScheme(dimensions: [], intersections: [])
        let nonMated = n * (n - 1) / 2 - n / 2
        #expect(nonMated > PairComparison.exactPairLimit)
        let above = try PairComparison(
            manifest: manifest, templates: templates, comparison: .cosineSimilarity, scheme: scheme, targets: [1e-3, 1e-2])
        #expect(above.engine.layout.tailCapacity == Int((0.01 * Double(nonMated) * 1.1).rounded(.up)) + 1_000)
        let limit = try PairComparison(
            manifest: manifest, templates: templates, comparison: .cosineSimilarity, scheme: scheme, exactPairLimit: nonMated)
        #expect(limit.engine.layout.tailCapacity == .max)
    }
}
