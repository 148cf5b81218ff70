import FaceAuditTestSupport
import Foundation
import Testing

/// `--threshold T`: every output measured at fixed thresholds beside the target FMRs, exact and streamed,
/// and `compare` gating the FMR there.
@Suite("fixed operating thresholds end to end", .serialized)
struct FixedThresholdCLITests {
    static let thresholds = [1.9, 1.2]

    /// The synthetic dataset's templates as read from its CSV (float32), by path.
    static func templates(_ file: URL) throws -> [String: [Float]] {
        var out: [String: [Float]] = [:]
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: ",").map(String.init)
            out[fields[0]] = fields.dropFirst().compactMap(Float.init)
        }
        return out
    }

    /// Overall false matches and false non-matches at distance threshold `t`, counted directly: Euclidean
    /// distance in double precision from the float32 templates, a distance ≤ t is a match; images without
    /// a template take part in no completed comparison.
    static func direct(_ manifest: URL, _ embeddings: URL, threshold t: Double) throws -> (fm: Int, nm: Int, fnm: Int, m: Int) {
        let templates = try templates(embeddings)
        let rows = try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n").dropFirst().map {
            $0.split(separator: ",").map(String.init)
        }
        var r = (fm: 0, nm: 0, fnm: 0, m: 0)
        for i in rows.indices {
            for j in (i + 1)..<rows.count {
                guard let a = templates[rows[i][0]], let b = templates[rows[j][0]] else { continue }
                let d = zip(a, b).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }.squareRoot()
                if rows[i][1] == rows[j][1] {
                    r.m += 1
                    if d > t { r.fnm += 1 }
                } else {
                    r.nm += 1
                    if d <= t { r.fm += 1 }
                }
            }
        }
        return r
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// cohorts.csv rows at fixed thresholds as `cohort|threshold|metric` → `errors/trials`.
    static func fixedRows(_ out: URL) throws -> [String: String] {
        let lines = try String(contentsOf: out.appendingPathComponent("cohorts.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        func col(_ name: String) -> Int { header.firstIndex(of: name)! }
        var rows: [String: String] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f[col("operating_point")] == "threshold" else { continue }
            #expect(f[col("target_fmr")] == "", "a fixed threshold has no target: \(line)")
            rows["\(f[col("dimensions")])|\(f[col("cohort")])|\(f[col("threshold")])|\(f[col("metric")])"] =
                "\(f[col("errors")])/\(f[col("trials")])"
        }
        return rows
    }

    @Test("counts at fixed thresholds equal a direct count; CSV, report, streamed run and compare agree")
    func endToEnd() throws {
        let folder = try TestPaths.temporaryDirectory("fixed-threshold")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let (manifest, embeddings) = try SyntheticDataset.write(in: data)
        func run(_ name: String, _ extra: [String]) throws -> URL {
            let out = folder.appendingPathComponent(name)
            let result = try CommandRunner.faceaudit(
                [
                    "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--comparison", "euclidean", "--out", out.path,
                    "--bootstrap", "50", "--quiet", "--threshold", "1.9", "--threshold", "1.2",
                ] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return out
        }
        let exact = try run("exact", [])
        let summary = try Self.json(exact.appendingPathComponent("summary.json"))
        let verification = try #require(summary["verification"] as? [String: Any])
        let points = try #require(verification["threshold_points"] as? [[String: Any]])
        #expect(points.count == 2)
        var sawFalseMatch = false
        for (p, t) in zip(points, Self.thresholds) {
            let expected = try Self.direct(manifest, embeddings, threshold: t)
            #expect(p["operating_point"] as? String == "threshold" && p["threshold"] as? Double == t && p["target_fmr"] == nil)
            #expect(p["false_matches"] as? Int == expected.fm && p["impostor_trials"] as? Int == expected.nm, "\(t): \(expected)")
            #expect(p["false_non_matches"] as? Int == expected.fnm && p["genuine_trials"] as? Int == expected.m, "\(t): \(expected)")
            #expect((p["fmr_interval"] as? [Double])?.count == 2)
            sawFalseMatch = sawFalseMatch || expected.fm > 0
        }
        #expect(sawFalseMatch, "the thresholds must produce false matches for the test to mean anything")

        // cohorts.csv: overall rows at each fixed threshold carry the same counts; the targets are there too.
        let rows = try Self.fixedRows(exact)
        for (p, t) in zip(points, Self.thresholds) {
            let key = "gender|overall|\(t)|fmr"
            #expect(rows[key] == "\(p["false_matches"] as? Int ?? -1)/\(p["impostor_trials"] as? Int ?? -1)", "\(key)")
        }
        let csv = try String(contentsOf: exact.appendingPathComponent("cohorts.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("data,dimensions,cohort,operating_point,target_fmr,threshold,threshold_label,metric,"))
        #expect(csv.contains(",gender,overall,target_fmr,0.01,"))
        let cross = try String(contentsOf: exact.appendingPathComponent("cross_cohort_fmr.csv"), encoding: .utf8)
        #expect(cross.contains(",threshold,,1.9,,"))

        // report.html: a section per fixed threshold, a summary sentence naming it, the school scenario at it.
        let html = try String(contentsOf: exact.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<h2>At a fixed threshold of 1.9</h2>") && html.contains("<h2>At a fixed threshold of 1.2</h2>"))
        #expect(html.contains("At a fixed distance threshold of 1.9, set in advance rather than for a target false match rate, "))
        #expect(html.contains("<tr><th colspan=\"8\">At a fixed threshold of 1.9</th></tr>"))

        // A streamed run (only the most similar pairs kept exactly) gives the same counts at fixed thresholds
        // that lie in its exact region.
        let streamed = try run("streamed", ["--exact-pair-limit", "10"])
        let streamedRows = try Self.fixedRows(streamed)
        for (key, value) in rows where key.contains("|1.9|") {
            #expect(streamedRows[key] == value, "\(key)")
        }

        // compare: the same run passes; more false matches at a fixed threshold is a regression.
        let same = try CommandRunner.faceaudit([
            "compare", exact.appendingPathComponent("summary.json").path, exact.appendingPathComponent("summary.json").path,
        ])
        #expect(same.status == 0 && same.stdout.contains("no regression"), "\(same.stdout)\(same.stderr)")
        var worse = summary
        var v = verification
        var fixed = points
        fixed[0]["false_matches"] = (points[0]["false_matches"] as? Int ?? 0) + 200
        v["threshold_points"] = fixed
        worse["verification"] = v
        let worseFile = folder.appendingPathComponent("worse.json")
        try JSONSerialization.data(withJSONObject: worse).write(to: worseFile)
        let regressed = try CommandRunner.faceaudit(["compare", exact.appendingPathComponent("summary.json").path, worseFile.path])
        #expect(regressed.status == 3, "\(regressed.stdout)\(regressed.stderr)")
        #expect(regressed.stdout.contains("overall FMR @ threshold 1.9"))
        // A candidate that dropped a baseline's fixed threshold is not comparable.
        v["threshold_points"] = [points[1]]
        worse["verification"] = v
        try JSONSerialization.data(withJSONObject: worse).write(to: worseFile)
        let dropped = try CommandRunner.faceaudit(["compare", exact.appendingPathComponent("summary.json").path, worseFile.path])
        #expect(dropped.status == 65 && dropped.stderr.contains("fixed thresholds missing from the candidate: 1.9"), "\(dropped.stderr)")
    }

    @Test("streamed: a fixed threshold inside the kept tail is exact; one beyond it is counted in bins and flagged")
    func streamedTail() throws {
        let folder = try TestPaths.temporaryDirectory("fixed-threshold-streamed")
        defer { try? FileManager.default.removeItem(at: folder) }
        // 800 images: the tail keeps about 1.1% of the 319,000 non-mated pairs (largest target 0.01).
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder, people: 400)
        func run(_ name: String, _ extra: [String]) throws -> URL {
            let out = folder.appendingPathComponent(name)
            let result = try CommandRunner.faceaudit(
                [
                    "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--comparison", "euclidean", "--out", out.path,
                    "--bootstrap", "0", "--quiet", "--dimensions", "gender", "--threshold", "1.2", "--threshold", "1.9",
                ] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return out
        }
        let exact = try Self.fixedRows(run("exact", []))
        let streamedOut = try run("streamed", ["--exact-pair-limit", "10"])
        let streamed = try Self.fixedRows(streamedOut)
        for (key, value) in exact where key.contains("|1.2|") { #expect(streamed[key] == value, "\(key)") }
        let summary = try Self.json(streamedOut.appendingPathComponent("summary.json"))
        let analyses = try #require(summary["cohorts"] as? [[String: Any]])
        let wide = try #require(analyses.first { $0["threshold"] as? Double == 1.9 && $0["operating_point"] as? String == "threshold" })
        let overall = try #require(wide["overall"] as? [String: Any])
        let fmr = try #require(overall["fmr"] as? [String: Any])
        #expect((fmr["rate"] as? Double ?? 0) > 0.02, "1.9 must accept more pairs than the tail keeps: \(fmr)")
        #expect((overall["flags"] as? [String])?.contains { $0.hasPrefix("threshold below the exactly kept non-mated scores") } == true)
        let narrow = try #require(analyses.first { $0["threshold"] as? Double == 1.2 && $0["operating_point"] as? String == "threshold" })
        #expect(((narrow["overall"] as? [String: Any])?["flags"] as? [String])?.isEmpty == true)
    }

    @Test("--threshold none, and a threshold that is not a number, on one line")
    func badAndNone() throws {
        let folder = try TestPaths.temporaryDirectory("fixed-threshold-none")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder)
        let base = ["run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--bootstrap", "0", "--quiet"]
        let none = try CommandRunner.faceaudit(base + ["--out", folder.appendingPathComponent("none").path, "--threshold", "none"])
        #expect(none.status == 0, "\(none.stderr)")
        let summary = try Self.json(folder.appendingPathComponent("none/summary.json"))
        let points = (summary["verification"] as? [String: Any])?["threshold_points"] as? [Any]
        #expect(points?.isEmpty ?? true)
        let bad = try CommandRunner.faceaudit(base + ["--out", folder.appendingPathComponent("bad").path, "--threshold", "0.6x"])
        #expect(bad.status == 64)
        #expect(
            bad.stderr.split(separator: "\n").count <= 2 && bad.stderr.contains("--threshold: \"0.6x\" is not a number"), "\(bad.stderr)")
    }
}
