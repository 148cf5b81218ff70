import FaceAuditCohorts
import FaceAuditMetrics
import Foundation

extension HTMLReport {
    /// The line under the age table of "Error rates by group" that says how a pair gets an age group
    /// (empty for other dimensions).
    static func ageConvention(_ analysis: DisaggregatedRates, ageGap: AgeGapAnalysis?) -> [String] {
        guard analysis.dimensions == "age_band" else { return [] }
        var text =
            "Same-person pairs are placed in the age group of the mean age of their two photos (NIST's convention): photos taken at 8 and at 25 count in 13-17."
        if ageGap?.groups.contains(where: { $0.grouping == .bandPair && !$0.sameBand }) == true {
            text +=
                " A pair whose photos carry only age-group labels, and different ones, has no mean age: it is in no group here, and is counted under \"Photos taken years apart\"."
        }
        return ["<p class=\"meta\">\(HTML.escape(text))</p>"]
    }

    /// "Photos taken years apart": FNMR by the age at the younger photo × years elapsed (or by band pair) at
    /// the operating point nearest `target`; one sentence when every pair is same-band; nothing without
    /// an age-gap analysis.
    static func ageGapSection(_ gap: AgeGapAnalysis?, target: Double) -> [String] {
        guard let gap, !gap.points.isEmpty else { return [] }
        var out = ["<h2>Photos taken years apart</h2>"]
        let groups = gap.groups
        if groups.allSatisfy(\.sameBand) {
            let when =
                groups.contains { $0.grouping == .ageAndYears }
                ? (gap.maxYearsElapsed == 0 ? "at the same age" : "less than \(elapsedBounds[1]) years apart")
                : "in the same age group"
            out.append(
                "<p>Every pair of photos of the same person in this dataset was taken \(when), so it cannot show how the time between two photos changes how often the system fails to recognise someone.</p>"
            )
            return out
        }
        let point =
            gap.points.filter { $0.setting.targetFMR != nil }.min {
                abs(log10($0.setting.targetFMR!) - log10(target)) < abs(log10($1.setting.targetFMR!) - log10(target))
            } ?? gap.points[0]
        let rates = point.rates
        let byAge = rates.filter { $0.group.grouping == .ageAndYears }
        let byBand = rates.filter { $0.group.grouping == .bandPair }
        var intro =
            "A school may enrol a child's photo once and keep matching new photos against it for years. Faces change as children grow, so the system may fail to recognise the same person more often as the years pass."
        if !byAge.isEmpty {
            intro +=
                " Here each pair of photos of the same person is grouped by the person's age in the earlier photo (the age at enrolment) and by the time between the two photos. Read each row from left to right: the first column, photos taken close together, is the baseline."
        }
        if byAge.isEmpty { intro += " " + bandPairText(onlyBands: true) }
        out.append("<p>\(intro)</p>")
        let setting =
            point.setting.targetFMR.map { "the one set for about \(HTML.oneIn($0)) false matches between different people" }
            ?? "fixed in advance\(point.setting.label.map { " (\(HTML.escape($0)))" } ?? "")"
        var how =
            "Threshold: \(setting), score \(HTML.number(point.threshold, 4)); age_gap.csv has every threshold. Each cell: the share of pairs the system failed to match (false non-match rate), its 95% interval (resampling people; exact binomial when no pair or every pair was missed), missed pairs of all pairs, and people."
        if !byAge.isEmpty {
            how +=
                " Pairs are grouped by the age at the younger photo (the table above uses the mean age of the two photos instead); years between photos come from the capture dates when both photos have one, else from the two ages, and \"under 2 years\" means 0 to 1.99 years."
        }
        out.append("<p class=\"meta\">\(how)</p>")
        if !byAge.isEmpty {
            out.append(ageYearsTable(byAge, minimumSubjects: gap.minimumSubjects))
            out.append(
                contentsOf: pooledSentence(
                    byAge, "All ages together", first: { $0.group.sameBand }, "taken \(elapsedPhrase(0)) apart", last: lastYears(byAge)))
        }
        if !byBand.isEmpty {
            if !byAge.isEmpty { out.append("<p>\(bandPairText(onlyBands: false))</p>") }
            out.append(bandPairTable(byBand, minimumSubjects: gap.minimumSubjects))
            out.append(
                contentsOf: pooledSentence(
                    byBand, "All age groups together", first: { $0.group.sameBand }, "whose two photos are in the same age group",
                    last: ({ !$0.group.sameBand }, "whose photos are in different age groups")))
        }
        out.append(
            "<p>What this cannot show: the groups hold few people (one more or one fewer person can change a small group's rate a lot, and groups of fewer than \(gap.minimumSubjects) people are marked †); ages and dates are as the dataset labels them, often self-reported or estimated; and photos taken years apart usually also differ in camera, lighting and pose, which this table does not separate from the ageing of the face.</p>"
        )
        return out
    }

