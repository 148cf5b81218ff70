import FaceAuditFiles
import FaceAuditMetrics
import FaceAuditReport
import Foundation

/// Compares a candidate run with a baseline: did any cohort rate or inequity measure get worse beyond
/// the baseline's uncertainty?
///
/// A rate regresses when the candidate's estimate exceeds the baseline's upper bound (the wider of its
/// bootstrap and exact binomial intervals) plus `tolerance`. An inequity measure regresses when it moves
/// beyond the baseline's bootstrap interval in its worse direction (FDR: lower is worse; every other
/// measure: higher is worse) by more than `relativeTolerance` of the baseline value; a measure whose
/// baseline interval is not estimable (it needs undefined bootstrap resamples) is listed, never a regression.
///
/// An FNMR that either run did not measure (no completed mated comparisons: one photo per person, or a
/// cohort without mated pairs) is never a regression: with both sides unmeasured it is not compared; with
/// one side measured it is listed as "not measured". The same holds for an FNMR-based inequity measure
/// (`fnmr_*`, `garbe`, `fdr`, `ir`) that is undefined in a candidate whose analysis has no mated pairs. A
/// cohort missing from the candidate, or an FMR the candidate lost, is still a regression.
public struct RegressionCheck: Sendable {
    /// One compared quantity.
    public struct Finding: Sendable {
        /// What was compared, e.g. `gender=female FNMR @ FMR 0.001`.
        public let name: String
        /// Baseline value.
        public let baseline: Double?
        /// Candidate value.
        public let candidate: Double?
        /// The limit the candidate had to stay within.
        public let limit: Double?
        /// Whether it got worse beyond the limit (or disappeared).
        public let regressed: Bool
        /// Whether one run did not measure it (an FNMR without mated pairs); never a regression.
        public var unmeasured = false
    }

    /// Every compared quantity.
    public let findings: [Finding]

    /// The candidate's dimension sets, and its cohorts in dimension sets the baseline has, that the
    /// baseline lacks (e.g. `age_group`, `gender=nonbinary`): new, so not compared.
    public let added: [String]

    /// True when nothing regressed.
    public var passed: Bool { !findings.contains { $0.regressed } }

