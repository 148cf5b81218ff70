import FaceAuditTestSupport
import Foundation
import Testing

/// The `metrics` and `identify` JSON contracts that scripts and CI depend on.
@Suite("faceaudit metrics and identify", .serialized)
struct MetricsCLITests {
    static let scores = TestPaths.shared.appendingPathComponent("testdata/scores")

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CommandRunner.faceaudit(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("metrics on pyeer exp1: contract keys and values")
    func pyeerFiles() throws {
        let j = try Self.json([
            "metrics", "--genuine", Self.scores.appendingPathComponent("pyeer/exp1_true.txt").path,
            "--impostor", Self.scores.appendingPathComponent("pyeer/exp1_false.txt").path, "--target-fmr", "0.01,0.001", "--json",
        ])
        #expect(j["genuine_trials"] as? Int == 2793 && j["impostor_trials"] as? Int == 4950)
        #expect(j["fta"] as? Double == 0)
        let eer = try #require(j["eer"] as? [String: Double])
        #expect(abs(eer["value"]! - 0.08086232898262974) < 1e-12)
        #expect(Set(eer.keys) == ["value", "low", "high", "threshold"])
        let bob = try #require(j["eer_bob"] as? [String: Double])
        #expect(abs(bob["threshold"]! - 0.0198038) < 1e-7 && bob["fmr"] != nil && bob["fnmr"] != nil)
        #expect(abs((j["auc"] as? Double ?? 0) - 0.9650048642529845) < 1e-9)
        let points = try #require(j["operating_points"] as? [[String: Any]])
        #expect(points.count == 2)
        for key in ["target_fmr", "threshold", "fmr", "fnmr", "false_matches", "false_non_matches", "estimable"] {
            #expect(points.allSatisfy { $0[key] != nil }, "operating point lacks \(key)")
        }
        #expect(abs((points[1]["fnmr"] as? Double ?? 0) - 0.2982456) < 1e-7)
        #expect(points[1]["estimable"] as? Bool == true)
    }

    @Test("metrics on a bob 5-column file agrees with the 4-column one")
    func bobFormats() throws {
        let four = try Self.json(["metrics", "--scores", Self.scores.appendingPathComponent("bob/dev-4col.txt").path, "--format", "bob4"])
        let five = try Self.json(["metrics", "--scores", Self.scores.appendingPathComponent("bob/dev-5col.txt").path, "--format", "bob5"])
        #expect(NSDictionary(dictionary: four).isEqual(to: five))
        let points = try #require(four["operating_points"] as? [[String: Any]])
        #expect(points[0]["false_matches"] as? Int == 5 && points[0]["false_non_matches"] as? Int == 85)
    }

    @Test("a target below 1/n is not estimable and gets the zero-error bound")
    func notEstimable() throws {
        let j = try Self.json([
            "metrics", "--scores", Self.scores.appendingPathComponent("bob/dev-4col.txt").path, "--format", "bob4", "--target-fmr",
            "0.0001",
        ])
        let point = try #require((j["operating_points"] as? [[String: Any]])?.first)
        #expect(point["estimable"] as? Bool == false)
        #expect(point["false_matches"] as? Int == 0)
        #expect(abs((point["fmr_zero_error_upper_bound"] as? Double ?? 0) - (1 - pow(0.05, 1.0 / 520))) < 1e-12)
    }

    @Test("dissimilarity flips the decision and reports distance thresholds")
    func dissimilarity() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "0.7\n0.5\n0.4\n0.3\n0.2\n".write(to: folder.appendingPathComponent("g"), atomically: true, encoding: .utf8)
        try "0.9\n0.8\n0.7\n0.6\n0.5\nnan\n".write(to: folder.appendingPathComponent("i"), atomically: true, encoding: .utf8)
        let j = try Self.json([
            "metrics", "--genuine", folder.appendingPathComponent("g").path, "--impostor", folder.appendingPathComponent("i").path,
            "--dissimilarity", "--target-fmr", "0.2",
        ])
        let point = try #require((j["operating_points"] as? [[String: Any]])?.first)
        #expect(point["threshold"] as? Double == 0.5 && point["fmr"] as? Double == 0.2)
        #expect(j["impostor_failures"] as? Int == 1 && abs((j["fta"] as? Double ?? 0) - 1.0 / 11) < 1e-15)
        #expect(j["polarity"] as? String == "dissimilarity")
    }

