import FaceAuditMetrics
import Foundation

/// Two to five runs on the same dataset, side by side (`faceaudit report`): per operating point each run's
/// rates overall and per cohort, each run's worst-to-best ratios, and, when the runs measured the same
/// people, the difference between every two runs with a paired subject-bootstrap interval (one multiset
/// of people per replicate for all runs: ``PairedBootstrap``).
public struct ModelComparison: Sendable {
    /// One run.
    public struct Run: Sendable {
        /// How the comparison names it (its folder's name).
        public var name: String
        /// Its summary.json.
        public var summary: RunSummary
        /// Its subjects.json, nil when it has none.
        public var tallies: SubjectTallies?

        /// Creates a run.
        public init(name: String, summary: RunSummary, tallies: SubjectTallies?) {
            self.name = name
            self.summary = summary
            self.tallies = tallies
        }
    }

    /// One number of comparison.csv.
    public struct Row: Sendable {
        /// The analysis (dimension set and operating point) it belongs to.
        public var analysis: Int
        /// `overall` or the cohort.
        public var cohort: String
        /// `fmr` or `fnmr`.
        public var metric: PairedBootstrap.Metric
        /// `rate`, `difference` (run minus versus), `worst_best_ratio`, or `ratio_quotient` (run's worst-to-best
        /// ratio over versus's, where both name the same groups).
        public var kind: String
        /// The run (index into ``ModelComparison/runs``).
        public var run: Int
        /// For a difference, the run subtracted.
        public var versus: Int?
        /// The value.
        public var value: Double
        /// Errors and trials of a rate.
        public var count: ErrorCount?
        /// The interval.
        public var interval: BinomialInterval?
        /// The share of replicates where the statistic was undefined, when bootstrapped here.
        public var undefinedShare: Double?
        /// What else the row needs said (a ratio's groups).
        public var note: String
    }

    /// The runs, in the order given.
    public var runs: [Run]
    /// Per analysis compared, each run's ``DisaggregatedRates`` (same dimension set and operating point).
    public var analyses: [[DisaggregatedRates]]
    /// Whether the differences were bootstrapped on the same people (the runs measured the same data).
    public var paired: Bool
    /// Every number.
    public var rows: [Row]

    /// Why the runs cannot be paired: the datasets differ, or a run has no subjects.json. Empty when they can.
    public static func differences(_ runs: [Run]) -> [String] {
        var out: [String] = []
        let prints = runs.map { $0.summary.dataset.fingerprint?.value }
        if prints.contains(where: { $0 == nil }) {
            out.append(
                "no dataset fingerprint in "
                    + runs.filter { $0.summary.dataset.fingerprint == nil }.map(\.name).joined(separator: ", "))
        } else if Set(prints).count > 1 {
            out.append("different datasets (" + zip(runs, prints).map { "\($0.name): \($1!.prefix(12))" }.joined(separator: ", ") + ")")
        }
        if Set(runs.map(\.summary.simulated)).count > 1 { out.append("simulated and measured runs mixed") }
        if let missing = Optional(runs.filter { $0.tallies == nil }.map(\.name)), !missing.isEmpty {
            out.append("no subjects.json in " + missing.joined(separator: ", ") + " (rerun with this version and --bootstrap above 0)")
        } else if Set(runs.map { $0.tallies!.subjects }).count > 1 {
            out.append("different numbers of subjects")
        } else if zip(runs, prints).contains(where: { $0.tallies!.datasetFingerprint != $1 }) {
            out.append("a subjects.json does not belong to its summary.json")
        }
        return out
    }