    /// How the band-pair table reads.
    private static func bandPairText(onlyBands: Bool) -> String {
        (onlyBands
            ? "This dataset gives an age group for each photo, not an age, so pairs"
            : "Pairs whose photos have age groups but not both an age")
            + " are grouped by the group of the younger photo (row) and of the older photo (column). Cells on the diagonal, both photos in the same group, are the baseline; a dash marks what cannot occur (an older photo in a younger group). The age-group table above leaves out pairs whose two photos are in different groups."
    }

    /// The lower bounds of the years-elapsed bands.
    private static var elapsedBounds: [Int] { AgeBands.yearsElapsed.lowerBounds.map { Int($0) } }

    /// "under 2 years", "2–4 years", "10+ years".
    private static func elapsedPhrase(_ band: Int) -> String {
        let b = elapsedBounds
        if band == 0 { return "under \(b[1]) years" }
        if band == b.count - 1 { return "\(b[band])+ years" }
        return "\(b[band])–\(b[band + 1] - 1) years"
    }

    /// The last years-elapsed band with completed pairs, for the pooled sentence.
    private static func lastYears(_ rates: [AgeGapAnalysis.Rates]) -> ((AgeGapAnalysis.Rates) -> Bool, String) {
        let labels = AgeBands.yearsElapsed.labels
        let last = rates.filter { $0.fnmr.trials > 0 }.compactMap { labels.firstIndex(of: $0.group.yearsElapsed ?? "") }.max() ?? 0
        return ({ $0.group.yearsElapsed == labels[last] }, "taken \(elapsedPhrase(last)) apart")
    }

    /// "`lead`, the system failed to match k of n pairs … (p%), and k of n pairs … (q%)." when both sets have
    /// completed pairs and differ.
    private static func pooledSentence(
        _ rates: [AgeGapAnalysis.Rates], _ lead: String, first: (AgeGapAnalysis.Rates) -> Bool, _ firstText: String,
        last: ((AgeGapAnalysis.Rates) -> Bool, String)
    ) -> [String] {
        func pooled(_ keep: (AgeGapAnalysis.Rates) -> Bool) -> ErrorCount {
            rates.filter(keep).reduce(ErrorCount(errors: 0, trials: 0)) { $0 + $1.fnmr }
        }
        let a = pooled(first)
        let b = pooled(last.0)
        guard a.trials > 0, b.trials > 0, rates.contains(where: { first($0) != last.0($0) && last.0($0) }) else { return [] }
        return [
            "<p>\(lead), the system failed to match \(HTML.grouped(a.errors)) of \(HTML.grouped(a.trials)) pairs \(firstText) (\(HTML.percent(a.rate))), and \(HTML.grouped(b.errors)) of \(HTML.grouped(b.trials)) pairs \(last.1) (\(HTML.percent(b.rate))).</p>"
        ]
    }

