import FaceAuditMetrics
import Foundation

/// Inline SVG charts. Every chart has a visible title, axis titles, a text alternative, and its groups in
/// the page's fixed colours (``GroupColors``); rates use one fixed log scale (``HTML/logRange``) on the
/// whole page. No script, no external resource.
enum Charts {
    /// The opening of a chart: its visible title, then the element with its accessible title. The visible
    /// title is a paragraph of the page, not text of the drawing, so that it wraps to any screen: a chart is
    /// drawn at full size and scrolls sideways on a phone, and a long title inside it needed scrolling to
    /// be read. The drawing's coordinates still start above its top row, where the title was: the
    /// ``titleRow`` is left out of what is shown.
    static func open(width: Int, height: Int, title: String) -> [String] {
        let shown = height - titleRow
        return [
            "<p class=\"chart-title\">\(HTML.escape(title))</p>",
            "<svg class=\"chart\" role=\"img\" viewBox=\"0 \(titleRow) \(width) \(shown)\" width=\"\(width)\" height=\"\(shown)\" xmlns=\"http://www.w3.org/2000/svg\">",
            "<title>\(HTML.escape(title))</title>",
        ]
    }

    /// The top of a chart's coordinates that once held its title, which is now above the drawing.
    static let titleRow = 20

    /// A rate's place on the fixed log scale, 0 (10⁻⁵ or below, and 0) to 1 (100%).
    static func logPosition(_ rate: Double) -> Double {
        let (lo, hi) = HTML.logRange
        guard rate > 0 else { return 0 }
        return (min(max(log10(rate), lo), hi) - lo) / (hi - lo)
    }

    /// The decades of the fixed log scale, 10⁻⁵ … 1.
    static var decades: [Double] { (Int(HTML.logRange.lo)...Int(HTML.logRange.hi)).map { pow(10, Double($0)) } }

    /// One bar of a log-scale rate chart.
    struct RateBar {
        let label: String
        let rate: Double
        let lower: Double?
        let upper: Double?
        let zeroBound: Double?  // upper bound to show when no error was seen
        let note: String
        /// The group's colour on this page.
        var color: String = HTML.overallColor
        /// Drawn as a thin grey line under the others, without a dot or a legend entry: one of many groups
        /// (``HTMLReport/highlightingFew(_:fmr:)``).
        var background = false
    }

