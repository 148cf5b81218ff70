import FaceAuditCohorts
import FaceAuditMetrics
import Foundation

/// `report.html`: one self-contained page (inline CSS and SVG, no script, no network request) that a
/// journalist or school board can read, built only from a run's results.
public enum HTMLReport {
    /// Renders the page.
    public static func render(
        _ s: RunSummary, curves: [CurveSet], histograms: [ScoreHistogram] = [],
        options: ReportOptions = ReportOptions()
    ) -> String {
        let targets = Set(s.cohorts.compactMap(\.targetFMR)).sorted()
        let headline = log10(options.headlineTarget)
        let target = targets.min { abs(log10($0) - headline) < abs(log10($1) - headline) } ?? 1e-3
        let marginals = s.cohorts.filter { $0.targetFMR == target && !$0.dimensions.isIntersection && isShownPerGroup($0) }
        let intersections = s.cohorts.filter { $0.targetFMR == target && $0.dimensions.isIntersection }
        let point = s.verification.operatingPoints.first { $0.targetFmr == target }
        let fixed = fixedThresholds(s)
        let colors = groupColors(s)
        var body: [String] = []
        let title = "How accurately does face recognition work, and for whom? \(s.dataset.card.title)"
        if s.simulated {
            body.append(
                "<p class=\"simulated\">SIMULATED: every number on this page comes from a simulated population, not from real people.</p>")
        }
        body.append("<h1>\(HTML.escape(title))</h1>")
        body.append(
            "<p class=\"meta\">FaceAudit \(HTML.escape(s.tool["version"] ?? "")) · \(HTML.escape(s.pipeline.name)) pipeline · generated \(HTML.escape(s.generatedAt))</p>"
        )

        // 1. Plain-language summary: the findings that hold first, each naming its operating point.
        body.append("<h2>Summary</h2>")
        let children = childrenSummary(s, target: target)
        let findings = s.findings ?? []
        var summary: [String] = children.lead
        let held = heldFindings(findings, replicates: s.configuration?.bootstrap)
        summary.append(contentsOf: held.prefix(Self.firstScreenFindings))
        // Everything else the summary says, folded so that the first screen holds the strongest findings.
        var more = Array(held.dropFirst(Self.firstScreenFindings))
        if let point {
            let setting =
                "The system was set, as NIST does, to one threshold for everyone: the one at which about \(HTML.oneIn(target)) comparisons of two different people is wrongly declared a match. "
                + "Over all \(HTML.grouped(point.impostorTrials)) such comparisons in this dataset, \(HTML.grouped(point.falseMatches)) were false matches (\(HTML.percent(point.fmr)))"
            if point.genuineTrials > 0 {
                summary.append(
                    setting
                        + ", and \(HTML.grouped(point.falseNonMatches)) of \(HTML.grouped(point.genuineTrials)) comparisons of the same person were missed (\(HTML.percent(point.fnmr)))."
                )
            } else {
                summary.append(setting + ".")
                summary.append(Self.fnmrNotMeasured)
            }
        }
        summary.append(contentsOf: children.comparison)
        if let unmeasured = unmeasuredGroups(marginals) { summary.append(unmeasured) }
        if let point {
            more.append(
                contentsOf: unheldFindings(
                    findings, marginals: marginals, point: point, at: "At the threshold set for \(HTML.oneIn(target)) false matches overall"
                ))
        }
        for view in fixed {
            more.append(contentsOf: fixedSummary(view, polarity: s.verification.polarity))
            more.append(
                contentsOf: unheldFindings(
                    findings, marginals: view.marginals, point: view.point, at: "At " + view.name(polarity: s.verification.polarity)))
        }
        if s.failuresToAcquire.images > 0 {
            summary.append(
                "\(s.failuresToAcquire.images) of \(s.dataset.images) photos gave the system no usable face; they count as failures, not as omissions."
            )
        }
        // In a simulated run every sentence says so, so that one quoted alone does too (a finding's
        // statement already begins so, inside its emphasis).
        func item(_ sentence: String) -> String {
            let marked = s.simulated && !sentence.contains(Finding.simulatedPrefix)
            return "<li>\(marked ? Finding.simulatedPrefix : "")\(sentence)</li>"
        }
        body.append("<ul class=\"summary\">" + summary.map(item).joined() + "</ul>")
        if !more.isEmpty {
            body.append(
                "<details class=\"more-findings\"><summary>\(more.count) more statements: other findings, each operating point's overall rates, and what this data cannot show</summary><ul class=\"summary\">"
                    + more.map(item).joined() + "</ul></details>")
        }

        // 2. Rates by group.
        body.append("<h2>Error rates by group</h2>")
        // Which threshold: the summary's findings are at several, this section's charts and tables at one.
        let here =
            marginals.first.map { analysis in
                let kind = s.verification.polarity == "dissimilarity" ? "distance" : "score"
                return
                    "Every group here is measured at one threshold, set for \(HTML.oneIn(target)) false matches overall (\(kind) \(String(format: "%.4g", analysis.threshold))); findings above name their own."
            } ?? "Each group is measured at the same threshold."
        body.append(
            "<p>\(here) A false match compares two <em>different</em> people of the group; a false non-match, two photos of the same person. Bars use a logarithmic scale; \(Self.intervalLines(replicates: s.configuration?.bootstrap)) The dashed line is everyone together, for reference, not a group. A group with no error has no bar: a hollow circle, and a line to the most its rate could be (its exact 95% upper bound). \"Cannot support FMR\" means the group has too few pairs to show a rate as low as the target; a rate far above it can still be shown.</p>"
        )
        for analysis in marginals { body.append(groupRates(analysis, s)) }
        body.append(contentsOf: detectableSection(marginals))
        if !intersections.isEmpty {
            body.append(
                "<details class=\"fold\"><summary>Intersections: \(intersections.count) \(intersections.count == 1 ? "table" : "tables") of groups defined by two or more attributes</summary>"
            )
            let minimum = s.minimumSubjects
            body.append(
                "<p>Groups defined by two or more attributes at once. Each table shows only the groups of \(minimum) or more people; how many smaller groups, too few to rely on, are left out is said above it, and cohorts.csv has their rates. Flagged rows cannot support claims.</p>"
            )
            for analysis in intersections { body.append(intersectionTable(analysis, minimum: minimum)) }
            body.append("</details>")
        }
        for view in fixed { body.append(fixedSection(view, s)) }
        body.append(contentsOf: ageGapSection(s.ageGap, target: target))

        // 3. False matches at every threshold, then the DET curves.
        body.append(contentsOf: thresholdSection(s, curves: curves, marginals: marginals, target: target, fixed: fixed))
        body.append("<h2>Trade-off curves</h2>")
        body.append("<details class=\"fold\"><summary>Show the trade-off (DET) curves</summary>")
        if s.verification.genuineTrials > 0 {
            body.append(
                "<p>Each curve shows how a group's two error rates trade off as the threshold moves (DET curve, normal-deviate axes). The dot is the group at the threshold for \(HTML.oneIn(target)) false matches\(fixed.isEmpty ? "" : "; the ring, at \(HTML.escape(fixed[0].title))").</p>"
            )
        } else {
            body.append(
                "<p>This dataset has no two photos of the same person, so there are no trade-off curves: a curve needs both error rates, and the false non-match rate was not measured.</p>"
            )
        }
        for analysis in marginals where analysis.overall.fnmr.trials > 0 {
            // A curve needs both error rates: a group without either kind of pair is named, not drawn.
            let unmeasured = analysis.cohorts.filter { $0.fnmr.trials == 0 }.map { value(of: $0.cohort) }
            if !unmeasured.isEmpty {
                body.append(
                    "<p>No curve for \(HTML.escape(unmeasured.joined(separator: ", "))): no two photos of the same person in \(unmeasured.count == 1 ? "that group" : "those groups").</p>"
                )
            }
            let unpaired = analysis.cohorts.filter { $0.fmr.trials == 0 && $0.fnmr.trials > 0 }.map { value(of: $0.cohort) }
            if let note = leftOut(unpaired, what: "curve", kind: "pairs of different people") { body.append(note) }
            let series = ([analysis.overall] + analysis.cohorts).filter { $0.fnmr.trials > 0 && $0.fmr.trials > 0 }.map {
                rates -> Charts.DETSeries in
                let points = curves.first { $0.dimensions == analysis.dimensions && $0.cohort == rates.cohort }?.points ?? []
                let ring = fixed.first?.marginals.first { $0.dimensions == analysis.dimensions }.flatMap { a in
                    ([a.overall] + a.cohorts).first { $0.cohort == rates.cohort }
                }
                return Charts.DETSeries(
                    label: value(of: rates.cohort), points: points, operating: (rates.fmr.rate, rates.fnmr.rate),
                    fixed: ring.map { ($0.fmr.rate, $0.fnmr.rate) }, color: colors.color(rates.cohort))
            }
            let fmr = ([analysis.overall] + analysis.cohorts).filter { $0.fnmr.trials > 0 && $0.fmr.trials > 0 }.map(\.fmr.rate)
            let (shown, note) = highlightingFew(series, fmr: fmr)
            if let note { body.append("<p>\(HTML.escape(note))</p>") }
            body.append(
                Charts.det(title: "DET curves by \(label(dimension: analysis.dimensions.description).lowercased())", series: shown))
        }
        body.append("</details>")

        // 3a. Inequity at every threshold: one more fold under the same heading.
        body.append(contentsOf: inequityCurveSection(s, targets: targets))

        // 3b. Score distributions.
        // Under the same heading as the curves: two folds, one heading.
        if !histograms.isEmpty {
            body.append("<details class=\"fold\"><summary>Show the score distributions</summary>")
            body.append(
                "<p>How the system scores pairs of the same person (blue, filled) and of different people of the same group (orange, outlined), each with its pairs per bin on a logarithmic scale up to its own peak, so that a single pair in a tail shows; the dashed line is the threshold. Where the two overlap, errors happen. Scores are \(HTML.escape(s.pipeline.comparison)).</p>"
            )
            if s.verification.genuineTrials == 0 {
                body.append(
                    "<p>This dataset has no pairs of the same person, so only the scores of different people are shown: every pair \(s.verification.polarity == "dissimilarity" ? "left" : "right") of the threshold is a false match.</p>"
                )
            }
            for analysis in marginals {
                let rows = histograms.filter { $0.dimensions == analysis.dimensions }.map { h in
                    (label: value(of: h.cohort), edges: h.edges, mated: h.mated, nonMated: h.nonMated)
                }
                body.append(
                    Charts.histograms(
                        title: "Score distributions by \(label(dimension: analysis.dimensions.description).lowercased())", rows: rows,
                        threshold: analysis.threshold,
                        scoreTitle: "Score (\(s.pipeline.comparison))"))
                // A group's row without one kind of pair has only the other's outline: said, not left blank.
                let groups = rows.filter { $0.label != "overall" }
                if let note = leftOut(
                    groups.filter { $0.nonMated.allSatisfy { $0 == 0 } }.map(\.label), what: "outlined scores (different people)",
                    kind: "pairs of different people")
                {
                    body.append(note)
                }
                if s.verification.genuineTrials > 0,
                    let note = leftOut(
                        groups.filter { $0.mated.allSatisfy { $0 == 0 } }.map(\.label), what: "filled scores (same person)",
                        kind: "two photos of the same person")
                {
                    body.append(note)
                }
            }
            body.append("</details>")
        }

        // 4. Heatmaps.
        body.append("<h2>Who is mistaken for whom</h2>")
        body.append(
            "<p>False matches between groups at the threshold for \(HTML.oneIn(target)) false matches; each line opens a chart of every pair of groups (darker: more, on one logarithmic scale; white: none).</p>"
        )
        for analysis in marginals {
            let dimension = label(dimension: analysis.dimensions.description).lowercased()
            body.append(
                "<details class=\"fold\"><summary>\(HTML.escape(crossGroupLine(dimension: dimension, cells: analysis.crossFMR)))</summary>"
                    + Charts.heatmap(
                        title: "Cross-group false matches by \(dimension)", labels: analysis.cohorts.map { value(of: $0.cohort) },
                        cells: analysis.crossFMR) + "</details>")
        }

        // 4b. What goes with more false matches (the error regression).
        body.append(contentsOf: regressionSection(s, target: target))
        // 4c. Could a setting make it fairer (the mitigation what-ifs).
        body.append(contentsOf: mitigationSection(s, target: target))
        // 4d. Photo quality by group (measured covariates, not controlled).
        body.append(contentsOf: qualitySection(s, target: target))

        // 5. Deployment risk.
        body.append(schoolSection(s, target: target, options: options))
        if let watchlist = s.watchlist { body.append(watchlistSection(watchlist)) }

        // 6. Methodology, dataset, limitations, reproduction.
        body.append("<h2>How this was measured</h2>")
        body.append(
            "<p>Pipeline: \(HTML.escape(s.pipeline.name)), compared by \(HTML.escape(s.pipeline.comparison)). BLAS: \(HTML.escape(s.pipeline.blas)).</p>"
        )
        body.append("<details class=\"fold\"><summary>Models, operating points and conventions</summary>")
        body.append(
            "<table><tr><th>model file</th><th>SHA-256</th></tr>"
                + s.pipeline.models.sorted { $0.key < $1.key }.map {
                    "<tr><td>\(HTML.escape($0.key))</td><td><code>\(HTML.escape($0.value))</code></td></tr>"
                }
                .joined() + "</table>")
        body.append(
            "<table><tr><th>operating point</th><th>threshold</th><th>false matches</th><th>false non-matches</th><th>threshold resolvable (summary.json <code>estimable</code>)</th><th>pairs for a rate this low (3 / rate, as the tables' flags)</th></tr>"
                + (s.verification.operatingPoints + (s.verification.thresholdPoints ?? [])).map { p in
                    "<tr><td>\(p.targetFmr.map { "target FMR \(HTML.number($0, 2))" } ?? "fixed: \(HTML.escape(p.label ?? "given"))")</td><td>\(HTML.number(p.threshold, 5))</td><td>\(HTML.grouped(p.falseMatches)) / \(HTML.grouped(p.impostorTrials))</td><td>\(p.genuineTrials > 0 ? "\(HTML.grouped(p.falseNonMatches)) / \(HTML.grouped(p.genuineTrials))" : Self.notMeasured)</td><td>\(p.estimable ? "yes" : "no")</td><td>\(pairsSupport(p))</td></tr>"
                }.joined() + "</table>")
        body.append(researchMeasures(s, analyses: marginals + fixed.flatMap(\.marginals)))
        body.append(
            "<dl class=\"conventions\">"
                + s.conventions.sorted { $0.key < $1.key }.map { "<dt>\(HTML.escape($0.key))</dt><dd>\(HTML.escape($0.value))</dd>" }
                .joined() + "</dl>")
        body.append(standardTerms(watchlist: s.watchlist != nil))
        body.append("</details>")

        let card = s.dataset.card
        body.append("<h2>The dataset</h2>")
        body.append("<p><strong>\(HTML.escape(card.title))</strong>. \(HTML.escape(card.description))</p>")
        body.append("<p>Licence: \(HTML.escape(card.license)). Cite: \(HTML.escape(card.citation))</p>")
        body.append(
            "<p>\(HTML.grouped(s.dataset.subjects)) people, \(HTML.grouped(s.dataset.images)) photos, \(HTML.grouped(s.dataset.matedPairs)) same-person pairs, \(HTML.grouped(s.dataset.nonMatedPairs)) different-person pairs.</p>"
        )
        body.append(
            "<p>How labels were obtained: "
                + card.labelProvenance.sorted { $0.key < $1.key }.map { "\(HTML.escape($0.key)) — \(HTML.escape($0.value.rawValue))" }
                .joined(separator: "; ") + ".</p>")

        body.append("<h2>Limitations</h2>")
        var limits = card.limitations
        // Named per attribute, as the tables name them: "age band: 30-49, 50-64; ethnicity (as labeled): black".
        let flagged = marginals.compactMap { analysis -> String? in
            let groups = analysis.cohorts.filter { !$0.flags.isEmpty }.map { value(of: $0.cohort) }
            guard !groups.isEmpty else { return nil }
            return "\(label(dimension: analysis.dimensions.description).lowercased()): \(groups.joined(separator: ", "))"
        }
        if !flagged.isEmpty {
            limits.append(
                "Groups too small for firm conclusions at this threshold (see the flags in the tables): \(flagged.joined(separator: "; "))."
            )
        }
        limits.append("Rates come from this dataset and this system; other photos, cameras or systems will differ.")
        // Runs written before findings carried an adjusted p-value were judged on the interval alone.
        let tests = (s.findings ?? []).lazy.compactMap(\.comparisons).first
        let people = "both groups have \(s.minimumSubjects) or more people"
        limits.append(
            tests.map { n in
                "A difference is stated only if its 95% interval lies above 1, \(people), and chance is unlikely with all groups and the run's \(HTML.grouped(n)) \(n == 1 ? "test" : "tests") allowed for (a Holm-adjusted p of 0.05 or less)."
            }
                ?? "A difference is stated only when the 95% interval of the ratio lies above 1 and \(people); a group not mentioned may still differ by less than the data can show."
        )
        // Which children's ages the numbers cover, when the data lacks some under 18 (a sentence of HTML).
        let ages = childAgesSentence(s, target: target, people: "children").map { "<li>\($0)</li>" } ?? ""
        body.append("<ul>" + limits.map { "<li>\(HTML.escape($0))</li>" }.joined() + ages + "</ul>")
        body.append(checklistSection(s, marginals: marginals, histograms: !histograms.isEmpty))

        body.append(contentsOf: reproduceSection(s))

        return page(title: title, body: body.joined(separator: "\n"), simulated: s.simulated)
    }