    @Test("a malformed score line names file, line and the score's column, exit 65")
    func malformed() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let g = folder.appendingPathComponent("g.txt")
        try "0.1\n0.2\nzero point three\n".write(to: g, atomically: true, encoding: .utf8)
        let result = try CommandRunner.faceaudit(["metrics", "--genuine", g.path, "--impostor", g.path])
        #expect(result.status == 65)
        #expect(result.stderr == "faceaudit: error: \(g.path):3:12: \"three\" is not a number\n")
        let bad = try CommandRunner.faceaudit(["metrics", "--scores", g.path, "--format", "bob4"])
        #expect(bad.status == 65 && bad.stderr.contains("\(g.path):1: expected 4 fields"))
        // bob's 4 columns, and a CSV score file: the score field's column (characters, not bytes).
        let bob = folder.appendingPathComponent("bob.txt")
        try "a a 1 0.5\nb c \u{E9}2 1e400\n".write(to: bob, atomically: true, encoding: .utf8)
        let bobResult = try CommandRunner.faceaudit(["metrics", "--scores", bob.path, "--format", "bob4"])
        #expect(bobResult.status == 65 && bobResult.stderr == "faceaudit: error: \(bob.path):2:8: \"1e400\" is not a number\n")
        let csv = folder.appendingPathComponent("s.csv")
        try "probe_subject,reference_subject,score\na,a,0.5\nb,c,\n".write(to: csv, atomically: true, encoding: .utf8)
        let csvResult = try CommandRunner.faceaudit(["metrics", "--scores", csv.path, "--format", "csv"])
        #expect(csvResult.status == 65 && csvResult.stderr == "faceaudit: error: \(csv.path):3:5: empty score\n")
    }

    @Test("a subject id or label in two Unicode normalizations refuses the score file at its place")
    func normalization() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let message = "differ only in Unicode normalization"
        // José as one character (NFC), then as e and a combining accent (NFD): Swift takes them as one subject.
        let bob = folder.appendingPathComponent("n.txt")
        try "Jos\u{E9} Jos\u{E9} 1 0.5\nJose\u{301} b 2 0.1\nb b 3 0.9\n".write(to: bob, atomically: true, encoding: .utf8)
        let bobResult = try CommandRunner.faceaudit(["metrics", "--scores", bob.path, "--format", "bob4"])
        #expect(
            bobResult.status == 65 && bobResult.stderr.hasPrefix("faceaudit: error: \(bob.path):2:1: ")
                && bobResult.stderr.contains(message))
        let csv = folder.appendingPathComponent("n.csv")
        try "probe_subject,reference_subject,score,probe_gender,reference_gender\na,a,0.5,Mujer\u{E9},x\nb,c,0.1,Mujere\u{301},x\n"
            .write(to: csv, atomically: true, encoding: .utf8)
        let csvResult = try CommandRunner.faceaudit(["metrics", "--scores", csv.path, "--format", "csv"])
        #expect(
            csvResult.status == 65 && csvResult.stderr.hasPrefix("faceaudit: error: \(csv.path):3:9: ")
                && csvResult.stderr.contains(message))
    }

    @Test("identify on bob's CMC file: rank-1 0.76 and the CMC; open-set rates with --threshold")
    func identify() throws {
        let j = try Self.json([
            "identify", "--scores", Self.scores.appendingPathComponent("bob/scores-cmc-4col.txt").path, "--format", "bob4", "--max-rank",
            "5",
            "--threshold=-1500", "--json",
        ])
        #expect(j["probes"] as? Int == 100 && j["rank1"] as? Double == 0.76)
        #expect(j["cmc"] as? [Double] == [0.76, 0.89, 0.96, 0.98, 1.0])
        #expect(j["detection_identification_rate"] != nil && j["false_alarm_rate"] == nil)  // closed set: no non-mated searches
    }
}

