import FaceAuditDatasets
import FaceAuditProtocols
import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics
@testable import FaceAuditReport

@Suite("report.html")
struct HTMLReportTests {
    static func baseline() throws -> RunSummary {
        let url = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/summary.json")
        return try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: url))
    }

    @Test("every section is there, numbers agree with summary.json, and nothing loads from elsewhere")
    func content() throws {
        let summary = try Self.baseline()
        let html = HTMLReport.render(summary, curves: [])
        for section in [
            "Summary", "Error rates by group", "Trade-off curves", "Who is mistaken for whom", "What this means for a school",
            "How this was measured", "The dataset", "Limitations", "Reproduce",
        ] {
            #expect(html.contains("<h2>\(section)</h2>"), "missing section \(section)")
        }
        let point = try #require(summary.verification.operatingPoints.first { $0.targetFmr == 0.001 })
        #expect(html.contains("\(HTML.grouped(point.falseMatches)) were false matches") && html.contains("20,604"))
        #expect(html.contains("DeBruine, L. &amp; Jones, B. (2017)") && html.contains("CC BY 4.0"))
        #expect(html.contains("faceaudit run --dataset ../shared/datasets/london --out results/london-dlib"))
        for forbidden in ["<script", "src=", "href=", "@import", "url("] {
            #expect(!html.contains(forbidden), "report contains \(forbidden)")
        }
        #expect(!html.contains("neutral_front") && !html.contains(".jpg"))  // no file names
        #expect(!html.contains("SIMULATED"))
    }

    @Test("researchers' numbers on the page: EER, AUC, d′ and every inequity measure with its interval, as in summary.json")
    func researchMeasures() throws {
        let summary = try Self.baseline()
        let html = HTMLReport.render(summary, curves: [])
        #expect(html.contains("<h3>Summary statistics</h3>"))
        #expect(html.contains("AUC \(HTML.number(summary.verification.auc, 6))"))
        let ethnicity = try #require(
            summary.cohorts.first { $0.dimensions.description == "ethnicity" && $0.operatingPoint == .threshold })
        // Every measure's cell: its value with its interval, or the words "interval not estimable".
        let measures: [(KeyPath<InequityMeasures, Double?>, String)] = [
            (\.fmrMaxMin, "fmr_max_min"), (\.fmrMaxGeomean, "fmr_max_geomean"), (\.fmrGini, "fmr_gini"),
        ]
        var shown = 0
        for (path, key) in measures {
            guard let value = ethnicity.inequity[keyPath: path] else { continue }
            let cell =
                ethnicity.inequityBootstrap?[key].map {
                    "<td>\(HTML.number(value, 3)) (\(HTML.number($0.lower, 3))–\(HTML.number($0.upper, 3)))</td>"
                }
                ?? "<td>\(HTML.number(value, 3)) (interval not estimable)</td>"
            #expect(html.contains(cell), "\(key): \(cell)")
            shown += 1
        }
        #expect(shown > 0)
        #expect(html.contains("<td>Ethnicity (as labeled)</td><td>face_recognition&#39;s default tolerance</td>"))
    }

    @Test("the first screen holds the three strongest findings; the rest of the summary is folded below them")
    func foldedSummary() throws {
        let summary = try Self.baseline()
        let html = HTMLReport.render(summary, curves: [])
        let start = try #require(html.range(of: "<ul class=\"summary\">"))
        let end = try #require(html.range(of: "</ul>", range: start.upperBound..<html.endIndex))
        let first = html[start.upperBound..<end.lowerBound]
        let held = (summary.findings ?? []).filter(\.holds)
        #expect(held.count >= HTMLReport.firstScreenFindings)
        for (i, finding) in held.enumerated() {
            // Statements are escaped on the page; their first words are plain text.
            let words = String(finding.statement.prefix(60))
            let onFirstScreen = first.contains(HTML.escape(words)) || first.contains(words)
            if i < HTMLReport.firstScreenFindings { #expect(onFirstScreen, "\(words)") }
        }
        let more = try #require(html.range(of: "<details class=\"more-findings\">"))
        #expect(more.lowerBound > end.lowerBound)
        #expect(html[more.upperBound...].contains("the setting that software uses unless told otherwise"))
        #expect(!first.contains("the setting that software uses unless told otherwise"))
    }

    /// With `--bootstrap 0` no finding can hold, however far apart two groups' rates are; the summary
    /// said only that every comparison "cannot be estimated", not that the run had asked for no
    /// resampling. Counts of a million or more were printed without separators beside grouped ones.
    @Test("with --bootstrap 0 the summary says why no difference is shown and which intervals the charts draw; large counts are grouped")
    func noBootstrapSummary() throws {
        var summary = try Self.baseline()
        summary.findings = summary.findings?.map { finding in
            var f = finding
            f.holds = false
            return f
        }
        summary.configuration?.bootstrap = 0
        let index = try #require(summary.verification.operatingPoints.firstIndex { $0.targetFmr == 0.001 })
        summary.verification.operatingPoints[index].falseMatches = 1_249_950
        let none = HTMLReport.render(summary, curves: [])
        #expect(none.contains("This run resampled no one (<code>--bootstrap 0</code>), so it cannot show that the system fails"))
        #expect(!none.contains("At no threshold measured does this dataset show"))
        #expect(none.contains("1,249,950 were false matches") && !none.contains("1249950"))
        // The charts' interval lines are the exact binomial ones then, not the bootstrap's.
        #expect(none.contains("lines show exact binomial (Clopper–Pearson) 95% intervals"))
        #expect(!none.contains("lines show 95% intervals from resampling people"))
        summary.configuration?.bootstrap = 1000
        let some = HTMLReport.render(summary, curves: [])
        #expect(some.contains("At no threshold measured does this dataset show"))
        #expect(some.contains("lines show 95% intervals from resampling people"))
        #expect(!some.contains("This run resampled no one"))
    }

    @Test("a simulated run is marked, and card text is escaped")
    func simulatedAndEscaped() throws {
        var summary = try Self.baseline()
        summary.simulated = true
        summary.dataset.card.title = "<script>alert(1)</script> & co"
        let html = HTMLReport.render(summary, curves: [])
        #expect(html.contains("SIMULATED"))
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"))
    }

    @Test("each group has one colour in every chart, and groups of one attribute differ")
    func fixedColours() throws {
        let summary = try Self.baseline()
        let html = HTMLReport.render(summary, curves: [])
        let colors = HTMLReport.groupColors(summary)
        let charts = html.components(separatedBy: "<svg class=\"chart\"").dropFirst().filter { $0.contains(">False match rate by ") }
        #expect(charts.count >= 6)  // each attribute at the target and at the fixed threshold
        var checked = 0
        for analysis in summary.cohorts where !analysis.dimensions.isIntersection {
            #expect(Set(analysis.cohorts.map { colors.color($0.cohort) }).count == analysis.cohorts.count)
            for cohort in analysis.cohorts {
                let label = ">\(HTML.escape(HTMLReport.value(of: cohort.cohort)))</text>\n"
                for chart in charts
                where chart.contains(label)
                    && chart.contains(">False match rate by \(HTMLReport.label(dimension: analysis.dimensions.description).lowercased())<")
                {
                    // The mark after the group's label is drawn in the group's colour.
                    let after = chart.components(separatedBy: label)[1].prefix { $0 != "\n" }
                    if after.hasPrefix("<rect") || after.hasPrefix("<line") {
                        #expect(after.contains("\"\(colors.color(cohort.cohort))\""), "\(cohort.cohort): \(after)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked >= 12)
    }

    @Test("intersections, trade-off curves, conventions and group tables fold into <details>, opened in print")
    func folded() throws {
        let html = HTMLReport.render(try Self.baseline(), curves: [])
        func folded(_ marker: String) -> Bool {
            guard let at = html.range(of: marker) else { return false }
            let before = html[..<at.lowerBound]
            let opened = before.components(separatedBy: "<details").count - 1
            let closed = before.components(separatedBy: "</details>").count - 1
            return opened == closed + 1
        }
        #expect(folded("Intersections:") && folded("<dl class=\"conventions\">") && folded("Show the trade-off (DET) curves"))
        #expect(folded("<tr><th>Ethnicity (as labeled)</th><th>people</th>"))
        #expect(!folded("<h2>Summary</h2>") && !folded(">False match rate by ethnicity (as labeled)<"))
        #expect(html.contains("details::details-content { content-visibility: visible; display: block; }"))
        // Every table scrolls inside its own box on a narrow screen.
        #expect(html.components(separatedBy: "<div class=\"table-scroll\"><table>").count == html.components(separatedBy: "<table>").count)
    }

    @Test("a simulated report marks every chart and every table, and every printed page")
    func simulatedEverywhere() throws {
        var summary = try Self.baseline()
        summary.simulated = true
        let html = HTMLReport.render(summary, curves: [])
        let charts = html.components(separatedBy: "<svg class=\"chart\"").count - 1
        let tables = html.components(separatedBy: "<table>").count - 1
        #expect(charts > 10 && tables > 10)
        let marked = "<p class=\"chart-title\"><span class=\"simulated-mark\">SIMULATED</span>"
        #expect(html.components(separatedBy: marked).count - 1 == charts)
        #expect(html.components(separatedBy: "<table><caption class=\"simulated-mark\">SIMULATED").count - 1 == tables)
        // Inside every drawing too, behind its marks: the titles are lines of the page, and a chart copied
        // alone must still say so.
        #expect(html.components(separatedBy: "aria-hidden=\"true\">SIMULATED</text>").count - 1 == charts)
        // In the printed page's top margin, not fixed over its first lines.
        #expect(html.contains("@top-right { content: \"SIMULATED data: not findings about real people\""))
        #expect(!html.contains("position: fixed"))
        let real = HTMLReport.render(try Self.baseline(), curves: [])
        #expect(!real.contains("simulated-mark\"") && !real.contains("SIMULATED data") && !real.contains("simulated-watermark"))
    }

    /// Runs headless Chromium (installed by scripts/bootstrap) with `arguments`; its output and log go
    /// through files in `folder`, so that neither can fill a pipe.
    static func chromium(_ arguments: [String], in folder: URL) throws -> (status: Int32, output: String, log: String) {
        let out = folder.appendingPathComponent("chromium.out")
        let err = folder.appendingPathComponent("chromium.err")
        for file in [out, err] { try Data().write(to: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu"] + arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8)
        )
    }

    @Test("headless Chromium renders the report to PNG with no console error")
    func chromium() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html")
        try HTMLReport.render(try Self.baseline(), curves: []).write(to: page, atomically: true, encoding: .utf8)
        let png = folder.appendingPathComponent("report.png")
        let (status, _, log) = try Self.chromium(
            ["--window-size=1100,4000", "--enable-logging=stderr", "--v=0", "--screenshot=\(png.path)", page.absoluteString], in: folder)
        #expect(status == 0, "\(log)")
        let size = (try FileManager.default.attributesOfItem(atPath: png.path)[.size] as? NSNumber)?.intValue ?? 0
        #expect(size > 50_000)
        #expect(!log.contains("CONSOLE") && !log.contains("Uncaught"), "\(log)")
    }

    @Test("at a phone's width (390 px) the page does not scroll sideways")
    func phoneWidth() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Headless Chromium's window is at least 500 px wide, so the report is laid out in a 390 px frame of a
        // test page (the report itself has no script); the test page's script reads the frame's widths.
        let report = HTMLReport.render(try Self.baseline(), curves: [])
        let page = folder.appendingPathComponent("phone.html")
        try """
        <!DOCTYPE html><html><body style="margin:0"><iframe id="f" width="390" height="844" style="border:0" srcdoc="\(HTML.escape(report))"></iframe>
        <script>window.addEventListener("load", () => { const d = document.getElementById("f").contentDocument.documentElement; document.body.setAttribute("data-width", d.scrollWidth + "/" + d.clientWidth); });</script>
        </body></html>
        """.write(to: page, atomically: true, encoding: .utf8)
        let (_, dom, _) = try Self.chromium(["--hide-scrollbars", "--dump-dom", page.absoluteString], in: folder)
        let widths = try #require(dom.components(separatedBy: "data-width=\"").dropFirst().first?.prefix { $0 != "\"" })
        let parts = widths.split(separator: "/").compactMap { Int($0) }
        #expect(parts.count == 2 && parts[1] == 390 && parts[0] <= parts[1], "page \(widths) px wide at 390")
    }

    /// The baseline's curves, read from results/london-dlib/curves.csv (tracked for this test): the report's
    /// FMR-by-threshold charts are drawn from them, so the page measured is the page `run` wrote.
    static func baselineCurves() throws -> [CurveSet] {
        let url = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/curves.csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
        var points: [String: (DimensionSet, String, [CurvePoint])] = [:]
        var order: [String] = []
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 8, let values = Optional(f[3...].compactMap(Double.init)), values.count == 5 else { continue }
            let key = f[1] + "|" + f[2]
            if points[key] == nil {
                order.append(key)
                points[key] = (DimensionSet(stringLiteral: f[1]), f[2], [])
            }
            points[key]!.2.append(
                CurvePoint(threshold: values[0], fmr: values[1], fnmr: values[2], fmrProbit: values[3], fnmrProbit: values[4]))
        }
        return order.compactMap { points[$0] }.map { CurveSet(dimensions: $0.0, cohort: $0.1, points: $0.2) }
    }

    @Test("at 1280 px the London summary ends within 1,200 px and the page, folds closed, is at most 7,010 px")
    func desktopHeight() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let curves = try Self.baselineCurves()
        #expect(curves.count > 10)
        let report = HTMLReport.render(try Self.baseline(), curves: curves)
        #expect(report.contains(">False match rate by threshold, by ethnicity (as labeled)<"))
        // Laid out in a 1280 px frame; the test page's script reads where the section after the summary
        // starts and how tall the whole page is. 6,700 px was half the 13,400 px the page measured before
        // issue 15 folded it; 25 px more since each stated finding says what chance it allows for (its
        // p-value clause: one more line on this page, 6,701 px where it was at most 6,700). 75 px more since a
        // rate chart with a group of no error has a key line for its hollow circle (18 px each, three charts
        // open here) and the section's paragraph says what the dashed line of everyone together is (6,777 px).
        // 30 px more since the threshold chart's legend is a row of HTML under it, which a phone's screen
        // holds, instead of a column right of the plot, off it (6,806 px). 6,835 px since that chart names
        // under it the group it cannot draw, one person with no one of their group to compare. 6,858 px since
        // every chart's title is a line of the page above its drawing, which wraps on a phone (a line of text
        // is a little taller than the drawing's title row was). 6,963 px since the school's false alerts say in
        // a sentence and in every column's name that they count wrong watchlist matches, not students. 7,008 px
        // while the regression's paragraph cautioned that its intervals were likely too narrow (dropped again
        // when the report began to name a group only if two tests of its label agree).
        let page = folder.appendingPathComponent("desktop.html")
        try """
        <!DOCTYPE html><html><body style="margin:0"><iframe id="f" width="1280" height="900" style="border:0" srcdoc="\(HTML.escape(report))"></iframe>
        <script>window.addEventListener("load", () => { const d = document.getElementById("f").contentDocument; const h = d.querySelectorAll("h2"); const probe = d.createElement("span"); probe.textContent = "False match rate by threshold"; d.body.appendChild(probe); const w = probe.getBoundingClientRect().width.toFixed(1); probe.remove(); document.body.setAttribute("data-size", Math.round(h[1].getBoundingClientRect().top) + "/" + d.documentElement.scrollHeight + "/" + w + "/" + Array.from(h, e => Math.round(e.getBoundingClientRect().top)).join(",")); });</script>
        </body></html>
        """.write(to: page, atomically: true, encoding: .utf8)
        // Each layout gives "summary end/page height/probe width/every h2's top"; the probe is a text in the
        // body's font, so that a layout that differs says whether the font did.
        func layout() throws -> (summaryEnd: Int, height: Int, detail: String) {
            let (_, dom, _) = try Self.chromium(
                ["--hide-scrollbars", "--window-size=1400,1000", "--dump-dom", page.absoluteString], in: folder)
            let size = try #require(dom.components(separatedBy: "data-size=\"").dropFirst().first?.prefix { $0 != "\"" })
            let parts = size.split(separator: "/").prefix(2).compactMap { Int($0) }
            try #require(parts.count == 2, "\(size)")
            return (parts[0], parts[1], String(size))
        }
        // The report's bytes are fixed here, yet one fresh-clone CI run under full load measured this page 62 px
        // taller than every other run (6,741 px, 37c5dfe); that was not reproduced in more than 20 runs here, in parallel or
        // under load. A page over a bound is therefore laid out once more in a new Chromium, and both layouts
        // are printed: a report that grew fails both times; a renderer's one-off differs and says how.
        var measured = try layout()
        if measured.summaryEnd > 1_200 || measured.height > 7_010 {
            let again = try layout()
            print("desktop layout over its bound, then again: \(measured.detail) | \(again.detail)")
            measured = again
        }
        #expect(measured.summaryEnd <= 1_200, "the summary ends at \(measured.summaryEnd) px (\(measured.detail))")
        #expect(measured.height <= 7_010, "the page is \(measured.height) px tall (\(measured.detail))")
    }

    @Test("at 1280 px the comparison of the committed London runs, tables folded, is at most 4,000 px")
    func comparisonHeight() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = try ["london-facenet", "london-dlib"].map { name in
            let run = TestPaths.repositoryRoot.appendingPathComponent("results/\(name)")
            return ModelComparison.Run(
                name: name,
                summary: try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: run.appendingPathComponent("summary.json"))),
                tallies: try JSONDecoder().decode(SubjectTallies.self, from: Data(contentsOf: run.appendingPathComponent("subjects.json"))))
        }
        let comparison = ModelComparison(runs, threads: 2)
        #expect(comparison.paired)
        // 17,197 px with every table open, before the tables folded.
        let page = folder.appendingPathComponent("comparison.html")
        try """
        <!DOCTYPE html><html><body style="margin:0"><iframe id="f" width="1280" height="900" style="border:0" srcdoc="\(HTML.escape(comparison.html))"></iframe>
        <script>window.addEventListener("load", () => { document.body.setAttribute("data-size", String(document.getElementById("f").contentDocument.documentElement.scrollHeight)); });</script>
        </body></html>
        """.write(to: page, atomically: true, encoding: .utf8)
        let (_, dom, _) = try Self.chromium(
            ["--hide-scrollbars", "--window-size=1400,1000", "--dump-dom", page.absoluteString], in: folder)
        let height = try #require(Int(dom.components(separatedBy: "data-size=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""))
        #expect(height <= 4_000, "the comparison page is \(height) px tall")
    }

    @Test("the ISO/IEC 19795-10 checklist points only to sections the page has, and says what was not measured")
    func standardChecklist() throws {
        let summary = try Self.baseline()
        let html = HTMLReport.render(summary, curves: try Self.baselineCurves())
        let marginals = summary.cohorts.filter { $0.targetFMR == summary.verification.operatingPoints.first?.targetFmr }
            .filter { !$0.dimensions.isIntersection }
        // Rendered without score histograms (they come from the run, not summary.json): no such section.
        let items = HTMLReport.standardChecklist(summary, marginals: marginals, histograms: false)
        #expect(items.count == 11)
        #expect(!items.contains { $0.here.contains("score distributions") })
        for section in HTMLReport.checklistSections where items.contains(where: { $0.here.contains(section) }) {
            #expect(html.contains(">\(section)</h2>") || html.contains(">\(section)</h3>"), "no section \(section)")
        }
        for item in items {
            let points =
                HTMLReport.checklistSections.contains { item.here.contains($0) } || item.here.contains("summary.json")
                || item.here.contains("cohorts.csv")
            #expect(points || !item.measured, "\(item.asked): \(item.here)")
            #expect(html.contains(HTML.escape(item.asked)))
        }
        #expect(items.filter { !$0.measured }.map(\.asked) == ["Processing time (throughput) per group"])
        // London: every photo gave a face; labels are self-reported; no phenotype measure in this run.
        let fta = try #require(items.first { $0.asked.hasPrefix("Failure to enrol") })
        #expect(fta.here.hasPrefix("No photo failed to acquire (0 of 204)"))
        let labels = try #require(items.first { $0.asked.hasPrefix("How group labels") })
        #expect(labels.here.contains("ethnicity: self-reported") && labels.here.contains("--estimate-skin-tone"), "\(labels.here)")
        #expect(html.contains("where this report has each item (10 of 11)</summary>"))
    }

    @Test("London: the regression at 1 in 100 (the headline 1 in 1,000 separates), its Black-vs-white odds ratio in words")
    func londonRegression() throws {
        let summary = try Self.baseline()
        let html = HTMLReport.render(summary, curves: [])
        let shown = try #require(HTMLReport.shownRegression(summary, target: 0.001))
        #expect(shown.targetFMR == 0.01)
        let failed = try #require(summary.errorRegression?.first { $0.targetFMR == 0.001 }?.falseMatch.error)
        #expect(html.contains(HTML.escape("At the threshold for 1 in 1,000 false matches the model could not be fitted: \(failed)")))
        let black = try #require(shown.falseMatch.fit?.coefficients.first { $0.name == "ethnicity=black" })
        // The paragraph quotes the group interval (13 Black people against the white reference, 2 groups).
        let lower = try #require(black.groupOddsRatioLower)
        let upper = try #require(black.groupOddsRatioUpper)
        #expect(lower > 1 && lower < black.oddsRatioLower! && upper > black.oddsRatioUpper!)
        let sentence =
            "each person labelled “black” in the pair instead of “white”, \(Finding.times(black.oddsRatio))× the odds (\(HTMLReport.bound(lower))× to \(HTMLReport.bound(upper))×)"
        #expect(html.contains(HTML.escape(sentence)), "\(sentence)")
        // A bound just off 1 never reads as 1 (FaceNet's age difference: 0.92×, upper bound 0.9996 or so).
        #expect(HTMLReport.bound(0.99961) == "0.9996" && HTMLReport.bound(1.00042) == "1.0004")
        #expect(HTMLReport.bound(7.04) == Finding.times(7.04) && HTMLReport.bound(1) == "1.0")
        // West Asian is kept under the 10-person rule yet its interval counts 9 people of the fit: said why.
        let westAsian = try #require(shown.falseMatch.fit?.coefficients.first { $0.name == "ethnicity=west_asian" })
        #expect(westAsian.groupPeople == 9)
        #expect(html.contains("the 10-person rule counts everyone labelled, so a kept group can count fewer in its interval."))
        // East Asian (9 people) is left out under the findings' 10-person rule, and said so.
        #expect(shown.attributes.first { $0.name == "ethnicity" }?.omitted?.contains("east_asian") == true)
        #expect(html.contains("Left out, with fewer than 10 people:"))
    }

    /// A group is named in the paragraph, with its group interval (few people, many groups), only when that
    /// interval misses 1 and its label's clustered Wald test finds an association; else the fold says why.
    @Test("the regression names a group only when its group interval misses 1 and its label's Wald p < 0.05")
    func regressionGate() throws {
        var summary = try Self.baseline()
        let shown = try #require(HTMLReport.shownRegression(summary, target: 0.001))
        let fit = try #require(shown.falseMatch.fit)
        let black = "each person labelled “black” in the pair instead of “white”"
        let ethnicity = try #require(fit.terms.first { $0.name == "ethnicity" })
        let coefficient = try #require(fit.coefficients.first { $0.name == "ethnicity=black" })
        let (n, m) = (try #require(coefficient.groupPeople), try #require(coefficient.groupComparisons))
        #expect(ethnicity.waldP! < 0.05 && coefficient.groupP! < 0.05 && (n, m) == (13, 2))
        func section() -> (lead: String, fold: String) {
            let html = HTMLReport.regressionSection(summary, target: 0.001).joined(separator: "\n")
            let parts = html.components(separatedBy: "<details")
            return (parts[0], parts.dropFirst().joined())
        }
        let groupInterval =
            "(\(HTMLReport.bound(coefficient.groupOddsRatioLower!))× to \(HTMLReport.bound(coefficient.groupOddsRatioUpper!))×)"
        #expect(section().lead.contains(HTML.escape("\(black), \(Finding.times(coefficient.oddsRatio))× the odds \(groupInterval)")))
        // Named associations come with why the summary's group comparisons can differ from them.
        #expect(section().lead.contains(HTML.escape(HTMLReport.regressionVersusSummary)))
        func edit(_ change: (inout ErrorRegression.Fit) -> Void) {
            summary = try! Self.baseline()
            summary.errorRegression = summary.errorRegression?.map { r in
                guard r.targetFMR == shown.targetFMR, var fit = r.falseMatch.fit else { return r }
                var r = r
                change(&fit)
                r.falseMatch.fit = fit
                return r
            }
        }
        // The label as a whole not clear.
        edit { fit in
            let i = fit.terms.firstIndex { $0.name == "ethnicity" }!
            fit.terms[i].waldP = 0.2
        }
        #expect(!section().lead.contains("black"))
        // Had nothing been named, the paragraph would say how many intervals missed 1 all the same.
        let unclear = [
            HTMLReport.UnclearEntry(term: "ethnicity", text: "x (its interval misses 1, but …)", kind: .missesOne),
            HTMLReport.UnclearEntry(term: "gender", text: "y", kind: .plain),
        ]
        #expect(HTMLReport.notClearYet(unclear).hasPrefix(" One covariate's 95% interval does miss 1, but not by this report's standard"))
        #expect(HTMLReport.notClearYet([unclear[1]]).isEmpty)
        #expect(
            section().fold.contains(
                HTML.escape("\(black) (its interval misses 1, but the label as a whole shows no clear association (Wald p = 0.2))")))
        // The group interval reaching 1.
        edit { fit in
            let j = fit.coefficients.firstIndex { $0.name == "ethnicity=black" }!
            fit.coefficients[j].groupOddsRatioLower = 0.9
        }
        #expect(!section().lead.contains("black"))
        let why =
            "\(black) (its 95% interval misses 1, but not allowing for 13 people and 2 comparisons: 0.9× to \(HTMLReport.bound(coefficient.groupOddsRatioUpper!))×)"
        #expect(section().fold.contains(HTML.escape(why)), "\(section().fold)")
    }

    /// A summary written before the dyadic covariance and the score test (no `covariance_type`, no
    /// `score_statistic`/`score_p`: two-way clustered) has no score test to gate on. Its paragraph must not say
    /// that no label went clearly with false matches (London's Black-vs-white interval is 7–21× there, Wald
    /// p = 2.5e-19): it names the groups by their intervals, with the two-way caution, as the report did then.
    @Test("a regression written before the score test names its groups with the two-way caution, never 'no label'")
    func regressionWrittenBeforeScoreTests() throws {
        let url = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/summary.json")
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { !["score_statistic", "score_p", "covariance_type"].contains($0.key) }.mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        let old = strip(try JSONSerialization.jsonObject(with: Data(contentsOf: url)))
        let summary = try JSONDecoder().decode(RunSummary.self, from: JSONSerialization.data(withJSONObject: old))
        let fit = try #require(HTMLReport.shownRegression(summary, target: 0.001)?.falseMatch.fit)
        #expect(fit.covarianceType == nil && fit.terms.allSatisfy { $0.scoreP == nil })
        let black = try #require(fit.coefficients.first { $0.name == "ethnicity=black" })
        #expect(try #require(black.oddsRatioLower) > 1)
        let html = HTMLReport.regressionSection(summary, target: 0.001).joined(separator: "\n")
        let lead = try #require(html.components(separatedBy: "<details").first)
        #expect(!lead.contains("no label went clearly"), "\(lead)")
        #expect(lead.contains(HTML.escape("each person labelled “black” in the pair instead of “white”, ")))
        #expect(lead.contains("Caution: these intervals are likely too narrow."))
        #expect(!html.contains("score not computed"))
        #expect(!html.contains("A group is named above only when"))
    }

    /// A summary written with the score test but before group intervals (`covariance_type`, no `group_*`, no
    /// levels' `people`) is gated as the report then did, by both clustered tests of the label: by the Wald test
    /// alone its plain intervals would name random groups (4 a trial with 50 groups), and the note must not
    /// describe group intervals the paragraph does not quote. Here ethnicity's score p is set to 0.5.
    @Test("a regression written before group intervals gates its groups by Wald and score, as the report then did")
    func regressionWrittenBeforeGroupIntervals() throws {
        let url = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/summary.json")
        func strip(_ value: Any) -> Any {
            if var object = value as? [String: Any] {
                object = object.filter { !$0.key.hasPrefix("group_") }
                if object["levels"] != nil { object["people"] = nil }
                if object["name"] as? String == "ethnicity", object["score_p"] != nil { object["score_p"] = 0.5 }
                return object.mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        let old = strip(try JSONSerialization.jsonObject(with: Data(contentsOf: url)))
        let summary = try JSONDecoder().decode(RunSummary.self, from: JSONSerialization.data(withJSONObject: old))
        let shown = try #require(HTMLReport.shownRegression(summary, target: 0.001))
        let fit = try #require(shown.falseMatch.fit)
        #expect(fit.covarianceType != nil && shown.attributes.allSatisfy { $0.people == nil })
        #expect(fit.coefficients.allSatisfy { $0.groupComparisons == nil && $0.groupOddsRatioLower == nil })
        let black = try #require(fit.coefficients.first { $0.name == "ethnicity=black" })
        #expect(try #require(black.oddsRatioLower) > 1)
        #expect(try #require(fit.terms.first { $0.name == "ethnicity" }?.waldP) < 0.05)
        let html = HTMLReport.regressionSection(summary, target: 0.001).joined(separator: "\n")
        let lead = try #require(html.components(separatedBy: "<details").first)
        #expect(!lead.contains("black"), "\(lead)")
        #expect(html.contains("do not both find an association"))
        #expect(!html.contains("A group's interval above also allows"))
    }

    /// A label with more than five groups that show nothing is one entry of the fold's list; five or fewer,
    /// and any group with something said of it, stay entries of their own.
    @Test("the regression's fold sums up a label's many groups that show nothing")
    func longLabelsSummarized() {
        let attributes = [
            ErrorRegression.Attribute(name: "ethnicity", levels: ["white"] + (1...7).map { "g\($0)" }, omitted: nil),
            ErrorRegression.Attribute(name: "age_band", levels: ["30-49", "8-12", "13-17"], omitted: nil),
        ]
        typealias Entry = HTMLReport.UnclearEntry
        var entries = [Entry(term: "age_band", text: "aged 8-12", kind: .plain), Entry(term: "age_band", text: "aged 13-17", kind: .plain)]
        entries += (1...6).map { Entry(term: "ethnicity", text: "g\($0)", kind: .plain) }
        entries.append(Entry(term: "ethnicity", text: "g7 (its interval misses 1, …)", kind: .missesOne))
        entries.append(Entry(term: "same ethnicity", text: "same", kind: .plain))
        #expect(
            HTMLReport.summarizingLongLabels(entries, attributes: attributes) == [
                "aged 8-12", "aged 13-17", "each person in any of 6 other ethnicity groups instead of \u{201C}white\u{201D}",
                "g7 (its interval misses 1, …)", "same",
            ])
        #expect(HTMLReport.summarizingLongLabels(Array(entries.dropFirst(3)), attributes: attributes).count == 7)
    }

    @Test("one interval method per table: the subject bootstrap, stated; exact bounds marked and explained")
    func oneIntervalMethod() throws {
        let html = HTMLReport.render(try Self.baseline(), curves: [])
        let tables = html.components(separatedBy: "<table>").dropFirst().filter { $0.contains("<th>people</th>") }
        #expect(tables.count > 6)
        for table in tables {
            #expect(table.contains("<th>FMR (95% interval, resampling people)</th>"))
            let body = table.components(separatedBy: "</table>")[0]
            // A cell with no error never shows the bootstrap's degenerate 0%–0%; it shows the marked exact bound.
            #expect(!body.contains("(0%–0%)"), "\(body.prefix(300))")
            if body.contains(HTMLReport.exactMark) {
                let after = table.components(separatedBy: "</table>").dropFirst().first ?? ""
                #expect(after.hasPrefix("</div>\n<p class=\"meta\">‡ Exact binomial"), "\(after.prefix(120))")
            }
        }
        // London's white group at 1 in 1,000: no false match in 9,384 pairs, shown as an exact upper bound.
        #expect(html.contains("<td>0 / 9,384</td><td>0% (at most 0.039%‡)</td>"))
    }

    @Test("each folded heat map's line adds the pairs within and across groups up to every pair")
    func crossGroupLines() throws {
        let summary = try Self.baseline()
        let html = HTMLReport.render(summary, curves: [])
        var checked = 0
        // The page draws a heat map for each attribute but the age group (children and adults, in the summary).
        for analysis in summary.cohorts
        where !analysis.dimensions.isIntersection && analysis.targetFMR == 0.001
            && analysis.dimensions.description != HTMLReport.ageGroupDimension
        {
            let (within, across) = HTMLReport.crossGroupTotals(analysis.crossFMR)
            #expect(within.trials + across.trials == analysis.overall.fmr.trials, "\(analysis.dimensions)")
            #expect(within.errors + across.errors == analysis.overall.fmr.errors, "\(analysis.dimensions)")
            let dimension = HTMLReport.label(dimension: analysis.dimensions.description).lowercased()
            #expect(
                html.contains(
                    "<summary>\(HTML.escape(HTMLReport.crossGroupLine(dimension: dimension, cells: analysis.crossFMR)))</summary>"))
            checked += 1
        }
        #expect(checked == 3)
        #expect(
            html.contains(
                "By ethnicity (as labeled): within a group, 20 of 10,020 (0.20%) pairs falsely matched; across groups, 0 of 10,584 (0%)"))
    }
}

