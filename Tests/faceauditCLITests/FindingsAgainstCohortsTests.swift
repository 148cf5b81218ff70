import FaceAuditTestSupport
import Foundation
import Testing

/// Issue 15's acceptance check: the `findings` of summary.json, for the tracked London baseline and for
/// the demo, agree with a direct computation from cohorts.csv of the same run.
///
/// Everything here is recomputed from the CSV text with this file's own parser and arithmetic; nothing of
/// the product's metrics code is reused. What is checked is what ``Finding`` and ``GroupComparison``
/// document: the eligible groups (known label, at least `min_subjects` people, a trial), the worst and best
/// of them (on ties the one with the most comparisons, then the first in cohort order), the counts, the ratio (null when the best rate is 0), the
/// interval's consistency and `holds`, the sentence's counts, `children`, the order, and that no
/// comparison with two or more eligible groups is missing. The ratio's subject-bootstrap interval cannot
/// be recomputed from cohorts.csv; it is checked against the analysis it came from in summary.json
/// (`cohorts[].worst_best`, and a worst group's `ratio_bootstrap` against the reference cohort when the
/// best group is the reference), and the CSV against that same analysis, row by row.
@Suite("findings against cohorts.csv", .serialized)
struct FindingsAgainstCohortsTests {
    // MARK: summary.json, as far as the checks need it

    struct Count: Decodable, Equatable {
        var errors: Int
        var trials: Int
        var rate: Double?
    }

    /// An interval as written: `[lower, upper]`, null for a bound that is not finite.
    typealias Bounds = [Double?]

    struct Comparison: Decodable, Equatable {
        var metric: String
        var worst: String
        var best: String
        var worstCount: Count
        var bestCount: Count
        var worstSubjects: Int
        var bestSubjects: Int
        var groups: Int
        var ratio: Double?
        var interval: Bounds?
        var undefinedShare: Double?
        var peopleInvolved: Int?
        var pairsInvolved: Int?
        var pValue: Double?

        enum CodingKeys: String, CodingKey {
            case metric, worst, best, groups, ratio, interval
            case pValue = "p_value"
            case worstCount = "worst_count"
            case bestCount = "best_count"
            case worstSubjects = "worst_subjects"
            case bestSubjects = "best_subjects"
            case undefinedShare = "undefined_share"
            case peopleInvolved = "people_involved"
            case pairsInvolved = "pairs_involved"
        }
    }

    struct Reference: Decodable {
        var cohort: String
        var ratio: Double?
        var interval: Bounds?
        var undefinedShare: Double?

        enum CodingKeys: String, CodingKey {
            case cohort, ratio, interval
            case undefinedShare = "undefined_share"
        }
    }

    struct FindingJSON: Decodable {
        var dimensions: String
        var operatingPoint: String
        var targetFMR: Double?
        var threshold: Double
        var thresholdLabel: String?
        var comparison: Comparison
        var reference: Reference?
        var children: Bool
        var holds: Bool
        var statement: String
        var pValueAdjusted: Double?
        var comparisons: Int?

        enum CodingKeys: String, CodingKey {
            case dimensions, threshold, reference, children, holds, statement, comparisons
            case pValueAdjusted = "p_value_adjusted"
            case operatingPoint = "operating_point"
            case targetFMR = "target_fmr"
            case thresholdLabel = "threshold_label"
            case comparison = "worst_best"
        }

        var key: Key {
            Key(
                dimensions: dimensions, operatingPoint: operatingPoint, targetFMR: targetFMR, threshold: threshold,
                metric: comparison.metric)
        }
    }

    struct CohortJSON: Decodable {
        var cohort: String
        var subjects: Int
        var fmr: Count
        var fnmr: Count
        var fmrBootstrap: Bounds?
        var fnmrBootstrap: Bounds?
        var fmrRatioToReference: Double?
        var fnmrRatioToReference: Double?
        var ratioBootstrap: [String: Bounds]?
        var bootstrapUndefinedShare: [String: Double]?