    /// Compares `candidate` with `baseline`.
    public init(baseline: RunSummary, candidate: RunSummary, tolerance: Double = 0, relativeTolerance: Double = 0) {
        var findings: [Finding] = []
        func rate(
            _ name: String, _ base: ErrorCount, _ naive: BinomialInterval?, _ boot: BinomialInterval?, _ cand: ErrorCount?,
            fnmr: Bool = false
        ) {
            if fnmr, base.trials == 0 || cand?.trials == 0 {
                // Not measured on one side (or both): stated, never a regression.
                if base.trials > 0 || (cand?.trials ?? 0) > 0 {
                    findings.append(
                        Finding(
                            name: name, baseline: base.trials > 0 ? base.rate : nil, candidate: (cand?.trials ?? 0) > 0 ? cand?.rate : nil,
                            limit: nil, regressed: false, unmeasured: true))
                }
                return
            }
            guard base.trials > 0 else { return }
            let upper = [naive?.upper, boot?.upper].compactMap { $0 }.filter(\.isFinite).max() ?? base.rate
            guard let cand, cand.trials > 0 else {
                findings.append(Finding(name: name, baseline: base.rate, candidate: nil, limit: upper + tolerance, regressed: true))
                return
            }
            findings.append(
                Finding(
                    name: name, baseline: base.rate, candidate: cand.rate, limit: upper + tolerance,
                    regressed: cand.rate > upper + tolerance))
        }
        func interval(_ bounds: [Double?]) -> BinomialInterval? {
            bounds.count == 2 ? BinomialInterval(lower: bounds[0] ?? .nan, upper: bounds[1] ?? .nan) : nil
        }
        // Overall operating points: at a target only the FNMR can move (the FMR is the target's); at a fixed
        // threshold both are measured, and a higher FMR there is a regression too.
        for p in baseline.verification.operatingPoints {
            let c = candidate.verification.operatingPoints.first { $0.targetFmr == p.targetFmr }
            rate(
                "overall FNMR @ \(Self.point(p.targetFmr, p.threshold))", ErrorCount(errors: p.falseNonMatches, trials: p.genuineTrials),
                interval(p.fnmrInterval), nil, c.map { ErrorCount(errors: $0.falseNonMatches, trials: $0.genuineTrials) }, fnmr: true)
        }
        for p in baseline.verification.thresholdPoints ?? [] {
            let c = candidate.verification.thresholdPoints?.first { $0.threshold == p.threshold }
            let name = Self.point(nil, p.threshold)
            rate(
                "overall FNMR @ \(name)", ErrorCount(errors: p.falseNonMatches, trials: p.genuineTrials), interval(p.fnmrInterval), nil,
                c.map { ErrorCount(errors: $0.falseNonMatches, trials: $0.genuineTrials) }, fnmr: true)
            rate(
                "overall FMR @ \(name)", ErrorCount(errors: p.falseMatches, trials: p.impostorTrials), interval(p.fmrInterval), nil,
                c.map { ErrorCount(errors: $0.falseMatches, trials: $0.impostorTrials) })
        }
        // Cohorts, matched by dimension set and operating point.
        func key(_ a: DisaggregatedRates) -> String { "\(a.dimensions)|\(a.operatingPoint.rawValue)|\(a.targetFMR ?? a.threshold)" }
        let candidates = Dictionary(candidate.cohorts.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        for analysis in baseline.cohorts {
            let other = candidates[key(analysis)]
            let at = Self.point(analysis.targetFMR, analysis.threshold)
            let otherCohorts = Dictionary((other?.cohorts ?? []).map { ($0.cohort, $0) }, uniquingKeysWith: { a, _ in a })
            for cohort in analysis.cohorts {
                let c = otherCohorts[cohort.cohort]
                rate("\(cohort.cohort) FNMR @ \(at)", cohort.fnmr, cohort.fnmrInterval, cohort.fnmrBootstrap, c?.fnmr, fnmr: c != nil)
                rate("\(cohort.cohort) FMR @ \(at)", cohort.fmr, cohort.fmrInterval, cohort.fmrBootstrap, c?.fmr)
            }
            guard let other else { continue }
            let measures: [(String, KeyPath<InequityMeasures, Double?>, Bool)] = [
                ("fmr_max_min", \.fmrMaxMin, true), ("fnmr_max_min", \.fnmrMaxMin, true), ("fmr_max_geomean", \.fmrMaxGeomean, true),
                ("fnmr_max_geomean", \.fnmrMaxGeomean, true), ("fmr_gini", \.fmrGini, true), ("fnmr_gini", \.fnmrGini, true),
                ("garbe", \.garbe, true), ("fdr", \.fdr, false), ("ir", \.ir, true),
            ]
            let candidateHasNoMated = other.overall.fnmr.trials == 0
            for (name, path, higherIsWorse) in measures {
                guard let base = analysis.inequity[keyPath: path] else { continue }
                let boot = analysis.inequityBootstrap?[name]
                let cand = other.inequity[keyPath: path]
                let label = "\(analysis.dimensions) \(name) @ \(at)"
                if cand == nil, candidateHasNoMated, !name.hasPrefix("fmr_") {
                    findings.append(Finding(name: label, baseline: base, candidate: nil, limit: nil, regressed: false, unmeasured: true))
                    continue
                }
                if boot == nil, analysis.inequityBootstrapUndefinedShare?[name] != nil {
                    // The baseline's interval is not estimable (it would need undefined resamples): its
                    // uncertainty has no bound, so no move can be shown to be a regression.
                    findings.append(
                        Finding(
                            name: label + " (baseline interval not estimable)", baseline: base, candidate: cand, limit: nil,
                            regressed: false))
                    continue
                }
                if higherIsWorse {
                    let limit = max(base, boot?.upper ?? base) * (1 + relativeTolerance)
                    findings.append(
                        Finding(name: label, baseline: base, candidate: cand, limit: limit, regressed: (cand ?? .infinity) > limit))
                } else {
                    let limit = min(base, boot?.lower ?? base) * (1 - relativeTolerance)
                    findings.append(
                        Finding(name: label, baseline: base, candidate: cand, limit: limit, regressed: (cand ?? -.infinity) < limit))
                }
            }
        }
        self.findings = findings
        var baselineCohorts: [String: Set<String>] = [:]
        for analysis in baseline.cohorts {
            baselineCohorts[analysis.dimensions.description, default: []].formUnion(analysis.cohorts.map(\.cohort))
        }
        var added: [String] = []
        for analysis in candidate.cohorts {
            let set = analysis.dimensions.description
            let new = baselineCohorts[set].map { known in analysis.cohorts.map(\.cohort).filter { !known.contains($0) } } ?? [set]
            for name in new where !added.contains(name) { added.append(name) }
        }
        self.added = added
    }

    /// An operating point as findings name it: `FMR 0.001` or `threshold 0.6`.
    static func point(_ target: Double?, _ threshold: Double) -> String {
        target.map { "FMR \($0)" } ?? "threshold \(threshold)"
    }

    /// A Markdown report for a pull-request comment: a verdict, then every quantity that changed.
    public func markdown(maxRows: Int = 200) -> String {
        let changed = findings.filter { $0.regressed || $0.baseline != $0.candidate }
        let regressions = findings.filter(\.regressed)
        var lines = [
            passed
                ? "**FaceAudit: no regression** (\(findings.count) quantities compared, \(changed.count) changed within their limits)."
                : "**FaceAudit: \(regressions.count) regression\(regressions.count == 1 ? "" : "s")** among \(findings.count) quantities compared.",
            "",
        ]
        if !added.isEmpty {
            lines.append("New in the candidate, not in the baseline (not compared): \(added.map(Self.cell).joined(separator: ", ")).")
            lines.append("")
        }
        guard !changed.isEmpty else { return lines.joined(separator: "\n") + "\n" }
        lines.append("| quantity | baseline | candidate | limit | status |")
        lines.append("|---|---|---|---|---|")
        let ordered = regressions + changed.filter { !$0.regressed }
        for f in ordered.prefix(maxRows) {
            let missing = f.unmeasured ? "not measured" : "missing"
            lines.append(
                "| \(Self.cell(f.name)) | \(Self.format(f.baseline, missing)) | \(Self.format(f.candidate, missing)) | \(Self.format(f.limit, f.unmeasured ? "–" : "missing")) | \(f.regressed ? "worse" : f.unmeasured ? "not measured (no mated pairs)" : "ok") |"
            )
        }
        if ordered.count > maxRows { lines.append("| … \(ordered.count - maxRows) more | | | | |") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text in a Markdown table cell: `|` escaped (it would end the cell), control and bidirectional
    /// formatting characters written as `\u{…}` (a cohort or run name from the data).
    static func cell(_ text: String) -> String {
        ErrorText.printable(text).replacingOccurrences(of: "|", with: "\\|")
    }

    /// JUnit XML: one test case per quantity, a failure for each regression.
    public func junit() -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
                of: ">", with: "&gt;"
            )
            .replacingOccurrences(of: "\"", with: "&quot;")
        }
        var xml = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<testsuite name=\"faceaudit-compare\" tests=\"\(findings.count)\" failures=\"\(findings.filter(\.regressed).count)\">",
        ]
        for f in findings {
            if f.regressed {
                xml.append("  <testcase classname=\"faceaudit\" name=\"\(escape(f.name))\">")
                xml.append(
                    "    <failure message=\"\(escape("candidate \(Self.format(f.candidate)) beyond limit \(Self.format(f.limit)) (baseline \(Self.format(f.baseline)))"))\"/>"
                )
                xml.append("  </testcase>")
            } else {
                xml.append("  <testcase classname=\"faceaudit\" name=\"\(escape(f.name))\"/>")
            }
        }
        xml.append("</testsuite>")
        return xml.joined(separator: "\n") + "\n"
    }

    static func format(_ x: Double?, _ missing: String = "missing") -> String {
        guard let x else { return missing }
        return x.isFinite ? String(format: "%.6g", x) : "\(x)"
    }
}