    /// Horizontal bars on the page's fixed log₁₀ axis with interval whiskers, one row per group compared.
    /// `overall`, everyone together, is not one of them: it is a dashed vertical reference line through
    /// the groups' rows, named with its rate and count on a line of its own above them. A group with no
    /// error has no bar: a hollow circle at the axis's start and a thin line to the upper end of its 95%
    /// interval, with "0 errors; at most X" beside it, so that it is never read as a measured rate. An
    /// interval reaching 0, which a log axis cannot show, ends in an arrow. The key under the axis explains
    /// the marks the chart uses.
    static func logBars(title: String, axisTitle: String, bars: [RateBar], overall: RateBar? = nil) -> String {
        let rowHeight = 23
        // Room on the left for the longest group label (14 px text, about 8 px a character): never clipped.
        let longest = bars.map(\.label.count).max() ?? 0
        let left = max(126, longest * 8 + 14)
        let plotWidth = 306
        // Room on the right for the longest note (13 px text, about 7.5 px a character): "1,249,950 of
        // 1,249,950,000" was cut off at a fixed 108 px.
        let longestNote = bars.map { noteText($0).count }.max() ?? 0
        let overallText = overall.map(overallLabel)
        let width = max(left + plotWidth + max(108, longestNote * 15 / 2 + 16), (overallText?.count ?? 0) * 7 + 12)
        // The reference line's name takes the first row's place.
        let top = 30 + (overall == nil ? 0 : rowHeight)
        let axisY = top + rowHeight * bars.count + 4
        let anyArrow = bars.contains { $0.rate > 0 && Charts.reachesZero($0) }
        let anyZero = bars.contains(where: isZeroRate)
        let keyTop = axisY + 44
        let height = keyTop + (anyArrow ? 18 : 0) + (anyZero ? 18 : 0)
        func x(_ v: Double) -> Double { Double(left) + logPosition(v) * Double(plotWidth) }
        // The "not measured" labels at the plot's start: no vertical line of the plot runs through their words.
        let labels = bars.enumerated().filter { isUnmeasured($0.element) }.map {
            unmeasuredBox(left: left, row: top + $0.offset * rowHeight)
        }
        var svg = open(width: width, height: height, title: title)
        for decade in decades {
            let px = x(decade)
            for (y1, y2) in verticalSegments(x: px, from: top, to: axisY, around: labels) {
                svg.append("<line x1=\"\(px)\" y1=\"\(y1)\" x2=\"\(px)\" y2=\"\(y2)\" stroke=\"#ddd\"/>")
            }
            svg.append("<text x=\"\(px)\" y=\"\(axisY + 14)\" font-size=\"12\" text-anchor=\"middle\">\(HTML.percent(decade))</text>")
        }
        svg.append("<line x1=\"\(left)\" y1=\"\(axisY)\" x2=\"\(left + plotWidth)\" y2=\"\(axisY)\" stroke=\"#666\"/>")
        svg.append(
            "<text class=\"axis-title\" x=\"\(left + plotWidth / 2)\" y=\"\(axisY + 32)\" font-size=\"13\" text-anchor=\"middle\">\(HTML.escape(axisTitle))</text>"
        )
        for (i, bar) in bars.enumerated() {
            let y = top + i * rowHeight
            let color = bar.color
            svg.append("<text x=\"\(left - 8)\" y=\"\(y + 16)\" font-size=\"14\" text-anchor=\"end\">\(HTML.escape(bar.label))</text>")
            if bar.rate > 0 {
                svg.append(
                    "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(max(1, x(bar.rate) - Double(left)))\" height=\"14\" fill=\"\(color)\" opacity=\"0.8\"/>"
                )
            } else if isZeroRate(bar) {
                svg.append(zeroRate(x: Double(left), y: Double(y + 11), color: color))
            } else if isUnmeasured(bar) {
                // Said at the plot's start too, which a phone shows before any scrolling: an empty row there
                // read like a group without error.
                svg.append(
                    "<text class=\"unmeasured\" x=\"\(left + 4)\" y=\"\(y + 16)\" font-size=\"13\" font-style=\"italic\" fill=\"#555\">\(unmeasuredText)</text>"
                )
            }
            if let l = bar.lower, let u = bar.upper, u > 0 {
                let xl = x(l)
                let xu = x(u)
                svg.append("<line x1=\"\(xl)\" y1=\"\(y + 11)\" x2=\"\(xu)\" y2=\"\(y + 11)\" stroke=\"#222\"/>")
                svg.append("<line x1=\"\(xu)\" y1=\"\(y + 6)\" x2=\"\(xu)\" y2=\"\(y + 16)\" stroke=\"#222\"/>")
                if l > pow(10, HTML.logRange.lo) {
                    svg.append("<line x1=\"\(xl)\" y1=\"\(y + 6)\" x2=\"\(xl)\" y2=\"\(y + 16)\" stroke=\"#222\"/>")
                }
            }
            if bar.rate > 0 && reachesZero(bar) {
                svg.append(zeroArrow(x: Double(left), y: Double(y + 11)))
            }
            svg.append("<text x=\"\(left + plotWidth + 8)\" y=\"\(y + 16)\" font-size=\"13\">\(HTML.escape(noteText(bar)))</text>")
        }
        if let overall, let overallText {
            // A short dashed stroke before its name, as the line itself is drawn.
            svg.append("<line x1=\"4\" y1=\"\(top - 18)\" x2=\"4\" y2=\"\(top - 4)\" \(overallStroke)/>")
            svg.append("<text x=\"12\" y=\"\(top - 6)\" font-size=\"12\">\(HTML.escape(overallText))</text>")
            if overall.rate > 0 {
                // Broken where a "not measured" label lies across it: drawn through, it struck out the words.
                let px = x(overall.rate)
                for (y1, y2) in verticalSegments(x: px, from: top - 2, to: axisY, around: labels) {
                    svg.append("<line class=\"overall-line\" x1=\"\(px)\" y1=\"\(y1)\" x2=\"\(px)\" y2=\"\(y2)\" \(overallStroke)/>")
                }
            }
        }
        var keyY = keyTop
        if anyArrow {
            svg.append(zeroArrow(x: 10, y: Double(keyY + 8)))
            svg.append("<text x=\"16\" y=\"\(keyY + 12)\" font-size=\"12\">the interval reaches 0, below the first mark</text>")
            keyY += 18
        }
        if anyZero {
            svg.append(zeroRate(x: 8, y: Double(keyY + 8), color: "#222"))
            svg.append("<line x1=\"8\" y1=\"\(keyY + 8)\" x2=\"30\" y2=\"\(keyY + 8)\" stroke=\"#222\"/>")
            svg.append("<line x1=\"30\" y1=\"\(keyY + 3)\" x2=\"30\" y2=\"\(keyY + 13)\" stroke=\"#222\"/>")
            svg.append(
                "<text x=\"36\" y=\"\(keyY + 12)\" font-size=\"12\">0 errors: no bar; line to its 95% upper bound</text>"
            )
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// A chart's legend, in HTML under the chart so that it wraps to any width and stays on a phone's
    /// screen (right of the plot, it was off it): a swatch and a name per group, everyone together last and
    /// dashed, as its line is drawn.
    static func legend(_ entries: [(label: String, color: String)]) -> String {
        let groups = entries.filter { $0.label != "overall" }.map { e in
            "<li><span class=\"swatch\" style=\"border-color: \(e.color)\"></span>\(HTML.escape(e.label))</li>"
        }
        let overall =
            entries.contains { $0.label == "overall" }
            ? ["<li><span class=\"swatch overall\" style=\"border-color: \(HTML.overallColor)\"></span>\(overallName)</li>"] : []
        return "<ul class=\"chart-legend\">" + (groups + overall).joined() + "</ul>"
    }

    /// How the reference line of everyone together is drawn: dark grey, dashed.
    static let overallStroke = "stroke=\"\(HTML.overallColor)\" stroke-width=\"2\" stroke-dasharray=\"6,3\""

    /// The name of everyone together, as every chart's reference line and legend gives it.
    static let overallName = "overall (everyone together)"

    /// The reference line's name with its rate: "overall (everyone together): 0.097% (20 of 20,604)", or,
    /// with no error, "overall (everyone together): 0 of 102; at most 3.6%" (short enough for a phone).
    static func overallLabel(_ bar: RateBar) -> String {
        guard isZeroRate(bar), let bound = bar.upper ?? bar.zeroBound else {
            return "\(overallName): \(HTML.percent(bar.rate)) (\(bar.note))"
        }
        return "\(overallName): \(bar.note); at most \(HTML.percent(bound))"
    }

    /// What a row without trials says at the plot's start.
    static let unmeasuredText = "not measured"

    /// A rectangle of a chart's drawing, in its coordinates.
    struct Box {
        let minX: Double
        let maxX: Double
        let minY: Int
        let maxY: Int
    }

    /// The room the "not measured" label of the row at `row` takes, with a little air around its words: 13 px
    /// italic text from `left + 4`, about 7.5 px a character (as the notes are measured), cap height above its
    /// baseline at `row + 16`, descenders below.
    static func unmeasuredBox(left: Int, row: Int) -> Box {
        Box(
            minX: Double(left + 2), maxX: Double(left + 6) + Double(unmeasuredText.count) * 7.5, minY: row + 2, maxY: row + 21)
    }

    /// The parts of the vertical line at `x` from `top` down to `bottom` outside every box in `boxes`: the line,
    /// broken where it would cross one. Boxes it misses leave it whole.
    static func verticalSegments(x: Double, from top: Int, to bottom: Int, around boxes: [Box]) -> [(Int, Int)] {
        let crossed = boxes.filter { x >= $0.minX && x <= $0.maxX && $0.maxY > top && $0.minY < bottom }.sorted { $0.minY < $1.minY }
        var segments: [(Int, Int)] = []
        var start = top
        for box in crossed {
            if box.minY > start { segments.append((start, box.minY)) }
            start = max(start, box.maxY)
        }
        if start < bottom { segments.append((start, bottom)) }
        return segments
    }

    /// Whether a bar is a group without trials: no rate, no bound, nothing to draw; its note says why.
    static func isUnmeasured(_ bar: RateBar) -> Bool { bar.rate == 0 && bar.zeroBound == nil && bar.upper == nil }

    /// Whether a bar is a group with trials and no error (it has a bound, and no bar is drawn).
    static func isZeroRate(_ bar: RateBar) -> Bool { bar.rate == 0 && bar.zeroBound != nil }

    /// The text right of a bar: its count, or for a group with no error "0 errors; at most 5.8% (0 of 62)",
    /// the upper end of its interval (the tables' and cohorts.csv's bound).
    static func noteText(_ bar: RateBar) -> String {
        guard isZeroRate(bar), let bound = bar.upper ?? bar.zeroBound else { return bar.note }
        return "0 errors; at most \(HTML.percent(bound)) (\(bar.note))"
    }

    /// A hollow circle at 0: a group with no error, which a log axis cannot place.
    static func zeroRate(x: Double, y: Double, color: String) -> String {
        "<circle class=\"zero-rate\" cx=\"\(x)\" cy=\"\(y)\" r=\"4\" fill=\"#fff\" stroke=\"\(color)\" stroke-width=\"1.5\"/>"
    }

    /// Whether a bar's rate or interval reaches 0 (or below the scale), which the axis cannot show.
    static func reachesZero(_ bar: RateBar) -> Bool {
        if bar.rate == 0 { return bar.zeroBound != nil }
        guard let lower = bar.lower, lower.isFinite else { return false }
        return lower <= pow(10, HTML.logRange.lo)
    }

    /// A left-pointing arrowhead: a lower bound of 0, which a log axis cannot reach.
    static func zeroArrow(x: Double, y: Double) -> String {
        "<polygon class=\"zero-mark\" points=\"\(x - 6),\(y) \(x),\(y - 5) \(x),\(y + 5)\" fill=\"#222\"/>"
    }

    /// One cohort's DET curve and its operating point at the global threshold.
    struct DETSeries {
        let label: String
        let points: [CurvePoint]
        let operating: (fmr: Double, fnmr: Double)?
        /// The group at a fixed threshold, drawn as a ring.
        var fixed: (fmr: Double, fnmr: Double)? = nil
        /// The group's colour on this page.
        var color: String = HTML.overallColor
        /// Drawn as a thin grey line under the others, without a dot or a legend entry: one of many groups
        /// (``HTMLReport/highlightingFew(_:fmr:)``).
        var background = false
    }

    /// DET curves on normal-deviate axes (DETware's ppndf), FMR across, FNMR up.
    static func det(title: String, series: [DETSeries]) -> String {
        let size = 420
        let margin = 56
        let ticks: [Double] = [1e-4, 1e-3, 1e-2, 0.05, 0.2, 0.5]
        let lo = Probit.ppndf(5e-5)
        let hi = Probit.ppndf(0.6)
        func coord(_ p: Double) -> Double { (min(max(Probit.ppndf(p), lo), hi) - lo) / (hi - lo) * Double(size - 2 * margin) }
        func px(_ fmr: Double) -> Double { Double(margin) + coord(fmr) }
        func py(_ fnmr: Double) -> Double { Double(size - margin) - coord(fnmr) }
        let flat = series.contains { s in s.points.contains { $0.fnmr == 0 } }
        let height = size + (flat ? 20 : 0)
        var svg = open(width: size + 180, height: height, title: title)
        svg.append(
            "<rect x=\"\(margin)\" y=\"\(margin)\" width=\"\(size - 2 * margin)\" height=\"\(size - 2 * margin)\" fill=\"none\" stroke=\"#999\"/>"
        )
        for t in ticks {
            svg.append("<line x1=\"\(px(t))\" y1=\"\(margin)\" x2=\"\(px(t))\" y2=\"\(size - margin)\" stroke=\"#eee\"/>")
            svg.append("<line x1=\"\(margin)\" y1=\"\(py(t))\" x2=\"\(size - margin)\" y2=\"\(py(t))\" stroke=\"#eee\"/>")
            svg.append("<text x=\"\(px(t))\" y=\"\(size - margin + 15)\" font-size=\"11\" text-anchor=\"middle\">\(HTML.percent(t))</text>")
            svg.append("<text x=\"\(margin - 4)\" y=\"\(py(t) + 4)\" font-size=\"11\" text-anchor=\"end\">\(HTML.percent(t))</text>")
        }
        svg.append(
            "<text class=\"axis-title\" x=\"\(size / 2)\" y=\"\(size - 16)\" font-size=\"13\" text-anchor=\"middle\">False match rate (normal-deviate scale)</text>"
        )
        svg.append(
            "<text class=\"axis-title\" x=\"14\" y=\"\(size / 2)\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(size / 2))\">False non-match rate (normal-deviate scale)</text>"
        )
        for s in series where s.background {
            let path = s.points.filter { $0.fmr.isFinite && $0.fnmr.isFinite }.map { "\(px($0.fmr)),\(py($0.fnmr))" }.joined(separator: " ")
            if !path.isEmpty { svg.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"#c8c8c8\" stroke-width=\"1\"/>") }
        }
        for s in series where !s.background {
            let color = s.color
            let path = s.points.filter { $0.fmr.isFinite && $0.fnmr.isFinite }.map { "\(px($0.fmr)),\(py($0.fnmr))" }.joined(separator: " ")
            if !path.isEmpty {
                svg.append(
                    s.label == "overall"
                        ? "<polyline class=\"overall-line\" points=\"\(path)\" fill=\"none\" \(overallStroke)/>"
                        : "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\"/>")
            }
            if let op = s.operating, op.fmr.isFinite, op.fnmr.isFinite {
                svg.append("<circle cx=\"\(px(op.fmr))\" cy=\"\(py(op.fnmr))\" r=\"4\" fill=\"\(color)\" stroke=\"#fff\"/>")
            }
            if let ring = s.fixed, ring.fmr.isFinite, ring.fnmr.isFinite {
                svg.append(
                    "<circle cx=\"\(px(ring.fmr))\" cy=\"\(py(ring.fnmr))\" r=\"5.5\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                )
            }
        }
        if flat {
            svg.append(
                "<text x=\"8\" y=\"\(height - 6)\" font-size=\"12\">Bottom edge: no false non-match (0 is off the scale).</text>"
            )
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n" + legend(series.filter { !$0.background }.map { ($0.label, $0.color) })
    }

    /// The colour legend of the fixed log scale: one swatch per decade step and one for no error.
    static func heatLegend(x: Int, y: Int, width: Int) -> [String] {
        var out = ["<g class=\"legend\">"]
        out.append("<text x=\"\(x)\" y=\"\(y - 6)\" font-size=\"12\">False match rate (log scale; same colours in every chart)</text>")
        let zeroWidth = 56
        out.append("<rect x=\"\(x)\" y=\"\(y)\" width=\"28\" height=\"14\" fill=\"#FFFFFF\" stroke=\"#999\"/>")
        out.append("<text x=\"\(x + 14)\" y=\"\(y + 28)\" font-size=\"11\" text-anchor=\"middle\">none</text>")
        let steps = 20
        let span = width - zeroWidth
        for k in 0..<steps {
            let t = (Double(k) + 0.5) / Double(steps)
            out.append(
                "<rect x=\"\(x + zeroWidth + k * span / steps)\" y=\"\(y)\" width=\"\(span / steps + 1)\" height=\"14\" fill=\"\(HTML.hex(HTML.heat(t)))\"/>"
            )
        }
        for (k, decade) in decades.enumerated() {
            let px = x + zeroWidth + k * span / (decades.count - 1)
            out.append("<line x1=\"\(px)\" y1=\"\(y + 14)\" x2=\"\(px)\" y2=\"\(y + 18)\" stroke=\"#444\"/>")
            out.append("<text x=\"\(px)\" y=\"\(y + 28)\" font-size=\"11\" text-anchor=\"middle\">\(HTML.percent(decade))</text>")
        }
        out.append("</g>")
        return out
    }

    /// Cross-group false matches as a symmetric matrix: the cell of two groups counts every pair of one
    /// person from each (both orders of `cells`, which is ordered by probe and reference), shown once (lower
    /// triangle, the diagonal being pairs within a group). Colours follow the page's fixed log scale with a
    /// legend; cell text is black or white, whichever contrasts more.
    ///
    /// With more than ``heatmapTextLimit`` groups the cells carry colour only, 16 px square, each with its
    /// counts as a tooltip: 50 groups of text cells drew a chart 4,960 px wide. The key then says where
    /// every cell's counts are (cross_cohort_fmr.csv).
    static func heatmap(title: String, labels: [String], cells: [[ErrorCount]]) -> String {
        let n = labels.count
        func countsText(_ count: ErrorCount) -> String {
            count.trials == 0 ? "no pairs" : "\(HTML.grouped(count.errors)) / \(HTML.grouped(count.trials))"
        }
        if n > heatmapTextLimit { return compactHeatmap(title: title, labels: labels, cells: cells, countsText: countsText) }
        // Wide enough for the widest cell text, 6 px clear on each side: "1,075 / 2,250,000" is 107 px of
        // 12 px text and ran into the next cell when cells were a fixed 96 px.
        let texts = (0..<n).flatMap { p in (0...p).map { countsText(symmetricCell(cells, p, $0)) } }
        let widestText = texts.map { textWidth($0, fontSize: 12) }.max() ?? 0
        let cellWidth = max(96, Int(widestText.rounded(.up)) + 14)
        let cellHeight = 40
        let left = 150
        let top = 80
        let legendWidth = 380
        let width = max(left + cellWidth * n + 10, legendWidth + 30, 560)
        // Column labels wider than a cell are slanted, with room below for them.
        let longest = labels.map(\.count).max() ?? 0
        let slanted = Double(longest) * 7.5 > Double(cellWidth - 6)
        let labelDepth = slanted ? Int(Double(longest) * 7.5 * 0.5) + 10 : 14
        let anyUnpaired = (0..<n).contains { p in (0...p).contains { symmetricCell(cells, p, $0).trials == 0 } }
        let height = top + cellHeight * n + 72 + labelDepth + (anyUnpaired ? 16 : 0)
        var svg = open(width: width, height: height, title: title)
        svg.append(contentsOf: heatLegend(x: 10, y: 42, width: legendWidth))
        for (i, label) in labels.enumerated() {
            svg.append(
                "<text x=\"\(left - 8)\" y=\"\(top + i * cellHeight + cellHeight / 2 + 5)\" font-size=\"13\" text-anchor=\"end\">\(HTML.escape(label))</text>"
            )
            let cx = left + i * cellWidth + cellWidth / 2
            let cy = top + n * cellHeight + 18
            svg.append(
                slanted
                    ? "<text x=\"\(cx + 10)\" y=\"\(cy)\" font-size=\"13\" text-anchor=\"end\" transform=\"rotate(-30 \(cx + 10) \(cy))\">\(HTML.escape(label))</text>"
                    : "<text x=\"\(cx)\" y=\"\(cy)\" font-size=\"13\" text-anchor=\"middle\">\(HTML.escape(label))</text>")
        }
        for p in 0..<n {
            for r in 0...p {
                let count = symmetricCell(cells, p, r)
                let x = left + r * cellWidth
                let y = top + p * cellHeight
                // White is no false match; a cell without pairs is grey, so that it is not read as one.
                var fill = count.trials == 0 ? Self.noPairsFill : (r: 255.0, g: 255.0, b: 255.0)
                if count.trials > 0 && count.errors > 0 { fill = HTML.heat(logPosition(count.rate)) }
                let ink = HTML.textColor(on: fill)
                svg.append(
                    "<rect class=\"cell\" x=\"\(x)\" y=\"\(y)\" width=\"\(cellWidth - 2)\" height=\"\(cellHeight - 2)\" fill=\"\(HTML.hex(fill))\" stroke=\"#bbb\"/>"
                )
                let counts = countsText(count)
                svg.append(
                    "<text x=\"\(x + cellWidth / 2 - 1)\" y=\"\(y + 16)\" font-size=\"12\" text-anchor=\"middle\" fill=\"\(ink)\">\(counts)</text>"
                )
                if count.trials > 0 {
                    svg.append(
                        "<text x=\"\(x + cellWidth / 2 - 1)\" y=\"\(y + 32)\" font-size=\"12\" text-anchor=\"middle\" fill=\"\(ink)\">\(HTML.percent(count.rate))</text>"
                    )
                }
            }
        }
        let keyY = height - (anyUnpaired ? 44 : 28)
        svg.append("<text x=\"10\" y=\"\(keyY)\" font-size=\"12\">Cell: false matches / pairs of one person from each</text>")
        svg.append("<text x=\"10\" y=\"\(keyY + 16)\" font-size=\"12\">group; diagonal: within a group.</text>")
        if anyUnpaired {
            svg.append("<text x=\"10\" y=\"\(keyY + 32)\" font-size=\"12\">Grey: no pairs to compare.</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// The most groups a heat map writes counts into its cells for (12 cells of about 100 px fill a desktop
    /// page); above it, colour only.
    static let heatmapTextLimit = 12

    /// ``heatmap(title:labels:cells:)`` with colour-only cells, for many groups.
    static func compactHeatmap(
        title: String, labels: [String], cells: [[ErrorCount]], countsText: (ErrorCount) -> String
    ) -> String {
        let n = labels.count
        let cell = 16
        let longest = Double(labels.map(\.count).max() ?? 0) * 6.5
        let left = Int(longest) + 16
        let top = 80
        let legendWidth = 380
        let labelDepth = Int(longest * 0.87) + 14
        let width = max(left + cell * n + 20, legendWidth + 30, 560)
        let height = top + cell * n + labelDepth + 80
        var svg = open(width: width, height: height, title: title)
        svg.append(contentsOf: heatLegend(x: 10, y: 42, width: legendWidth))
        for (i, label) in labels.enumerated() {
            svg.append(
                "<text x=\"\(left - 6)\" y=\"\(top + i * cell + cell / 2 + 4)\" font-size=\"11\" text-anchor=\"end\">\(HTML.escape(label))</text>"
            )
            let cx = left + i * cell + cell / 2 + 4
            let cy = top + n * cell + 8
            svg.append(
                "<text x=\"\(cx)\" y=\"\(cy)\" font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-60 \(cx) \(cy))\">\(HTML.escape(label))</text>"
            )
        }
        for p in 0..<n {
            for r in 0...p {
                let count = symmetricCell(cells, p, r)
                var fill = count.trials == 0 ? Self.noPairsFill : (r: 255.0, g: 255.0, b: 255.0)
                if count.trials > 0 && count.errors > 0 { fill = HTML.heat(logPosition(count.rate)) }
                let tip = "\(labels[p]) × \(labels[r]): \(countsText(count))" + (count.trials > 0 ? " (\(HTML.percent(count.rate)))" : "")
                svg.append(
                    "<rect class=\"cell\" x=\"\(left + r * cell)\" y=\"\(top + p * cell)\" width=\"\(cell - 1)\" height=\"\(cell - 1)\" fill=\"\(HTML.hex(fill))\" stroke=\"#bbb\" stroke-width=\"0.5\"><title>\(HTML.escape(tip))</title></rect>"
                )
            }
        }
        let keyY = height - 44
        svg.append(
            "<text x=\"10\" y=\"\(keyY)\" font-size=\"12\">Colour only: \(n) groups leave no room for counts (pointing at a cell shows them;</text>"
        )
        svg.append(
            "<text x=\"10\" y=\"\(keyY + 16)\" font-size=\"12\">every cell's are in cross_cohort_fmr.csv). Diagonal: within a group; grey: no pairs.</text>"
        )
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// About how wide `text` is at `fontSize` px in the page's sans-serif face (DejaVu Sans's advance
    /// widths, rounded up: digits 0.64 em, `,` `.` and space 0.32, `/` 0.34, `%` 0.95, anything else 0.7),
    /// for sizing boxes to their text; a little wider than it renders, never narrower.
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        text.unicodeScalars.reduce(0) { width, c in
            let em: Double =
                switch c {
                case "0"..."9": 0.64
                case ",", ".", " ": 0.32
                case "/": 0.34
                case "%": 0.95
                default: 0.7
                }
            return width + em * fontSize
        }
    }

    /// The fill of a heat-map cell without pairs: light grey, not the white of no false match.
    static let noPairsFill = (r: 230.0, g: 230.0, b: 230.0)

    /// The unordered pair of groups `p` and `r`: (p, r) and (r, p) together; a group with itself once.
    static func symmetricCell(_ cells: [[ErrorCount]], _ p: Int, _ r: Int) -> ErrorCount {
        func at(_ i: Int, _ j: Int) -> ErrorCount {
            i < cells.count && j < cells[i].count ? cells[i][j] : ErrorCount(errors: 0, trials: 0)
        }
        guard p != r else { return at(p, p) }
        let a = at(p, r)
        let b = at(r, p)
        return ErrorCount(errors: a.errors + b.errors, trials: a.trials + b.trials)
    }

    /// One group's false match rate at every threshold.
    struct ThresholdSeries {
        let label: String
        let points: [CurvePoint]
        var color: String = HTML.overallColor
    }

    /// A threshold the report uses, marked on the threshold chart.
    struct ThresholdMark {
        let label: String
        let threshold: Double
    }

    /// False match rate against the threshold, one line per group, on the page's fixed log scale, with the
    /// report's operating thresholds as vertical lines: how often strangers are matched as the system is
    /// made stricter or looser. A rate of 0 sits on the bottom edge, marked.
    static func fmrByThreshold(title: String, thresholdTitle: String, series: [ThresholdSeries], marks: [ThresholdMark]) -> String {
        let left = 70
        let top = 34
        let plotWidth = 400
        let plotHeight = 180
        let width = left + plotWidth + 170
        let height = top + plotHeight + 70
        let floor = pow(10, HTML.logRange.lo)
        // The thresholds where some group's FMR is between 10⁻⁵ and 100%, and every mark.
        let shown = series.flatMap(\.points).filter { $0.threshold.isFinite && $0.fmr >= floor * 0.5 && $0.fmr < 0.999 }.map(\.threshold)
        let xs = shown + marks.map(\.threshold)
        guard var lo = xs.min(), var hi = xs.max(), hi > lo else { return "" }
        let pad = (hi - lo) * 0.05
        lo -= pad
        hi += pad
        func px(_ t: Double) -> Double { Double(left) + (min(max(t, lo), hi) - lo) / (hi - lo) * Double(plotWidth) }
        func py(_ fmr: Double) -> Double { Double(top + plotHeight) - logPosition(fmr) * Double(plotHeight) }
        var svg = open(width: width, height: height, title: title)
        svg.append("<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"none\" stroke=\"#999\"/>")
        for decade in decades {
            svg.append("<line x1=\"\(left)\" y1=\"\(py(decade))\" x2=\"\(left + plotWidth)\" y2=\"\(py(decade))\" stroke=\"#eee\"/>")
            svg.append(
                "<text x=\"\(left - 4)\" y=\"\(py(decade) + 4)\" font-size=\"11\" text-anchor=\"end\">\(HTML.percent(decade))</text>")
        }
        for k in 0...4 {
            let t = lo + (hi - lo) * Double(k) / 4
            svg.append(
                "<text x=\"\(px(t))\" y=\"\(top + plotHeight + 15)\" font-size=\"11\" text-anchor=\"middle\">\(HTML.number(t, 3))</text>")
        }
        svg.append(
            "<text class=\"axis-title\" x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight + 34)\" font-size=\"13\" text-anchor=\"middle\">\(HTML.escape(thresholdTitle))</text>"
        )
        svg.append(
            "<text class=\"axis-title\" x=\"14\" y=\"\(top + plotHeight / 2)\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(top + plotHeight / 2))\">False match rate (log scale)</text>"
        )
        for s in series {
            let path = s.points.filter { $0.threshold.isFinite && $0.fmr.isFinite && $0.threshold >= lo && $0.threshold <= hi }
                .sorted { $0.threshold < $1.threshold }.map { "\(px($0.threshold)),\(py($0.fmr))" }.joined(separator: " ")
            if !path.isEmpty {
                svg.append(
                    s.label == "overall"
                        ? "<polyline class=\"overall-line\" points=\"\(path)\" fill=\"none\" \(overallStroke)/>"
                        : "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.8\"/>")
            }
        }
        for (i, mark) in marks.enumerated() {
            let x = px(mark.threshold)
            svg.append(
                "<line class=\"threshold-mark\" x1=\"\(x)\" y1=\"\(top)\" x2=\"\(x)\" y2=\"\(top + plotHeight)\" stroke=\"#000\" stroke-dasharray=\"5,3\"/>"
            )
            svg.append(
                "<text x=\"\(x + 3)\" y=\"\(top + 12 + i * 14)\" font-size=\"11\">\(HTML.escape(mark.label))</text>")
        }
        svg.append(zeroArrow(x: 8, y: Double(height - 12)))
        svg.append(
            "<text x=\"12\" y=\"\(height - 8)\" font-size=\"12\">Bottom edge: no false match (0, or below 0.001%).</text>"
        )
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n" + legend(series.map { ($0.label, $0.color) })
    }

    /// Small multiples of score histograms: mated (filled) and non-mated (outlined), each on a log scale
    /// of pairs per bin up to its own peak, so that the few pairs in the tails show; the threshold is a
    /// vertical line.
    static func histograms(
        title: String, rows: [(label: String, edges: [Double], mated: [Int], nonMated: [Int])], threshold: Double, scoreTitle: String
    ) -> String {
        let rowHeight = 54
        let left = 190
        let plotWidth = 420
        let top = 26
        let height = top + rows.count * rowHeight + 40
        guard let first = rows.first, let lo = first.edges.first, let hi = first.edges.last, hi > lo else { return "" }
        func x(_ v: Double) -> Double { Double(left) + (v - lo) / (hi - lo) * Double(plotWidth) }
        var svg = open(width: left + plotWidth + 20, height: height, title: title)
        for (i, row) in rows.enumerated() {
            let base = Double(top + (i + 1) * rowHeight - 8)
            // Everyone together is named so, in italics, and set apart from the groups by a dashed rule.
            if row.label == "overall" {
                svg.append(
                    "<text x=\"\(left - 8)\" y=\"\(base - 12)\" font-size=\"13\" font-style=\"italic\" text-anchor=\"end\">overall (everyone)</text>"
                )
                svg.append(
                    "<line class=\"overall-separator\" x1=\"0\" y1=\"\(base + 4)\" x2=\"\(left + plotWidth)\" y2=\"\(base + 4)\" stroke=\"#888\" stroke-dasharray=\"4,3\"/>"
                )
            } else {
                svg.append(
                    "<text x=\"\(left - 8)\" y=\"\(base - 12)\" font-size=\"13\" text-anchor=\"end\">\(HTML.escape(row.label))</text>")
            }
            for (counts, filled) in [(row.nonMated, false), (row.mated, true)] {
                let peak = Double(counts.max() ?? 0)
                guard peak > 0 else { continue }
                var points = ["\(x(lo)),\(base)"]
                for (b, c) in counts.enumerated() {
                    // log(1 + count): a bin of 1 pair in the tail, where errors happen, stays visible.
                    let y = base - log10(1 + Double(c)) / log10(1 + peak) * Double(rowHeight - 14)
                    points.append("\(x(row.edges[b])),\(y)")
                    points.append("\(x(row.edges[b + 1])),\(y)")
                }
                points.append("\(x(hi)),\(base)")
                let style = filled ? "fill=\"#0072B2\" fill-opacity=\"0.35\" stroke=\"#0072B2\"" : "fill=\"none\" stroke=\"#D55E00\""
                svg.append("<polyline points=\"\(points.joined(separator: " "))\" \(style)/>")
            }
            svg.append("<line x1=\"\(left)\" y1=\"\(base)\" x2=\"\(left + plotWidth)\" y2=\"\(base)\" stroke=\"#999\"/>")
        }
        if threshold.isFinite && threshold >= lo && threshold <= hi {
            svg.append(
                "<line x1=\"\(x(threshold))\" y1=\"\(top)\" x2=\"\(x(threshold))\" y2=\"\(height - 36)\" stroke=\"#000\" stroke-dasharray=\"4,3\"/>"
            )
        }
        let axisY = height - 24
        svg.append("<text x=\"\(left)\" y=\"\(axisY)\" font-size=\"12\">\(HTML.number(lo, 3))</text>")
        svg.append("<text x=\"\(left + plotWidth)\" y=\"\(axisY)\" font-size=\"12\" text-anchor=\"end\">\(HTML.number(hi, 3))</text>")
        svg.append(
            "<text class=\"axis-title\" x=\"\(left + plotWidth / 2)\" y=\"\(height - 6)\" font-size=\"13\" text-anchor=\"middle\">\(HTML.escape(scoreTitle))</text>"
        )
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }
}