    /// One cell: the rate with its interval, counts and people, or "not measured".
    private static func ageGapCell(_ r: AgeGapAnalysis.Rates?, minimumSubjects: Int) -> String {
        guard let r, r.fnmr.trials > 0 else {
            return "<td class=\"meta\">not measured (\(r == nil ? "no pairs" : "no completed pairs"))</td>"
        }
        // With no error, or only errors, every resample gives the same rate: the exact interval says what the data can.
        let degenerate = r.fnmr.errors == 0 || r.fnmr.errors == r.fnmr.trials
        let ci = degenerate ? r.fnmrInterval : (r.fnmrBootstrap ?? r.fnmrInterval)
        let flag = r.subjects < minimumSubjects ? "<span class=\"flag\"> †</span>" : ""
        return
            "<td><strong>\(HTML.percent(r.fnmr.rate))</strong> (\(HTML.percent(ci.lower))–\(HTML.percent(ci.upper)))<br><span class=\"meta\">\(HTML.grouped(r.fnmr.errors)) of \(HTML.grouped(r.fnmr.trials)) pairs, \(r.subjects) \(r.subjects == 1 ? "person" : "people")</span>\(flag)</td>"
    }

    /// The note under a table with a group of fewer than `minimumSubjects` people.
    private static func fewPeople(_ rates: [AgeGapAnalysis.Rates], _ minimumSubjects: Int) -> String {
        guard rates.contains(where: { $0.subjects < minimumSubjects && $0.fnmr.trials > 0 }) else { return "" }
        return "<p class=\"meta\"><span class=\"flag\">†</span> fewer than \(minimumSubjects) people: too few to judge on their own.</p>"
    }

    /// Rows: age at the younger photo; columns: every years-elapsed band, the baseline first.
    private static func ageYearsTable(_ rates: [AgeGapAnalysis.Rates], minimumSubjects: Int) -> String {
        var bands: [String] = []
        for r in rates where !bands.contains(r.group.enrolmentAgeBand) { bands.append(r.group.enrolmentAgeBand) }
        let elapsed = AgeBands.yearsElapsed.labels
        var rows = [
            "<table><tr><th>age at the earlier photo</th>"
                + elapsed.indices.map { "<th>\(elapsedPhrase($0)) apart\($0 == 0 ? " (baseline)" : "")</th>" }.joined() + "</tr>"
        ]
        for band in bands {
            let cells = elapsed.map { e in
                ageGapCell(
                    rates.first { $0.group.enrolmentAgeBand == band && $0.group.yearsElapsed == e }, minimumSubjects: minimumSubjects)
            }
            rows.append("<tr><th>\(HTML.escape(band))</th>\(cells.joined())</tr>")
        }
        return "<div style=\"overflow-x:auto\">" + rows.joined(separator: "\n") + "</table></div>" + fewPeople(rates, minimumSubjects)
    }

    /// Rows: the younger photo's band; columns: the older photo's band. A column younger than its row
    /// cannot occur and shows a dash.
    private static func bandPairTable(_ rates: [AgeGapAnalysis.Rates], minimumSubjects: Int) -> String {
        let bands = Set(rates.flatMap { [$0.group.enrolmentAgeBand, $0.group.laterAgeBand ?? ""] }).map(AgeBandLabel.init).sorted()
        let younger = bands.filter { b in rates.contains { $0.group.enrolmentAgeBand == b.label } }
        var rows = [
            "<table><tr><th>younger photo ↓ · older photo →</th>"
                + bands.map { "<th>\(HTML.escape($0.label))</th>" }.joined() + "</tr>"
        ]
        for row in younger {
            let cells = bands.map { column -> String in
                if column < row { return "<td class=\"meta\">—</td>" }
                return ageGapCell(
                    rates.first { $0.group.enrolmentAgeBand == row.label && $0.group.laterAgeBand == column.label },
                    minimumSubjects: minimumSubjects)
            }
            rows.append("<tr><th>\(HTML.escape(row.label))</th>\(cells.joined())</tr>")
        }
        return "<div style=\"overflow-x:auto\">" + rows.joined(separator: "\n") + "</table></div>" + fewPeople(rates, minimumSubjects)
    }
}
