import FaceAuditTestSupport
import Foundation
import Testing

/// The error regression inside `faceaudit run`: summary.json `error_regression`, and the report's section.
@Suite("faceaudit run: what goes with more false matches", .serialized)
struct RegressionCLITests {
    @Test("the regression counts the run's own false matches at each operating point, and the report states its clear associations")
    func agreesWithTheRun() throws {
        let folder = try TestPaths.temporaryDirectory("regression-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder, people: 60)
        let out = folder.appendingPathComponent("out")
        let r = try CommandRunner.faceaudit([
            "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--bootstrap", "20", "--quiet",
            "--target-fmr", "0.05,0.02", "--min-subjects", "1",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        let verification = try #require(summary["verification"] as? [String: Any])
        let points = try #require(verification["operating_points"] as? [[String: Any]])
        let regressions = try #require(summary["error_regression"] as? [[String: Any]])
        #expect(regressions.count == points.count)
        for (point, regression) in zip(points, regressions) {
            #expect(regression["target_fmr"] as? Double == point["target_fmr"] as? Double)
            let falseMatch = try #require(regression["false_match"] as? [String: Any])
            // Every level has people here, so the only pairs left out are those without a score (the image
            // without a template): the model's pairs and errors are the run's.
            #expect(falseMatch["excluded_pairs"] as? Int == verification["impostor_failures"] as? Int)
            #expect(falseMatch["excluded_pairs"] as? Int ?? 0 > 0)
            let fit = try #require(falseMatch["fit"] as? [String: Any], "\(falseMatch)")
            #expect(fit["events"] as? Int == point["false_matches"] as? Int)
            #expect(fit["observations"] as? Int == point["impostor_trials"] as? Int)
            let attributes = try #require(regression["attributes"] as? [[String: Any]])
            #expect(attributes.map { $0["name"] as? String } == ["gender", "ethnicity"])
        }
        // The report: every coefficient whose interval lies off 1 is a sentence with its odds ratio; the
        // others are named as showing no clear association.
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<h2>What goes with more false matches</h2>"))
        // The report shows the regression at its headline target (here 0.02, the nearest to 1 in 1,000).
        let shown = try #require(regressions.first { $0["target_fmr"] as? Double == 0.02 })
        let shownFit = try #require((shown["false_match"] as? [String: Any])?["fit"] as? [String: Any])
        let coefficients = try #require(shownFit["coefficients"] as? [[String: Any]])
        let terms = try #require(shownFit["terms"] as? [[String: Any]])
        // A coefficient's term: "gender" for "gender=female", its own name otherwise.
        func term(_ name: String) -> [String: Any]? {
            let key = name.hasPrefix("same ") ? name : String(name.split(separator: "=").first ?? "")
            return terms.first { $0["name"] as? String == key }
        }
        // Named: a group whose group interval misses 1 (group_p < 0.05) in a label with Wald p < 0.05; another
        // column whose interval misses 1 in a term with Wald p < 0.05 (one column: the same test).
        func passes(_ c: [String: Any]) -> Bool {
            guard let t = term(c["name"] as? String ?? ""), let wald = t["wald_p"] as? Double, wald < 0.05 else { return false }
            guard c["group_comparisons"] != nil else { return true }
            return (c["group_p"] as? Double).map { $0 < 0.05 } ?? false
        }
        // The interval a named column is quoted with: its group interval for a group, else its 95% one.
        func quoted(_ c: [String: Any]) -> (Double, Double) {
            c["group_comparisons"] != nil
                ? (c["group_odds_ratio_lower"] as? Double ?? 0, c["group_odds_ratio_upper"] as? Double ?? .infinity)
                : (c["odds_ratio_lower"] as? Double ?? 0, c["odds_ratio_upper"] as? Double ?? .infinity)
        }
        // The paragraph before the fold names the clear associations, one "× the odds" each; the fold names
        // the others.
        let after = try #require(html.components(separatedBy: "What goes with more false matches</h2>").last)
        let lead = try #require(after.components(separatedBy: "<details").first)
        let fold = try #require(after.components(separatedBy: "</details>").first)
        let clear = coefficients.filter { c in
            c["name"] as? String != "intercept"
                && ((c["odds_ratio_lower"] as? Double ?? 0) > 1 || (c["odds_ratio_upper"] as? Double ?? .infinity) < 1)
                && passes(c)
        }
        #expect(lead.components(separatedBy: "× the odds").count - 1 == clear.count)
        #expect(fold.contains("No clear association") == (clear.count < coefficients.count - 1))
        for c in coefficients where c["name"] as? String != "intercept" {
            let (lower, upper) = (c["odds_ratio_lower"] as? Double ?? 0, c["odds_ratio_upper"] as? Double ?? .infinity)
            let name = c["name"] as? String ?? ""
            if (lower > 1 || upper < 1) && passes(c) {
                let ratio = try #require(c["odds_ratio"] as? Double)
                #expect(lead.contains("\(Self.times(ratio))× the odds"), "\(name) \(ratio)")
                let (from, to) = quoted(c)
                #expect(from > 1 || to < 1, "\(name)")
            }
        }
    }

    /// The report's rounding of a ratio: whole numbers from 10 (grouped), two decimals just above 1, one
    /// decimal up to 10, two significant figures below 1.
    static func times(_ x: Double) -> String {
        if x >= 10 { return Int(x.rounded()).formatted(.number.grouping(.automatic)).replacingOccurrences(of: "\u{202F}", with: ",") }
        if x > 1 && x < 1.1 { return String(format: "%.2f", x) }
        if x >= 1 { return String(format: "%.1f", x) }
        return String(format: "%.2g", x)
    }
}
