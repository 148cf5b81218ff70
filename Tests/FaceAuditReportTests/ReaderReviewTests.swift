import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics
@testable import FaceAuditReport

/// What a reader review of the rendered report found: each test fails on the page as it was.
@Suite("report as readers see it")
struct ReaderReviewTests {
    /// The chart of `html` whose accessible title is `title`, from its `<svg` to its `</svg>`.
    static func chart(_ title: String, in html: String) throws -> String {
        let end = try #require(html.range(of: "<title>\(HTML.escape(title))</title>"), "no chart \(title)")
        let start = try #require(html[..<end.lowerBound].range(of: "<svg", options: .backwards))
        let close = try #require(html[end.upperBound...].range(of: "</svg>"))
        return String(html[start.lowerBound..<close.upperBound])
    }

    @Test("\"overall\" is everyone together: a labelled reference line, never a bar or a row among the groups")
    func overallIsNotAGroup() throws {
        let html = HTMLReport.render(try HTMLReportTests.baseline(), curves: try HTMLReportTests.baselineCurves())
        let bars = try Self.chart("False match rate by ethnicity (as labeled)", in: html)
        // No row is labelled "overall" (group rows are right-aligned labels left of their bars).
        #expect(!bars.contains("text-anchor=\"end\">overall</text>"))
        #expect(bars.contains("class=\"overall-line\"") && bars.contains("stroke-dasharray"))
        #expect(bars.contains("overall (everyone together): 0.097% (20 of 20,604)"))
        // The threshold chart draws everyone dashed, and its legend says what the line is.
        let lines = try Self.chart("False match rate by threshold, by ethnicity (as labeled)", in: html)
        let overallLine = try #require(lines.split(separator: "\n").first { $0.contains("class=\"overall-line\"") })
        #expect(overallLine.contains("stroke-dasharray"))
        #expect(html.contains(">overall (everyone together)</"))
    }

    @Test("tables and score histograms set everyone together apart from the groups")
    func overallApartInTablesAndHistograms() throws {
        let html = HTMLReport.render(try HTMLReportTests.baseline(), curves: [])
        // A total row after the groups, named and styled as such.
        let table = try #require(html.components(separatedBy: "<table>").first { $0.hasPrefix("<tr><th>Ethnicity (as labeled)</th>") })
        let overall = try #require(table.range(of: "<tr class=\"overall\"><td>overall (everyone together)</td>"))
        let white = try #require(table.range(of: "<tr><td>white</td>"))
        #expect(white.lowerBound < overall.lowerBound)
        #expect(!table.contains("<tr><td>overall</td>"))
        let svg = Charts.histograms(
            title: "Score distributions by gender",
            rows: [
                (label: "overall", edges: [0, 0.5, 1], mated: [5, 1], nonMated: [100, 1]),
                (label: "female", edges: [0, 0.5, 1], mated: [2, 1], nonMated: [50, 1]),
            ], threshold: 0.5, scoreTitle: "Score")
        #expect(svg.contains("font-style=\"italic\" text-anchor=\"end\">overall (everyone)</text>"))
        #expect(svg.contains("class=\"overall-separator\""))
    }

    @Test("a simulated chart's mark is at its start, where a phone's screen shows it")
    func simulatedMarkOnScreen() throws {
        var summary = try HTMLReportTests.baseline()
        summary.simulated = true
        let html = HTMLReport.render(summary, curves: try HTMLReportTests.baselineCurves())
        let charts = html.components(separatedBy: "<svg class=\"chart\"").count - 1
        #expect(charts > 10)
        // The first words of every chart's visible title, and of its accessible one.
        let marked = "<p class=\"chart-title\"><span class=\"simulated-mark\">SIMULATED</span> "
        #expect(html.components(separatedBy: marked).count - 1 == charts)
        #expect(html.components(separatedBy: "<title>SIMULATED: ").count - 1 == charts)
    }

    @Test("a headline comparing intersections names every attribute in which its two groups differ")
    func intersectionHeadline() throws {
        let html = HTMLReport.render(try HTMLReportTests.baseline(), curves: [])
        let items = html.components(separatedBy: "<li>").dropFirst().map { $0.components(separatedBy: "</li>")[0] }
        let intersection = try #require(items.first { $0.contains("by age band × ethnicity") })
        // “ages 18-29, black” against “ages 30-49, white”: two attributes at once, and the sentence says so.
        #expect(intersection.contains("These two groups differ in both age band and ethnicity"), "\(intersection)")
        // A comparison along one attribute needs no such sentence.
        let marginal = try #require(items.first { $0.contains(", by ethnicity, ") })
        #expect(!marginal.contains("These two groups differ"))
    }

