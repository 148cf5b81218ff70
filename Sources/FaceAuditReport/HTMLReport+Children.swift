import FaceAuditCohorts
import FaceAuditMetrics
import Foundation

/// Children in every report: what the summary and the school scenario say about people under 18.
///
/// Everything here reads the run's `age_group` analysis (children `under-18` and adults `18+`, decided by
/// `AgeGroup.isUnder18`), at the headline target, so that each sentence can be checked against the
/// `age_group` rows of cohorts.csv; the child bands named come from the `age_band` analysis.
extension HTMLReport {
    /// What a run's data can say about children.
    enum ChildCoverage {
        /// The run chose its dimensions (`--dimensions`) without age.
        case notGroupedByAge
        /// No photo has an age.
        case noAges
        /// No one recorded as under 18; `unknownAges` when some photos have no age.
        case noChildren(unknownAges: Bool)
        /// Everyone with a recorded age is under 18.
        case childrenOnly(children: CohortRates, analysis: DisaggregatedRates)
        /// Children and adults, both with their rates in `analysis` (the age-group analysis).
        case both(children: CohortRates, adults: CohortRates, analysis: DisaggregatedRates)
    }

    /// The age-group dimension's name in outputs, `age_group`.
    static let ageGroupDimension = CohortDimension.ageGroup.rawValue

    /// The summary's first line when the data has no one under 18.
    static let noChildrenLine = "This dataset has no one under 18: it cannot show how the system treats children."

    /// The summary's first line when no one is recorded as under 18 but some photos have no age.
    static let noChildrenRecordedLine =
        "This dataset has no one recorded as under 18 (some photos have no recorded age): it cannot show how the system treats children."

    /// The summary's first line when no photo has an age.
    static let noAgesLine = "This dataset does not record ages: it cannot show how the system treats children."

    /// What `s` can say about children at `target`; nil for a summary written before age groups were
    /// reported (it has age bands but no age-group analysis), of which nothing is claimed.
    static func childCoverage(_ s: RunSummary, target: Double) -> ChildCoverage? {
        let atTarget = s.cohorts.filter { $0.targetFMR == target }
        guard let analysis = atTarget.first(where: { $0.dimensions.description == ageGroupDimension }) else {
            if atTarget.contains(where: { $0.dimensions.description == CohortDimension.ageBand.rawValue }) { return nil }
            if let chosen = s.configuration?.dimensions, !chosen.isEmpty { return .notGroupedByAge }
            return .noAges
        }
        let children = analysis.cohorts.first { $0.cohort == cohortName(AgeGroup.children) }
        let adults = analysis.cohorts.first { $0.cohort == cohortName(AgeGroup.adults) }
        let unknown = analysis.cohorts.contains { $0.cohort == cohortName(CohortDimension.unknown) }
        switch (children, adults) {
        case (let c?, let a?): return .both(children: c, adults: a, analysis: analysis)
        case (let c?, nil): return .childrenOnly(children: c, analysis: analysis)
        case (nil, _?): return .noChildren(unknownAges: unknown)
        case (nil, nil): return .noAges
        }
    }

    /// `age_group=<value>`.
    static func cohortName(_ value: String) -> String { "\(ageGroupDimension)=\(value)" }