extension RegressionCheck {
    /// What makes two runs measure different things, so that comparing their rates would mislead: the
    /// dataset (name, layout, images, subjects, pairs), simulated or measured, the pipeline's identity
    /// (models and options), the target FMRs, a fixed threshold of the baseline's that the candidate lacks, and
    /// the cohort dimension sets. Empty when comparable.
    public static func differences(baseline a: RunSummary, candidate b: RunSummary) -> [String] {
        var found: [String] = []
        func check<T: Equatable>(_ what: String, _ x: T, _ y: T) {
            if x != y { found.append("\(what): \(x) vs \(y)") }
        }
        check("dataset", a.dataset.card.name, b.dataset.card.name)
        check("layout", a.dataset.layout, b.dataset.layout)
        check("images", a.dataset.images, b.dataset.images)
        check("subjects", a.dataset.subjects, b.dataset.subjects)
        check("mated pairs", a.dataset.matedPairs, b.dataset.matedPairs)
        check("non-mated pairs", a.dataset.nonMatedPairs, b.dataset.nonMatedPairs)
        check("simulated", a.simulated, b.simulated)
        check("pipeline", a.pipeline.identity, b.pipeline.identity)
        check(
            "target FMRs", a.verification.operatingPoints.compactMap(\.targetFmr), b.verification.operatingPoints.compactMap(\.targetFmr))
        // A candidate may add fixed thresholds (their quantities are new, not compared); it may not drop one.
        let fixed = Set((b.verification.thresholdPoints ?? []).map(\.threshold))
        let dropped = (a.verification.thresholdPoints ?? []).map(\.threshold).filter { !fixed.contains($0) }
        if !dropped.isEmpty {
            found.append("fixed thresholds missing from the candidate: \(dropped.map { "\($0)" }.joined(separator: ", "))")
        }
        // A candidate may report more (a dimension added since the baseline, such as age group): its new
        // sets are listed as new by the check. A set the baseline has and the candidate lacks is not comparable.
        let missing = Set(a.cohorts.map(\.dimensions.description)).subtracting(b.cohorts.map(\.dimensions.description))
        if !missing.isEmpty {
            found.append("cohort dimension sets missing from the candidate: \(missing.sorted().joined(separator: ", "))")
        }
        return found
    }
}