    /// Compares `runs`; pairs them when ``differences(_:)`` is empty (else rates and ratios only).
    public init(_ runs: [Run], threads: Int = 1) {
        self.runs = runs
        paired = Self.differences(runs).isEmpty
        analyses = []
        rows = []
        guard let first = runs.first else { return }
        for a0 in first.summary.cohorts {
            let matched = runs.compactMap { run in
                run.summary.cohorts.first { $0.dimensions == a0.dimensions && Self.samePoint($0, of: run.summary, a0, of: first.summary) }
            }
            guard matched.count == runs.count else { continue }
            analyses.append(matched)
        }
        let tallies = runs.map(\.tallies)
        for (index, set) in analyses.enumerated() {
            let a0 = set[0]
            // Everyone once per operating point: at the first dimension set that has it.
            let firstAtPoint = analyses.firstIndex { Self.sameSetting($0[0], a0) } == index
            let cohorts =
                (firstAtPoint ? ["overall"] : []) + a0.cohorts.map(\.cohort).filter { name in set.allSatisfy { $0.rates(name) != nil } }
            for cohort in cohorts {
                for metric in PairedBootstrap.Metric.allCases {
                    for (r, analysis) in set.enumerated() {
                        let rates = analysis.rates(cohort)!
                        let count = metric == .fmr ? rates.fmr : rates.fnmr
                        rows.append(
                            Row(
                                analysis: index, cohort: cohort, metric: metric, kind: "rate", run: r, versus: nil, value: count.rate,
                                count: count, interval: metric == .fmr ? rates.fmrBootstrap : rates.fnmrBootstrap, undefinedShare: nil,
                                note: ""))
                    }
                    guard paired else { continue }
                    let groupTallies = tallies.enumerated().compactMap { r, t in
                        t?.operatingPoints.first { $0.matches(set[r]) }?.tally(dimensions: a0.dimensions, cohort: cohort)
                    }
                    guard groupTallies.count == runs.count, let t0 = tallies[0] else { continue }
                    let result = PairedBootstrap.rates(
                        groupTallies, metric: metric, subjects: t0.subjects, replicates: t0.replicates, seed: t0.seed, alpha: t0.alpha,
                        threads: threads)
                    for d in result.differences {
                        rows.append(
                            Row(
                                analysis: index, cohort: cohort, metric: metric, kind: "difference", run: d.to, versus: d.from,
                                value: d.value, count: nil, interval: d.interval.bounds, undefinedShare: d.interval.undefinedShare,
                                note: ""))
                    }
                }
            }
            for (r, analysis) in set.enumerated() {
                for c in analysis.worstBest ?? [] {
                    guard let metric = PairedBootstrap.Metric(rawValue: c.metric), let ratio = c.ratio else { continue }
                    rows.append(
                        Row(
                            analysis: index, cohort: c.worst, metric: metric, kind: "worst_best_ratio", run: r, versus: nil, value: ratio,
                            count: nil, interval: c.interval, undefinedShare: c.undefinedShare, note: "best: \(c.best)"))
                }
            }
            if paired { rows += ratioQuotients(analysis: index, set: set, threads: threads) }
        }
    }

    /// Where runs name the same worst and best groups, how many times one run's worst-to-best ratio is
    /// another's (`ratio_quotient` rows, `run`'s ratio over `versus`'s), with a paired subject-bootstrap
    /// interval: both ratios from the same resampled people in every replicate.
    private func ratioQuotients(analysis index: Int, set: [DisaggregatedRates], threads: Int) -> [Row] {
        guard let t0 = runs[0].tallies else { return [] }
        var out: [Row] = []
        for metric in PairedBootstrap.Metric.allCases {
            var groups: [String: [Int]] = [:]
            var order: [String] = []
            for (r, analysis) in set.enumerated() {
                guard let c = analysis.worstBest?.first(where: { $0.metric == metric.rawValue }), c.ratio != nil else { continue }
                let key = c.worst + "\u{0}" + c.best
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(r)
            }
            for key in order {
                guard let members = groups[key], members.count > 1 else { continue }
                let names = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                let pairs = members.compactMap { r -> (worst: SubjectBootstrap.Tally, best: SubjectBootstrap.Tally)? in
                    guard let point = runs[r].tallies?.operatingPoints.first(where: { $0.matches(set[r]) }),
                        let worst = point.tally(dimensions: set[r].dimensions, cohort: names[0]),
                        let best = point.tally(dimensions: set[r].dimensions, cohort: names[1])
                    else { return nil }
                    return (worst, best)
                }
                guard pairs.count == members.count else { continue }
                let result = PairedBootstrap.ratios(
                    pairs, metric: metric, subjects: t0.subjects, replicates: t0.replicates, seed: t0.seed, alpha: t0.alpha,
                    threads: threads)
                for q in result.quotients {
                    out.append(
                        Row(
                            analysis: index, cohort: names[0], metric: metric, kind: "ratio_quotient", run: members[q.to],
                            versus: members[q.from], value: q.value, count: nil, interval: q.interval.bounds,
                            undefinedShare: q.interval.undefinedShare, note: "best: \(names[1])"))
                }
            }
        }
        return out
    }