        enum CodingKeys: String, CodingKey {
            case cohort, subjects, fmr, fnmr
            case fmrBootstrap = "fmr_bootstrap"
            case fnmrBootstrap = "fnmr_bootstrap"
            case fmrRatioToReference = "fmr_ratio_to_reference"
            case fnmrRatioToReference = "fnmr_ratio_to_reference"
            case ratioBootstrap = "ratio_bootstrap"
            case bootstrapUndefinedShare = "bootstrap_undefined_share"
        }
    }

    struct Analysis: Decodable {
        var dimensions: String
        var operatingPoint: String
        var targetFMR: Double?
        var threshold: Double
        var referenceCohort: String?
        var overall: CohortJSON
        var cohorts: [CohortJSON]
        var worstBest: [Comparison]?

        enum CodingKeys: String, CodingKey {
            case dimensions, threshold, overall, cohorts
            case operatingPoint = "operating_point"
            case targetFMR = "target_fmr"
            case referenceCohort = "reference_cohort"
            case worstBest = "worst_best"
        }

        func key(_ metric: String) -> Key {
            Key(dimensions: dimensions, operatingPoint: operatingPoint, targetFMR: targetFMR, threshold: threshold, metric: metric)
        }
    }

    struct Point: Decodable {
        var operatingPoint: String
        var targetFMR: Double?
        var threshold: Double
        var falseMatches: Int
        var impostorTrials: Int
        var falseNonMatches: Int
        var genuineTrials: Int

        enum CodingKeys: String, CodingKey {
            case threshold
            case operatingPoint = "operating_point"
            case targetFMR = "target_fmr"
            case falseMatches = "false_matches"
            case impostorTrials = "impostor_trials"
            case falseNonMatches = "false_non_matches"
            case genuineTrials = "genuine_trials"
        }
    }

    struct Summary: Decodable {
        struct Configuration: Decodable {
            var minSubjects: Int
            var bootstrap: Int
            enum CodingKeys: String, CodingKey {
                case bootstrap
                case minSubjects = "min_subjects"
            }
        }
        struct Verification: Decodable {
            var operatingPoints: [Point]
            var thresholdPoints: [Point]?
            enum CodingKeys: String, CodingKey {
                case operatingPoints = "operating_points"
                case thresholdPoints = "threshold_points"
            }
        }
        var simulated: Bool
        var configuration: Configuration
        var verification: Verification
        var cohorts: [Analysis]
        var findings: [FindingJSON]
    }

    // MARK: cohorts.csv, parsed here

    /// One comparison's identity: dimension set, operating point and metric.
    struct Key: Hashable, CustomStringConvertible {
        var dimensions: String
        var operatingPoint: String
        var targetFMR: Double?
        var threshold: Double
        var metric: String

        var description: String {
            let at = targetFMR.map { "target FMR \($0)" } ?? "threshold \(threshold)"
            return "\(dimensions) at \(at), \(metric)"
        }
    }

    /// One row of cohorts.csv.
    struct Row {
        var data: String
        var key: Key
        var cohort: String
        var errors: Int
        var trials: Int
        var estimate: Double?
        var bootstrapLower: Double?
        var bootstrapUpper: Double?
        var subjects: Int

        /// errors / trials, computed here; nil without a trial.
        var rate: Double? { trials > 0 ? Double(errors) / Double(trials) : nil }
    }