    /// A whole self-contained page: `body` (with tables made scrollable, and marked when simulated) in
    /// the report's style.
    static func page(title: String, body: String, simulated: Bool) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <style>
        \(css)\(simulated ? simulatedPrintCSS : "")
        </style>
        </head>
        <body>
        \(finish(body, simulated: simulated))
        </body>
        </html>

        """
    }

    static let css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; color: #222; line-height: 1.4; overflow-wrap: break-word; }
        h1 { font-size: 1.35rem; margin: .4rem 0 .2rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 1.5rem; }
        table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; } td, th { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; }
        .table-scroll { overflow-x: auto; max-width: 100%; } pre { white-space: pre-wrap; overflow-wrap: anywhere; } td code { overflow-wrap: anywhere; }
        th { background: #f3f3f3; } tr.overall td { border-top: 2px solid #888; font-style: italic; } .flag { color: #a33; font-size: .85rem; } .meta { color: #555; font-size: .85rem; margin: .2rem 0; }
        .simulated { background: #fde68a; border: 2px solid #b45309; padding: .4rem; font-weight: bold; text-align: center; margin: .4rem 0; }
        caption.simulated-mark { caption-side: top; text-align: left; font-weight: bold; color: #92400e; font-size: .8rem; }
        .summary li { margin: .25rem 0; } svg.chart { height: auto; display: block; margin: 0; font-family: inherit; } .chart-scroll { margin: .6rem 0; }
        .chart-title { font-weight: bold; font-size: .95rem; margin: .9rem 0 -.6rem; } .chart-title .simulated-mark { color: #92400e; font-size: .8rem; margin-right: .3rem; }
        .chart-scroll, .table-scroll { overflow-x: auto; max-width: 100%; background: linear-gradient(to right, #fff 40%, rgba(255,255,255,0)) left / 2rem 100% no-repeat local, linear-gradient(to left, #fff 40%, rgba(255,255,255,0)) right / 2rem 100% no-repeat local, linear-gradient(to left, rgba(0,0,0,.22), rgba(0,0,0,0)) right / 1rem 100% no-repeat scroll, linear-gradient(to right, rgba(0,0,0,.22), rgba(0,0,0,0)) left / 1rem 100% no-repeat scroll; }
        .scroll-cue { display: none; } @media (max-width: 35rem) { .scroll-cue { display: block; margin: .6rem 0 -.5rem; font-size: .85rem; color: #555; text-align: right; } }
        .chart-legend { list-style: none; padding: 0; margin: -.2rem 0 .6rem; display: flex; flex-wrap: wrap; gap: .1rem 1.1rem; font-size: .85rem; }
        .chart-legend .swatch { display: inline-block; width: 1.3rem; border-top: 4px solid; vertical-align: middle; margin-right: .35rem; } .chart-legend .swatch.overall { border-top: 3px dashed; }
        details.fold { margin: .6rem 0; } details.fold > summary { cursor: pointer; font-weight: 600; color: #1d4e89; }
        dl.conventions dt { font-weight: bold; } dl.conventions dd { margin: 0 0 .5rem 1rem; }
        @media print {
          body { margin: 0; max-width: none; } h2, .chart-title { break-after: avoid; } svg.chart, table { break-inside: avoid; }
          details::details-content { content-visibility: visible; display: block; }
          details:not([open]) > :not(summary) { display: block; }
          .table-scroll, .chart-scroll { overflow: visible; background: none; } .scroll-cue { display: none; } svg.chart { max-width: 100%; }
        }
        """

