import FaceAuditReport
import FaceAuditTestSupport
import Foundation
import Testing

/// Photo quality through `faceaudit run`: measured with the templates in one pass, cached with them, carried
/// through shards, and "not measured" for pipelines without landmarks.
@Suite("faceaudit run: photo quality", .serialized)
struct QualityCLITests {
    static func summary(_ out: URL) throws -> RunSummary {
        try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: out.appendingPathComponent("summary.json")))
    }

    @Test("dlib: one cache entry per photo holds template and quality; quality.csv and summary.json agree; shards merge to the same")
    func dlibSingleAndSharded() throws {
        let folder = try TestPaths.temporaryDirectory("run-quality")
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try RunCLITests.dataset(in: folder)
        let out = folder.appendingPathComponent("out")
        let cache = folder.appendingPathComponent("cache")
        let common = ["run", "--dataset", manifest.path, "--out", out.path, "--cache", cache.path, "--bootstrap", "20", "--quiet"]
        let single = try CommandRunner.faceaudit(common)
        #expect(single.status == 0, "\(single.stderr)")
        // One face-finding pass: one cache entry per photo (the template and the quality together), each 0600.
        let entries = (FileManager.default.enumerator(atPath: cache.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }
        #expect(entries.count == 6)
        for entry in entries {
            let path = cache.appendingPathComponent(entry).path
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"sharpness\""))
        }
        let quality = try #require(try Self.summary(out).quality)
        #expect(quality.measured && quality.images == 6)
        #expect(quality.measures.map(\.measure) == QualityMeasure.allCases)
        let csv = try String(contentsOf: out.appendingPathComponent("quality.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("data,dimensions,cohort,measure,n,p10,q1,median,q3,p90\n"))
        #expect(csv.contains("measured,overall,overall,inter_eye_distance,6,"))
        #expect(!csv.contains("obama") && !csv.contains(".jpg"))
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("<details class=\"fold\"><summary>Photo quality by group"))

        // A streamed run (every non-mated pair in histograms) has the same distributions: they need no pairs.
        let streamed = folder.appendingPathComponent("streamed")
        let r = try CommandRunner.faceaudit(
            ["run", "--dataset", manifest.path, "--out", streamed.path, "--cache", cache.path, "--bootstrap", "20", "--quiet"]
                + ["--exact-pair-limit", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.summary(streamed).quality == quality)
        // Its error regression has the same quality covariates and fits as the exact run's.
        let exact = try #require(try Self.summary(out).errorRegression)
        #expect(try Self.summary(streamed).errorRegression == exact)
        #expect(exact.allSatisfy { $0.falseNonMatch.fit.map { $0.coefficients.contains { $0.name.hasPrefix("lower sharpness") } } ?? true })
        #expect(try String(contentsOf: streamed.appendingPathComponent("quality.csv"), encoding: .utf8) == csv)

        // The same run in two shards, from the same cache: the merge has the same quality.
        try FileManager.default.removeItem(at: out)
        for phase in ["extract", "compare"] {
            for i in 0..<2 {
                let r = try CommandRunner.faceaudit(common + ["--shard", "\(i)/2", "--phase", phase])
                #expect(r.status == 0, "\(r.stderr)")
            }
        }
        let merged = try CommandRunner.faceaudit(["merge"] + (0..<2).map { out.appendingPathComponent("shard-\($0)-of-2").path })
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try Self.summary(out).quality == quality)
        #expect(try String(contentsOf: out.appendingPathComponent("quality.csv"), encoding: .utf8) == csv)
    }

    @Test("precomputed templates: quality not measured, with the reason; no quality.csv")
    func notMeasured() throws {
        let folder = try TestPaths.temporaryDirectory("run-quality-precomputed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder)
        let out = folder.appendingPathComponent("out")
        let r = try CommandRunner.faceaudit([
            "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--bootstrap", "0", "--quiet",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let quality = try #require(try Self.summary(out).quality)
        #expect(!quality.measured && quality.note.contains("precomputed") && quality.measures.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("quality.csv").path))
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("<p>Not measured: photo quality is measured only on the built-in dlib pipeline"))
    }
}