    /// RFC 4180 fields: quoted fields may hold commas, doubled quotes and line breaks.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = chars.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n", "\r\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// The rows of a cohorts.csv, every field read by its header name.
    static func cohortRows(_ url: URL) throws -> [Row] {
        let table = parseCSV(try String(contentsOf: url, encoding: .utf8))
        let header = try #require(table.first)
        let expected = [
            "data", "dimensions", "cohort", "operating_point", "target_fmr", "threshold", "threshold_label", "metric", "errors", "trials",
            "estimate", "ci_lower", "ci_upper", "ci_method", "bootstrap_lower", "bootstrap_upper", "subjects", "flags",
        ]
        #expect(header == expected, "cohorts.csv header: \(header)")
        var rows: [Row] = []
        for (n, fields) in table.dropFirst().enumerated() {
            try #require(fields.count == header.count, "cohorts.csv line \(n + 2) has \(fields.count) fields, not \(header.count)")
            let f = Dictionary(uniqueKeysWithValues: zip(header, fields))
            func int(_ name: String) throws -> Int { try #require(Int(f[name] ?? ""), "cohorts.csv line \(n + 2): \(name)") }
            func double(_ name: String) -> Double? { Double(f[name] ?? "") }
            let key = Key(
                dimensions: f["dimensions"] ?? "", operatingPoint: f["operating_point"] ?? "", targetFMR: double("target_fmr"),
                threshold: try #require(double("threshold"), "cohorts.csv line \(n + 2): threshold"), metric: f["metric"] ?? "")
            rows.append(
                Row(
                    data: f["data"] ?? "", key: key, cohort: f["cohort"] ?? "", errors: try int("errors"), trials: try int("trials"),
                    estimate: double("estimate"), bootstrapLower: double("bootstrap_lower"), bootstrapUpper: double("bootstrap_upper"),
                    subjects: try int("subjects")))
        }
        return rows
    }

    // MARK: helpers, written out independently of the product

    /// `age_group=under-18`, or an age band `a-b` with b < 18, alone or within an intersection.
    static func isChild(_ cohort: String) -> Bool {
        cohort.split(separator: ";").contains { part in
            if part == "age_group=under-18" { return true }
            guard part.hasPrefix("age_band=") else { return false }
            let band = part.dropFirst("age_band=".count).split(separator: "-")
            return band.count == 2 && (Int(band[1]).map { $0 < 18 } ?? false)
        }
    }

    /// Relative closeness for ratios computed by two routes.
    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(abs(a), abs(b)) }

    /// The bounds of an interval as doubles, a null bound read as +∞ for an upper and −∞ for a lower one.
    static func bounds(_ b: Bounds) -> (lower: Double, upper: Double)? {
        guard b.count == 2 else { return nil }
        return (b[0] ?? -.infinity, b[1] ?? .infinity)
    }

    static func load(_ folder: URL) throws -> (Summary, [Row]) {
        let summary = try JSONDecoder().decode(Summary.self, from: Data(contentsOf: folder.appendingPathComponent("summary.json")))
        return (summary, try cohortRows(folder.appendingPathComponent("cohorts.csv")))
    }

    // MARK: the checks

    /// summary.json and cohorts.csv come from the same run: the overall rows agree with the verification
    /// section, and every cohort row with the analysis it was written from (counts, people, bootstrap).
    static func checkSameRun(_ summary: Summary, _ rows: [Row], name: String) {
        #expect(!rows.isEmpty, "\(name): cohorts.csv has no rows")
        let provenance = summary.simulated ? "SIMULATED" : "measured"
        #expect(rows.allSatisfy { $0.data == provenance }, "\(name): every row's data column should be \(provenance)")
        let points = summary.verification.operatingPoints + (summary.verification.thresholdPoints ?? [])
        let overall = rows.filter { $0.cohort == "overall" && $0.key.metric != "fta" }
        #expect(!overall.isEmpty, "\(name): no overall rows in cohorts.csv")
        for row in overall {
            let point = points.first { p in
                p.operatingPoint == row.key.operatingPoint && p.targetFMR == row.key.targetFMR && p.threshold == row.key.threshold
            }
            guard let point else {
                Issue.record("\(name): cohorts.csv's overall row \(row.key) has no operating point in summary.json's verification")
                continue
            }
            let expected =
                row.key.metric == "fmr" ? (point.falseMatches, point.impostorTrials) : (point.falseNonMatches, point.genuineTrials)
            #expect(
                row.errors == expected.0 && row.trials == expected.1,
                "\(name): overall \(row.key) is \(row.errors) of \(row.trials) in cohorts.csv, \(expected.0) of \(expected.1) in summary.json: not the same run?"
            )
        }
        // Every cohort row against its analysis, and the analyses' rows all present.
        var seen = 0
        for analysis in summary.cohorts {
            for cohort in [analysis.overall] + analysis.cohorts {
                for metric in ["fmr", "fnmr"] {
                    let key = analysis.key(metric)
                    let matching = rows.filter { $0.key == key && $0.cohort == cohort.cohort }
                    guard matching.count == 1, let row = matching.first else {
                        Issue.record("\(name): \(matching.count) rows in cohorts.csv for \(cohort.cohort) at \(key), not 1")
                        continue
                    }
                    seen += 1
                    let count = metric == "fmr" ? cohort.fmr : cohort.fnmr
                    let boot = (metric == "fmr" ? cohort.fmrBootstrap : cohort.fnmrBootstrap).flatMap(bounds)
                    #expect(
                        row.errors == count.errors && row.trials == count.trials && row.subjects == cohort.subjects,
                        "\(name): \(cohort.cohort) at \(key): cohorts.csv \(row.errors)/\(row.trials), \(row.subjects) people; summary.json \(count.errors)/\(count.trials), \(cohort.subjects) people"
                    )
                    #expect(
                        row.estimate == row.rate && row.estimate == count.rate,
                        "\(name): \(cohort.cohort) at \(key): estimate \(String(describing: row.estimate)) is not errors/trials")
                    #expect(
                        row.bootstrapLower == boot?.lower && row.bootstrapUpper == boot?.upper,
                        "\(name): \(cohort.cohort) at \(key): bootstrap \(String(describing: row.bootstrapLower))–\(String(describing: row.bootstrapUpper)) in cohorts.csv, \(String(describing: boot)) in summary.json"
                    )
                }
            }
        }
        #expect(seen == rows.filter { $0.key.metric != "fta" }.count, "\(name): cohorts.csv has rows that no analysis of summary.json has")
    }

    /// Every finding against a direct computation from cohorts.csv (see the suite's comment). Returns how
    /// many findings' intervals were also matched with the worst group's interval against the reference
    /// cohort (those whose best group is the reference).
    @discardableResult
    static func checkFindings(_ summary: Summary, _ rows: [Row], name: String) throws -> Int {
        let minimum = summary.configuration.minSubjects
        let bootstrapped = summary.configuration.bootstrap > 0
        // The groups of every comparison, in the CSV's (cohort) order.
        var groups: [Key: [Row]] = [:]
        var order: [Key] = []
        for row in rows where row.cohort != "overall" && row.key.metric != "fta" {
            if groups[row.key] == nil { order.append(row.key) }
            groups[row.key, default: []].append(row)
        }
        func eligible(_ key: Key) -> [Row] {
            (groups[key] ?? []).filter { !$0.cohort.contains("=unknown") && $0.subjects >= minimum && $0.trials > 0 }
        }

        // No comparison silently missing, none twice, none without two eligible groups.
        var againstReference = 0
        var findingsByKey: [Key: Int] = [:]
        for f in summary.findings { findingsByKey[f.key, default: 0] += 1 }
        for key in order {
            let expected = eligible(key).count >= 2 ? 1 : 0
            #expect(
                findingsByKey[key, default: 0] == expected,
                "\(name): \(key) has \(eligible(key).count) eligible groups in cohorts.csv and \(findingsByKey[key, default: 0]) findings, not \(expected)"
            )
        }
        for key in findingsByKey.keys where groups[key] == nil {
            Issue.record("\(name): a finding at \(key) has no rows in cohorts.csv")
        }

        // Holm's adjustment of every finding's p-value, worked out here from the p-values as written:
        // ascending, the k-th (from 0) times (m − k), never below the one before, at most 1.
        let tested = summary.findings.compactMap(\.comparison.pValue).sorted()
        var holm: [Double: Double] = [:]
        var running = 0.0
        for (k, p) in tested.enumerated() {
            running = max(running, min(1, Double(tested.count - k) * p))
            if holm[p] == nil { holm[p] = running }
        }
        for f in summary.findings {
            let c = f.comparison
            let label = "\(name): finding \(f.key) (\(c.worst) vs \(c.best))"
            if bootstrapped && c.ratio != nil {
                let p = try #require(c.pValue, "\(label): a ratio and a bootstrap but no p_value")
                #expect(p > 0 && p <= 1, "\(label): p_value \(p)")
            }
            if let p = c.pValue {
                let adjusted = try #require(f.pValueAdjusted, "\(label): a p_value but no p_value_adjusted")
                #expect(abs(adjusted - (holm[p] ?? .nan)) < 1e-12, "\(label): p_value_adjusted \(adjusted), Holm's \(holm[p] ?? .nan)")
                #expect(
                    f.comparisons == tested.count, "\(label): adjusted for \(f.comparisons ?? 0) findings, \(tested.count) have a p_value")
            } else {
                #expect(f.pValueAdjusted == nil && f.comparisons == nil, "\(label): adjusted without a p_value")
            }
            let candidates = eligible(f.key)
            try #require(candidates.count >= 2, "\(label): fewer than two eligible groups in cohorts.csv")
            // Worst: the highest rate; best: the lowest of the others; on ties the one with the most
            // comparisons, then the first.
            var worst = candidates[0]
            for r in candidates where (r.rate ?? 0) > (worst.rate ?? 0) || ((r.rate ?? 0) == (worst.rate ?? 0) && r.trials > worst.trials) {
                worst = r
            }
            let others = candidates.filter { $0.cohort != worst.cohort }
            var best = others[0]
            for r in others where (r.rate ?? 0) < (best.rate ?? 0) || ((r.rate ?? 0) == (best.rate ?? 0) && r.trials > best.trials) {
                best = r
            }
            #expect(c.worst == worst.cohort, "\(label): the worst eligible group in cohorts.csv is \(worst.cohort)")
            #expect(c.best == best.cohort, "\(label): the best eligible group in cohorts.csv is \(best.cohort)")
            #expect(
                c.groups == candidates.count, "\(label): \(candidates.count) eligible groups in cohorts.csv, \(c.groups) in the finding")
            for (side, count, subjects, row) in [
                ("worst", c.worstCount, c.worstSubjects, worst), ("best", c.bestCount, c.bestSubjects, best),
            ] {
                #expect(
                    count.errors == row.errors && count.trials == row.trials && count.rate == row.rate,
                    "\(label): \(side) count \(count.errors)/\(count.trials) vs cohorts.csv \(row.errors)/\(row.trials)")
                #expect(subjects == row.subjects, "\(label): \(side) has \(subjects) people, \(row.subjects) in cohorts.csv")
            }

            // The ratio, and its interval's consistency.
            let worstRate = worst.rate ?? .nan
            let bestRate = best.rate ?? .nan
            let direct: Double? = bestRate > 0 ? worstRate / bestRate : nil
            if let direct {
                let ratio = try #require(c.ratio, "\(label): ratio is null though the best rate is \(bestRate)")
                #expect(close(ratio, direct), "\(label): ratio \(ratio), cohorts.csv gives \(direct)")
            } else {
                #expect(c.ratio == nil, "\(label): ratio should be null when the best group had no error")
                // Every resample of a group with no error has none: the ratio is ∞ or 0/0 in all of them.
                #expect(c.interval == nil, "\(label): an interval for a ratio that cannot be stated")
            }
            var interval: (lower: Double, upper: Double)?
            if let written = c.interval {
                interval = bounds(written)
                let i = try #require(interval, "\(label): interval \(written) is not a pair")
                #expect(i.lower.isFinite && i.lower >= 0 && i.lower <= i.upper, "\(label): interval \(written)")
                if let ratio = c.ratio {
                    // A percentile interval need not contain its point estimate in general; these two fixed
                    // datasets' intervals all do, and one that did not would deserve a look.
                    #expect(i.lower <= ratio && ratio <= i.upper, "\(label): interval \(written) does not contain the ratio \(ratio)")
                }
            }
            if bootstrapped {
                let share = try #require(c.undefinedShare, "\(label): no undefined_share though the run bootstrapped")
                #expect(share >= 0 && share <= 1, "\(label): undefined_share \(share)")
                if c.worstCount.errors == 0 { #expect(share == 1, "\(label): no errors in either group, yet undefined_share \(share)") }
            } else {
                #expect(c.interval == nil && c.undefinedShare == nil, "\(label): bootstrap fields without a bootstrap")
            }
            let holds =
                interval.map { $0.lower > 1 } == true && c.ratio != nil && c.worstSubjects >= minimum && c.bestSubjects >= minimum
                && f.pValueAdjusted.map { $0 <= 0.05 } == true
            #expect(
                f.holds == holds,
                "\(label): holds is \(f.holds), the interval \(String(describing: c.interval)), people and adjusted p-value say \(holds)")

            // The interval comes from the analysis it belongs to.
            let analyses = summary.cohorts.filter { $0.key(c.metric) == f.key }
            try #require(analyses.count == 1, "\(label): \(analyses.count) analyses in summary.json")
            let analysis = analyses[0]
            let stored = (analysis.worstBest ?? []).filter { $0.metric == c.metric }
            #expect(stored == [c], "\(label): the analysis's worst_best is \(stored)")
            let key = "\(c.metric)_ratio_to_reference"
            let worstCohort = analysis.cohorts.first { $0.cohort == c.worst }
            if analysis.referenceCohort == c.best {
                // The same two groups' ratio in the same resamples.
                #expect(worstCohort?.ratioBootstrap?[key] == c.interval, "\(label): the worst group's \(key) interval differs")
                #expect(
                    worstCohort?.bootstrapUndefinedShare?[key] == c.undefinedShare,
                    "\(label): the worst group's \(key) undefined share differs")
                againstReference += 1
            }
            if let reference = f.reference {
                #expect(
                    reference.cohort == analysis.referenceCohort && reference.cohort != c.worst, "\(label): reference \(reference.cohort)")
                let referenceRow = try #require(groups[f.key]?.first { $0.cohort == reference.cohort }, "\(label): no reference row")
                if let r = referenceRow.rate, r > 0, let ratio = reference.ratio {
                    #expect(close(ratio, worstRate / r), "\(label): ratio to reference \(ratio), cohorts.csv gives \(worstRate / r)")
                } else {
                    #expect(reference.ratio == nil, "\(label): ratio to a reference with no error")
                }
                #expect(
                    reference.interval == worstCohort?.ratioBootstrap?[key], "\(label): reference interval differs from ratio_bootstrap")
                #expect(reference.undefinedShare == worstCohort?.bootstrapUndefinedShare?[key], "\(label): reference undefined_share")
            } else if let name = analysis.referenceCohort {
                #expect(
                    name == c.worst || !(groups[f.key] ?? []).contains { $0.cohort == name },
                    "\(label): no reference though \(name) is in the analysis")
            }

            // The sentence: its counts as written, the multiple only when it holds.
            for (side, count) in [("worst", c.worstCount), ("best", c.bestCount)] {
                let phrase = "\(FindingsCLITests.grouped(count.errors)) of \(FindingsCLITests.grouped(count.trials))"
                #expect(f.statement.contains(phrase), "\(label): the statement lacks the \(side) group's \"\(phrase)\": \(f.statement)")
            }
            let by = "by " + f.dimensions.split(separator: ";").map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: " × ")
            // A simulated run's statements say so first, so that one quoted alone does too.
            let lead = summary.simulated ? "Simulated, not real people: At " : "At "
            #expect(f.statement.hasPrefix(lead) && f.statement.contains(by), "\(label): \(f.statement)")
            #expect(f.statement.contains("times as often") == f.holds, "\(label): \(f.statement)")
            #expect(f.statement.contains("cannot show") == !f.holds, "\(label): \(f.statement)")

            #expect(f.children == (isChild(c.worst) || isChild(c.best)), "\(label): children is \(f.children)")
            if let people = c.peopleInvolved { #expect(people <= c.worstSubjects, "\(label): \(people) people involved") }
            if let pairs = c.pairsInvolved { #expect(c.metric == "fmr" && pairs <= c.worstCount.errors, "\(label): \(pairs) pairs") }
        }

        // Order: held first; within each, children first, then the interval's lower bound, then the ratio.
        func rank(_ f: FindingJSON) -> (Int, Int, Double, Double) {
            (
                f.holds ? 1 : 0, f.children ? 1 : 0, f.comparison.interval.flatMap(bounds)?.lower ?? -.infinity,
                f.comparison.ratio ?? -.infinity
            )
        }
        for (a, b) in zip(summary.findings, summary.findings.dropFirst()) {
            #expect(!(rank(a) < rank(b)), "\(name): \(a.key) (\(rank(a))) comes before the stronger \(b.key) (\(rank(b)))")
        }
        return againstReference
    }

    // MARK: the tests

    @Test("London baseline: findings agree with cohorts.csv of the same run")
    func london() throws {
        let folder = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib")
        let (summary, rows) = try Self.load(folder)
        #expect(!summary.simulated)
        #expect(!summary.findings.isEmpty, "London has findings")
        Self.checkSameRun(summary, rows, name: "London")
        try Self.checkFindings(summary, rows, name: "London")
    }

    @Test("demo: findings agree with cohorts.csv, include the child age bands and put held child findings first")
    func demo() throws {
        let folder = try TestPaths.temporaryDirectory("findings-demo")
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CommandRunner.faceaudit(["demo", "--out", folder.path])
        try #require(r.status == 0, "demo failed: \(r.stderr)")
        let (summary, rows) = try Self.load(folder)
        #expect(summary.simulated)
        Self.checkSameRun(summary, rows, name: "demo")
        // The demo's age_group analyses have the reference cohort age_group=18+, the best group of some of them.
        let againstReference = try Self.checkFindings(summary, rows, name: "demo")
        #expect(againstReference > 0, "demo: no finding's interval was matched with ratio_bootstrap against the reference")

        // The child groups cohorts.csv has as single attributes: every one is in a finding about children.
        let childGroups = Set(
            rows.filter { row in
                (row.key.dimensions == "age_band" || row.key.dimensions == "age_group") && row.cohort != "overall"
                    && Self.isChild(row.cohort)
            }.map(\.cohort))
        #expect(
            childGroups.contains("age_band=8-12") && childGroups.contains("age_band=13-17"), "demo child bands: \(childGroups.sorted())")
        for group in childGroups.sorted() {
            let about = summary.findings.filter { $0.comparison.worst == group || $0.comparison.best == group }
            #expect(!about.isEmpty, "demo: no finding compares \(group)")
            #expect(about.allSatisfy { $0.children }, "demo: a finding about \(group) is not marked children")
        }
        // Held child findings before held others.
        let held = summary.findings.filter(\.holds)
        #expect(held.contains { $0.children }, "demo: no held finding about children")
        if let lastChild = held.lastIndex(where: \.children), let firstOther = held.firstIndex(where: { !$0.children }) {
            #expect(lastChild < firstOther, "demo: a held finding about adults comes before a held one about children")
        }
    }
}