    /// The summary's sentences about children: `lead` goes first in the summary (the data cannot speak
    /// for children, and why), `comparison` after the threshold (children's rates against adults').
    static func childrenSummary(_ s: RunSummary, target: Double) -> (lead: [String], comparison: [String]) {
        switch childCoverage(s, target: target) {
        case nil: return ([], [])
        case .notGroupedByAge?:
            return (
                ["This run was not grouped by age (its --dimensions leave age out): it cannot show how the system treats children."], []
            )
        case .noAges?: return ([noAgesLine], [])
        case .noChildren(let unknownAges)?:
            return (
                [
                    unknownAges
                        ? noChildrenRecordedLine
                        : noChildrenLine
                ], []
            )
        case .childrenOnly(let children, _)?:
            return (
                [
                    "Everyone in this dataset with a recorded age is under 18 (\(children.subjects) children): it shows how the system treats children, but cannot compare them with adults."
                ] + (childAgesSentence(s, target: target, people: "children").map { [$0] } ?? []),
                childBandSentence(s, target: target).map { [$0] } ?? []
            )
        case .both(let children, let adults, let analysis)?:
            let minimum = s.configuration?.minSubjects
            var out = [
                comparisonSentence(children, adults, analysis: analysis, metric: "fmr", minimum: minimum),
                comparisonSentence(children, adults, analysis: analysis, metric: "fnmr", minimum: minimum),
            ]
            if let band = childBandSentence(s, target: target) { out.append(band) }
            // "Children" above means the ages the data has: said right after, where a quote of them is read.
            if let ages = childAgesSentence(s, target: target, people: "children") { out.append(ages) }
            return ([], out)
        }
    }

    /// Whether the run flagged `rates` as a group of fewer people than its minimum (`--min-subjects`): the
    /// flag `fewer than N subjects` that the cohort analysis writes (cohorts.csv's `flags`) and every table
    /// of groups shows. Every part of the report that shows a cohort's rates (``CohortRates``) decides with it
    /// whether the cohort is too small to rely on.
    static func tooFewPeople(_ rates: CohortRates) -> Bool {
        rates.flags.contains { $0.hasPrefix("fewer than") }
    }

