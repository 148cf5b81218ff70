import FaceAuditTestSupport
import Foundation
import Testing

/// The age-gap protocol end to end: `faceaudit run` on synthetic people photographed at several ages,
/// `age_gap.csv` checked against a count made here from the manifest and the run's own scores.
@Suite("age-gap protocol", .serialized)
struct AgeGapCLITests {
    typealias Photo = AgeGapDataset.Photo

    /// Runs `faceaudit run` on a written dataset; fails the test on a non-zero exit.
    static func run(_ data: (manifest: URL, embeddings: URL, photos: [Photo]), out: URL, extra: [String] = []) throws {
        let r = try CommandRunner.faceaudit(
            [
                "run", "--dataset", data.manifest.path, "--embeddings", data.embeddings.path, "--out", out.path, "--bootstrap", "50",
                "--quiet",
            ]
                + extra)
        try #require(r.status == 0, "\(r.stderr)")
    }

    /// The rows of a CSV without quoted fields, as header → value.
    static func rows(_ out: URL, _ name: String) throws -> [[String: String]] {
        let lines = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    /// Every mated pair's similarity from scores.csv (cosine: the score itself), keyed by the two paths; nil for no score.
    static func matedScores(_ out: URL) throws -> [String: Double?] {
        var scores: [String: Double?] = [:]
        for row in try rows(out, "scores.csv") where row["mated"] == "1" {
            scores[row["image_a"]! + "|" + row["image_b"]!] = row["score"] == "nan" ? nil : Double(row["score"]!)!
        }
        return scores
    }

    /// A run that keeps every score (`--export-scores`) into `folder/out`, and what the tests read from it.
    struct ScoredRun {
        let out: URL
        let summary: [String: Any]
        let thresholds: [Double: Double]
        let scores: [String: Double?]
        let rows: [[String: String]]
        let html: String

        init(_ data: (manifest: URL, embeddings: URL, photos: [Photo]), in folder: URL) throws {
            out = folder.appendingPathComponent("out")
            try AgeGapCLITests.run(data, out: out, extra: ["--export-scores"])
            summary = try AgeGapCLITests.summary(out)
            thresholds = try AgeGapCLITests.thresholds(out)
            scores = try AgeGapCLITests.matedScores(out)
            rows = try AgeGapCLITests.rows(out, "age_gap.csv")
            html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        }
    }

    static func summary(_ out: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: out.appendingPathComponent("summary.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The global threshold of each target FMR, from cohorts.csv (the same digits as every CSV; Foundation's
    /// JSON reader may round the last digit).
    static func thresholds(_ out: URL) throws -> [Double: Double] {
        Dictionary(try rows(out, "cohorts.csv").map { (Double($0["target_fmr"]!)!, Double($0["threshold"]!)!) }) { a, b in
            #expect(a == b)
            return a
        }
    }

    /// errors, trials and people per (target FMR, first key, second key), counted directly: a pair is missed
    /// when its similarity is below the threshold.
    struct Count: Equatable {
        var errors = 0
        var trials = 0
        var people: Set<Int> = []
    }

    static func count(
        _ photos: [Photo], scores: [String: Double?], thresholds: [Double: Double], group: (Photo, Photo) -> (String, String)
    ) -> [String: Count] {
        var counts: [String: Count] = [:]
        for (i, a) in photos.enumerated() {
            for b in photos[(i + 1)...] where b.person == a.person {
                let (x, y) = group(a, b)
                let similarity = scores[a.path + "|" + b.path]!
                for (target, tau) in thresholds {
                    let key = "\(target)|\(x)|\(y)"
                    counts[key, default: Count()].people.insert(a.person)
                    guard let similarity else { continue }
                    counts[key]!.trials += 1
                    if similarity < tau { counts[key]!.errors += 1 }
                }
            }
        }
        return counts
    }

    /// The same counts as written in age_gap.csv (rows of target FMRs), keyed alike.
    static func counts(ofCSV rows: [[String: String]], second column: String) -> [String: Count] {
        var counts: [String: Count] = [:]
        for row in rows where row["operating_point"] == "target_fmr" {
            let key = "\(Double(row["target_fmr"]!)!)|\(row["enrolment_age_band"]!)|\(row[column]!)"
            counts[key] = Count(errors: Int(row["errors"]!)!, trials: Int(row["trials"]!)!, people: Set(0..<Int(row["subjects"]!)!))
        }
        return counts
    }

    /// The standard age band of an age (as AgeBands.standard labels it).
    static func band(_ age: Int) -> String {
        let lower = [0, 4, 8, 13, 18, 30, 50, 65].last { $0 <= age }!
        let labels = [0: "0-3", 4: "4-7", 8: "8-12", 13: "13-17", 18: "18-29", 30: "30-49", 50: "50-64", 65: "65+"]
        return labels[lower]!
    }

    /// 0-1, 2-4, 5-9, 10+ for [0,2), [2,5), [5,10), [10,∞) years.
    static func elapsedBand(_ years: Double) -> String {
        years < 2 ? "0-1" : years < 5 ? "2-4" : years < 10 ? "5-9" : "10+"
    }

    /// Years between two photos: their dates when both have one (this dataset's days are all the 10th, so
    /// whole months, or whole years for a year-only date), else their ages.
    static func years(_ a: Photo, _ b: Photo, useDates: Bool = true) -> Double {
        if useDates, let x = a.date, let y = b.date {
            let p = x.split(separator: "-").map { Int($0)! }
            let q = y.split(separator: "-").map { Int($0)! }
            if p.count == 1 || q.count == 1 { return Double(abs(q[0] - p[0])) }
            return Double(abs(12 * (q[0] - p[0]) + q[1] - p[1])) / 12
        }
        return Double(abs(a.age! - b.age!))
    }

    @Test("ages and capture dates: age_gap.csv equals a direct count at every target FMR, and FNMR rises with the years")
    func agesEndToEnd() throws {
        let folder = try TestPaths.temporaryDirectory("age-gap")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try AgeGapDataset.withAges(in: folder)
        let run = try ScoredRun(data, in: folder)
        let (s, thresholds, scores, rows, html) = (run.summary, run.thresholds, run.scores, run.rows, run.html)
        #expect(thresholds.count == 3)
        #expect(rows.allSatisfy { $0["grouping"] == "age_and_years" && $0["later_age_band"] == "" && $0["ci_method"] == "clopper-pearson" })
        #expect(rows.allSatisfy { $0["data"] == "measured" && $0["bootstrap_lower"] != "" })
        // Every operating point's threshold is the run's global threshold for that target.
        for row in rows { #expect(Double(row["threshold"]!) == thresholds[Double(row["target_fmr"]!)!]) }

        let expected = Self.count(data.photos, scores: scores, thresholds: thresholds) { a, b in
            (Self.band(min(a.age!, b.age!)), Self.elapsedBand(Self.years(a, b)))
        }
        let written = Self.counts(ofCSV: rows, second: "years_elapsed")
        #expect(written.keys.sorted() == expected.keys.sorted())
        for (key, count) in expected {
            #expect(written[key]?.errors == count.errors && written[key]?.trials == count.trials, "\(key)")
            #expect(written[key]?.people.count == count.people.count, "\(key)")
        }
        // Dates decide where both photos have one: ages alone would group some pairs otherwise.
        let byAges = Self.count(data.photos, scores: scores, thresholds: thresholds) { a, b in
            (Self.band(min(a.age!, b.age!)), Self.elapsedBand(Self.years(a, b, useDates: false)))
        }
        #expect(byAges != expected)
        // The photo without a template leaves its pairs out of the trials.
        #expect(expected.values.reduce(0) { $0 + $1.trials } == 3 * (48 * 10 - 4))

        // FNMR over all ages rises with the years between the photos, at every target.
        for target in thresholds.keys {
            let pooled = ["0-1", "2-4", "5-9", "10+"].map { years in
                rows.filter { Double($0["target_fmr"]!) == target && $0["years_elapsed"] == years }
                    .reduce((0, 0)) { ($0.0 + Int($1["errors"]!)!, $0.1 + Int($1["trials"]!)!) }
            }
            let rates = pooled.map { Double($0.0) / Double($0.1) }
            #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 <= $1 }, "FNMR at \(target): \(pooled)")
            #expect(rates.first! < 0.05 && rates.last! > 0.5, "FNMR at \(target): \(pooled)")
            // At the strict thresholds every step up in years adds false non-matches.
            if target <= 0.001 { #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 < $1 }, "FNMR at \(target): \(pooled)") }
        }

        let gap = try #require(s["age_gap"] as? [String: Any])
        #expect(gap["max_years_elapsed"] as? Double == 12)
        #expect((gap["operating_points"] as? [[String: Any]])?.count == 3)
        #expect(html.contains("<h2>Photos taken years apart</h2>"))
        #expect(html.contains("mean age of their two photos (NIST&#39;s convention)"))
        #expect(html.contains("age at the earlier photo") && html.contains("10+ years apart"))
        #expect(html.contains("All ages together, the system failed to match"))
        #expect(html.contains("What this cannot show"))
        #expect(!html.contains(".jpg"))
        #expect(html.range(of: "Error rates by group")!.lowerBound < html.range(of: "Photos taken years apart")!.lowerBound)
        #expect(html.range(of: "Photos taken years apart")!.lowerBound < html.range(of: "Trade-off curves")!.lowerBound)
    }

    @Test("the streamed all-pairs run writes the same age_gap.csv as the exact one")
    func streamed() throws {
        let folder = try TestPaths.temporaryDirectory("age-gap-streamed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try AgeGapDataset.withAges(in: folder)
        let exact = folder.appendingPathComponent("exact")
        let streamed = folder.appendingPathComponent("streamed")
        try Self.run(data, out: exact)
        try Self.run(data, out: streamed, extra: ["--exact-pair-limit", "0"])
        let conventions = try #require(try Self.summary(streamed)["conventions"] as? [String: String])
        #expect(conventions["non_mated_scores"]?.hasPrefix("streamed") == true)
        let a = try String(contentsOf: exact.appendingPathComponent("age_gap.csv"), encoding: .utf8)
        let b = try String(contentsOf: streamed.appendingPathComponent("age_gap.csv"), encoding: .utf8)
        #expect(a == b)
        #expect(a.split(separator: "\n").count > 3 * 10)
    }

    @Test("band labels only: younger band → older band counted directly; the mean-age table leaves cross-band pairs out")
    func bandsOnly() throws {
        let folder = try TestPaths.temporaryDirectory("age-gap-bands")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try AgeGapDataset.withBands(in: folder)
        let run = try ScoredRun(data, in: folder)
        let (s, thresholds, rows, html) = (run.summary, run.thresholds, run.rows, run.html)
        #expect(rows.allSatisfy { $0["grouping"] == "band_pair" && $0["years_elapsed"] == "" })
        func canonical(_ band: String) -> String { band.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "–", with: "-") }
        let expected = Self.count(data.photos, scores: run.scores, thresholds: thresholds) { a, b in
            (canonical(a.band!), canonical(b.band!))  // the younger photo is listed first
        }
        let written = Self.counts(ofCSV: rows, second: "later_age_band")
        #expect(
            Set(written.keys.map { $0.split(separator: "|").dropFirst().joined(separator: "|") }) == [
                "0-12|0-12", "0-12|18-29", "18-29|18-29",
            ])
        #expect(written.keys.sorted() == expected.keys.sorted())
        for (key, count) in expected {
            #expect(written[key]?.errors == count.errors && written[key]?.trials == count.trials, "\(key)")
            #expect(written[key]?.people.count == 15, "\(key)")
        }
        for target in thresholds.keys {
            let rate = { (y: String, o: String) in Double(written["\(target)|\(y)|\(o)"]!.errors) / 15 }
            #expect(rate("0-12", "18-29") > max(rate("0-12", "0-12"), rate("18-29", "18-29")), "at \(target)")
        }

        // NIST's mean-age table: a pair of two different bands has no mean, so it is in no age cohort.
        let analyses = try #require(s["cohorts"] as? [[String: Any]])
        let age = try #require(analyses.first { $0["dimensions"] as? String == "age_band" })
        let cohorts = try #require(age["cohorts"] as? [[String: Any]])
        #expect(cohorts.map { $0["cohort"] as? String } == ["age_band=0-12", "age_band=18-29"])
        for cohort in cohorts { #expect((cohort["fnmr"] as? [String: Any])?["trials"] as? Int == 15) }
        #expect(((age["overall"] as? [String: Any])?["fnmr"] as? [String: Any])?["trials"] as? Int == 45)

        #expect(html.contains("has no mean age: it is in no group here"))
        #expect(html.contains("younger photo ↓ · older photo →"))
        #expect(html.contains("whose photos are in different age groups"))
    }

    @Test("photos of the same age only: age_gap says so in one sentence; without ages there is no age_gap at all")
    func sameAgeAndNoAges() throws {
        let folder = try TestPaths.temporaryDirectory("age-gap-none")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder)
        let none = folder.appendingPathComponent("none")
        try Self.run((manifest, embeddings, []), out: none)
        #expect(try Self.summary(none)["age_gap"] == nil)
        #expect(!FileManager.default.fileExists(atPath: none.appendingPathComponent("age_gap.csv").path))
        let plain = try String(contentsOf: none.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!plain.contains("Photos taken years apart"))

        // Every photo at age 30: the pairs exist but show nothing of time.
        let lines = try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n")
        try ([lines[0] + ",age"] + lines.dropFirst().map { $0 + ",30" }).joined(separator: "\n").write(
            to: manifest, atomically: true, encoding: .utf8)
        let same = folder.appendingPathComponent("same")
        try Self.run((manifest, embeddings, []), out: same)
        let rows = try Self.rows(same, "age_gap.csv")
        #expect(Set(rows.map { $0["enrolment_age_band"]! + " " + $0["years_elapsed"]! }) == ["30-49 0-1"])
        let html = try String(contentsOf: same.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(
            html.contains(
                "Every pair of photos of the same person in this dataset was taken at the same age, so it cannot show how the time between two photos"
            ))
        #expect(!html.contains("age at the earlier photo"))
    }

    @Test("a labeled score file with probe_age and reference_age gets the age-gap table too")
    func scoreFile() throws {
        let folder = try TestPaths.temporaryDirectory("age-gap-scores")
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SeededUniform(seed: 9)
        var csv = "probe_subject,reference_subject,score,probe_age,reference_age\n"
        var mated: [(gap: Int, score: Double)] = []
        for p in 0..<40 {
            let gap = [0, 3, 6, 12][p % 4]
            let score = 0.85 - 0.04 * Double(gap) + 0.2 * random.next()
            mated.append((gap, score))
            csv += "s\(p),s\(p),\(score),9,\(9 + gap)\n"
            for q in (p + 1)..<40 { csv += "s\(p),s\(q),\(0.3 + 0.6 * random.next()),9,9\n" }
        }
        let file = folder.appendingPathComponent("scores.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let r = try CommandRunner.faceaudit(["run", "--scores", file.path, "--format", "csv", "--out", out.path, "--bootstrap", "20"])
        try #require(r.status == 0, "\(r.stderr)")
        let rows = try Self.rows(out, "age_gap.csv")
        let thresholds = try Self.thresholds(out)
        for (target, tau) in thresholds {
            for (band, gaps) in [("0-1", [0]), ("2-4", [3]), ("5-9", [6]), ("10+", [12])] {
                let pairs = mated.filter { gaps.contains($0.gap) }
                let row = try #require(rows.first { Double($0["target_fmr"]!) == target && $0["years_elapsed"] == band })
                #expect(row["enrolment_age_band"] == "8-12" && row["trials"] == "\(pairs.count)" && row["subjects"] == "10")
                #expect(row["errors"] == "\(pairs.filter { $0.score < tau }.count)", "\(target) \(band)")
            }
        }
    }

    @Test("a malformed capture date stops the run with one line naming file, line and column, exit 65")
    func malformedDate() throws {
        let folder = try TestPaths.temporaryDirectory("age-gap-bad-date")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("manifest.csv")
        try "path,subject_id,age,capture_date\na.jpg,s1,8,2010-01-10\nb.jpg,s1,10,2012-02-30\n".write(
            to: file, atomically: true, encoding: .utf8)
        let r = try CommandRunner.faceaudit(["run", "--dataset", file.path, "--out", folder.appendingPathComponent("out").path, "--quiet"])
        #expect(r.status == 65)
        #expect(
            r.stderr
                == "faceaudit: error: \(file.path):3:13: capture_date \"2012-02-30\" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD, a day that exists, optionally with a time such as T14:05:00)\n"
        )
    }
}
