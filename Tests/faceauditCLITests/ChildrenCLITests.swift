import FaceAuditTestSupport
import Foundation
import Testing

/// Children in every report (issue 14, item 5): children are compared with adults in the summary when the
/// data has both, with numbers that are the `age_group` rows of cohorts.csv; without children (or ages) the
/// summary's first line says so and the school scenario says whose rates it uses.
@Suite("children in every report", .serialized)
struct ChildrenCLITests {
    /// Runs `faceaudit run` on a synthetic set of `children` and `adults` (two photos each) at target FMR 1%.
    static func run(
        _ folder: URL, children: Int, adults: Int, ages: Bool = true, extra: [String] = [], editManifest: (URL) throws -> Void = { _ in }
    ) throws -> URL {
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let (manifest, embeddings) = try SyntheticDataset.writeChildrenAndAdults(in: data, children: children, adults: adults, ages: ages)
        try editManifest(manifest)
        let out = folder.appendingPathComponent("out")
        let r = try CommandRunner.faceaudit(
            [
                "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--bootstrap", "200",
                "--target-fmr", "0.01", "--quiet",
            ] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        return out
    }

    /// The summary's items, as plain text (tags removed).
    static func summaryLines(_ out: URL) throws -> [String] {
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let start = try #require(html.range(of: "<ul class=\"summary\">"))
        let end = try #require(html.range(of: "</ul>", range: start.upperBound..<html.endIndex))
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<li>").dropFirst().map { item in
            item.replacingOccurrences(of: "</li>", with: "").replacingOccurrences(of: "<strong>", with: "")
                .replacingOccurrences(of: "</strong>", with: "").replacingOccurrences(of: "&#39;", with: "'")
        }
    }

    /// The school section's HTML.
    static func school(_ out: URL) throws -> String {
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let start = try #require(html.range(of: "<h2>What this means for a school</h2>"))
        let end = try #require(html.range(of: "<h2>", range: start.upperBound..<html.endIndex))
        return String(html[start.lowerBound..<end.lowerBound])
    }

    /// cohorts.csv rows of `dimensions`, keyed by `cohort|metric`: (errors, trials, estimate, subjects).
    static func rows(_ out: URL, _ dimensions: String) throws -> [String: (errors: Int, trials: Int, estimate: Double?, subjects: Int)] {
        let csv = try String(contentsOf: out.appendingPathComponent("cohorts.csv"), encoding: .utf8)
        var result: [String: (Int, Int, Double?, Int)] = [:]
        let lines = csv.split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        func col(_ name: String) -> Int { header.firstIndex(of: name) ?? 0 }
        for line in lines.dropFirst() {
            // Fields before `flags` hold no comma.
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= header.count, f[col("dimensions")] == dimensions, f[col("operating_point")] == "target_fmr" else { continue }
            result["\(f[col("cohort")])|\(f[col("metric")])"] = (
                Int(f[col("errors")]) ?? -1, Int(f[col("trials")]) ?? -1, Double(f[col("estimate")]), Int(f[col("subjects")]) ?? -1
            )
        }
        return result
    }

    /// The report's way of writing a ratio (two significant digits below 10, whole numbers above, three
    /// digits just above 1).
    static func times(_ x: Double) -> String {
        if x > 1 && x < 1.1 { return String(format: "%.2f", x) }
        return x >= 10 ? String(format: "%.0f", x) : x >= 1 ? String(format: "%.1f", x) : String(format: "%.2g", x)
    }