@Suite("report.html: reproduce and standard terms")
struct ReproduceSectionTests {
    @Test("the reproduce block shows the explicit command, the command as typed, the commit and the dataset fingerprint")
    func reproduce() throws {
        var summary = try HTMLReportTests.baseline()
        summary.explicitCommandLine = [
            "faceaudit", "run", "--dataset", "../shared/datasets/london", "--out", "results/london-dlib", "--layout", "london",
            "--comparison", "euclidean", "--watchlist-mix", "a b:1",
        ]
        summary.tool["commit"] = String(repeating: "0123456789", count: 4)
        summary.tool["working_tree"] = "not checked"
        summary.dataset.fingerprint = DatasetFingerprint(simulatedSubjects: 10, seed: 1)
        let html = HTMLReport.render(summary, curves: [])
        let section = String(try #require(html.components(separatedBy: "<h2>Reproduce</h2>").last))
        // The block, as a reader copies it from the page, is the same words for a shell.
        let block = try #require(section.components(separatedBy: "<pre class=\"reproduce\">").last?.components(separatedBy: "</pre>").first)
        let copied = block.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(
                of: "&amp;", with: "&")
        #expect(ShellWords.split(copied) == summary.explicitCommandLine)
        #expect(block.contains("--layout london \\\n    --comparison euclidean \\\n    --watchlist-mix &#39;a b:1&#39;"))
        #expect(section.contains("<p>As typed:</p>") && section.contains("--quiet"))
        #expect(section.contains(String(repeating: "0123456789", count: 4)) && section.contains("Uncommitted changes: not checked"))
        #expect(section.contains(summary.dataset.fingerprint!.value))
        #expect(section.contains("<code>--watchlist</code>"))  // a switch that is off is named as off
    }

    @Test("a summary written before provenance existed says not recorded, never a guess")
    func oldSummary() throws {
        // The baseline as a summary written before these fields existed.
        var summary = try HTMLReportTests.baseline()
        summary.tool["commit"] = nil
        summary.tool["commit_method"] = nil
        summary.tool["working_tree"] = nil
        summary.dataset.fingerprint = nil
        summary.explicitCommandLine = nil
        let html = HTMLReport.render(summary, curves: [])
        let section = String(try #require(html.components(separatedBy: "<h2>Reproduce</h2>").last))
        #expect(section.contains("<tr><th>Commit</th><td>not recorded</td></tr>"))
        #expect(section.contains("<tr><th>Dataset fingerprint</th><td>not recorded</td></tr>"))
        #expect(!section.contains("As typed"))
    }

    @Test("the standard terms sit in the conventions fold, and name the deprecated synonyms")
    func terms() throws {
        let html = HTMLReport.render(try HTMLReportTests.baseline(), curves: [])
        let fold = String(
            try #require(
                html.components(separatedBy: "Models, operating points and conventions</summary>").last?
                    .components(separatedBy: "</details>").first))
        for term in [
            "mated comparison", "non-mated comparison", "comparison score", "decision threshold", "false match rate, FMR",
            "false non-match rate, FNMR", "failure to acquire (FTA) rate", "biometric data subject", "Genuine", "impostor",
        ] {
            #expect(fold.contains(term), "missing \(term)")
        }
        #expect(!fold.contains("FPIR"))  // no watchlist in this run, so no identification terms
    }
}