    /// One sentence comparing children's FMR (or FNMR) with adults': each group's errors of comparisons
    /// and rate ("not measured (no mated pairs)" for an FNMR without mated pairs), then the ratio of the
    /// two rates with its subject-bootstrap 95% interval, called a difference only when that interval
    /// excludes 1 and neither group is flagged for having fewer than `minimum` (`--min-subjects`) people.
    static func comparisonSentence(
        _ children: CohortRates, _ adults: CohortRates, analysis: DisaggregatedRates, metric: String, minimum: Int?
    ) -> String {
        let fmr = metric == "fmr"
        let c = fmr ? children.fmr : children.fnmr
        let a = fmr ? adults.fmr : adults.fnmr
        func rate(_ x: ErrorCount) -> String {
            "\(HTML.grouped(x.errors)) of \(HTML.grouped(x.trials)) comparisons (\(HTML.percent(x.rate)))"
        }
        let counts: String
        switch (fmr, c.trials > 0, a.trials > 0) {
        case (true, true, true):
            counts =
                "At the threshold set for \(HTML.oneIn(analysis.targetFMR)) false matches overall, two different children (under 18) were falsely matched in \(rate(c)), two different adults (18 and over) in \(rate(a))."
        case (true, false, _):
            counts =
                "This dataset has no comparison of two different children (under 18), so it cannot show how often children are falsely matched"
                + (a.trials > 0 ? "; two different adults (18 and over) were falsely matched in \(rate(a))." : ".")
        case (true, true, false):
            counts =
                "Two different children (under 18) were falsely matched in \(rate(c)); this dataset has no comparison of two different adults to compare with."
        case (false, true, true):
            counts =
                "Two photos of the same child (under 18) were missed, not recognised as one person, in \(rate(c)); two photos of the same adult (18 and over) in \(rate(a))."
        case (false, false, true):
            counts =
                "The false non-match rate of children (under 18) was \(notMeasured); two photos of the same adult (18 and over) were missed in \(rate(a))."
        case (false, true, false):
            counts =
                "Two photos of the same child (under 18) were missed, not recognised as one person, in \(rate(c)); the false non-match rate of adults (18 and over) was \(notMeasured)."
        case (false, false, false):
            counts = "The false non-match rate was \(notMeasured) for children (under 18) and for adults (18 and over)."
        }
        guard c.trials > 0, a.trials > 0 else { return counts }
        let reference = analysis.referenceCohort == cohortName(AgeGroup.adults)
        let ratio = reference ? (fmr ? children.fmrRatioToReference : children.fnmrRatioToReference) : nil
        let verb = fmr ? "were falsely matched" : "went unrecognised"
        let name = fmr ? "false-match rate" : "false-non-match rate"
        guard let ratio else {
            // Adults had no error: no multiplier can be stated.
            if a.errors == 0 && c.errors > 0 { return counts + " Adults had none, so no ratio can be stated." }
            if c.errors == 0 && a.errors == 0 { return counts + " Neither group had any." }
            return counts
        }
        // With no error among children the ratio is 0: "0 times adults'" reads as nonsense, so say it plainly.
        let was = c.errors == 0 ? "Children had none (a ratio of 0 to adults')" : "Children's \(name) was \(times(ratio)) times adults'"
        let interval = reference ? children.ratioBootstrap?["\(metric)_ratio_to_reference"] : nil
        guard let interval, interval.lower.isFinite else {
            let key = "\(metric)_ratio_to_reference"
            if reference, let share = children.bootstrapUndefinedShare?[key] {
                return counts
                    + " \(was), but the 95% interval of this ratio is not estimable from resampling people (in \(HTML.percent(share)) of resamples neither group had any), so this dataset cannot show a difference beyond the people involved."
            }
            return counts
                + " \(was), but without a subject-bootstrap interval this report does not call that a difference."
        }
        // An upper bound of +∞: in at least 2.5% of resamples adults had none while children had some.
        let range =
            interval.upper.isFinite
            ? "95% interval of the ratio \(times(interval.lower))–\(times(interval.upper)), from resampling people"
            : "95% interval of the ratio from \(times(interval.lower)) upwards with no upper limit, from resampling people"
        let tooFew = [(children, "children"), (adults, "adults")].filter { tooFewPeople($0.0) }
        if tooFew.isEmpty && interval.lower > 1 {
            return counts + " Children \(verb) <strong>\(times(ratio)) times</strong> as often as adults (\(range))."
        }
        if tooFew.isEmpty && interval.upper < 1 {
            if c.errors == 0 { return counts + " Children had none: less often than adults (\(range))." }
            return counts + " Children \(verb) less often than adults: \(times(ratio)) times the adults' rate (\(range))."
        }
        if !tooFew.isEmpty {
            let few = tooFew.map { "\($0.0.subjects) \($0.1)" }.joined(separator: " and ")
            let rule = minimum.map { ", fewer than the \($0) people a claim needs" } ?? ", too few for a claim"
            return counts
                + " \(was), but with only \(few)\(rule), this dataset cannot show a difference beyond the few people involved (\(range))."
        }
        return counts
            + " \(was), but this dataset cannot show a difference beyond the people involved (\(range), which includes 1)."
    }

    /// The sentence naming the child age band with the highest FMR, when at least two child bands have
    /// comparisons and the highest has false matches and is not flagged for too few people. Unless its 95%
    /// interval lies above every other child band's, the sentence says the data cannot tell which band fares
    /// worst.
    static func childBandSentence(_ s: RunSummary, target: Double) -> String? {
        guard let (bands, scheme) = ageBands(s, target: target) else { return nil }
        let prefix = CohortDimension.ageBand.rawValue + "="
        let childBands = bands.cohorts.filter {
            $0.cohort.hasPrefix(prefix) && scheme.isChildBand(String($0.cohort.dropFirst(prefix.count))) && $0.fmr.trials > 0
        }
        guard childBands.count >= 2, let top = childBands.max(by: { $0.fmr.rate < $1.fmr.rate }), top.fmr.errors > 0,
            !tooFewPeople(top)
        else { return nil }
        let interval = shownInterval(top, metric: "fmr")
        let others = childBands.filter { $0.cohort != top.cohort }
        let apart = others.allSatisfy { interval.lower > shownInterval($0, metric: "fmr").upper }
        let sentence =
            "At the threshold set for \(HTML.oneIn(target)) false matches overall, among children's age bands, false matches were most frequent at ages <strong>\(HTML.escape(value(of: top.cohort)))</strong>: \(HTML.grouped(top.fmr.errors)) of \(HTML.grouped(top.fmr.trials)) comparisons of two different people (\(HTML.percent(top.fmr.rate)), 95% interval \(HTML.percent(interval.lower))–\(HTML.percent(interval.upper)), \(top.subjects) people)"
        return sentence
            + (apart
                ? "; its interval lies above those of the other child bands."
                : ", but its interval overlaps those of the other child bands, so this dataset cannot tell which band of children is falsely matched most.")
    }