    @Test("attributes that differ: every one named, in order; none for groups of one attribute")
    func differingAttributes() {
        #expect(
            HTMLReport.differingAttributes("age_band=8-12;skin_tone=monk:7-10", "age_band=18-29;skin_tone=monk:1-3") == [
                "age band", "skin tone",
            ])
        #expect(HTMLReport.differingAttributes("gender=female;ethnicity=black", "gender=male;ethnicity=black") == ["gender"])
        #expect(
            HTMLReport.attributesNote(["age band", "gender", "ethnicity"]).contains("differ in all 3 of age band, gender and ethnicity"))
        #expect(HTMLReport.attributesNote(["gender"]).isEmpty)
    }

    @Test("a group with no error has no bar: a thin line to its upper bound, said in words and in the key")
    func zeroErrorBound() throws {
        let bars = [
            Charts.RateBar(label: "65+", rate: 0.0154, lower: 0.001, upper: 0.05, zeroBound: nil, note: "1 of 65", color: "#882255"),
            Charts.RateBar(label: "8-12", rate: 0, lower: 0, upper: 0.0578, zeroBound: 0.0472, note: "0 of 62", color: "#009E73"),
        ]
        let svg = Charts.logBars(title: "False non-match rate by age band", axisTitle: "False non-match rate (log scale)", bars: bars)
        let lines = svg.split(separator: "\n").map(String.init)
        // Nothing of the zero row is drawn as wide as a bar or dashed like one.
        #expect(!svg.contains("stroke-dasharray"))
        let zeroRow = lines.drop { !$0.hasSuffix(">8-12</text>") }.dropFirst().prefix { !$0.contains("font-size=\"13\">") }
        #expect(!zeroRow.isEmpty)
        for line in zeroRow {
            #expect(!line.hasPrefix("<rect"), "\(line)")
            let width = ChartsTests.values(of: "stroke-width", in: line).first.flatMap(Double.init) ?? 1
            #expect(width <= 1.5, "\(line)")
        }
        #expect(svg.contains("class=\"zero-rate\""))
        #expect(svg.contains(">0 errors; at most 5.8% (0 of 62)</text>"))
        // The key says what the hollow circle and its line are.
        #expect(svg.contains("0 errors: no bar; line to its 95% upper bound"))
        let element = try #require(lines.first { $0.hasPrefix("<svg") })
        let width = try #require(ChartsTests.values(of: "width", in: element).first.flatMap(Double.init))
        let note = try #require(lines.first { $0.hasSuffix(">0 errors; at most 5.8% (0 of 62)</text>") })
        let x = try #require(ChartsTests.values(of: "x", in: note).first.flatMap(Double.init))
        #expect(x + Double("0 errors; at most 5.8% (0 of 62)".count) * 7.5 <= width)
    }

    @Test("a group with no pair of two different people is \"not measured\", never an empty \"0 of 0\", in every table and chart")
    func groupWithoutPairs() throws {
        // London's one person labelled east_asian/white has no one of their group to be compared with.
        let summary = try HTMLReportTests.baseline()
        let alone = try #require(
            summary.cohorts.first { $0.targetFMR == 0.001 && $0.dimensions == "ethnicity" }?.cohorts.first {
                $0.cohort == "ethnicity=east_asian/white"
            })
        try #require(alone.fmr.trials == 0 && alone.subjects == 1)
        // As a run hands the page its curves: the group's is there, with no rate at any threshold.
        let curves =
            try HTMLReportTests.baselineCurves() + [
                CurveSet(
                    dimensions: "ethnicity", cohort: alone.cohort,
                    points: [CurvePoint(threshold: 0.5, fmr: .nan, fnmr: 0, fmrProbit: .nan, fnmrProbit: -8)])
            ]
        let html = HTMLReport.render(summary, curves: curves)
        let notMeasured = "not measured (no pairs of different people)"
        // Nowhere a count of nothing, nor a rate of nothing, which read like a group without error.
        #expect(!html.contains(">0 of 0<") && !html.contains(">0 / 0<") && !html.contains("– → –"))
        // The bars: the group's row says so in words, in full right of the plot, and at the plot's start, where a
        // phone's screen shows it before any sideways scrolling.
        let bars = try Self.chart("False match rate by ethnicity (as labeled)", in: html)
        #expect(bars.contains(">\(notMeasured)</text>"))
        let row = try #require(bars.split(separator: "\n").drop { !$0.hasSuffix(">east_asian/white</text>") }.dropFirst().first)
        #expect(row.hasPrefix("<text class=\"unmeasured\"") && row.hasSuffix(">not measured</text>"), "\(row)")
        // The tables (at every operating point, and the intersections): the two FMR cells are one, saying so.
        // (The school's tables, whose rows count people's comparisons with everyone, are not among them.)
        let rows = html.components(separatedBy: "<tr><td>east_asian/white</td>").dropFirst().filter { $0.hasPrefix("<td>1</td>") }
        #expect(rows.count >= 2)
        for row in rows { #expect(row.hasPrefix("<td>1</td><td colspan=\"2\">\(notMeasured)</td>"), "\(row.prefix(120))") }
        // The threshold chart neither draws nor lists the group, and names it under the chart.
        let lines = try Self.chart("False match rate by threshold, by ethnicity (as labeled)", in: html)
        let after = try #require(html.range(of: lines)).upperBound
        let legend = try #require(html[after...].range(of: "</ul>"))
        #expect(!html[after..<legend.upperBound].contains("east_asian/white"))
        let note = "\n<p class=\"meta\">No line for “east_asian/white”: that group has no pairs of different people to compare.</p>"
        #expect(html[legend.upperBound...].hasPrefix(note))
        // The heat map's cell of the group with itself is grey, not the white of no false match, and its key says so.
        let heat = try Self.chart("Cross-group false matches by ethnicity (as labeled)", in: html)
        #expect(heat.contains("fill=\"#E6E6E6\" stroke=\"#bbb\"/>"))
        #expect(heat.contains(">Grey: no pairs to compare.</text>"))
    }

    @Test("a watchlist group without searches of one kind is \"not measured\", never \"0 / 0\" and a rate of nothing")
    func watchlistWithoutSearches() {
        func group(_ name: String, fnir: ErrorCount, fpir: ErrorCount) -> WatchlistResult.CohortPoint {
            WatchlistResult.CohortPoint(
                dimensions: "gender", cohort: "gender=\(name)", fnir: fnir, fpir: fpir, fnirInterval: BinomialInterval(fnir),
                fpirInterval: BinomialInterval(fpir))
        }
        // Everyone of "female" was enrolled: no search by a woman not on the list.
        let point = WatchlistResult.Point(
            targetFPIR: 0.01, threshold: 0.5, fnir: ErrorCount(errors: 2, trials: 40), fpir: ErrorCount(errors: 1, trials: 60),
            fnirInterval: BinomialInterval(ErrorCount(errors: 2, trials: 40)),
            fpirInterval: BinomialInterval(ErrorCount(errors: 1, trials: 60)),
            cohorts: [
                group("female", fnir: ErrorCount(errors: 1, trials: 20), fpir: ErrorCount(errors: 0, trials: 0)),
                group("male", fnir: ErrorCount(errors: 1, trials: 20), fpir: ErrorCount(errors: 1, trials: 60)),
            ])
        let html = HTMLReport.watchlistSection(
            WatchlistResult(gallerySize: 40, matedSearches: 40, nonMatedSearches: 60, nonMatedFailures: 0, points: [point]))
        // A rate without searches was "–" with an interval of dashes: "– (–––)".
        #expect(!html.contains(">0 / 0<") && !html.contains("– (–"), "\(html)")
        let row = "<tr><td>female</td><td colspan=\"2\">not measured (no searches by people not on the list)</td><td>1 / 20</td>"
        #expect(html.contains(row), "\(html)")
    }

    /// The school section of `html`, from its heading to the next.
    static func school(_ html: String) throws -> String {
        let start = try #require(html.range(of: "<h2>What this means for a school</h2>"))
        let end = html.range(of: "<h2>", range: start.upperBound..<html.endIndex)?.lowerBound ?? html.endIndex
        return String(html[start.lowerBound..<end])
    }

    @Test("the school section says which children's ages its numbers cover, and that younger ones are not represented")
    func schoolAges() throws {
        // London's people relabelled as a dataset of adults and of children aged 8 to 17 only, as the demo's
        // simulated population is: its youngest band, 8-12, has people; 0-3 and 4-7 have none.
        var summary = try HTMLReportTests.baseline()
        let names = [
            "age_group=unknown": "age_group=under-18", "age_band=18-29": "age_band=8-12", "age_band=30-49": "age_band=13-17",
        ]
        for a in summary.cohorts.indices where !summary.cohorts[a].dimensions.isIntersection {
            for c in summary.cohorts[a].cohorts.indices {
                summary.cohorts[a].cohorts[c].cohort = names[summary.cohorts[a].cohorts[c].cohort] ?? summary.cohorts[a].cohorts[c].cohort
            }
        }
        let html = HTMLReport.render(summary, curves: [])
        let school = try Self.school(html)
        #expect(school.contains("The whole school below is made of this dataset's children (under 18, here aged 8 to 17) only."))
        // The summary's sentences on children, and the limitations, say it too: a quote of them is read there.
        let ages = "The children in this data are aged 8 to 17 (age bands 8-12 and 13-17)"
        let summaryList = try #require(html.range(of: "<ul class=\"summary\">").map { html[$0.upperBound...] })
        #expect(summaryList.components(separatedBy: "</ul>")[0].contains(ages))
        let limitations = try #require(html.range(of: "<h2>Limitations</h2>").map { html[$0.upperBound...] })
        #expect(limitations.components(separatedBy: "</ul>")[0].contains(ages))
        // Outside the school, the missing are children, not students.
        #expect(summaryList.components(separatedBy: "</ul>")[0].contains("so younger children are not represented"))
        #expect(
            school.contains(
                "The children in this data are aged 8 to 17 (age bands 8-12 and 13-17): no one in it is recorded as younger than 8, so younger students are not represented, and nothing here says how the system treats them."
            ), "\(school.prefix(3000))")
    }

    @Test("every label and sentence of the school's false alerts says they count wrong watchlist matches, not students")
    func schoolFalseAlerts() throws {
        let school = try Self.school(HTMLReport.render(try HTMLReportTests.baseline(), curves: []))
        #expect(
            school.contains(
                "A check that matches two watchlist entries counts as two false alerts: false alerts count wrong matches, not students; the students wrongly flagged are counted on their own (<em>students flagged</em>)."
            ))
        // Every column of false alerts names what it counts.
        let headers = school.components(separatedBy: "<th>").dropFirst().map { $0.components(separatedBy: "</th>")[0] }
        let alerts = headers.filter { $0.contains("false alerts") }
        #expect(alerts.count >= 3)
        for header in alerts { #expect(header.contains("wrong watchlist matches, not students"), "\(header)") }
    }

    @Test("skin-tone groups are drawn light to dark in the scale's order, and named so")
    func skinToneLightness() {
        // In a report's order: other attributes' groups first, so that the palette's next colours are used.
        let cohorts = [
            "gender=female", "gender=male", "skin_tone=monk:1-3", "skin_tone=monk:4-6", "skin_tone=monk:7-10",
            "skin_tone=fitzpatrick:I-III", "skin_tone=fitzpatrick:IV-VI",
        ]
        for order in [cohorts, Array(cohorts.reversed()), Array(cohorts.dropFirst(2))] {
            let colors = GroupColors(cohorts: order)
            func lightness(_ cohort: String) -> Double { HTML.luminance(ChartsTests.rgb(colors.color(cohort))) }
            let monk = ["skin_tone=monk:1-3", "skin_tone=monk:4-6", "skin_tone=monk:7-10"].map(lightness)
            #expect(monk[0] > monk[1] && monk[1] > monk[2], "\(monk)")
            #expect(lightness("skin_tone=fitzpatrick:I-III") > lightness("skin_tone=fitzpatrick:IV-VI"))
            // Even the lightest is visible on the white page.
            #expect(HTML.contrast(monk[0], 1) >= 1.8)
        }
        // Not by colour alone: every group's name says where on the scale it is.
        #expect(HTMLReport.value(of: "skin_tone=monk:1-3").hasPrefix("light"))
        #expect(HTMLReport.value(of: "skin_tone=monk:7-10").hasPrefix("dark"))
        #expect(HTMLReport.value(of: "skin_tone=fitzpatrick:I-III").hasSuffix("I-III"))
        #expect(HTMLReport.value(of: "skin_tone=fitzpatrick:IV-VI").hasSuffix("IV-VI"))
    }

    @Test("at a phone's width every chart's title, however long, wraps on the screen: none needs sideways scrolling")
    func phoneChartTitles() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var summary = try HTMLReportTests.baseline()
        summary.simulated = true
        let report = HTMLReport.render(summary, curves: try HTMLReportTests.baselineCurves())
        let page = folder.appendingPathComponent("titles.html")
        // Every fold opened, every chart's visible title: how many there are, how many reach past the 390 px
        // screen or sit in a box that scrolls sideways, and how many charts have none.
        try """
        <!DOCTYPE html><html><body style="margin:0"><iframe id="f" width="390" height="844" style="border:0" srcdoc="\(HTML.escape(report))"></iframe>
        <script>window.addEventListener("load", () => { const d = document.getElementById("f").contentDocument;
        for (const e of d.querySelectorAll("details")) e.open = true;
        const titles = Array.from(d.querySelectorAll(".chart-title")).filter(e => e.getBoundingClientRect().width > 0);
        const off = titles.filter(e => e.getBoundingClientRect().right > 390.5 || e.getBoundingClientRect().left < 0 || e.closest(".chart-scroll, .table-scroll")).length;
        const charts = d.querySelectorAll("svg.chart").length;
        document.body.setAttribute("data-titles", titles.length + "/" + off + "/" + charts); });</script>
        </body></html>
        """.write(to: page, atomically: true, encoding: .utf8)
        let (_, dom, _) = try HTMLReportTests.chromium(["--hide-scrollbars", "--dump-dom", page.absoluteString], in: folder)
        let measured = try #require(dom.components(separatedBy: "data-titles=\"").dropFirst().first?.prefix { $0 != "\"" })
        let parts = measured.split(separator: "/").compactMap { Int($0) }
        try #require(parts.count == 3, "\(measured)")
        #expect(parts[0] >= 10 && parts[0] == parts[2], "\(parts[0]) titles for \(parts[2]) charts")
        #expect(parts[1] == 0, "\(parts[1]) of \(parts[0]) chart titles off a phone's screen or scrolling sideways")
        // The longest of them, whole, in the page's text.
        #expect(report.contains("SIMULATED</span> False match rate by threshold, by ethnicity (as labeled)</p>"))
    }

    @Test("at a phone's width: legends on screen, chart text at 11 px or more, and a cue on what scrolls sideways")
    func phoneLayout() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = HTMLReport.render(try HTMLReportTests.baseline(), curves: try HTMLReportTests.baselineCurves())
        let page = folder.appendingPathComponent("phone.html")
        // The smallest chart text as drawn (its font size times the chart's scale), the legends' items (and
        // the charts' keys, left-aligned at their start) and how many are off the 390 px screen or their
        // box, and the boxes that scroll sideways without a visible cue.
        try """
        <!DOCTYPE html><html><body style="margin:0"><iframe id="f" width="390" height="844" style="border:0" srcdoc="\(HTML.escape(report))"></iframe>
        <script>window.addEventListener("load", () => { const d = document.getElementById("f").contentDocument; const w = d.defaultView;
        let font = 99; for (const svg of d.querySelectorAll("svg.chart")) { const r = svg.getBoundingClientRect(); if (r.width === 0) continue; const scale = r.width / svg.viewBox.baseVal.width;
          for (const t of svg.querySelectorAll("text")) font = Math.min(font, parseFloat(t.getAttribute("font-size")) * scale); }
        const items = Array.from(d.querySelectorAll(".chart-legend li, svg.chart text:not([text-anchor]):not(.chart-title):not(.simulated-mark)")).filter(e => e.getBoundingClientRect().width > 0 && (e.tagName === "LI" || parseFloat(e.getAttribute("x")) < 40));
        const off = items.filter(e => e.getBoundingClientRect().right > Math.min(390, (e.closest(".chart-scroll") || d.body).getBoundingClientRect().right) || e.getBoundingClientRect().left < 0).length;
        let uncued = 0, scrolling = 0; for (const box of d.querySelectorAll(".chart-scroll, .table-scroll")) { if (box.scrollWidth <= box.clientWidth + 1) continue; scrolling++;
          const cue = box.previousElementSibling; const text = cue && cue.classList.contains("scroll-cue") && w.getComputedStyle(cue).display !== "none";
          const fade = w.getComputedStyle(box).backgroundImage.includes("gradient"); if (!text && !fade) uncued++; }
        document.body.setAttribute("data-phone", font.toFixed(1) + "/" + items.length + "/" + off + "/" + scrolling + "/" + uncued); });</script>
        </body></html>
        """.write(to: page, atomically: true, encoding: .utf8)
        let (_, dom, _) = try HTMLReportTests.chromium(["--hide-scrollbars", "--dump-dom", page.absoluteString], in: folder)
        let measured = try #require(dom.components(separatedBy: "data-phone=\"").dropFirst().first?.prefix { $0 != "\"" })
        let parts = measured.split(separator: "/").compactMap { Double($0) }
        try #require(parts.count == 5, "\(measured)")
        #expect(parts[0] >= 11, "chart text drawn at \(parts[0]) px")
        #expect(parts[1] >= 4 && parts[2] == 0, "\(Int(parts[2])) of \(Int(parts[1])) legend items off the screen")
        #expect(parts[3] >= 1 && parts[4] == 0, "\(Int(parts[4])) of \(Int(parts[3])) sideways-scrolling boxes without a cue")
    }

    /// The vertical lines of `svg` (x1 = x2): x, top and bottom.
    static func verticalLines(_ svg: String, overall: Bool) -> [(x: Double, top: Double, bottom: Double)] {
        svg.split(separator: "\n").map(String.init).filter { $0.hasPrefix("<line") && $0.contains("class=\"overall-line\"") == overall }
            .compactMap { line in
                let v = ["x1", "x2", "y1", "y2"].map { ChartsTests.values(of: $0, in: line).first.flatMap(Double.init) }
                guard let x1 = v[0], let x2 = v[1], let y1 = v[2], let y2 = v[3], x1 == x2 else { return nil }
                return (x1, min(y1, y2), max(y1, y2))
            }
    }

    @Test("no line of a rate chart, the dashed line of everyone together least of all, runs through a \"not measured\"")
    func notMeasuredUncrossed() throws {
        // From a reader review: in London's report at 1 in 10,000, the dashed line of everyone together (0.0097%)
        // ran through the words "not measured" of the age band 50-64, and a grid line through them at every target.
        var brokenAround = 0
        for target in [1e-2, 1e-3, 1e-4] {
            var options = ReportOptions()
            options.headlineTarget = target
            let html = HTMLReport.render(try HTMLReportTests.baseline(), curves: [], options: options)
            for svg in html.components(separatedBy: "<svg class=\"chart\"").dropFirst() {
                let svg = svg.components(separatedBy: "</svg>")[0]
                let labels = svg.split(separator: "\n").filter { $0.hasPrefix("<text class=\"unmeasured\"") }.map(String.init)
                let title = svg.components(separatedBy: "<title>").dropFirst().first?.prefix { $0 != "<" } ?? ""
                for label in labels {
                    let x = try #require(ChartsTests.values(of: "x", in: label).first.flatMap(Double.init))
                    let baseline = try #require(ChartsTests.values(of: "y", in: label).first.flatMap(Double.init))
                    let words = label.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" }
                    // The words' ink: 13 px italic, at most 7 px a character, from cap height to descenders.
                    let (left, right, top, bottom) = (x, x + Double(words.count) * 7, baseline - 10, baseline + 3)
                    for overall in [true, false] {
                        let lines = Self.verticalLines(svg, overall: overall).filter { $0.x >= left && $0.x <= right }
                        for line in lines {
                            #expect(
                                line.bottom <= top || line.top >= bottom,
                                "\(title) at \(target): \(overall ? "the overall line" : "a grid line") at x = \(line.x) crosses \(label)")
                        }
                        // A line broken around the label: drawn above it and below it.
                        if overall && lines.contains(where: { $0.bottom <= top }) && lines.contains(where: { $0.top >= bottom }) {
                            brokenAround += 1
                        }
                    }
                }
            }
        }
        // At 1 in 10,000 the line of everyone together passes the age band 50-64's label, in the chart of false
        // matches: it goes on above and below it.
        #expect(brokenAround >= 1)
    }

    @Test("the school's whole school made of too few children is flagged, with no interval, as a group of the tables is")
    func fewChildrenSchool() throws {
        // London with its 2 people of unknown age taken as its only children: children and adults, and the
        // whole school made of 2 children, whom the run flagged as fewer than its minimum of 10.
        var summary = try HTMLReportTests.baseline()
        for i in summary.cohorts.indices where summary.cohorts[i].dimensions == "age_group" {
            for j in summary.cohorts[i].cohorts.indices where summary.cohorts[i].cohorts[j].cohort == "age_group=unknown" {
                summary.cohorts[i].cohorts[j].cohort = "age_group=under-18"
            }
        }
        let children = try #require(
            summary.cohorts.first { $0.targetFMR == 0.001 && $0.dimensions == "age_group" }?.cohorts.first {
                $0.cohort == "age_group=under-18"
            })
        try #require(children.subjects == 2 && children.flags.contains("fewer than 10 subjects"))
        let html = HTMLReport.render(summary, curves: [])
        let school = try #require(html.components(separatedBy: "<h2>What this means for a school</h2>").last)
        let whole = try #require(school.components(separatedBy: "<h3>The whole school</h3>").first)
        #expect(
            whole.contains(
                "<p class=\"flag\">The whole school below rests on 2 people in the data, fewer than 10: no interval, no conclusion.</p>"))
        // Its rows: values without intervals, as the children's row of the table by age shows them.
        let table = try #require(
            school.components(separatedBy: "<h3>The whole school</h3>").last?.components(separatedBy: "</table>").first)
        let rows = table.components(separatedBy: "<tr><td>").dropFirst()
        #expect(rows.count == 4)
        for row in rows {
            let values = row.components(separatedBy: "</td><td>").dropFirst()
            #expect(!values.contains { $0.contains("(") && $0.contains("–") }, "\(row)")
        }
        #expect(!school.contains("the same total as the whole school above, which gives its interval"))
        #expect(school.contains("<td class=\"flag\">fewer than 10 people: no interval, no conclusion</td>"))
    }

    @Test("a run on templates from a file says its images were not needed, never that they were unreadable")
    func precomputedFingerprint() throws {
        var summary = try HTMLReportTests.baseline()
        var fingerprint = try #require(summary.dataset.fingerprint)
        fingerprint.files = 3001
        fingerprint.labelFiles = 1
        fingerprint.unreadable = 3000
        summary.dataset.fingerprint = fingerprint
        func reproduce(_ s: RunSummary) throws -> String {
            let html = HTMLReport.render(s, curves: [])
            return try #require(html.components(separatedBy: "<h2>Reproduce</h2>").last)
        }
        // The dlib pipeline read its templates from the images: those it could not read are unreadable.
        #expect(try reproduce(summary).contains("; 3,001 files, 3000 unreadable)."))
        summary.pipeline.name = "precomputed"
        let section = try reproduce(summary)
        #expect(!section.contains("unreadable"), "\(section)")
        #expect(
            section.contains(
                "; 3,001 files). This run's templates came from a file (<code>--embeddings</code>), not from the images, so it needed none of them; the fingerprint could read none of the 3,000 images, so it covers their paths, not their contents."
            ))
        summary.dataset.fingerprint?.unreadable = 2
        #expect(try reproduce(summary).contains("the fingerprint could not read 2 of the 3,000 images, so for those it covers the paths"))
        summary.dataset.fingerprint?.unreadable = 0
        #expect(try reproduce(summary).contains("; 3,001 files).</td>"))
    }

    @Test("intersection tables show only the groups of at least the minimum of people, and count the others")
    func intersectionsOfEnoughPeople() throws {
        let summary = try HTMLReportTests.baseline()
        let html = HTMLReport.render(summary, curves: [])
        let fold = try #require(
            html.components(separatedBy: "<summary>Intersections: ").dropFirst().first?.components(separatedBy: "</details>").first)
        let intersections = summary.cohorts.filter { $0.targetFMR == 0.001 && $0.dimensions.isIntersection }
        #expect(intersections.count == 4)
        for analysis in intersections {
            let name = HTMLReport.label(dimension: analysis.dimensions.description)
            let table = try #require(
                fold.components(separatedBy: "<table><tr><th>\(HTML.escape(name))</th>").dropFirst().first?.components(
                    separatedBy: "</table>"
                )
                .first)
            let small = analysis.cohorts.filter { $0.subjects < 10 }
            let large = analysis.cohorts.filter { $0.subjects >= 10 }
            #expect(!small.isEmpty && !large.isEmpty)
            for c in small { #expect(!table.contains("<tr><td>\(HTML.escape(HTMLReport.value(of: c.cohort)))</td>"), "\(c.cohort)") }
            for c in large { #expect(table.contains("<tr><td>\(HTML.escape(HTMLReport.value(of: c.cohort)))</td>"), "\(c.cohort)") }
            #expect(!table.contains("fewer than 10 subjects"))
            let before = try #require(fold.components(separatedBy: "<table><tr><th>\(HTML.escape(name))</th>").first)
            #expect(
                before.hasSuffix(
                    "<p class=\"meta\">\(HTML.escape(name)), below: \(large.count) groups of 10 or more people. Not shown: \(small.count) groups of fewer than 10 people, too few to rely on; cohorts.csv has their rates.</p>\n<div class=\"table-scroll\">"
                ))
        }
        // With no group of 10 or more people, a sentence in place of the table.
        var few = intersections[0]
        few.cohorts = few.cohorts.filter { $0.subjects < 10 }
        #expect(
            HTMLReport.intersectionTable(few, minimum: 10)
                == "<p>age_band × gender: no group has 10 or more people. Its \(few.cohorts.count) groups of fewer than 10 people, too few to rely on, are not shown; cohorts.csv has their rates.</p>"
        )
    }

    @Test("a table of more than 12 groups lists them highest FMR first, unmeasured last, and says so above it")
    func longTablesByRate() throws {
        let summary = try HTMLReportTests.baseline()
        var analysis = try #require(summary.cohorts.first { $0.targetFMR == 0.001 && $0.dimensions.isIntersection })
        var template = try #require(analysis.cohorts.first { $0.subjects >= 10 })
        template.flags = []
        // 14 groups named in the run's order g00…g13; errors chosen so that rate order is not name order,
        // g05 and g09 tie (kept in the run's order), g07 has no non-mated pair.
        let errors = [3, 9, 1, 0, 7, 5, 2, -1, 8, 5, 4, 6, 12, 11]
        analysis.cohorts = errors.enumerated().map { k, e in
            var c = template
            c.cohort = "age_band × gender=g\(k < 10 ? "0" : "")\(k)"
            c.fmr = ErrorCount(errors: max(e, 0), trials: e < 0 ? 0 : 10_000)
            return c
        }
        let html = HTMLReport.intersectionTable(analysis, minimum: 10)
        let order = html.components(separatedBy: "<tr><td>").dropFirst().map { String($0.prefix(3)) }
        #expect(order == ["g12", "g13", "g01", "g08", "g04", "g11", "g05", "g09", "g10", "g00", "g06", "g02", "g03", "g07"], "\(order)")
        #expect(
            html.hasPrefix(
                "<p class=\"meta\">age_band × gender, below: 14 groups, highest false-match rate first; groups whose FMR is not measured (no pairs of different people) last.</p>\n<table>"
            ))
        // Up to 12 groups: the run's order, no line.
        analysis.cohorts = Array(analysis.cohorts.prefix(12))
        let short = HTMLReport.intersectionTable(analysis, minimum: 10)
        #expect(short.hasPrefix("<table>"))
        #expect(
            short.components(separatedBy: "<tr><td>").dropFirst().map { String($0.prefix(3)) }
                == (0..<12).map { k in "g\(k < 10 ? "0" : "")\(k)" })
        // With small groups left out too, one line says both.
        analysis.cohorts = errors.enumerated().map { k, e in
            var c = template
            c.cohort = "age_band × gender=g\(k < 10 ? "0" : "")\(k)"
            c.fmr = ErrorCount(errors: max(e, 0), trials: e < 0 ? 0 : 10_000)
            return c
        }
        var small = template
        small.cohort = "age_band × gender=tiny"
        small.subjects = 3
        small.flags = ["fewer than 10 subjects"]
        analysis.cohorts.append(small)
        #expect(
            HTMLReport.intersectionTable(analysis, minimum: 10).hasPrefix(
                "<p class=\"meta\">age_band × gender, below: 14 groups of 10 or more people. Not shown: 1 group of fewer than 10 people, too few to rely on; cohorts.csv has its rates. Rows: highest false-match rate first; groups whose FMR is not measured (no pairs of different people) last.</p>\n<table>"
            ))
        // A table that shows small groups (one attribute's) puts them after the others, whatever their rate: a
        // group of 3 people with 2 false matches in 6 pairs does not top the table; nor does a group whose
        // pairs cannot support the FMR, while a note on its false non-matches alone does not move a group.
        analysis.cohorts[analysis.cohorts.count - 1].fmr = ErrorCount(errors: 2, trials: 6)
        // g12, the highest, measured on fewer pairs than the rule of three asks at FMR 0.001 (3,000).
        analysis.cohorts[12].fmr = ErrorCount(errors: 120, trials: 1_000)
        analysis.cohorts[12].flags = ["cannot support FMR 0.001: 1000 non-mated pairs, 3000 needed"]
        analysis.cohorts[13].flags = ["no mated pairs"]  // g13, the next
        let table = HTMLReport.rateTable(analysis)
        let rows = table.components(separatedBy: "<tr><td>").dropFirst().map { String($0.prefix(3)) }
        #expect(rows.prefix(2) == ["g13", "g01"] && rows.suffix(3) == ["tin", "g12", "g07"] && rows.count == 15, "\(rows)")
        #expect(
            table.contains(
                "highest false-match rate first; groups with too few people or pairs to rely on (their notes say which) after the others; groups whose FMR is not measured (no pairs of different people) last."
            ))
        // Every note a run writes about too few non-mated pairs for the FMR is read as one.
        let notes = summary.cohorts.flatMap { a in a.cohorts.filter { $0.flags.contains { $0.contains("non-mated pairs") } }.map { (a, $0) }
        }
        #expect(!notes.isEmpty)
        #expect(notes.allSatisfy { HTMLReport.fmrUnreliable($1, in: $0) })
    }
}