/// `--cohorts` on generated CSV score files.
@Suite("faceaudit metrics and identify per cohort", .serialized)
struct CohortCLITests {
    /// 40 subjects × 2 images, all pairs; women's non-mated scores run higher (a built-in differential).
    static func writeScores(to url: URL) throws {
        var lines = ["probe_subject,reference_subject,probe_id,reference_id,score,probe_gender,reference_gender,probe_age,reference_age"]
        let images = (0..<40).flatMap { s in [(s, 0), (s, 1)] }
        for i in images.indices {
            for j in (i + 1)..<images.count {
                let (a, ia) = images[i]
                let (b, ib) = images[j]
                let ga = a % 2 == 0 ? "female" : "male"
                let gb = b % 2 == 0 ? "female" : "male"
                let base = a == b ? 0.8 : (ga == "female" && gb == "female" ? 0.45 : 0.2)
                let jitter = Double((i * 7919 + j * 104729) % 1000) / 5000
                lines.append("s\(a),s\(b),s\(a)_\(ia),s\(b)_\(ib),\(base + jitter),\(ga),\(gb),\(20 + a),\(20 + b)")
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("metrics --cohorts gender: women's FMR above men's at the global threshold, with bootstrap intervals")
    func metricsCohorts() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("scores.csv")
        try Self.writeScores(to: file)
        let result = try CommandRunner.faceaudit([
            "metrics", "--scores", file.path, "--format", "csv", "--cohorts", "gender", "--target-fmr", "0.05", "--bootstrap", "100",
            "--reference-cohort", "gender=male",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let analysis = try #require((json["cohorts"] as? [[String: Any]])?.first)
        #expect(analysis["dimensions"] as? String == "gender")
        let cohorts = try #require(analysis["cohorts"] as? [[String: Any]])
        #expect(cohorts.map { $0["cohort"] as? String } == ["gender=female", "gender=male"])
        let female = try #require(cohorts[0]["fmr"] as? [String: Any])
        let male = try #require(cohorts[1]["fmr"] as? [String: Any])
        #expect((female["rate"] as? Double ?? 0) > (male["rate"] as? Double ?? 1))
        #expect(cohorts[0]["fmr_bootstrap"] != nil && analysis["inequity_bootstrap"] != nil)
        let ratios = try #require(cohorts[0]["ratio_bootstrap"] as? [String: [Double]])
        #expect(ratios["fmr_ratio_to_overall"]?.count == 2)
        #expect(ratios["fnmr_ratio_to_reference"] == nil)  // men have no false non-match here: a ratio over zero is undefined
        #expect((analysis["cross_fmr"] as? [[Any]])?.count == 2)
    }

    @Test("identify --cohorts: per-probe-cohort CMC")
    func identifyCohorts() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("scores.csv")
        try Self.writeScores(to: file)
        let result = try CommandRunner.faceaudit([
            "identify", "--scores", file.path, "--format", "csv", "--cohorts", "gender", "--max-rank", "3",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let cohorts = try #require(json["cohorts"] as? [[String: Any]])
        #expect(cohorts.map { $0["cohort"] as? String } == ["gender=female", "gender=male"])
        #expect(cohorts.allSatisfy { (($0["report"] as? [String: Any])?["cmc"] as? [Double])?.count == 3 })
    }

    @Test("--cohorts needs a CSV score file")
    func needsCSV() throws {
        let result = try CommandRunner.faceaudit([
            "metrics", "--scores", MetricsCLITests.scores.appendingPathComponent("bob/dev-4col.txt").path, "--format", "bob4", "--cohorts",
            "auto",
        ])
        #expect(result.status == 64 && result.stderr.contains("--cohorts needs a CSV score file"))
    }
}