    /// The run's age bands (`--age-bands`, else the standard ones).
    static func ageBandScheme(_ s: RunSummary) -> AgeBands {
        (try? AgeBands(parsing: (s.configuration?.ageBands ?? []).joined(separator: ","))) ?? .standard
    }

    /// The run's age-band analysis at `target` and its bands, or nil without one.
    static func ageBands(_ s: RunSummary, target: Double) -> (analysis: DisaggregatedRates, scheme: AgeBands)? {
        s.cohorts.first { $0.targetFMR == target && $0.dimensions.description == CohortDimension.ageBand.rawValue }.map {
            ($0, ageBandScheme(s))
        }
    }

    /// A ratio as read aloud: two significant digits below 10 (`0.35`, `3.2`), whole numbers above.
    static func times(_ x: Double) -> String { Finding.times(x) }

    /// The children's ages that the run's child age bands with people cover, at `target`: the youngest
    /// band's lower bound and the oldest one's upper end ("8" and "17" for bands 8-12 and 13-17), the bands
    /// by name, and the child bands of the scheme with no one in them; nil without an age-band analysis
    /// or a child band with people. Read from the bands' names and people counts, as cohorts.csv has them.
    static func childAges(_ s: RunSummary, target: Double) -> (from: String, to: String, bands: [String], empty: [String])? {
        guard let (bands, scheme) = ageBands(s, target: target) else { return nil }
        let prefix = CohortDimension.ageBand.rawValue + "="
        let peopled = Set(bands.cohorts.filter { $0.subjects > 0 }.map { String($0.cohort.dropFirst(prefix.count)) })
        let child = scheme.labels.indices.filter { scheme.isChildBand(scheme.labels[$0]) }
        let present = child.filter { peopled.contains(scheme.labels[$0]) }
        guard let low = present.first, let high = present.last else { return nil }
        let upper = scheme.lowerBounds[high + 1]
        let to = upper == upper.rounded() ? plainNumber(upper - 1) : "under \(plainNumber(upper))"
        return (
            plainNumber(scheme.lowerBounds[low]), to, present.map { scheme.labels[$0] },
            child.filter { !peopled.contains(scheme.labels[$0]) }.map { scheme.labels[$0] }
        )
    }

    /// The school section's sentence on which children its numbers cover, when the data lacks some ages
    /// under 18: "The children in this data are aged 8 to 17 (age bands 8-12 and 13-17): no one in it is
    /// recorded as younger than 8, so younger students are not represented, and nothing here says how the
    /// system treats them." Nil when every child band has people (or the run has no age bands).
    ///
    /// `people` names who is missing: "students" in the school section, "children" elsewhere.
    static func childAgesSentence(_ s: RunSummary, target: Double, people: String = "students") -> String? {
        guard let ages = childAges(s, target: target), !ages.empty.isEmpty else { return nil }
        let bands = ages.bands.count == 1 ? "age band \(ages.bands[0])" : "age bands " + listed(ages.bands)
        let youngest = ages.bands[0]
        let scheme = ageBandScheme(s)
        let below = ages.empty.filter { (scheme.labels.firstIndex(of: $0) ?? 0) < (scheme.labels.firstIndex(of: youngest) ?? 0) }
        let missing =
            below.count == ages.empty.count
            ? "no one in it is recorded as younger than \(ages.from), so younger \(people) are not represented"
            : "no one in it is recorded in the \(ages.empty.count == 1 ? "age band" : "age bands") \(listed(ages.empty)), so \(people) of those ages are not represented"
        return
            "The children in this data are aged \(ages.from) to \(ages.to) (\(HTML.escape(bands))): \(HTML.escape(missing)), and nothing here says how the system treats them."
    }

