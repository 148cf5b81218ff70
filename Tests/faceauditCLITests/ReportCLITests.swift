import FaceAuditTestSupport
import Foundation
import Testing

/// `faceaudit report`: runs side by side, paired on the same people.
@Suite("faceaudit report", .serialized)
struct ReportCLITests {
    /// Runs `faceaudit run` on `manifest` with `embeddings` into `out`.
    static func run(_ manifest: URL, _ embeddings: URL, _ out: URL, _ more: [String] = []) throws {
        let r = try CommandRunner.faceaudit(
            [
                "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--bootstrap", "50", "--quiet",
            ] + more)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("the committed London runs of FaceNet and dlib side by side: a ratio whose interval includes 1 is not a difference")
    func londonModels() throws {
        let folder = try TestPaths.temporaryDirectory("report-london")
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = TestPaths.repositoryRoot.appendingPathComponent("results")
        let out = folder.appendingPathComponent("comparison")
        let r = try CommandRunner.faceaudit([
            "report", results.appendingPathComponent("london-facenet").path, results.appendingPathComponent("london-dlib").path,
            "--out", out.path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: out.appendingPathComponent("comparison.html"), encoding: .utf8)
        let sentences = html.components(separatedBy: "<li>").dropFirst().map { $0.components(separatedBy: "</li>")[0] }
        // At 1 in 100, Black vs white: 22× (6.1–70) for FaceNet, 68× (20–217) for dlib; both hold.
        let ethnicity = try #require(sentences.first { $0.hasPrefix("By ethnicity") && $0.contains("22× as often") })
        #expect(ethnicity.contains("68×") && !ethnicity.contains("no difference shown"), "\(ethnicity)")
        // By gender the intervals include 1 (0.44–3.2 and 0.29–4.3): said so, for each run.
        let gender = try #require(sentences.first { $0.hasPrefix("By gender") })
        #expect(gender.components(separatedBy: "which includes 1: no difference shown").count - 1 == 2, "\(gender)")
        // Black at 1 in 1,000: 15 vs 19 of 312, a paired difference whose interval holds 0, said in place.
        let black = try #require(sentences.first { $0.contains("labelled “black” in 15 of 312") })
        #expect(black.contains("which includes 0: no difference shown"), "\(black)")
        // Overall at 1 in 100 both runs are set to 1.00%: 0 points, and no difference shown either.
        #expect(sentences.contains { $0.contains("in 206 of 20,604") && $0.contains("which includes 0: no difference shown") })
        // Is dlib's Black-to-white ratio larger than FaceNet's? 3.1× as large, but the paired interval
        // (0.81× to 14×) holds 1: the data do not show the two models' disparities differ.
        let quotient = try #require(
            sentences.first {
                $0.contains("ratio (“black” to “white”) is 3.1×") && $0.hasPrefix("Resampling the same people for both runs, london-dlib")
            })
        #expect(quotient.contains("which includes 1: no difference shown"), "\(quotient)")
        let csv = try String(contentsOf: out.appendingPathComponent("comparison.csv"), encoding: .utf8)
        #expect(csv.contains(",ethnicity,ethnicity=black,fmr,ratio_quotient,london-dlib,london-facenet,"))
        // The tables fold under the sentences, and the page (Chromium at 1280 px) stays short.
        #expect(html.contains("<details class=\"fold\"><summary>By ethnicity: each run's rates for 5 groups"))
        #expect(!html.contains("<h3>By"))
        // London's east_asian/white group is one person: no pair of different people to compare, said in words in
        // every cell, never a dash over "0/0" beside a difference "not defined".
        let row = try #require(html.components(separatedBy: "<tr>").first { $0.hasPrefix("<td>east_asian/white</td><td>FMR</td>") })
        #expect(row.components(separatedBy: "not measured <small>(no pairs of different people)</small>").count - 1 == 2, "\(row)")
        #expect(row.contains("<td>not measured</td>") && !row.contains("0/0") && !row.contains("not defined"), "\(row)")
    }

    @Test("two models on the same people: subjects.json, then a page and a CSV with paired differences")
    func twoModels() throws {
        let folder = try TestPaths.temporaryDirectory("report-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder)
        // A second "model": the same templates with every value squared, which changes every cosine.
        let other = folder.appendingPathComponent("templates-b.csv")
        let lines = try String(contentsOf: embeddings, encoding: .utf8).split(separator: "\n").map { line in
            let fields = line.split(separator: ",")
            return ([String(fields[0])] + fields.dropFirst().map { String(Float(Double($0)! * Double($0)!)) }).joined(separator: ",")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: other, atomically: true, encoding: .utf8)
        let (a, b) = (folder.appendingPathComponent("model-a"), folder.appendingPathComponent("model-b"))
        try Self.run(manifest, embeddings, a)
        try Self.run(manifest, other, b)
        let subjects = try String(contentsOf: a.appendingPathComponent("subjects.json"), encoding: .utf8)
        #expect(subjects.contains("\"format\":\"faceaudit.subjects/1\"") && !subjects.contains("p1-0") && !subjects.contains("\"s1\""))

        let out = folder.appendingPathComponent("comparison")
        let r = try CommandRunner.faceaudit(["report", a.path, b.path, "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("comparison.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        let kind = try #require(header.firstIndex(of: "kind"))
        let differences = rows.filter { $0[kind] == "difference" }
        #expect(!differences.isEmpty)
        #expect(
            differences.allSatisfy { $0[header.firstIndex(of: "run")!] == "model-b" && $0[header.firstIndex(of: "versus")!] == "model-a" })
        #expect(rows.contains { $0[kind] == "worst_best_ratio" })
        let html = try String(contentsOf: out.appendingPathComponent("comparison.html"), encoding: .utf8)
        #expect(html.contains("from resampling the same people for every run") && html.contains("model-b minus model-a"))

        // Another dataset is refused with one line naming the flag, and compared with it, without differences.
        let elsewhere = folder.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let (m2, e2) = try SyntheticDataset.write(in: elsewhere, people: 30)
        let c = folder.appendingPathComponent("model-c")
        try Self.run(m2, e2, c)
        let refused = try CommandRunner.faceaudit(["report", a.path, c.path, "--out", out.path])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("different datasets") && refused.stderr.contains("--allow-different-data"))
        let allowed = try CommandRunner.faceaudit(["report", a.path, c.path, "--out", out.path, "--allow-different-data"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        let unpaired = try String(contentsOf: out.appendingPathComponent("comparison.csv"), encoding: .utf8)
        #expect(!unpaired.contains(",difference,"))
        #expect(try CommandRunner.faceaudit(["report", a.path, "--out", out.path]).status == 64)
    }

    @Test("three runs, one model at two fixed thresholds: fixed thresholds pair by their place in each run's list")
    func oneModelTwoThresholds() throws {
        let folder = try TestPaths.temporaryDirectory("report-thresholds")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder)
        let runs = [("loose", "0.2"), ("strict", "0.6"), ("loose-again", "0.2")].map { folder.appendingPathComponent($0.0) }
        for (run, threshold) in zip(runs, ["0.2", "0.6", "0.2"]) {
            try Self.run(manifest, embeddings, run, ["--threshold", threshold, "--target-fmr", "0.01"])
        }
        let out = folder.appendingPathComponent("comparison")
        let r = try CommandRunner.faceaudit(["report"] + runs.map(\.path) + ["--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: out.appendingPathComponent("comparison.html"), encoding: .utf8)
        #expect(
            html.contains(
                "<h2>At each run&#39;s fixed threshold: loose at a fixed score threshold of 0.2; strict at a fixed score threshold of 0.6;")
        )
        let csv = try String(contentsOf: out.appendingPathComponent("comparison.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        let (point, cohort, metric, kind, run, versus, estimate, threshold) = (
            header.firstIndex(of: "operating_point")!, header.firstIndex(of: "cohort")!, header.firstIndex(of: "metric")!,
            header.firstIndex(of: "kind")!, header.firstIndex(of: "run")!, header.firstIndex(of: "versus")!,
            header.firstIndex(of: "estimate")!,
            header.firstIndex(of: "threshold")!
        )
        let fixed = rows.filter { $0[point] == "threshold" && $0[cohort] == "overall" && $0[metric] == "fmr" }
        // Each run at its own threshold, and a stricter threshold never falsely matches more.
        let rate = { (name: String) in fixed.first { $0[kind] == "rate" && $0[run] == name }.flatMap { Double($0[estimate]) } }
        #expect(fixed.filter { $0[kind] == "rate" }.map { $0[threshold] } == ["0.2", "0.6", "0.2"])
        let (loose, strict) = (try #require(rate("loose")), try #require(rate("strict")))
        #expect(strict <= loose && rate("loose-again") == loose)
        // The same model at the same threshold differs by exactly 0; the paired differences exist for all 3 pairs.
        let differences = fixed.filter { $0[kind] == "difference" }
        #expect(differences.count == 3)
        let same = try #require(differences.first { $0[run] == "loose-again" && $0[versus] == "loose" })
        #expect(Double(same[estimate]) == 0)
        let step = try #require(differences.first { $0[run] == "strict" && $0[versus] == "loose" })
        #expect(abs(Double(step[estimate])! - (strict - loose)) < 1e-12)
    }
}
