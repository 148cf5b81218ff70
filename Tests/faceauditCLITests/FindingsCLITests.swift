import FaceAuditTestSupport
import Foundation
import Testing

/// The headline findings (issue 15): summary.json's `findings` agree with a direct computation from
/// cohorts.csv, children come first, and the report's summary opens with them.
@Suite("findings end to end", .serialized)
struct FindingsCLITests {
    /// cohorts.csv as one dictionary per row, by column name.
    static func csvRows(_ out: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: out.appendingPathComponent("cohorts.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            // Fields before `flags` hold no comma.
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: header.indices.map { (header[$0], $0 < f.count ? f[$0] : "") })
        }
    }

    /// 3120 → "3,120", as reports write counts.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        return String(digits.enumerated().flatMap { i, c in i > 0 && (digits.count - i) % 3 == 0 ? [",", c] : [c] })
    }

    @Test("every finding's worst and best group and ratio follow from cohorts.csv; children first; the summary opens with them")
    func findingsAgreeWithCohortsCSV() throws {
        let folder = try TestPaths.temporaryDirectory("findings")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try ChildrenCLITests.run(folder, children: 40, adults: 60)
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        let findings = try #require(summary["findings"] as? [[String: Any]])
        let rows = try Self.csvRows(out)
        #expect(!findings.isEmpty)
        var checked = 0
        for f in findings {
            let dimensions = try #require(f["dimensions"] as? String)
            let target = try #require(f["target_fmr"] as? Double)
            let c = try #require(f["worst_best"] as? [String: Any])
            let metric = try #require(c["metric"] as? String)
            // The groups that may be compared, read from cohorts.csv: known label, ≥ 10 people, a trial.
            let eligible = rows.filter { r in
                r["dimensions"] == dimensions && r["operating_point"] == "target_fmr" && Double(r["target_fmr"] ?? "") == target
                    && r["metric"] == metric && r["cohort"] != "overall" && !(r["cohort"] ?? "").contains("=unknown")
                    && (Int(r["subjects"] ?? "") ?? 0) >= 10 && (Int(r["trials"] ?? "") ?? 0) > 0
            }
            #expect(eligible.count == c["groups"] as? Int, "\(dimensions) \(metric)")
            func rate(_ r: [String: String]) -> Double { Double(r["estimate"] ?? "") ?? .nan }
            let worst = try #require(eligible.first { $0["cohort"] == c["worst"] as? String })
            let best = try #require(eligible.first { $0["cohort"] == c["best"] as? String })
            #expect(eligible.allSatisfy { rate($0) <= rate(worst) }, "worst is the highest rate: \(dimensions) \(metric)")
            #expect(eligible.filter { $0["cohort"] != worst["cohort"] }.allSatisfy { rate($0) >= rate(best) })
            let worstCount = try #require(c["worst_count"] as? [String: Any])
            #expect("\(worstCount["errors"] ?? "")/\(worstCount["trials"] ?? "")" == "\(worst["errors"] ?? "")/\(worst["trials"] ?? "")")
            let direct = rate(best) > 0 ? rate(worst) / rate(best) : nil
            if let direct {
                let ratio = try #require(c["ratio"] as? Double)
                #expect(abs(ratio - direct) <= 1e-9 * direct, "\(dimensions) \(metric): \(ratio) vs \(direct)")
            } else {
                #expect(c["ratio"] is NSNull)
            }
            let statement = try #require(f["statement"] as? String)
            #expect(statement.hasPrefix("At the threshold set for 1 in 100 false matches overall, by "))
            let trials = Int(worst["trials"] ?? "") ?? -1
            #expect(statement.contains("\(worst["errors"] ?? "") of \(Self.grouped(trials)) comparisons"), "\(statement)")
            if f["holds"] as? Bool == true {
                // Holds: an estimable interval above 1, and the sentence states the multiple.
                let interval = try #require(c["interval"] as? [Any])
                #expect((interval.first as? Double ?? 0) > 1)
                #expect(statement.contains("times as often"))
            } else {
                #expect(statement.contains("cannot show"), "\(statement)")
            }
            if let people = c["people_involved"] as? Int { #expect(people <= (Int(worst["subjects"] ?? "") ?? -1)) }
            checked += 1
        }
        #expect(checked == findings.count)
        // Children are falsely matched far more often than adults here: that finding comes first.
        let first = try #require(findings.first)
        #expect(first["children"] as? Bool == true && first["holds"] as? Bool == true, "\(first)")
        #expect(findings.contains { ($0["dimensions"] as? String) == "age_band" && $0["children"] as? Bool == true })
        // The summary opens with it (after any line about children's coverage: none here).
        let lines = try ChildrenCLITests.summaryLines(out)
        let statement = try #require(first["statement"] as? String)
        #expect(lines.first == statement.replacingOccurrences(of: "&", with: "&amp;"), "\(lines.first ?? "")")
        #expect(!lines.contains { $0.contains("as often as the average") })
    }
}
