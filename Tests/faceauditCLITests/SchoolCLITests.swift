import FaceAuditTestSupport
import Foundation
import Testing

/// The school scenario end to end (issue 15): per-person counts in summary.json, the same from an exact and
/// a streamed run, and a report section with one row per operating point, plain numbers and its flags named.
@Suite("school scenario end to end", .serialized)
struct SchoolCLITests {
    static func run(_ folder: URL, _ name: String, people: Int? = nil, _ extra: [String]) throws -> URL {
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let (manifest, embeddings) = try people.map { try SyntheticDataset.write(in: data, people: $0) } ?? SyntheticDataset.write(in: data)
        let out = folder.appendingPathComponent(name)
        let result = try CommandRunner.faceaudit(
            [
                "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--comparison", "euclidean", "--out", out.path,
                "--bootstrap", "0", "--quiet",
            ] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// The school section's HTML.
    static func school(_ out: URL) throws -> String {
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let start = try #require(html.range(of: "<h2>What this means for a school</h2>"))
        let end = html.range(of: "<h2>", range: start.upperBound..<html.endIndex)?.lowerBound ?? html.endIndex
        return String(html[start.lowerBound..<end])
    }

    @Test("the section: a row per operating point, plain numbers, the flags that change it, the watchlist mix")
    func section() throws {
        let folder = try TestPaths.temporaryDirectory("school-section")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try Self.run(
            folder, "out",
            [
                "--threshold", "1.9", "--target-fmr", "0.01,0.001", "--tracking-days", "45", "--watchlist-mix",
                "gender=female:3,gender=male:1",
            ])
        let school = try Self.school(out)
        for flag in ["--school-size", "--passes-per-day", "--school-days", "--watchlist-size", "--watchlist-mix", "--tracking-days"] {
            #expect(school.contains("<code>\(flag)</code>"), "\(flag) not named")
        }
        #expect(school.contains("previous 45 days") && school.contains("per 45-day search"))
        // Every operating point of the run is a row of the whole school's table.
        let whole = try #require(
            school.components(separatedBy: "<h3>The whole school</h3>").last?.components(separatedBy: "</table>").first)
        for point in ["set for 1 in 100 false matches", "set for 1 in 1,000 false matches", "a fixed threshold of 1.9"] {
            #expect(whole.contains("<tr><td>\(point)"), "\(point) missing: \(whole)")
        }
        // Plain numbers only: no exponent, no "100% (0%–100%)".
        #expect(school.range(of: #"\de[+-]?\d"#, options: .regularExpression) == nil, "\(school)")
        #expect(!school.contains("(0%–100%)"))
        // The watchlist mix is applied to the gender table and stated: 3 to 1 is 75% and 25%.
        #expect(school.contains("The watchlist here: female 75%, male 25% (--watchlist-mix)."), "\(school)")
        #expect(school.contains("The watchlist here has the students' own mix."))
        // The totals row of each attribute, at each operating point.
        #expect(school.components(separatedBy: "<strong>all students</strong>").count > 3)

        // summary.json: the per-person counts, counts only.
        let summary = try Self.json(out.appendingPathComponent("summary.json"))
        let analyses = try #require(summary["cohorts"] as? [[String: Any]])
        let gender = try #require(analyses.first { $0["dimensions"] as? String == "gender" && $0["threshold"] as? Double == 1.9 })
        let counts = try #require(gender["partner_counts"] as? [String: Any])
        let cohorts = try #require(counts["cohorts"] as? [[[String: Any]]])
        #expect(cohorts.count == (gender["cohorts"] as? [Any])?.count)
        let people = cohorts.map { $0.reduce(0) { $0 + ($1["people"] as? Int ?? 0) } }
        #expect(people == (gender["cohorts"] as? [[String: Any]])?.map { $0["subjects"] as? Int ?? -1 })
        #expect(cohorts.flatMap { $0 }.allSatisfy { Set($0.keys) == ["people", "partners", "false_matches", "comparisons"] })
        #expect(analyses.filter { ($0["dimensions"] as? String)?.contains(";") == true }.allSatisfy { $0["partner_counts"] == nil })
    }

    @Test("a streamed run stores the same per-person counts at a threshold in its exact region")
    func streamedEqualsExact() throws {
        let folder = try TestPaths.temporaryDirectory("school-streamed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let flags = ["--dimensions", "gender,ethnicity", "--threshold", "1.2", "--target-fmr", "0.001"]
        let exact = try Self.run(folder, "exact", people: 120, flags)
        let streamed = try Self.run(folder, "streamed", people: 120, flags + ["--exact-pair-limit", "10"])
        func counts(_ out: URL) throws -> [String: NSObject] {
            let analyses = try #require(try Self.json(out.appendingPathComponent("summary.json"))["cohorts"] as? [[String: Any]])
            var result: [String: NSObject] = [:]
            for a in analyses where a["threshold"] as? Double == 1.2 {
                result[a["dimensions"] as? String ?? ""] = a["partner_counts"] as? NSObject
            }
            return result
        }
        let e = try counts(exact)
        let s = try counts(streamed)
        #expect(e.keys.sorted() == ["ethnicity", "gender"])
        for key in e.keys { #expect(e[key] == s[key], "\(key)") }
        let falseMatches = (e["gender"] as? [String: Any])?["overall"] as? [[String: Any]]
        #expect(falseMatches?.contains { ($0["false_matches"] as? [Int])?.first ?? 0 > 0 } == true, "the threshold must give false matches")
    }

    /// `--bootstrap 0` asks for no resampling; the school's intervals used to be drawn anyway (1,000
    /// replicates of every table, whatever the run asked for). They follow the run's bootstrap now.
    @Test("the school's intervals follow --bootstrap: none and said so at 0, intervals above it")
    func intervalsFollowBootstrap() throws {
        let folder = try TestPaths.temporaryDirectory("school-bootstrap")
        defer { try? FileManager.default.removeItem(at: folder) }
        let flags = ["--threshold", "1.2", "--target-fmr", "0.01"]
        let none = try Self.school(Self.run(folder, "none", flags))
        let some = try Self.school(Self.run(folder, "some", flags + ["--bootstrap", "40"]))
        let interval = #"<td>[^<]* \([^<)]+–[^<)]+\)</td>"#
        #expect(none.range(of: interval, options: .regularExpression) == nil, "\(none)")
        #expect(none.contains("This run resampled no one (<code>--bootstrap 0</code>), so no number here has an interval."))
        #expect(!none.contains("Intervals are 95% intervals") && !none.contains("which gives its interval"))
        #expect(none.contains("the same total as the whole school above"))
        #expect(some.range(of: interval, options: .regularExpression) != nil, "\(some)")
        #expect(some.contains("Intervals are 95% intervals from resampling the people of each group"))
    }
}
