import FaceAuditTestSupport
import Foundation
import Testing

/// Datasets with no mated pair (one photo per person, as UTKFace- or FairFace-style crops) or with mated
/// pairs in some cohorts only: thresholds and every cohort's FMR from non-mated pairs; FNMR "not measured",
/// null in JSON, never 0.
@Suite("impostor-only and partially mated data", .serialized)
struct ImpostorOnlyCLITests {
    /// Runs `faceaudit run` on the synthetic set with `photos(person)` photos each; returns the output folder.
    /// The dataset is written to `data` (default: a folder of its own); two runs of one dataset share it.
    static func run(
        _ folder: URL, name: String, data: String? = nil, people: Int = 45, photos: @escaping (Int) -> Int, extra: [String] = []
    ) throws -> (out: URL, result: CommandResult) {
        let data = folder.appendingPathComponent("data-\(data ?? name)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let (manifest, embeddings) = try SyntheticDataset.write(in: data, people: people, photos: photos)
        let out = folder.appendingPathComponent(name)
        let result = try CommandRunner.faceaudit(
            ["run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--bootstrap", "50", "--quiet"]
                + extra)
        return (out, result)
    }

    static func summary(_ out: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: out.appendingPathComponent("summary.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func text(_ out: URL, _ name: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
    }

    /// The analyses of one dimension set at one target.
    static func analysis(_ s: [String: Any], _ dimensions: String, target: Double = 0.01) throws -> [String: Any] {
        let analyses = try #require(s["cohorts"] as? [[String: Any]])
        return try #require(analyses.first { $0["dimensions"] as? String == dimensions && $0["target_fmr"] as? Double == target })
    }

    static func cohort(_ a: [String: Any], _ name: String) throws -> [String: Any] {
        let cohorts = try #require(a["cohorts"] as? [[String: Any]])
        return try #require(cohorts.first { $0["cohort"] as? String == name })
    }

    /// The checks every impostor-only run must pass, exact or streamed.
    static func expectImpostorOnly(_ out: URL) throws {
        let s = try Self.summary(out)
        let v = try #require(s["verification"] as? [String: Any])
        #expect(v["genuine_trials"] as? Int == 0 && (v["impostor_trials"] as? Int ?? 0) > 0)
        for key in ["eer", "eer_bob", "min_hter", "auc", "auc_bob", "decidability", "zero_fmr", "zero_fnmr"] {
            #expect(v[key] is NSNull, "\(key) should be null, is \(String(describing: v[key]))")
        }
        let points = try #require(v["operating_points"] as? [[String: Any]])
        #expect(points.count == 3)
        for p in points {
            #expect(p["fnmr"] is NSNull && p["frr"] is NSNull, "\(p)")
            #expect(p["fmr"] is Double && p["threshold"] is Double)
            #expect((p["fnmr_interval"] as? [Any])?.allSatisfy { $0 is NSNull } == true)
        }
        let gender = try Self.analysis(s, "gender")
        for name in ["gender=female", "gender=male"] {
            let c = try Self.cohort(gender, name)
            let fmr = try #require(c["fmr"] as? [String: Any])
            let fnmr = try #require(c["fnmr"] as? [String: Any])
            #expect((fmr["trials"] as? Int ?? 0) > 0 && fmr["rate"] is Double)
            #expect((c["fmr_interval"] as? [Any])?.allSatisfy { $0 is Double } == true)
            #expect(fnmr["trials"] as? Int == 0 && fnmr["rate"] is NSNull)
            #expect((c["flags"] as? [String])?.contains("no mated pairs") == true)
        }
        let inequity = try #require(gender["inequity"] as? [String: Any])
        #expect(inequity["fnmr_max_min"] == nil || inequity["fnmr_max_min"] is NSNull)

        // cohorts.csv: an FNMR row has no trials and no estimate (empty cells), and says why.
        let table = try Self.text(out, "cohorts.csv").split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = try #require(table.first)
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        // Fields before `flags` hold no comma; the flags (last) may, quoted.
        let rows = table.dropFirst().map { row in
            var fields = Dictionary(uniqueKeysWithValues: header.indices.map { (header[$0], row[$0]) })
            fields["flags"] = row[(column["flags"] ?? 0)...].joined(separator: ",")
            return fields
        }
        #expect(column["operating_point"] != nil)
        let fnmrRows = rows.filter { $0["metric"] == "fnmr" }
        #expect(!fnmrRows.isEmpty)
        for row in fnmrRows {
            #expect(row["trials"] == "0" && row["estimate"] == "" && row["ci_lower"] == "" && row["ci_upper"] == "", "\(row)")
            #expect(row["flags"]?.contains("no mated pairs") == true)
        }
        #expect(rows.contains { $0["metric"] == "fmr" && $0["estimate"] != "" })

        // report.html: states it, never shows an FNMR of 0.
        let html = try Self.text(out, "report.html")
        #expect(html.contains("was not measured"))
        #expect(html.contains("not measured (no mated pairs)"))
        #expect(!html.contains("comparisons of the same person were missed"))
        #expect(!html.contains("False non-match rate by"))
        #expect(!html.contains("no group&#39;s false-non-match rate") && !html.contains("no group's false-non-match rate"))
        #expect(!html.contains("0 / 0"))
    }

    @Test("one photo per person runs end to end: per-cohort FMR at every target, FNMR not measured")
    func impostorOnlyRun() throws {
        let folder = try TestPaths.temporaryDirectory("impostor-only")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (out, r) = try Self.run(folder, name: "one", photos: { _ in 1 })
        #expect(r.status == 0, "\(r.stderr)")
        try Self.expectImpostorOnly(out)
    }

    @Test("one photo per person through the streamed path")
    func impostorOnlyStreamed() throws {
        let folder = try TestPaths.temporaryDirectory("impostor-only-streamed")
        defer { try? FileManager.default.removeItem(at: folder) }
        // 100 people: 4,950 non-mated pairs, more than the 1,055 kept exactly for FMR 1%.
        let (out, r) = try Self.run(folder, name: "one", people: 100, photos: { _ in 1 }, extra: ["--exact-pair-limit", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        try Self.expectImpostorOnly(out)
        let conventions = try #require(try Self.summary(out)["conventions"] as? [String: String])
        #expect(conventions["non_mated_scores"]?.hasPrefix("streamed") == true)
    }

    @Test("compare of two impostor-only runs: no regression, FNMR not compared")
    func compareImpostorOnly() throws {
        let folder = try TestPaths.temporaryDirectory("impostor-only-compare")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (a, ra) = try Self.run(folder, name: "a", data: "one", photos: { _ in 1 })
        let (b, rb) = try Self.run(folder, name: "b", data: "one", photos: { _ in 1 }, extra: ["--seed", "2"])
        #expect(ra.status == 0 && rb.status == 0, "\(ra.stderr)\(rb.stderr)")
        let c = try CommandRunner.faceaudit([
            "compare", a.appendingPathComponent("summary.json").path, b.appendingPathComponent("summary.json").path,
        ])
        #expect(c.status == 0, "\(c.stdout)\(c.stderr)")
        #expect(c.stdout.hasPrefix("**FaceAudit: no regression**"), "\(c.stdout)")
    }

    @Test("mated pairs in one cohort only: FNMR for that cohort, not measured for the others")
    func partiallyMated() throws {
        let folder = try TestPaths.temporaryDirectory("partially-mated")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Ethnicity a (person % 3 == 0) has two photos each; b and c one.
        let (out, r) = try Self.run(folder, name: "partial", photos: { $0 % 3 == 0 ? 2 : 1 }, extra: ["--target-fmr", "0.01"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try Self.summary(out)
        let v = try #require(s["verification"] as? [String: Any])
        #expect((v["genuine_trials"] as? Int ?? 0) > 0 && v["eer"] is [String: Any])
        let ethnicity = try Self.analysis(s, "ethnicity")
        let a = try #require(try Self.cohort(ethnicity, "ethnicity=a")["fnmr"] as? [String: Any])
        #expect((a["trials"] as? Int ?? 0) > 0 && a["rate"] is Double)
        for name in ["ethnicity=b", "ethnicity=c"] {
            let c = try Self.cohort(ethnicity, name)
            let fnmr = try #require(c["fnmr"] as? [String: Any])
            #expect(fnmr["trials"] as? Int == 0 && fnmr["rate"] is NSNull)
            #expect(c["fnmr_ratio_to_overall"] == nil || c["fnmr_ratio_to_overall"] is NSNull)
            #expect((try #require(c["fmr"] as? [String: Any]))["rate"] is Double)
        }
        let html = try Self.text(out, "report.html")
        #expect(html.contains("The false non-match rate was not measured for b, c"), "\(html)")
        #expect(html.contains("No curve for b, c"))
        #expect(html.contains("not measured (no mated pairs)"))

        // A partially mated baseline against an impostor-only candidate: FNMR not measured, not a regression.
        let (one, r1) = try Self.run(folder, name: "one", photos: { _ in 1 }, extra: ["--target-fmr", "0.01"])
        #expect(r1.status == 0, "\(r1.stderr)")
        let c = try CommandRunner.faceaudit([
            "compare", out.appendingPathComponent("summary.json").path, one.appendingPathComponent("summary.json").path,
            "--allow-different-data", "--tolerance", "1",
        ])
        #expect(c.status == 0, "\(c.stdout)\(c.stderr)")
        #expect(c.stdout.contains("not measured"), "\(c.stdout)")
    }

    @Test("when every template failed, the error says how many and why")
    func templatesFailed() throws {
        let folder = try TestPaths.temporaryDirectory("impostor-only-failed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder, photos: { _ in 1 })
        // Keep one template only: 44 of 45 images have none.
        let first = try String(contentsOf: embeddings, encoding: .utf8).split(separator: "\n")[0]
        try (first + "\n").write(to: embeddings, atomically: true, encoding: .utf8)
        let r = try CommandRunner.faceaudit([
            "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", folder.appendingPathComponent("out").path,
            "--quiet",
        ])
        #expect(r.status == 65)
        #expect(r.stderr.contains("no completed non-mated comparison"), "\(r.stderr)")
        #expect(r.stderr.contains("44 of 45 images failed to acquire a template (no_precomputed_template: 44)"), "\(r.stderr)")
        #expect(!r.stderr.contains("mated comparison: too few"), "\(r.stderr)")
    }

    @Test("metrics with impostor scores only: thresholds and FMR; FNMR, EER and AUC null")
    func metricsImpostorOnly() throws {
        let folder = try TestPaths.temporaryDirectory("impostor-only-metrics")
        defer { try? FileManager.default.removeItem(at: folder) }
        let impostor = folder.appendingPathComponent("impostor.txt")
        try (0..<1000).map { "\(Double($0) / 1000)" }.joined(separator: "\n").write(to: impostor, atomically: true, encoding: .utf8)
        let r = try CommandRunner.faceaudit(["metrics", "--impostor", impostor.path, "--target-fmr", "0.01"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(j["genuine_trials"] as? Int == 0 && j["impostor_trials"] as? Int == 1000)
        #expect(j["eer"] is NSNull && j["auc"] is NSNull && j["decidability"] is NSNull)
        let p = try #require((j["operating_points"] as? [[String: Any]])?.first)
        #expect(p["fnmr"] is NSNull && p["false_matches"] as? Int == 10 && p["fmr"] as? Double == 0.01)
        #expect(abs((p["threshold"] as? Double ?? 0) - 0.99) < 1e-12)
        let nearest = try #require((j["nearest_fmr_points"] as? [[String: Any]])?.first)
        #expect(nearest["fnmr"] is NSNull)

        let genuineOnly = try CommandRunner.faceaudit(["metrics", "--genuine", impostor.path])
        #expect(genuineOnly.status != 0 && genuineOnly.stderr.contains("--genuine needs --impostor"), "\(genuineOnly.stderr)")
    }

    @Test("metrics --cohorts on a labeled CSV of non-mated comparisons only")
    func metricsCohortsImpostorOnly() throws {
        let folder = try TestPaths.temporaryDirectory("impostor-only-metrics-cohorts")
        defer { try? FileManager.default.removeItem(at: folder) }
        var csv = "probe_subject,reference_subject,score,probe_gender,reference_gender\n"
        var state: UInt64 = 7
        for p in 0..<40 {
            for q in (p + 1)..<40 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                csv += "s\(p),s\(q),\(Double(state >> 11) / Double(1 << 53)),\(p % 2 == 0 ? "f" : "m"),\(q % 2 == 0 ? "f" : "m")\n"
            }
        }
        let file = folder.appendingPathComponent("scores.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let r = try CommandRunner.faceaudit([
            "metrics", "--scores", file.path, "--format", "csv", "--cohorts", "gender", "--target-fmr", "0.01", "--bootstrap", "20",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let analyses = try #require(j["cohorts"] as? [[String: Any]])
        let gender = try #require(analyses.first { $0["dimensions"] as? String == "gender" })
        for name in ["gender=f", "gender=m"] {
            let c = try Self.cohort(gender, name)
            #expect((c["fnmr"] as? [String: Any])?["rate"] is NSNull)
            #expect(((c["fmr"] as? [String: Any])?["trials"] as? Int ?? 0) == 190)
            #expect((c["flags"] as? [String])?.contains("no mated pairs") == true)
        }
    }
}
