import FaceAuditCohorts
import FaceAuditMetrics
import Foundation

/// "What this means for a school": the ``SchoolScenario`` at every operating point of the run, read from
/// the per-person counts (`partner_counts`) each single-attribute analysis stores in `summary.json`.
extension HTMLReport {
    /// One operating point of the scenario: its name and its single-attribute analyses.
    struct SchoolPoint {
        /// How the row is named, e.g. "1 in 1,000 (threshold 0.5007)".
        let name: String
        /// The analyses at this point, shown per group (age group only with two groups).
        let marginals: [DisaggregatedRates]
    }

    /// The scenario's settings from the report options; its bootstrap is the run's (`--bootstrap`
    /// replicates up to 1,000, 0: no intervals, and `--seed`), or 1,000 replicates from seed 1 for a
    /// summary that records no configuration. (Every replicate's tables are kept until the percentiles
    /// are read: a million of them, which `--bootstrap` allows, would take minutes and gigabytes.)
    static func scenarioSettings(_ s: RunSummary, _ o: ReportOptions) -> SchoolScenario.Settings {
        var settings = SchoolScenario.Settings()
        settings.schoolSize = o.schoolSize
        settings.passesPerDay = o.passesPerDay
        settings.schoolDays = o.schoolDays
        settings.watchlistSize = o.watchlistSize
        settings.trackingDays = o.trackingDays
        settings.watchlistMix = o.watchlistMix
        settings.seed = s.configuration?.seed ?? 1
        settings.replicates = min(s.configuration?.bootstrap ?? settings.replicates, 1000)
        return settings
    }

    /// Every operating point of the run: the target FMRs from the most to the least lenient, then the
    /// fixed thresholds in the order given.
    static func schoolPoints(_ s: RunSummary) -> [SchoolPoint] {
        let marginals = s.cohorts.filter { !$0.dimensions.isIntersection && isShownPerGroup($0) }
        var points: [SchoolPoint] = []
        for t in Set(marginals.compactMap(\.targetFMR)).sorted(by: >) {
            let at = marginals.filter { $0.targetFMR == t }
            let threshold = at.first.map { ", threshold \(plainNumber($0.threshold))" } ?? ""
            points.append(SchoolPoint(name: "set for \(HTML.oneIn(t)) false matches\(threshold)", marginals: at))
        }
        for view in fixedThresholds(s) {
            let name = view.point.label.map { "\($0) (\(plainNumber(view.point.threshold)))" } ?? view.title
            points.append(SchoolPoint(name: name, marginals: view.marginals))
        }
        return points
    }

    /// The included cohorts of `analysis` (indices into its cohorts): with children in the data, an age
    /// analysis keeps only children's groups (as ``schoolCohorts(_:target:marginals:)`` decides); every
    /// other analysis keeps every group with people, unknown labels included, so that parts add up.
    static func schoolGroups(_ analysis: DisaggregatedRates, kept: DisaggregatedRates?, counts: PartnerCounts) -> [Int] {
        let names = Set((kept ?? analysis).cohorts.map(\.cohort))
        return analysis.cohorts.indices.filter { names.contains(analysis.cohorts[$0].cohort) && counts.people(inCohort: $0) > 0 }
    }