    /// Whether analysis `a` of run `ra` and `b` of run `rb` are at the same operating point: the same target
    /// FMR (each run sets its own threshold for it), or the same place in their runs' lists of fixed
    /// thresholds (`threshold_points`, in the order given): the first with the first, whatever their values,
    /// so runs of one model at different fixed thresholds compare side by side.
    static func samePoint(_ a: DisaggregatedRates, of ra: RunSummary, _ b: DisaggregatedRates, of rb: RunSummary) -> Bool {
        if let t = a.targetFMR { return b.targetFMR == t }
        guard b.targetFMR == nil, let i = fixedIndex(a, in: ra) else { return false }
        return fixedIndex(b, in: rb) == i
    }

    /// The place of a fixed-threshold analysis in its run's fixed thresholds; nil for a target FMR.
    static func fixedIndex(_ a: DisaggregatedRates, in summary: RunSummary) -> Int? {
        guard a.targetFMR == nil else { return nil }
        return summary.verification.thresholdPoints?.firstIndex { $0.threshold == a.threshold && $0.label == a.thresholdLabel }
    }

    /// Whether two analyses of one run are at the same operating point: the same target FMR, or the same
    /// fixed threshold.
    static func sameSetting(_ a: DisaggregatedRates, _ b: DisaggregatedRates) -> Bool {
        if let t = a.targetFMR { return b.targetFMR == t }
        return b.targetFMR == nil && a.threshold == b.threshold && a.thresholdLabel == b.thresholdLabel
    }

    /// comparison.csv: one row per operating point × dimension set × cohort × metric × run (rates and
    /// worst/best ratios), and per pair of runs (differences, `run` minus `versus`).
    public var csv: String {
        var out = [
            [
                "data", "operating_point", "target_fmr", "threshold_label", "dimensions", "cohort", "metric", "kind", "run", "versus",
                "threshold", "errors", "trials", "estimate", "ci_lower", "ci_upper", "ci_method", "bootstrap_undefined_share", "note",
            ]
        ]
        let simulated = runs.contains { $0.summary.simulated }
        for row in rows {
            let analysis = analyses[row.analysis][row.run]
            out.append([
                ResultTables.provenance(simulated), analysis.operatingPoint.rawValue, ResultTables.number(analysis.targetFMR),
                analysis.thresholdLabel ?? "",
                row.cohort == "overall" && row.kind != "worst_best_ratio" ? "" : analysis.dimensions.description,
                row.cohort, row.metric.rawValue, row.kind, ResultTables.text(runs[row.run].name),
                row.versus.map { ResultTables.text(runs[$0].name) } ?? "",
                ["difference", "ratio_quotient"].contains(row.kind) ? "" : ResultTables.number(analysis.threshold),
                row.count.map { "\($0.errors)" } ?? "",
                row.count.map { "\($0.trials)" } ?? "", ResultTables.number(row.value), ResultTables.number(row.interval?.lower),
                ResultTables.number(row.interval?.upper),
                ["difference", "ratio_quotient"].contains(row.kind) ? "paired_subject_bootstrap" : "subject_bootstrap",
                ResultTables.number(row.undefinedShare),
                row.note,
            ])
        }
        return ResultTables.csv(out)
    }
}

extension DisaggregatedRates {
    /// The rates of `cohort` (`overall` for everyone), or nil.
    func rates(_ cohort: String) -> CohortRates? {
        cohort == "overall" ? overall : cohorts.first { $0.cohort == cohort }
    }
}
