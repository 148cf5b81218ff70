import FaceAuditScoring
import Foundation

/// One headline finding: in one dimension set (a marginal such as `ethnicity`, or an intersection) at one
/// operating point (a target FMR or a fixed threshold), the worst against the best group for FMR or FNMR,
/// with a sentence that can be quoted alone.
///
/// Semantics:
/// - The comparison is the analysis's ``DisaggregatedRates/worstBest`` entry (see ``GroupComparison``:
///   groups with a known label, at least `--min-subjects` people and a trial; the ratio's subject-bootstrap
///   interval counts undefined resamples).
/// - `holds` is true only when the ratio's 95% interval is estimable and lies above 1, both groups have
///   at least `minimumSubjects` people, and the ratio's p-value over every pair of groups
///   (``GroupComparison/pValue``: the worst and best were picked from all of them), adjusted by Holm's
///   method for every finding of the run that has one (``holm(_:)``: `p_value_adjusted`, `comparisons`
///   of them), is at most the run's alpha (0.05). Only then does `statement` state a difference; otherwise it says what the
///   data cannot show, and why (no error in either group, the best group had none, an interval that is not
///   estimable or includes 1, a gap that chance alone could make among this many groups and comparisons).
/// - `reference`: the worst group against the run's reference cohort (`--reference-cohort`), when one is
///   given, is in the analysis and is not the worst group itself.
/// - `children`: the worst or the best group is children (`age_group=under-18`, or an age band whose
///   upper end is below 18), alone or within an intersection.
/// - Every statement names its operating point, its dimension, both groups with their errors of trials,
///   and (when known) how many people and pairs of people the worst group's errors involve.
/// - ``list(_:minimumSubjects:polarity:groupName:)`` orders findings that hold before those that do not;
///   within each, children first, then by the lower bound of the ratio's interval (strongest evidence
///   first; none last), then by ratio.
public struct Finding: Sendable, Hashable, Codable {
    /// The worst group against a named reference group.
    public struct Reference: Sendable, Hashable, Codable {
        /// The reference cohort, e.g. `ethnicity=white`.
        public var cohort: String
        /// Worst rate / reference rate; null when the reference rate is 0.
        @NullWhenUndefined public var ratio: Double?
        /// Its subject-bootstrap interval; null when not estimable.
        @NullWhenUndefined public var interval: BinomialInterval?
        /// Share of resamples in which the ratio was undefined.
        @NullWhenUndefined public var undefinedShare: Double?

        enum CodingKeys: String, CodingKey {
            case cohort, ratio, interval
            case undefinedShare = "undefined_share"
        }
    }

    /// The dimension set, e.g. `ethnicity` or `gender;ethnicity`.
    public var dimensions: DimensionSet
    /// `target_fmr` or `threshold`.
    public var operatingPoint: OperatingPointKind
    /// The target FMR; null at a fixed threshold.
    @NullWhenUndefined public var targetFMR: Double?
    /// The global threshold (scores' units).
    public var threshold: Double
    /// What a fixed threshold is, when known.
    public var thresholdLabel: String?
    /// The worst against the best group.
    public var comparison: GroupComparison
    /// The worst group against the reference cohort, when one is given.
    public var reference: Reference?
    /// Whether it is about children.
    public var children: Bool
    /// Whether the evidence holds (see the type's semantics).
    public var holds: Bool
    /// The comparison's p-value over every pair of groups, adjusted by Holm's method for the run's
    /// findings that have one (``holm(_:)``); nil without one.
    @NullWhenUndefined public var pValueAdjusted: Double?
    /// How many findings the adjustment allowed for; nil without a p-value.
    @NullWhenUndefined public var comparisons: Int?
    /// A plain sentence (no markup) that can be quoted alone.
    public var statement: String

    enum CodingKeys: String, CodingKey {
        case dimensions
        case operatingPoint = "operating_point"
        case targetFMR = "target_fmr"
        case threshold
        case thresholdLabel = "threshold_label"
        case comparison = "worst_best"
        case reference, children, holds, statement
        case pValueAdjusted = "p_value_adjusted"
        case comparisons
    }