    /// The school section: the model and its settings (with the flags that change them), the whole school
    /// at every operating point, then each attribute's groups.
    static func schoolSection(_ s: RunSummary, target: Double, options o: ReportOptions) -> String {
        let settings = scenarioSettings(s, o)
        let points = schoolPoints(s)
        let minimum = s.minimumSubjects
        var out = ["<h2>What this means for a school</h2>"]
        let mix =
            o.watchlistMix.isEmpty
            ? "drawn from the same people as the students"
            : "of the mix given by --watchlist-mix where a table's groups are named ("
                + o.watchlistMix.sorted { $0.key < $1.key }.map { "\(HTML.escape(value(of: $0.key))) \(plainNumber($0.value))" }
                .joined(separator: ", ") + "; shares are scaled to add to 1 over the groups named), else of the students' own mix"
        out.append(
            "<p>Suppose a school of \(HTML.grouped(o.schoolSize)) students, with the mix of groups of the people in this dataset, where a camera checks each student \(o.passesPerDay) times a school day for \(o.schoolDays) days a year against a watchlist of \(HTML.grouped(o.watchlistSize)) people \(mix). No student is on the list, so every alert is false. A <em>false alert</em> is one watchlist entry wrongly matched to a student; its rate comes from every comparison of two different people in the data, within and across groups. \(Self.falseAlertsCount)</p>"
        )
        out.append(
            "<details class=\"fold\"><summary>How students flagged and wrong sightings are counted; intervals; the settings</summary>")
        out.append(
            "<p>False matches come from lasting look-alikes: the same pairs of people match again and again. So <em>students flagged</em> counts a student once when at least one of their look-alikes is on the watchlist, the chance of which comes from how many of the other people in the data each person falsely matched (their <em>false-match partners</em>), assuming that a pair that matched in the data matches again at least once a year and a pair that never did, never does. It does not treat the \(HTML.grouped(o.passesPerDay * o.schoolDays)) checks a year as independent.</p>"
        )
        out.append(
            "<p><em>Going back</em>: a school system that can track a person's movements over the previous \(o.trackingDays) days searches one student's face against every face captured in that time, \(o.passesPerDay) captures a day of each of the other \(HTML.grouped(o.schoolSize - 1)) students. A <em>wrong sighting</em> is a capture of another student returned as a match; the chance of at least one assumes a look-alike captured that often is returned at least once.</p>"
        )
        out.append(
            "<p>\(settings.replicates > 0 ? "Intervals are 95% intervals from resampling the people of each group in the data; a group of fewer than \(minimum) people gets none." : "This run resampled no one (<code>--bootstrap 0</code>), so no number here has an interval.") Change the settings with <code>--school-size</code> (now \(HTML.grouped(o.schoolSize))), <code>--passes-per-day</code> (\(o.passesPerDay)), <code>--school-days</code> (\(o.schoolDays)), <code>--watchlist-size</code> (\(HTML.grouped(o.watchlistSize))), <code>--watchlist-mix</code> (\(o.watchlistMix.isEmpty ? "not set: the students' own mix" : "set")), <code>--tracking-days</code> (\(o.trackingDays)); the operating points with <code>--target-fmr</code> and <code>--threshold</code>.</p>"
        )
        out.append("</details>")
        let school = schoolCohorts(s, target: target, marginals: points.first?.marginals ?? [])
        if let note = school.note { out.append(note) }

        // The whole school at every operating point.
        let coverage = childCoverage(s, target: target)
        let rows = points.compactMap { point -> (String, SchoolScenario)? in
            let scenario: SchoolScenario?
            if case .both(let children, _, _)? = coverage {
                let ages = point.marginals.first { $0.dimensions.description == ageGroupDimension }
                scenario = ages.flatMap { a in
                    a.partnerCounts.flatMap { counts in
                        a.cohorts.firstIndex { $0.cohort == children.cohort }.map {
                            SchoolScenario(counts: counts, names: a.cohorts.map(\.cohort), groups: [$0], settings: settings)
                        }
                    }
                }
            } else {
                scenario = point.marginals.lazy.compactMap(\.partnerCounts).first.map { SchoolScenario(everyone: $0, settings: settings) }
            }
            return scenario.map { (point.name, $0) }
        }
        guard !rows.isEmpty else {
            out.append(
                "<p>This run's summary.json has no per-person counts (written before they were recorded), so the school scenario cannot be computed; run it again.</p>"
            )
            return out.joined(separator: "\n")
        }
        if case .both? = coverage {
            // The ages its children have, where the data lacks some: the whole school is not every age a school has.
            let ages = childAges(s, target: target).flatMap { $0.empty.isEmpty ? nil : ", here aged \($0.from) to \($0.to)" } ?? ""
            out.append("<p>The whole school below is made of this dataset's children (under 18\(ages)) only.</p>")
        }
        // The group the whole school is made of (the children, else everyone): too small to rely on, it is
        // flagged and shows no interval, as a group's row below does.
        let wholeGroup: CohortRates?
        if case .both(let children, _, _)? = coverage { wholeGroup = children } else { wholeGroup = points.first?.marginals.first?.overall }
        let fewInWhole = wholeGroup.map(tooFewPeople) ?? false
        if fewInWhole, let wholeGroup {
            out.append(
                "<p class=\"flag\">The whole school below rests on \(wholeGroup.subjects) people in the data, fewer than \(minimum): no interval, no conclusion.</p>"
            )
        }
        out.append("<h3>The whole school</h3>")
        out.append(
            "<table><tr><th>operating point</th><th>false alerts per school day \(Self.falseAlertsMeaning)</th><th>students flagged at least once a year</th><th>false alerts a year per flagged student \(Self.falseAlertsMeaning)</th><th>wrong sightings per \(o.trackingDays)-day search of one student</th><th>chance a search returns a wrong sighting</th></tr>"
        )
        for (name, scenario) in rows {
            let t = scenario.total
            let perFlagged =
                t.flaggedPerYear.value > 0 ? plainCount(t.alertsPerDay.value * Double(o.schoolDays) / t.flaggedPerYear.value) : "–"
            func show(_ e: SchoolScenario.Estimate, _ format: (Double) -> String) -> String {
                fewInWhole ? format(e.value) : estimate(e, format)
            }
            out.append(
                "<tr><td>\(HTML.escape(name))</td><td>\(show(t.alertsPerDay, plainCount))</td><td>\(show(t.flaggedPerYear, plainCount)) of \(HTML.grouped(o.schoolSize))</td><td>\(perFlagged)</td><td>\(show(t.wrongSightings, plainCount))</td><td>\(show(t.anyWrongSighting, plainChance))</td></tr>"
            )
        }
        out.append("</table>")

        // Each attribute: its groups at every operating point; the parts add up to the school's total.
        let whole = Dictionary(rows.map { ($0.0, $0.1.total) }, uniquingKeysWith: { first, _ in first })
        let dimensions = (points.first?.marginals ?? []).map(\.dimensions)
        for dimension in dimensions {
            var table = [
                "<table><tr><th>group</th><th>students</th><th>people in the data with a false-match partner</th><th>false alerts per school day \(Self.falseAlertsMeaning)</th><th>students flagged at least once a year</th><th>wrong sightings per search of one student</th><th>chance a search returns a wrong sighting</th><th>notes</th></tr>"
            ]
            var shares: String?
            for point in points {
                guard let analysis = point.marginals.first(where: { $0.dimensions == dimension }), let counts = analysis.partnerCounts
                else {
                    continue
                }
                let kept = schoolCohorts(s, target: target, marginals: [analysis]).analyses.first
                let groups = schoolGroups(analysis, kept: kept, counts: counts)
                guard !groups.isEmpty else { continue }
                let scenario = SchoolScenario(counts: counts, names: analysis.cohorts.map(\.cohort), groups: groups, settings: settings)
                if scenario.customWatchlist && shares == nil {
                    shares = zip(groups, scenario.watchlistShares).map {
                        "\(HTML.escape(value(of: analysis.cohorts[$0].cohort))) \(plainChance($1))"
                    }
                    .joined(separator: ", ")
                }
                table.append("<tr><th colspan=\"8\">At \(HTML.escape(point.name))</th></tr>")
                // With children and adults in the data, the whole school above is the children alone; a table
                // of another attribute counts over all ages, so its total is another school's.
                let childrenOnly: Bool
                if case .both? = coverage, ![ageGroupDimension, CohortDimension.ageBand.rawValue].contains(dimension.description) {
                    childrenOnly = true
                } else {
                    childrenOnly = false
                }
                for (k, g) in (scenario.groups + [scenario.total]).enumerated() {
                    let isTotal = k == scenario.groups.count
                    let name =
                        isTotal
                        ? "<strong>all students</strong>\(childrenOnly ? " (rates of all ages)" : "")" : HTML.escape(value(of: g.cohort))
                    // No interval where resampling cannot show one: a handful of people, a group in which no one
                    // falsely matched anyone (resampling them gives 0 every time), and the total with the
                    // default mix, which is the whole school's above.
                    let note: String
                    if isTotal {
                        let school = whole[point.name]
                        let same = school.map { t in
                            [(t.alertsPerDay, g.alertsPerDay), (t.flaggedPerYear, g.flaggedPerYear)].allSatisfy {
                                abs($0.0.value - $0.1.value) <= 1e-9 * max(1, abs($0.0.value))
                            }
                        }
                        if same == true {
                            note =
                                "the same total as the whole school above"
                                + (settings.replicates > 0 && !fewInWhole ? ", which gives its interval" : "")
                        } else if childrenOnly {
                            note =
                                "not the whole school above, which is children only: these rates are over all ages, adults included"
                        } else if let wholeGroup, g.people > wholeGroup.subjects {
                            // Ages: a person whose photos fall in two bands is in both groups (a pair of photos
                            // counts by its mean age), so the groups hold more people than the school's.
                            let twice = g.people - wholeGroup.subjects
                            note =
                                "not the whole school above: \(twice) \(twice == 1 ? "person counts" : "people count") in two groups here, their photos' ages on both sides of a group's limit, so this total differs a little"
                        } else {
                            note = ""
                        }
                    } else if tooFewPeople(analysis.cohorts[groups[k]]) {
                        note = tooFewNote(minimum)
                    } else if g.peopleWithPartners == 0 {
                        note = "none of its \(g.people) people falsely matched anyone at this setting: 0 is what was seen, not a bound"
                    } else {
                        note = ""
                    }
                    func show(_ e: SchoolScenario.Estimate, _ format: (Double) -> String) -> String {
                        note.isEmpty ? estimate(e, format) : format(e.value)
                    }
                    table.append(
                        "<tr><td>\(name)</td><td>\(plainCount(g.students))</td><td>\(g.peopleWithPartners) of \(g.people)</td><td>\(show(g.alertsPerDay, plainCount))</td><td>\(show(g.flaggedPerYear, plainCount))</td><td>\(show(g.wrongSightings, plainCount))</td><td>\(show(g.anyWrongSighting, plainChance))</td><td class=\"flag\">\(note)</td></tr>"
                    )
                }
            }
            guard table.count > 1 else { continue }
            table.append("</table>")
            let watchlist = shares.map { "The watchlist here: \($0) (--watchlist-mix)." } ?? "The watchlist here has the students' own mix."
            out.append(
                "<details class=\"school\"><summary>By \(HTML.escape(label(dimension: dimension.description).lowercased()))</summary>")
            out.append(
                "<p>False alerts and flagged students of the groups add up to the row <em>all students</em>. \(watchlist) Tracking rows are per search of one student of the group.</p>"
            )
            out.append(table.joined(separator: "\n"))
            out.append("</details>")
        }
        return out.joined(separator: "\n")
    }