    /// A simulated run's mark on every printed page, in the page's top margin (a CSS page-margin box),
    /// where it covers nothing: an element fixed to the top of the page, as before, was printed over the
    /// first lines of every page. Browsers without page-margin boxes print the page without it; the
    /// banner and every table's and chart's mark are printed all the same.
    static let simulatedPrintCSS = """

        @media print {
          @page { margin-top: 1.8cm; @top-right { content: "SIMULATED data: not findings about real people"; font-weight: bold; font-size: 10pt; color: #92400e; } }
        }
        """

    /// The page's body, finished: every table and chart wrapped so that it scrolls sideways on a narrow
    /// screen instead of the page (a fade at the edge that has more; charts, drawn at their full size so
    /// that no text is below 11 px, with "scroll sideways →" above them on a phone), and, for a simulated
    /// run, every table captioned and every chart marked SIMULATED.
    static func finish(_ body: String, simulated: Bool) -> String {
        var replacements = [
            ("<table>", "<div class=\"table-scroll\"><table>"), ("</table>", "</table></div>"),
            ("<svg class=\"chart\"", "\(scrollCue)<div class=\"chart-scroll\"><svg class=\"chart\""), ("</svg>", "</svg></div>"),
        ]
        if simulated {
            // Every chart's visible title begins with the mark, where a phone's screen shows it (at the
            // chart's top right it was off that screen), and so does its accessible title, which a copy of the
            // drawing alone keeps.
            replacements += [
                ("<table>", "<table><caption class=\"simulated-mark\">SIMULATED: not data about real people</caption>"),
                ("<p class=\"chart-title\">", "<p class=\"chart-title\"><span class=\"simulated-mark\">SIMULATED</span> "),
                ("<title>", "<title>SIMULATED: "),
            ]
        }
        var out = body
        for (pattern, replacement) in replacements { out = HTML.replacing(pattern, with: replacement, in: out) }
        return simulated ? watermarked(out) : out
    }