    @Test("children and adults: the summary compares their FMR with the numbers of cohorts.csv's age_group rows")
    func childrenAndAdults() throws {
        let folder = try TestPaths.temporaryDirectory("children-and-adults")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try Self.run(folder, children: 40, adults: 60)
        let groups = try Self.rows(out, "age_group")
        let c = try #require(groups["age_group=under-18|fmr"])
        let a = try #require(groups["age_group=18+|fmr"])
        #expect(c.subjects == 40 && a.subjects == 60)
        #expect(c.trials == 40 * 39 / 2 * 4 && a.trials == 60 * 59 / 2 * 4)  // two photos each: 4 comparisons per pair of people
        let cRate = try #require(c.estimate)
        let aRate = try #require(a.estimate)
        #expect(a.errors > 0 && cRate > 3 * aRate, "children \(c), adults \(a)")

        let lines = try Self.summaryLines(out)
        let fmr = try #require(lines.first { $0.contains("two different children (under 18) were falsely matched") }, "\(lines)")
        #expect(fmr.contains("were falsely matched in \(c.errors) of \(c.trials.grouped) comparisons"), "\(fmr)")
        #expect(fmr.contains("two different adults (18 and over) in \(a.errors) of \(a.trials.grouped) comparisons"), "\(fmr)")
        // The ratio of the two estimates, stated as a difference: its bootstrap interval (summary.json) excludes 1.
        let ratio = cRate / aRate
        #expect(
            fmr.contains("Children were falsely matched \(Self.times(ratio)) times as often as adults (95% interval of the ratio"), "\(fmr)"
        )
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        let analysis = try #require(
            (json["cohorts"] as? [[String: Any]])?.first {
                $0["dimensions"] as? String == "age_group" && $0["target_fmr"] as? Double == 0.01
            })
        #expect(analysis["reference_cohort"] as? String == "age_group=18+")
        let children = try #require((analysis["cohorts"] as? [[String: Any]])?.first { $0["cohort"] as? String == "age_group=under-18" })
        let interval = try #require((children["ratio_bootstrap"] as? [String: Any])?["fmr_ratio_to_reference"] as? [Double])
        let (lower, upper) = (interval[0], interval[1])
        #expect(lower > 1)
        #expect(fmr.contains("interval of the ratio \(Self.times(lower))–\(Self.times(upper)), from resampling people"), "\(fmr)")
        #expect(abs((children["fmr_ratio_to_reference"] as? Double ?? 0) - ratio) < 1e-12)

        // FNMR: each group's count from cohorts.csv, or "not measured" - never a rate of 0 out of 0.
        let cm = try #require(groups["age_group=under-18|fnmr"])
        let am = try #require(groups["age_group=18+|fnmr"])
        #expect(cm.trials == 40 && am.trials == 60)
        let fnmr = try #require(lines.first { $0.contains("Two photos of the same child (under 18) were missed") }, "\(lines)")
        #expect(
            fnmr.contains("in \(cm.errors) of \(cm.trials) comparisons") && fnmr.contains("in \(am.errors) of \(am.trials) comparisons"))
        // The comparison comes before the per-attribute sentences, and the no-children line is absent.
        #expect(!lines.contains { $0.contains("no one under 18") || $0.contains("does not record ages") })

        // The child band with the highest FMR, from the age_band rows.
        let bands = try Self.rows(out, "age_band")
        let childBands = ["4-7", "8-12", "13-17"].compactMap { band in bands["age_band=\(band)|fmr"].map { (band, $0) } }
        #expect(childBands.count == 3)
        let top = try #require(childBands.max { ($0.1.estimate ?? 0) < ($1.1.estimate ?? 0) })
        let band = try #require(lines.first { $0.contains("among children's age bands") }, "\(lines)")
        #expect(band.contains("at ages \(top.0): \(top.1.errors) of \(top.1.trials.grouped) comparisons"), "\(band)")

        // The school scenario uses the children's rates, and says so; no adult band appears in it.
        let school = try Self.school(out)
        #expect(school.contains("Students are children: the tables by age use only this dataset's 40 children"))
        #expect(school.contains("<td>children (under 18)</td>") && !school.contains("<td>adults (18 and over)</td>"))
        #expect(school.contains("<td>8-12</td>") && !school.contains("<td>18-29</td>") && !school.contains("<td>30-49</td>"))
        #expect(!school.contains("Not about children"))
        // Both groups have their own table of rates in the report.
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<h3>Children and adults</h3>"))
    }

    @Test("too few children: the ratio is given, but the report says the data cannot show a difference beyond them")
    func fewChildren() throws {
        let folder = try TestPaths.temporaryDirectory("few-children")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try Self.run(folder, children: 6, adults: 60)
        let c = try #require(try Self.rows(out, "age_group")["age_group=under-18|fmr"])
        #expect(c.subjects == 6)
        let lines = try Self.summaryLines(out)
        let fmr = try #require(lines.first { $0.contains("two different children (under 18) were falsely matched") }, "\(lines)")
        #expect(fmr.contains("in \(c.errors) of \(c.trials) comparisons"))
        #expect(
            fmr.contains(
                "Children's false-match rate was \(Self.times((c.estimate ?? 0) / (try #require(try Self.rows(out, "age_group")["age_group=18+|fmr"]?.estimate)))) times adults', but with only 6 children, fewer than the 10 people a claim needs, this dataset cannot show a difference"
            ), "\(fmr)")
        #expect(!fmr.contains("as often as adults"))
    }

    @Test("adults only: the first summary line says there is no one under 18, and the school scenario says its mix is adults'")
    func adultsOnly() throws {
        let folder = try TestPaths.temporaryDirectory("adults-only")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try Self.run(folder, children: 0, adults: 40)
        let lines = try Self.summaryLines(out)
        #expect(lines.first == "This dataset has no one under 18: it cannot show how the system treats children.", "\(lines)")
        #expect(!lines.contains { $0.contains("children (under 18)") })
        let school = try Self.school(out)
        #expect(school.contains("This dataset has no one under 18: the group mix and the rates below are taken from adults"), "\(school)")
        // One group only: the age_group rows exist in cohorts.csv, the report does not repeat them as a table.
        #expect(
            try Self.rows(out, "age_group").keys.sorted() == [
                "age_group=18+|fmr", "age_group=18+|fnmr", "age_group=18+|fta", "overall|fmr", "overall|fnmr", "overall|fta",
            ])
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!html.contains("<h3>Children and adults</h3>"))

        // One adult's age left out (as two people's in the London Set): no one is *recorded* as under 18.
        let manifest = folder.appendingPathComponent("data/manifest.csv")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        let edited = text.split(separator: "\n").map { line in line.hasPrefix("p3-") ? String(line.dropLast(3)) + "," : String(line) }
        #expect(edited.filter { $0.hasSuffix(",") }.count == 2)
        try (edited.joined(separator: "\n") + "\n").write(to: manifest, atomically: true, encoding: .utf8)
        let again = folder.appendingPathComponent("out")
        try FileManager.default.removeItem(at: again)
        let r = try CommandRunner.faceaudit([
            "run", "--dataset", manifest.path, "--embeddings", folder.appendingPathComponent("data/templates.csv").path, "--out",
            again.path, "--bootstrap", "0", "--target-fmr", "0.01", "--quiet",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.rows(again, "age_group")["age_group=unknown|fmr"] != nil)
        #expect(
            try Self.summaryLines(again).first
                == "This dataset has no one recorded as under 18 (some photos have no recorded age): it cannot show how the system treats children."
        )
        #expect(try Self.school(again).contains("taken from adults and from people of unrecorded age"))
    }

    @Test("no ages: the first summary line says the dataset does not record ages")
    func noAges() throws {
        let folder = try TestPaths.temporaryDirectory("no-ages")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try Self.run(folder, children: 10, adults: 30, ages: false)
        let lines = try Self.summaryLines(out)
        #expect(lines.first == "This dataset does not record ages: it cannot show how the system treats children.", "\(lines)")
        #expect(try Self.rows(out, "age_group").isEmpty)
        #expect(try Self.school(out).contains("This dataset does not record ages"))

        // Dimensions chosen without age: the run, not the dataset, leaves children out, and says so.
        let chosen = folder.appendingPathComponent("chosen")
        try FileManager.default.createDirectory(at: chosen, withIntermediateDirectories: true)
        let out2 = try Self.run(chosen, children: 10, adults: 30, extra: ["--dimensions", "gender"])
        #expect(try Self.summaryLines(out2).first?.hasPrefix("This run was not grouped by age") == true)
    }

    @Test("compare: a candidate with the new age_group rows against a baseline without them is no regression")
    func compareNewRows() throws {
        let folder = try TestPaths.temporaryDirectory("children-compare")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try Self.run(folder, children: 20, adults: 30)
        // The same run as a summary written before age groups: its age_group analyses removed.
        let candidate = out.appendingPathComponent("summary.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: candidate)) as? [String: Any])
        json["cohorts"] = (json["cohorts"] as? [[String: Any]])?.filter { $0["dimensions"] as? String != "age_group" }
        let baseline = folder.appendingPathComponent("baseline.json")
        try JSONSerialization.data(withJSONObject: json).write(to: baseline)
        let r = try CommandRunner.faceaudit(["compare", baseline.path, candidate.path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("**FaceAudit: no regression**"), "\(r.stdout)")
        #expect(r.stdout.contains("New in the candidate, not in the baseline (not compared): age_group."), "\(r.stdout)")
        // The other way round, the baseline's age_group rows are missing from the candidate: not comparable.
        let reverse = try CommandRunner.faceaudit(["compare", candidate.path, baseline.path])
        #expect(
            reverse.status == 65 && reverse.stderr.contains("cohort dimension sets missing from the candidate: age_group"),
            "\(reverse.stderr)")
    }
}

extension Int {
    /// 20604 → "20,604", as the report writes counts.
    fileprivate var grouped: String {
        let digits = String(self)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