    /// The school section's note on a group the run flagged as too small (``tooFewPeople(_:)``), of
    /// fewer than `minimum` people.
    static func tooFewNote(_ minimum: Int) -> String { "fewer than \(minimum) people: no interval, no conclusion" }

    /// What every false-alert column adds to its name, so that a number quoted with its label is not read as
    /// students: one check can match several entries.
    static let falseAlertsMeaning = "(wrong watchlist matches, not students)"

    /// The section's sentence on what a false alert counts.
    static let falseAlertsCount =
        "A check that matches two watchlist entries counts as two false alerts: false alerts count wrong matches, not students; the students wrongly flagged are counted on their own (<em>students flagged</em>)."

    /// A value with its interval, e.g. "190 (120–260)".
    static func estimate(_ e: SchoolScenario.Estimate, _ format: (Double) -> String) -> String {
        let value = format(e.value)
        guard let i = e.interval else { return value }
        let (lower, upper) = (format(i.lower), format(i.upper))
        // "over 99.9% (over 99.9%–over 99.9%)" says no more than its first words.
        return lower == value && upper == value ? value : "\(value) (\(lower)–\(upper))"
    }

    /// A threshold or share written without an exponent: four decimals (four significant digits below
    /// 0.001), trailing zeros dropped (0.5007, 0.6, 1.9, 12, 0.00001234).
    static func plainNumber(_ x: Double) -> String {
        guard x.isFinite else { return "–" }
        // Four decimals, or enough for four significant digits of a smaller number (never rounded to 0).
        let digits = x == 0 ? 4 : min(12, max(4, 3 - Int(log10(abs(x)).rounded(.down))))
        var text = String(format: "%.\(digits)f", x)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// An expected count written plainly: "0", "under 0.01", "0.35", "4.2", "190", "1,234".
    static func plainCount(_ x: Double) -> String {
        guard x.isFinite else { return "–" }
        if x <= 0 { return "0" }
        if x < 0.01 { return "under 0.01" }
        if x < 1 { return String(format: "%.2f", x) }
        if x < 10 { return String(format: "%.1f", x) }
        return HTML.grouped(Int(x.rounded()))
    }

    /// A chance written plainly: "0%", "under 0.1%", "3.5%", "42%", "over 99.9%" (also for 1).
    static func plainChance(_ p: Double) -> String {
        guard p.isFinite else { return "–" }
        if p <= 0 { return "0%" }
        if p < 0.001 { return "under 0.1%" }
        // 1 − (1 − x)ⁿ below 1 can round to 1 in floating point: never claimed as certain.
        if p > 0.999 { return "over 99.9%" }
        if p < 0.1 { return String(format: "%.1f%%", p * 100) }
        return String(format: "%.0f%%", p * 100)
    }
}