    /// "a", "a and b", "a, b and c".
    static func listed(_ items: [String]) -> String {
        guard let last = items.last, items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }

    /// Whether the report shows an analysis in its per-group sections: age group only when it has two or
    /// more known groups (children and adults), since one group would repeat the overall row.
    static func isShownPerGroup(_ analysis: DisaggregatedRates) -> Bool {
        guard analysis.dimensions.description == ageGroupDimension else { return true }
        return analysis.cohorts.filter { !$0.cohort.hasSuffix("=" + CohortDimension.unknown) }.count >= 2
    }

    /// The school scenario's analyses and the paragraph saying whose rates they are. With children, the
    /// age tables keep only the children (the child bands, and under 18), so the school's age mix and rates
    /// are theirs; other attributes stay over all ages, and the paragraph says so. Without children, the
    /// analyses are unchanged and the paragraph says they come from adults.
    static func schoolCohorts(
        _ s: RunSummary, target: Double, marginals: [DisaggregatedRates]
    ) -> (
        analyses: [DisaggregatedRates], note: String?
    ) {
        let adultsOnly =
            "so they say nothing about how the system treats students, who are children."
        switch childCoverage(s, target: target) {
        case nil: return (marginals, nil)
        case .notGroupedByAge?:
            return (
                marginals,
                "<p><strong>Not about children.</strong> This run was not grouped by age, so the group mix and rates below may come from adults only; they say nothing reliable about how the system treats students.</p>"
            )
        case .noAges?:
            return (
                marginals,
                "<p><strong>Not about children.</strong> This dataset does not record ages, so the group mix and rates below may come from adults only; they say nothing reliable about how the system treats students.</p>"
            )
        case .noChildren(let unknownAges)?:
            return (
                marginals,
                unknownAges
                    ? "<p><strong>Not about children.</strong> This dataset has no one recorded as under 18 (some photos have no recorded age): the group mix and the rates below are taken from adults and from people of unrecorded age, \(adultsOnly)</p>"
                    : "<p><strong>Not about children.</strong> This dataset has no one under 18: the group mix and the rates below are taken from adults, \(adultsOnly)</p>"
            )
        case .childrenOnly(let children, _)?:
            return (
                marginals,
                "<p>Everyone in this dataset with a recorded age is under 18: the group mix and rates below are children's (\(children.subjects) people).\(childAgesSentence(s, target: target).map { " " + $0 } ?? "")</p>"
            )
        case .both(let children, _, _)?:
            let scheme = (try? AgeBands(parsing: (s.configuration?.ageBands ?? []).joined(separator: ","))) ?? .standard
            let bandPrefix = CohortDimension.ageBand.rawValue + "="
            let analyses = marginals.map { analysis -> DisaggregatedRates in
                var kept = analysis
                switch analysis.dimensions.description {
                case ageGroupDimension:
                    kept.cohorts = analysis.cohorts.filter { $0.cohort == children.cohort }
                case CohortDimension.ageBand.rawValue:
                    kept.cohorts = analysis.cohorts.filter {
                        $0.cohort.hasPrefix(bandPrefix) && scheme.isChildBand(String($0.cohort.dropFirst(bandPrefix.count)))
                    }
                default: break
                }
                return kept
            }
            return (
                analyses,
                "<p>Students are children: the tables by age use only this dataset's \(children.subjects) children (under 18), with their mix of age bands and their false-match rates. The tables by other attributes use rates over all ages, adults included, and so do not show children's rates alone.\(childAgesSentence(s, target: target).map { " " + $0 } ?? "")</p>"
            )
        }
    }
}