    /// `html` with a faint "SIMULATED" drawn across the middle of every chart, behind its marks: the title
    /// that carries the visible mark is a line of the page above the drawing, and a chart copied or
    /// screenshotted alone must still say it is not data about real people.
    static func watermarked(_ html: String) -> String {
        let pattern = #"(<svg class="chart" role="img" viewBox="0 (\d+) (\d+) (\d+)"[^>]*>\n<title>[^<]*</title>)"#
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return html }
        var out = ""
        var last = html.startIndex
        for match in expression.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            guard let whole = Range(match.range, in: html), let top = Range(match.range(at: 2), in: html),
                let width = Range(match.range(at: 3), in: html), let height = Range(match.range(at: 4), in: html),
                let y0 = Double(html[top]), let w = Double(html[width]), let h = Double(html[height])
            else { continue }
            let (x, y) = (w / 2, y0 + h / 2)
            let size = Int(min(w / 9, h / 3).rounded())
            out += html[last..<whole.upperBound]
            out +=
                "\n<text class=\"simulated-watermark\" x=\"\(Int(x))\" y=\"\(Int(y))\" text-anchor=\"middle\" dominant-baseline=\"middle\" "
                + "font-size=\"\(size)\" font-weight=\"bold\" fill=\"#b45309\" fill-opacity=\"0.13\" "
                + "transform=\"rotate(-12 \(Int(x)) \(Int(y)))\" aria-hidden=\"true\">SIMULATED</text>"
            last = whole.upperBound
        }
        return out + html[last...]
    }

    /// The line above a chart that a phone shows (every chart is wider than a phone's screen).
    static let scrollCue = "<p class=\"scroll-cue\" aria-hidden=\"true\">scroll sideways →</p>"

    /// One colour per group for the whole page, in the order the run's single-attribute groups come.
    static func groupColors(_ s: RunSummary) -> GroupColors {
        GroupColors(cohorts: s.cohorts.filter { !$0.dimensions.isIntersection }.flatMap { $0.cohorts.map(\.cohort) })
    }

    /// "False matches at every threshold": per attribute, each group's false match rate against the
    /// threshold (from the run's curves), with the report's thresholds marked.
    static func thresholdSection(
        _ s: RunSummary, curves: [CurveSet], marginals: [DisaggregatedRates], target: Double, fixed: [FixedThresholdView]
    ) -> [String] {
        let colors = groupColors(s)
        let distance = s.verification.polarity == "dissimilarity"
        var marks = s.verification.operatingPoints.compactMap { p in
            p.targetFmr.map { Charts.ThresholdMark(label: "\(HTML.oneIn($0))", threshold: p.threshold) }
        }
        marks += fixed.map { view in
            let value = HTML.number(view.point.threshold, 4)
            return Charts.ThresholdMark(
                label: view.point.label == nil ? "fixed \(value)" : "default \(value)", threshold: view.point.threshold)
        }
        // The chart of the attribute of the strongest finding that holds (else the first) is open; the
        // others fold under their titles.
        let marginalDimensions = Set(marginals.map(\.dimensions))
        let lead =
            (s.findings ?? []).first { $0.holds && marginalDimensions.contains($0.dimensions) }?.dimensions
            ?? marginals.first?.dimensions
        var charts: [String] = []
        for analysis in marginals {
            // A group without a pair of two different people has no rate at any threshold: named under the
            // chart, neither drawn nor in its legend.
            let series = ([analysis.overall] + analysis.cohorts).compactMap { rates -> Charts.ThresholdSeries? in
                guard rates.fmr.trials > 0,
                    let curve = curves.first(where: { $0.dimensions == analysis.dimensions && $0.cohort == rates.cohort })
                else {
                    return nil
                }
                return Charts.ThresholdSeries(label: value(of: rates.cohort), points: curve.points, color: colors.color(rates.cohort))
            }
            guard !series.isEmpty else { continue }
            let title = "False match rate by threshold, by \(label(dimension: analysis.dimensions.description).lowercased())"
            let unpaired = analysis.cohorts.filter { $0.fmr.trials == 0 }.map { value(of: $0.cohort) }
            let drawn =
                Charts.fmrByThreshold(
                    title: title,
                    thresholdTitle: distance
                        ? "Threshold (a match when the distance is at most this)" : "Threshold (a match when the score is at least this)",
                    series: series, marks: marks)
            guard !drawn.isEmpty else { continue }
            let chart = drawn + (leftOut(unpaired, what: "line", kind: "pairs of different people").map { "\n" + $0 } ?? "")
            if analysis.dimensions == lead {
                charts.insert(chart, at: 0)
            } else {
                charts.append("<details class=\"fold\"><summary>\(HTML.escape(title))</summary>\(chart)</details>")
            }
        }
        guard !charts.isEmpty else { return [] }
        return [
            "<h2>False matches at every threshold</h2>",
            "<p>How often two different people of the same group are matched, as the system is made \(distance ? "looser (right)" : "stricter (right)"). The dashed lines are the thresholds this report uses. A line above the others is a group the system confuses more often at every setting, not only at the one chosen. The chart open here is for the attribute of the summary's strongest finding; the others fold under their titles.</p>",
        ] + charts
    }

    /// The folded heat map's one line: the false matches among pairs of two different people of one group
    /// (the diagonal) and among pairs of people of two different groups (every cell below it, both orders),
    /// e.g. "By ethnicity: within a group, 20 of 10,020 (0.20%) pairs falsely matched; across groups, 0 of
    /// 10,584 (0%)". The two add up to every different-person pair of the analysis.
    static func crossGroupLine(dimension: String, cells: [[ErrorCount]]) -> String {
        let (within, across) = crossGroupTotals(cells)
        func part(_ c: ErrorCount) -> String {
            "\(HTML.grouped(c.errors)) of \(HTML.grouped(c.trials))" + (c.trials > 0 ? " (\(HTML.percent(c.rate)))" : "")
        }
        return "By \(dimension): within a group, \(part(within)) pairs falsely matched; across groups, \(part(across))"
    }

    /// The false matches of a cross-group matrix among pairs within one group (the diagonal) and among pairs
    /// across two groups (each unordered pair of groups once, both orders of its pairs).
    static func crossGroupTotals(_ cells: [[ErrorCount]]) -> (within: ErrorCount, across: ErrorCount) {
        var within = ErrorCount(errors: 0, trials: 0)
        var across = ErrorCount(errors: 0, trials: 0)
        for p in cells.indices {
            for r in 0...p {
                let cell = Charts.symmetricCell(cells, p, r)
                if p == r {
                    within = ErrorCount(errors: within.errors + cell.errors, trials: within.trials + cell.trials)
                } else {
                    across = ErrorCount(errors: across.errors + cell.errors, trials: across.trials + cell.trials)
                }
            }
        }
        return (within, across)
    }

    /// Whether an operating point's overall rate has the pairs the tables' flags ask of a group (the rule of
    /// three: ⌈3 / rate⌉ different-person pairs, the target FMR or, at a fixed threshold, the measured FMR):
    /// "enough (20,604; 300 needed)" or "too few (20,604; 30,000 needed)". `estimable` in summary.json says
    /// only that the threshold could be set from the scores; this column says whether the rate can be told
    /// apart from zero, as cohorts.csv's flags do.
    static func pairsSupport(_ p: VerificationReport.Point) -> String {
        guard let rate = p.targetFmr ?? p.fmr.flatMap({ $0 > 0 && $0.isFinite ? $0 : nil }) else { return "–" }
        let needed = RuleOfThree.requiredTrials(forFMR: rate)
        return "\(p.impostorTrials >= needed ? "enough" : "too few") (\(HTML.grouped(p.impostorTrials)); \(HTML.grouped(needed)) needed)"
    }

    /// How many findings that hold the first screen shows; the rest of the summary folds below them.
    static let firstScreenFindings = 3

    /// What a table cell, bar note or count says of an FNMR without mated pairs: never 0.
    static let notMeasured = "not measured (no mated pairs)"

    /// What a table cell, bar note or chart note says of an FMR without a pair of two different people (a
    /// group of one person, say): never "0 of 0", which reads like a group with no error.
    static let noPairs = "not measured (no pairs of different people)"

    /// The sentence under a line chart (threshold, DET) or the score distributions naming the groups left
    /// out of it for want of pairs of `kind` ("different people", or "two photos of the same person"), or
    /// nil when none is.
    static func leftOut(_ groups: [String], what: String, kind: String) -> String? {
        guard !groups.isEmpty else { return nil }
        let names = groups.map { "“\(HTML.escape($0))”" }.joined(separator: ", ")
        return
            "<p class=\"meta\">No \(what) for \(names): \(groups.count == 1 ? "that group has" : "those groups have") no \(kind) to compare.</p>"
    }

    /// The summary's sentence when the whole dataset has no mated pairs.
    static let fnmrNotMeasured =
        "This dataset has no two photos of the same person, so how often the system fails to recognise someone (the false non-match rate) was not measured. Only false matches between different people can be reported."

    /// Where the FNMR chart would be when the dataset has no mated pairs.
    static let noFNMRChart = "False non-match rate: not measured (no mated pairs in this dataset)."

    /// The summary's sentence naming the groups whose FNMR was not measured (they have no mated pairs) when
    /// others' was; nil when every group, or none, has mated pairs.
    static func unmeasuredGroups(_ marginals: [DisaggregatedRates]) -> String? {
        let partial = marginals.filter { $0.overall.fnmr.trials > 0 }
        let names = partial.flatMap { a in a.cohorts.filter { $0.fnmr.trials == 0 }.map { value(of: $0.cohort) } }
        guard !names.isEmpty else { return nil }
        return
            "The false non-match rate was not measured for \(HTML.escape(names.joined(separator: ", "))): \(names.count == 1 ? "that group has" : "those groups have") no two photos of the same person."
    }

    static func label(dimension: String) -> String {
        switch dimension {
        case "age_group": "Children and adults"
        case "age_band": "Age band"
        case "gender": "Gender"
        case "ethnicity": "Ethnicity (as labeled)"
        case "skin_tone": "Skin tone"
        default: dimension.replacingOccurrences(of: ";", with: " × ")
        }
    }

    static func value(of cohort: String) -> String {
        CohortName.parts(cohort).map { part -> String in
            guard let value = part.value else { return part.dimension }
            switch part.dimension {
            case "skin_tone": return SkinToneGroup.plainName(of: value)
            case "age_group": return AgeGroup.plainName(of: value)
            default: return value
            }
        }.joined(separator: ", ")
    }

    /// How many findings that hold the summary lists (the rest are in summary.json).
    static let heldFindingsShown = 8

    /// The summary's first sentences: the findings whose evidence holds (``Finding``), strongest first and
    /// children first, up to ``heldFindingsShown``; with none, one sentence saying so, and why when the run
    /// resampled no one (`replicates` 0: no finding can hold, however far apart the rates are).
    static func heldFindings(_ findings: [Finding], replicates: Int? = nil) -> [String] {
        guard !findings.isEmpty else { return [] }
        let held = findings.filter(\.holds)
        guard !held.isEmpty else {
            if replicates == 0 {
                return [
                    "This run resampled no one (<code>--bootstrap 0</code>), so it cannot show that the system fails one group more often than another beyond the particular people in the data: that takes a 95% interval, and no comparison here has one. The rates below are as measured; a run with the default bootstrap tests them."
                ]
            }
            return [
                "At no threshold measured does this dataset show that the system fails one group more often than another beyond the people involved: every comparison of the worst with the best group has a 95% interval that includes 1, cannot be estimated, rests on too few people, or cannot be told from chance once every group and every comparison made is allowed for."
            ]
        }
        var out = held.prefix(heldFindingsShown).map { finding in
            "<strong>\(HTML.escape(finding.statement))</strong>"
                + attributesNote(differingAttributes(finding.comparison.worst, finding.comparison.best))
        }
        if held.count > heldFindingsShown {
            out.append(
                "\(held.count - heldFindingsShown) more comparisons of this kind hold (mostly the same groups at other thresholds or within intersections); all are in summary.json under findings."
            )
        }
        return out
    }

    /// The attributes in which two groups differ, in the order of the first group's name and as sentences
    /// write them: `age_band=8-12;skin_tone=monk:7-10` and `age_band=18-29;skin_tone=monk:1-3` → "age
    /// band", "skin tone"; an attribute both share is not one.
    static func differingAttributes(_ a: String, _ b: String) -> [String] {
        let other = CohortName.parts(b)
        return CohortName.parts(a).filter { part in other.contains { $0.dimension == part.dimension && $0.value != part.value } }
            .map { $0.dimension.replacingOccurrences(of: "_", with: " ") }
    }

    /// What follows a headline whose two groups (of an intersection) differ in more than one attribute:
    /// every one of them, named, since a sentence "by age band × skin tone" otherwise reads as if one
    /// attribute explained the gap. Empty for one attribute or none.
    static func attributesNote(_ attributes: [String]) -> String {
        guard let last = attributes.last, attributes.count > 1 else { return "" }
        let list = attributes.dropLast().joined(separator: ", ") + " and " + last
        let which = attributes.count == 2 ? "both" : "all \(attributes.count) of"
        return
            " These two groups differ in \(which) \(HTML.escape(list)) at once, so this comparison cannot tell which of them, or which combination, goes with the gap."
    }

    /// The findings about single attributes (not age group, which the children's sentences cover) at the
    /// operating point of `point` that do not hold, one per attribute and metric: what the data cannot
    /// show there. When no group compared had a missed match at that point, the false non-match findings
    /// are one sentence with the overall count.
    static func unheldFindings(
        _ findings: [Finding], marginals: [DisaggregatedRates], point: VerificationReport.Point, at: String
    ) -> [String] {
        let dimensions = Set(marginals.map(\.dimensions)).subtracting([DimensionSet(stringLiteral: ageGroupDimension)])
        let here = findings.filter { f in
            dimensions.contains(f.dimensions) && f.targetFMR == point.targetFmr && (f.targetFMR != nil || f.threshold == point.threshold)
        }
        var out: [String] = []
        for metric in ["fmr", "fnmr"] {
            let ofMetric = here.filter { $0.comparison.metric == metric }
            let unheld = ofMetric.filter { f in !f.holds && !ofMetric.contains { $0.holds && $0.dimensions == f.dimensions } }
            if metric == "fnmr", !unheld.isEmpty, point.falseNonMatches == 0, point.genuineTrials > 0 {
                out.append(
                    "\(HTML.escape(at)), none of the \(HTML.grouped(point.genuineTrials)) comparisons of two photos of the same person was missed, so this data cannot show differences between groups in the false non-match rate (how often the right person is rejected)."
                )
                continue
            }
            out += unheld.map { HTML.escape($0.statement) }
        }
        return out
    }

    /// What the charts' interval lines are: the subject bootstrap's, or, when the run resampled no one
    /// (`replicates` 0), the exact binomial intervals every bar then falls back to.
    static func intervalLines(replicates: Int?) -> String {
        replicates == 0
            ? "lines show exact binomial (Clopper–Pearson) 95% intervals, which treat every pair of photos as independent: this run resampled no one (<code>--bootstrap 0</code>)."
            : "lines show 95% intervals from resampling people."
    }

    /// The interval to show: the subject bootstrap, except with no errors, where it collapses to [0, 0]
    /// and the exact (Clopper–Pearson) interval says what the data can.
    static func shownInterval(_ rates: CohortRates, metric: String) -> BinomialInterval {
        let count = metric == "fmr" ? rates.fmr : rates.fnmr
        let naive = metric == "fmr" ? rates.fmrInterval : rates.fnmrInterval
        if count.errors == 0 { return naive }
        return (metric == "fmr" ? rates.fmrBootstrap : rates.fnmrBootstrap) ?? naive
    }

    static func bar(_ rates: CohortRates, metric: String, color: String = HTML.overallColor) -> Charts.RateBar {
        let count = metric == "fmr" ? rates.fmr : rates.fnmr
        let interval = shownInterval(rates, metric: metric)
        let zero = count.errors == 0 && count.trials > 0 ? -expm1(log(0.05) / Double(count.trials)) : nil
        // No trials: nothing is drawn, and the note says "not measured" and why, never "0 of 0", which a reader
        // cannot tell from a group with no error.
        let measured = count.trials > 0
        return Charts.RateBar(
            label: value(of: rates.cohort), rate: measured ? count.rate : 0, lower: measured ? interval.lower : nil,
            upper: measured ? interval.upper : nil, zeroBound: zero,
            note: measured ? "\(HTML.grouped(count.errors)) of \(HTML.grouped(count.trials))" : metric == "fnmr" ? notMeasured : noPairs,
            color: color)
    }

    /// The mark on a table cell whose interval is the exact binomial one rather than the table's subject
    /// bootstrap; the note under the table says why.
    static let exactMark = "‡"

    /// The note under a table that has cells marked ``exactMark``.
    static let exactNote =
        "‡ Exact binomial (Clopper–Pearson) interval instead of resampling people: a group with no error (resampling its people can only give 0), or one without a bootstrap interval. It treats every pair of photos as independent; false matches recur between the same look-alikes, so the true upper bound may be higher."

    /// One rate cell of a table: "0.15% (0%–0.48%)" from the subject bootstrap (the table's method); with
    /// no error, "0% (at most 0.21%‡)", the exact upper bound, marked; without a bootstrap interval, the
    /// exact interval, marked; "no pairs" without trials. `exact` tells whether the cell is marked.
    static func rateCell(_ rates: CohortRates, metric: String) -> (text: String, exact: Bool) {
        let count = metric == "fmr" ? rates.fmr : rates.fnmr
        let naive = metric == "fmr" ? rates.fmrInterval : rates.fnmrInterval
        guard count.trials > 0 else { return ("no pairs", false) }
        if count.errors == 0 { return ("0% (at most \(HTML.percent(naive.upper))\(exactMark))", true) }
        if let boot = metric == "fmr" ? rates.fmrBootstrap : rates.fnmrBootstrap {
            return ("\(HTML.percent(count.rate)) (\(HTML.percent(boot.lower))–\(HTML.percent(boot.upper)))", false)
        }
        return ("\(HTML.percent(count.rate)) (\(HTML.percent(naive.lower))–\(HTML.percent(naive.upper))\(exactMark))", true)
    }

    /// A dimension's table: one interval method, the subject bootstrap, stated in the header; cells that
    /// cannot have it are marked and explained under the table (see ``rateCell(_:metric:)``).
    ///
    /// `lead`, when given, is a line said above the table (``intersectionTable(_:minimum:)``'s count of the
    /// groups shown). With more than ``sortedTableLimit`` groups the rows are in ``rowOrder(_:)`` (highest
    /// FMR first, groups whose FMR cannot be relied on after the others), and the line above says so: a
    /// reader of 50 groups looks for the worst, not for a name.
    static func rateTable(_ analysis: DisaggregatedRates, lead: String? = nil) -> String {
        let cohorts = rowOrder(analysis)
        let sorted = analysis.cohorts.count > sortedTableLimit
        let name = HTML.escape(label(dimension: analysis.dimensions.description))
        let unreliable =
            analysis.cohorts.contains { $0.fmr.trials > 0 && fmrUnreliable($0, in: analysis) }
            ? "; groups with too few people or pairs to rely on (their notes say which) after the others" : ""
        let order = "highest false-match rate first\(unreliable); groups whose FMR is not measured (no pairs of different people) last."
        let above = [
            lead, sorted ? (lead == nil ? "\(name), below: \(HTML.grouped(cohorts.count)) groups, \(order)" : "Rows: \(order)") : nil,
        ].compactMap { $0 }
        var rows =
            (above.isEmpty ? [] : ["<p class=\"meta\">\(above.joined(separator: " "))</p>"]) + [
                "<table><tr><th>\(name)</th><th>people</th><th>false matches</th><th>FMR (95% interval, resampling people)</th><th>false non-matches</th><th>FNMR (95% interval, resampling people)</th><th>notes</th></tr>"
            ]
        var marked = false
        // Everyone together last, set apart as a total row: not one of the groups compared.
        for r in cohorts + [analysis.overall] {
            let fmrCell = rateCell(r, metric: "fmr")
            let fnmrCell = rateCell(r, metric: "fnmr")
            marked = marked || fmrCell.exact || (r.fnmr.trials > 0 && fnmrCell.exact)
            let fnmr =
                r.fnmr.trials > 0
                ? "<td>\(HTML.grouped(r.fnmr.errors)) / \(HTML.grouped(r.fnmr.trials))</td><td>\(fnmrCell.text)</td>"
                : "<td colspan=\"2\">\(notMeasured)</td>"
            // Without a pair of two different people, the FMR is not measured, as the FNMR without mated pairs.
            let fmr =
                r.fmr.trials > 0
                ? "<td>\(HTML.grouped(r.fmr.errors)) / \(HTML.grouped(r.fmr.trials))</td><td>\(fmrCell.text)</td>"
                : "<td colspan=\"2\">\(noPairs)</td>"
            rows.append(
                "\(r.cohort == "overall" ? "<tr class=\"overall\"><td>\(Charts.overallName)" : "<tr><td>\(HTML.escape(value(of: r.cohort)))")</td><td>\(HTML.grouped(r.subjects))</td>\(fmr)\(fnmr)<td class=\"flag\">\(HTML.escape(r.flags.joined(separator: "; ")))</td></tr>"
            )
        }
        rows.append("</table>")
        if marked { rows.append("<p class=\"meta\">\(HTML.escape(exactNote))</p>") }
        return rows.joined(separator: "\n")
    }

    /// An intersection's table (``rateTable(_:lead:)``) of only the groups the run did not flag as too small
    /// (``tooFewPeople(_:)``: fewer than `minimum` people, `--min-subjects`), in ``rowOrder(_:)``, after a line
    /// naming the intersection with the number of groups shown and left out and where the rates of those
    /// left out are (cohorts.csv): between two tables, it says which one it belongs to.
    /// With every group left out, one sentence instead, naming the intersection.
    static func intersectionTable(_ analysis: DisaggregatedRates, minimum: Int) -> String {
        var shown = analysis
        shown.cohorts = analysis.cohorts.filter { !tooFewPeople($0) }
        let left = analysis.cohorts.count - shown.cohorts.count
        let groups = "\(HTML.grouped(left)) \(left == 1 ? "group" : "groups") of fewer than \(minimum) people"
        guard !shown.cohorts.isEmpty || left == 0 else {
            return
                "<p>\(HTML.escape(label(dimension: analysis.dimensions.description))): no group has \(minimum) or more people. Its \(groups), too few to rely on, \(left == 1 ? "is" : "are") not shown; cohorts.csv has \(left == 1 ? "its" : "their") rates.</p>"
        }
        guard left > 0 else { return rateTable(shown) }
        let count = shown.cohorts.count
        return rateTable(
            shown,
            lead:
                "\(HTML.escape(label(dimension: analysis.dimensions.description))), below: \(HTML.grouped(count)) \(count == 1 ? "group" : "groups") of \(minimum) or more people. Not shown: \(groups), too few to rely on; cohorts.csv has \(left == 1 ? "its" : "their") rates."
        )
    }

    /// Tables of more groups than this list them by rate (``rowOrder(_:)``); up to it, in the run's order.
    static let sortedTableLimit = 12

    /// The order of a table's rows: the run's order up to ``sortedTableLimit`` groups; beyond it, first the
    /// groups whose FMR can be relied on (not ``fmrUnreliable(_:)``) and then the others, each highest FMR
    /// (point estimate) first, groups whose FMR is not measured (no pair of two different people) last,
    /// equal rates in the run's order. Small groups have the most extreme rates by chance: sorted with
    /// the others, a group of two people with one false match would top a table it cannot support.
    static func rowOrder(_ analysis: DisaggregatedRates) -> [CohortRates] {
        let cohorts = analysis.cohorts
        guard cohorts.count > sortedTableLimit else { return cohorts }
        func key(_ c: CohortRates, _ offset: Int) -> (Int, Int, Double, Int) {
            (c.fmr.trials > 0 ? 1 : 0, fmrUnreliable(c, in: analysis) ? 0 : 1, c.fmr.trials > 0 ? c.fmr.rate : 0, -offset)
        }
        return cohorts.enumerated().sorted { key($0.element, $0.offset) > key($1.element, $1.offset) }.map(\.element)
    }

    /// Whether a group's FMR at `analysis`'s operating point cannot support a claim: too few people
    /// (``tooFewPeople(_:)``), or fewer non-mated pairs than the rule of three asks for the rate (the target
    /// FMR, or at a fixed threshold the overall FMR measured there), the rule the run's "cannot support FMR"
    /// notes and ``pairsSupport(_:)`` apply. Other notes (no mated pairs, an own threshold at bin
    /// resolution) do not concern the FMR shown.
    static func fmrUnreliable(_ rates: CohortRates, in analysis: DisaggregatedRates) -> Bool {
        if tooFewPeople(rates) { return true }
        let overall = analysis.overall.fmr.rate
        guard let rate = analysis.targetFMR ?? (overall > 0 && overall.isFinite ? overall : nil) else { return false }
        return rates.fmr.trials < RuleOfThree.requiredTrials(forFMR: rate)
    }

    static func watchlistSection(_ w: WatchlistResult) -> String {
        var out = ["<h2>Searching a watchlist</h2>"]
        out.append(
            "<p>A gallery of \(HTML.grouped(w.gallerySize)) enrolled people was searched with \(HTML.grouped(w.matedSearches)) photos of enrolled people and \(HTML.grouped(w.nonMatedSearches)) photos of people who were never enrolled. A <em>false alarm</em> is a search by someone not on the list that returns a candidate; a <em>miss</em> is a search by someone on the list that does not return them first.</p>"
        )
        for p in w.points {
            out.append("<h3>Threshold for \(HTML.percent(p.targetFPIR)) false alarms</h3>")
            out.append(
                "<p>Overall: \(p.fpir.errors) false alarms in \(HTML.grouped(p.fpir.trials)) searches (\(HTML.percent(p.fpir.rate))), \(p.fnir.errors) misses in \(HTML.grouped(p.fnir.trials)) (\(HTML.percent(p.fnir.rate))).</p>"
            )
            out.append(
                "<table><tr><th>group</th><th>false alarms</th><th>false-alarm rate (95% interval)</th><th>misses</th><th>miss rate (95% interval)</th></tr>"
            )
            // A group without searches of one kind is not measured for it, never "0 / 0".
            func cells(_ count: ErrorCount, _ interval: BinomialInterval, none: String) -> String {
                guard count.trials > 0 else { return "<td colspan=\"2\">not measured (\(none))</td>" }
                return
                    "<td>\(HTML.grouped(count.errors)) / \(HTML.grouped(count.trials))</td><td>\(HTML.percent(count.rate)) (\(HTML.percent(interval.lower))–\(HTML.percent(interval.upper)))</td>"
            }
            for c in p.cohorts where !c.dimensions.isIntersection {
                out.append(
                    "<tr><td>\(HTML.escape(value(of: c.cohort)))</td>\(cells(c.fpir, c.fpirInterval, none: "no searches by people not on the list"))\(cells(c.fnir, c.fnirInterval, none: "no searches by people on the list"))</tr>"
                )
            }
            out.append("</table>")
        }
        return out.joined(separator: "\n")
    }
}