    /// Every finding of `analyses`, in order of strength of evidence (see the type's semantics).
    ///
    /// - Parameters:
    ///   - minimumSubjects: the run's `--min-subjects`.
    ///   - polarity: the scores' orientation, to name a fixed threshold ("a distance of 0.6").
    ///   - groupName: how a cohort is named in a sentence; by default its label values joined by ", "
    ///     (`gender=female;ethnicity=black` → `female, black`).
    ///   - simulated: whether the rates come from a simulated population: every statement then begins
    ///     with ``simulatedPrefix``, so that a statement quoted alone still says so.
    ///   - alpha: the level a finding's adjusted p-value must reach to hold (runs use 0.05, the level of
    ///     their intervals).
    public static func list(
        _ analyses: [DisaggregatedRates], minimumSubjects: Int, polarity: ScorePolarity,
        groupName: (String) -> String = Finding.labelValues, simulated: Bool = false, alpha: Double = 0.05
    ) -> [Finding] {
        let comparisons = analyses.flatMap { analysis in (analysis.worstBest ?? []).map { (analysis, $0) } }
        let adjusted = holm(comparisons.map(\.1.pValue))
        let tested = adjusted.count { $0 != nil }
        var out: [Finding] = []
        for ((analysis, comparison), adjustedP) in zip(comparisons, adjusted) {
            let holds = comparison.holds(minimumSubjects: minimumSubjects) && adjustedP.map { $0 <= alpha } == true
            var reference: Reference?
            if let name = analysis.referenceCohort, name != comparison.worst,
                let worst = analysis.cohorts.first(where: { $0.cohort == comparison.worst }),
                analysis.cohorts.contains(where: { $0.cohort == name })
            {
                let fmr = comparison.metric == "fmr"
                let key = "\(comparison.metric)_ratio_to_reference"
                reference = Reference(
                    cohort: name, ratio: fmr ? worst.fmrRatioToReference : worst.fnmrRatioToReference,
                    interval: worst.ratioBootstrap?[key], undefinedShare: worst.bootstrapUndefinedShare?[key])
            }
            var sentence = statement(
                comparison, holds: holds, analysis: analysis, polarity: polarity, groupName: groupName,
                adjusted: adjustedP.map { ($0, tested) })
            if let reference, reference.cohort != comparison.best, comparison.worstCount.errors > 0,
                let rates = analysis.cohorts.first(where: { $0.cohort == reference.cohort })
            {
                sentence +=
                    " " + referenceSentence(reference, count: comparison.metric == "fmr" ? rates.fmr : rates.fnmr, groupName: groupName)
            }
            let finding = Finding(
                dimensions: analysis.dimensions, operatingPoint: analysis.operatingPoint, targetFMR: analysis.targetFMR,
                threshold: analysis.threshold, thresholdLabel: analysis.thresholdLabel, comparison: comparison, reference: reference,
                children: isChild(comparison.worst) || isChild(comparison.best), holds: holds,
                pValueAdjusted: adjustedP, comparisons: adjustedP == nil ? nil : tested,
                statement: marked(sentence, simulated: simulated))
            out.append(finding)
        }
        return out.sorted { a, b in
            if a.holds != b.holds { return a.holds }
            if a.children != b.children { return a.children }
            let la = a.comparison.interval?.lower ?? -.infinity
            let lb = b.comparison.interval?.lower ?? -.infinity
            if la != lb { return la > lb }
            return (a.comparison.ratio ?? -.infinity) > (b.comparison.ratio ?? -.infinity)
        }
    }

    /// Holm's step-down adjustment of `p` (nil entries are not tested and stay nil): with the m values
    /// ascending, the k-th (from 1) becomes the largest of min(1, (m − j + 1) · p₍ⱼ₎) over j ≤ k. A
    /// finding whose adjusted value is at most alpha holds with every tested finding allowed for: the
    /// chance that any of them holds by chance alone is at most alpha.
    public static func holm(_ p: [Double?]) -> [Double?] {
        let tested = p.indices.filter { p[$0] != nil }.sorted { (p[$0]!, $0) < (p[$1]!, $1) }
        var out = [Double?](repeating: nil, count: p.count)
        var running = 0.0
        for (k, i) in tested.enumerated() {
            running = max(running, min(1, Double(tested.count - k) * p[i]!))
            out[i] = running
        }
        return out
    }

    /// A p-value as a sentence writes it: "p = 0.012", "p < 0.001".
    public static func pText(_ p: Double) -> String {
        p < 0.001 ? "p < 0.001" : "p = " + String(format: "%.2g", p)
    }

    /// The label values of a cohort name joined by ", ": `gender=female;ethnicity=black` → `female, black`.
    public static func labelValues(_ cohort: String) -> String {
        CohortName.values(cohort).joined(separator: ", ")
    }

    /// Whether a cohort name is (or includes) children: `age_group=under-18`, or an age band `a-b` with b < 18.
    public static func isChild(_ cohort: String) -> Bool {
        CohortName.parts(cohort).contains { part in
            guard let value = part.value else { return false }
            if part.dimension == "age_group" { return value == "under-18" }
            guard part.dimension == "age_band" else { return false }
            let ends = value.split(separator: "-")
            guard ends.count == 2, let upper = Int(ends[1]) else { return false }
            return upper < 18
        }
    }

    /// How a sentence names the operating point: "At the threshold set for 1 in 1,000 false matches
    /// overall", "At face_recognition's default tolerance (a distance of 0.6)".
    public static func operatingPointPhrase(_ analysis: DisaggregatedRates, polarity: ScorePolarity) -> String {
        if let target = analysis.targetFMR { return "At the threshold set for \(oneIn(target)) false matches overall" }
        let kind = polarity == .dissimilarity ? "distance" : "score"
        let value = String(format: "%.6g", analysis.threshold)
        if let label = analysis.thresholdLabel { return "At \(label) (a \(kind) of \(value))" }
        return "At a fixed \(kind) threshold of \(value)"
    }

    /// How every sentence about a simulated population begins (statements, and the report's summary).
    public static let simulatedPrefix = "Simulated, not real people: "

    /// `sentence`, begun with ``simulatedPrefix`` when `simulated` (once: a sentence that already
    /// begins with it is left as it is).
    public static func marked(_ sentence: String, simulated: Bool) -> String {
        simulated && !sentence.hasPrefix(simulatedPrefix) ? simulatedPrefix + sentence : sentence
    }

    /// The sentence of one comparison.
    static func statement(
        _ c: GroupComparison, holds: Bool, analysis: DisaggregatedRates, polarity: ScorePolarity, groupName: (String) -> String,
        adjusted: (p: Double, of: Int)? = nil
    ) -> String {
        let fmr = c.metric == "fmr"
        let at = operatingPointPhrase(analysis, polarity: polarity)
        let by = "by " + analysis.dimensions.names.map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: " × ")
        let worst = "\u{201C}\(groupName(c.worst))\u{201D}"
        let best = "\u{201C}\(groupName(c.best))\u{201D}"
        func count(_ x: ErrorCount, _ noun: String = "") -> String {
            "\(x.errors.grouped) of \(x.trials.grouped)\(noun) (\(percent(x.rate)))"
        }
        let errors = fmr ? "false matches" : "missed matches"
        let name = fmr ? "false match rate" : "false non-match rate"
        if c.worstCount.errors == 0 {
            let none = c.groups == 2 ? "neither of the 2 groups compared" : "none of the \(c.groups) groups compared"
            let pairs = fmr ? "comparisons of two different people" : "comparisons of two photos of the same person"
            return
                "\(at), \(by), \(none) had any \(errors) (the group \(worst): 0 of \(c.worstCount.trials.grouped) \(pairs); the group \(best): 0 of \(c.bestCount.trials.grouped)), so this data cannot show differences in the \(name) between groups."
        }
        let counts =
            fmr
            ? "two different people in the group \(worst) were falsely matched in \(count(c.worstCount, " comparisons")), two different people in the group \(best) in \(count(c.bestCount))"
            : "two photos of the same person in the group \(worst) were missed in \(count(c.worstCount, " comparisons")), in the group \(best) in \(count(c.bestCount))"
        var involved = ""
        if let people = c.peopleInvolved {
            if let pairs = c.pairsInvolved {
                involved =
                    " The \(c.worstCount.errors.grouped) false \(c.worstCount.errors == 1 ? "match" : "matches") in the group \(worst) fall on \(pairs.grouped) \(pairs == 1 ? "pair" : "pairs") of people, involving \(people.grouped) of its \(c.worstSubjects.grouped) people."
            } else {
                involved =
                    " The \(c.worstCount.errors.grouped) missed \(c.worstCount.errors == 1 ? "match" : "matches") in the group \(worst) \(c.worstCount.errors == 1 ? "involves" : "involve") \(people.grouped) of its \(c.worstSubjects.grouped) people."
            }
        }
        guard let ratio = c.ratio else {
            return
                "\(at), \(by), \(counts). The group \(best) had none, so no ratio can be stated, and this data cannot show whether, or by how much, the rate of the group \(worst) is higher.\(involved)"
        }
        // "95% interval 25–366" or, with an open upper bound, "95% interval from 14 upwards"; `note` goes
        // right after it ("which includes 1").
        func range(_ interval: BinomialInterval, note: String = "") -> String {
            guard interval.upper.isFinite else {
                return
                    "95% interval from \(times(interval.lower)) upwards\(note), from resampling people; no upper limit, as in at least 2.5% of resamples the group \(best) had none"
            }
            return "95% interval \(times(interval.lower))–\(times(interval.upper))\(note), from resampling people"
        }
        // What allowing for the choice of these two groups among all of them, and for the run's other
        // findings, leaves: "p = 0.012 allowing for all 8 groups and the run's 24 tests".
        let allowed = adjusted.map { a in
            "\(pText(a.p)) allowing for all \(c.groups) groups and the run's \(a.of.grouped) \(a.of == 1 ? "test" : "tests")"
        }
        if holds, let interval = c.interval {
            let tail = allowed.map { "; \($0)" } ?? ""
            return "\(at), \(by), \(counts): \(times(ratio)) times as often (\(range(interval))\(tail)).\(involved)"
        }
        let why: String
        if let interval = c.interval, interval.lower > 1, let allowed {
            why =
                "among \(c.groups) groups this dataset cannot show that a gap this large between the highest and the lowest is more than chance (\(allowed); for these two groups alone, \(range(interval)))"
        } else if let interval = c.interval {
            let includes = interval.lower <= 1 && interval.upper >= 1
            why =
                "this dataset cannot show a difference beyond the people involved (\(range(interval, note: includes ? ", which includes 1" : ", which does not lie above 1")))"
        } else if let share = c.undefinedShare {
            why =
                "the 95% interval of this ratio is not estimable from resampling people (in \(percent(share)) of resamples neither group had any \(errors)), so this dataset cannot show a difference beyond the people involved"
        } else {
            why = "without a subject-bootstrap interval this dataset cannot show a difference beyond the people involved"
        }
        return "\(at), \(by), \(counts): \(times(ratio)) times the rate of the group \(best), but \(why).\(involved)"
    }

    /// The sentence that follows a statement when the run names a reference group other than the best one:
    /// the worst group's rate against the reference group's, with the ratio's subject-bootstrap interval,
    /// e.g. "Against the reference group “adults (18 and over)” (3,456 of 377,580, 0.92%): 2.6 times as
    /// often (95% interval 2.0–3.4, from resampling people)." It says so when the reference group had no
    /// error (no ratio), when the interval is not estimable, and when the interval does not lie above 1.
    static func referenceSentence(_ r: Reference, count: ErrorCount, groupName: (String) -> String) -> String {
        let name = "\u{201C}\(groupName(r.cohort))\u{201D}"
        let counts = "\(count.errors.grouped) of \(count.trials.grouped), \(percent(count.rate))"
        guard let ratio = r.ratio else {
            return "The reference group \(name) had none (\(counts)), so no ratio to it can be stated."
        }
        guard let interval = r.interval else {
            return
                "Against the reference group \(name) (\(counts)): \(times(ratio)) times its rate, but the 95% interval of this ratio is not estimable from resampling people."
        }
        let upper = interval.upper.isFinite ? "–\(times(interval.upper))" : " upwards"
        let span = "95% interval \(interval.upper.isFinite ? "" : "from ")\(times(interval.lower))\(upper), from resampling people"
        if interval.lower > 1 {
            return "Against the reference group \(name) (\(counts)): \(times(ratio)) times as often (\(span))."
        }
        return
            "Against the reference group \(name) (\(counts)): \(times(ratio)) times its rate, but this dataset cannot show a difference from it (\(span), which does not lie above 1)."
    }

    /// "1 in 1,000" (reports write every "1 in N" this way).
    public static func oneIn(_ x: Double) -> String {
        let n = 1 / x
        if n < 10 { return String(format: "1 in %.1f", n) }
        return "1 in " + Int(n.rounded()).grouped
    }

    /// A rate as a percentage, as reports write it: 32.7% → "33%", 0.48% → "0.48%"; "–" when not finite.
    public static func percent(_ x: Double) -> String {
        guard x.isFinite else { return "–" }
        if x == 0 { return "0%" }
        let p = x * 100
        if p >= 10 { return String(format: "%.0f%%", p) }
        if p >= 1 { return String(format: "%.1f%%", p) }
        if p >= 0.1 { return String(format: "%.2f%%", p) }
        return String(format: "%.2g%%", p)
    }

    /// A ratio as read aloud, as reports write it: two significant digits below 10, whole numbers from 10
    /// (with thousands separators),
    /// and three digits just above 1 (1.03, never a "1.0" that reads as no difference).
    public static func times(_ x: Double) -> String {
        guard x.isFinite else { return "–" }
        if x >= 10 { return x < 1e15 ? Int(x.rounded()).grouped : String(format: "%.0f", x) }
        if x > 1 && x < 1.1 { return String(format: "%.2f", x) }
        if x >= 1 { return String(format: "%.1f", x) }
        return String(format: "%.2g", x)
    }
}
