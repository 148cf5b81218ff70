import Foundation
import Testing

@testable import FaceAuditMetrics
@testable import FaceAuditReport

@Suite("report charts")
struct ChartsTests {
    /// The values of `attribute` in `svg`, in order.
    static func values(of attribute: String, in svg: String) -> [String] {
        svg.components(separatedBy: " \(attribute)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    /// The rectangles of a heat map's cells, with the text that follows each.
    static func cells(_ svg: String) -> [(fill: String, texts: [String], ink: [String])] {
        svg.components(separatedBy: "<rect class=\"cell\"").dropFirst().map { chunk in
            let end = chunk.range(of: "<rect class=\"cell\"")?.lowerBound ?? chunk.endIndex
            let body = String(chunk[..<end])
            let fill = values(of: "fill", in: body).first ?? ""
            let texts = body.components(separatedBy: "\">").dropFirst().compactMap { part -> String? in
                let text = String(part.prefix { $0 != "<" })
                return text.isEmpty ? nil : text
            }
            let ink = values(of: "fill", in: body).dropFirst().map { $0 }
            return (fill, texts, ink)
        }
    }

    static func rgb(_ hex: String) -> (r: Double, g: Double, b: Double) {
        let v = Int(hex.dropFirst(), radix: 16) ?? 0
        return (Double(v >> 16 & 255), Double(v >> 8 & 255), Double(v & 255))
    }

    @Test("the heat map is symmetric: one cell per pair of groups, counting both orders")
    func symmetricHeatmap() {
        let cells = [
            [ErrorCount(errors: 9, trials: 4_704), ErrorCount(errors: 1, trials: 4_160), ErrorCount(errors: 0, trials: 300)],
            [ErrorCount(errors: 5, trials: 4_120), ErrorCount(errors: 11, trials: 5_512), ErrorCount(errors: 2, trials: 250)],
            [ErrorCount(errors: 0, trials: 310), ErrorCount(errors: 3, trials: 260), ErrorCount(errors: 0, trials: 0)],
        ]
        let svg = Charts.heatmap(title: "Cross-group false matches by gender", labels: ["a", "b", "c"], cells: cells)
        let shown = Self.cells(svg)
        #expect(shown.count == 6)  // the lower triangle with the diagonal: 3 + 2 + 1
        let texts = shown.map { $0.texts.first ?? "" }
        #expect(texts == ["9 / 4,704", "6 / 8,280", "11 / 5,512", "0 / 610", "5 / 510", "no pairs"])
        #expect(!svg.contains("1 / 4,160") && !svg.contains("5 / 4,120"))
        #expect(svg.hasPrefix("<p class=\"chart-title\">Cross-group false matches by gender</p>\n<svg class=\"chart\""))
        #expect(svg.contains("<title>Cross-group false matches by gender</title>"))
        #expect(svg.contains("<g class=\"legend\">") && svg.contains("False match rate (log scale"))
    }

    /// From reading a 500-cohort report: "1,075 / 2,250,000" (107 px of 12 px DejaVu Sans) ran into the
    /// next cell, and two cells read as one number, "2,250,002,057".
    @Test("heat-map cells are wide enough for their counts, millions of pairs included")
    func cellsFitTheirText() {
        let cells = [
            [ErrorCount(errors: 1_365, trials: 1_123_500), ErrorCount(errors: 1_000, trials: 1_125_000)],
            [ErrorCount(errors: 75, trials: 1_125_000), ErrorCount(errors: 2_057, trials: 1_123_500)],
        ]
        let svg = Charts.heatmap(title: "g", labels: ["female", "male"], cells: cells)
        let widths = svg.split(separator: "\n").filter { $0.contains("class=\"cell\"") }.compactMap { line -> Double? in
            guard let range = line.range(of: "width=\"") else { return nil }
            return Double(line[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(widths.count == 3)
        // Digits are 0.636 em in DejaVu Sans: 11 digits, 3 commas, 2 spaces and a slash at 12 px are 107 px.
        for width in widths { #expect(width >= 107 + 8, "a cell of \(width) px for \"1,075 / 2,250,000\"") }
        // Small counts keep the usual cells.
        let small = Charts.heatmap(title: "s", labels: ["x"], cells: [[ErrorCount(errors: 9, trials: 4_704)]])
        #expect(small.contains("width=\"94\""))
    }

    /// 50 groups of text cells made a chart 4,960 px wide; above 12 groups the cells are colour only, each
    /// with its counts as a tooltip, and the key says where the numbers are.
    @Test("a heat map of many groups fits a desktop page: colour-only cells, counts in tooltips and the CSV")
    func manyGroupsFit() throws {
        let n = 50
        let labels = (0..<n).map { String(format: "group_%02d", $0) }
        let cells = (0..<n).map { p in (0..<n).map { r in ErrorCount(errors: (p * 7 + r) % 5, trials: 900_000 + p + r) } }
        let svg = Charts.heatmap(title: "g", labels: labels, cells: cells)
        let width = try #require(svg.range(of: "width=\"").map { Int(svg[$0.upperBound...].prefix { $0 != "\"" }) } ?? nil)
        #expect(width <= 1_000, "\(width) px")
        #expect(svg.components(separatedBy: "class=\"cell\"").count - 1 == n * (n + 1) / 2)
        // Both orders of the two groups in one cell: 2 + 0 false matches in 2 × 900,004 pairs.
        #expect(svg.contains("<title>group_03 × group_01: 2 / 1,800,008 (0.00011%)</title>"))
        #expect(svg.contains("cross_cohort_fmr.csv"))
        // Up to 12 groups keep their counts in the cells.
        let twelve = Charts.heatmap(title: "t", labels: Array(labels.prefix(12)), cells: cells.prefix(12).map { Array($0.prefix(12)) })
        #expect(twelve.contains(">1 / 900,004</text>") && !twelve.contains("cross_cohort_fmr.csv"))
    }

    /// 50 groups' DET curves shared about 10 colours; above the palette's 14, the 3 groups with the highest
    /// and the 3 with the lowest false match rate are coloured, each its own colour, and the rest are grey.
    @Test("DET curves of many groups: the three highest and three lowest coloured, the rest grey, and said so")
    func manyCurves() {
        let point = [
            CurvePoint(threshold: 0.5, fmr: 0.01, fnmr: 0.1, fmrProbit: 0, fnmrProbit: 0),
            CurvePoint(threshold: 0.6, fmr: 0.001, fnmr: 0.2, fmrProbit: 0, fnmrProbit: 0),
        ]
        let labels = ["overall"] + (0..<20).map { "g\($0)" }
        let series = labels.map { Charts.DETSeries(label: $0, points: point, operating: (0.01, 0.1)) }
        // g7 highest, then g3, g12; g0 and g1 tie lowest (series order keeps g0 first), then g2.
        var fmr = [0.01] + (0..<20).map { 0.005 + Double($0) * 1e-6 }
        fmr[1 + 7] = 0.09
        fmr[1 + 3] = 0.08
        fmr[1 + 12] = 0.07
        fmr[1 + 0] = 0.001
        fmr[1 + 1] = 0.001
        fmr[1 + 2] = 0.002
        let (shown, note) = HTMLReport.highlightingFew(series, fmr: fmr)
        let coloured = shown.filter { !$0.background }
        #expect(coloured.map(\.label) == ["overall", "g0", "g1", "g2", "g3", "g7", "g12"])
        #expect(Set(coloured.dropFirst().map(\.color)).count == 6)
        #expect(
            note
                == "With 20 groups, too many to tell apart by colour, the chart colours the 3 with the highest false match rate at the threshold (g7, g3, g12) and the 3 with the lowest (g0, g1, g2); the other 14 are thin grey lines. Every group's curve is in curves.csv."
        )
        let svg = Charts.det(title: "t", series: shown)
        #expect(svg.components(separatedBy: "stroke=\"#c8c8c8\"").count - 1 == 14)
        #expect(svg.components(separatedBy: "<li>").count - 1 == 7)
        // Up to 14 groups: as they were, no sentence.
        let few = Array(series.prefix(15))
        let (same, none) = HTMLReport.highlightingFew(few, fmr: Array(fmr.prefix(15)))
        #expect(none == nil && !same.contains { $0.background })
    }

    @Test("the heat map's colours follow one fixed log scale, with readable text in every cell")
    func fixedScaleAndContrast() {
        // The same rate in two charts of very different ranges has the same colour.
        let low = [
            [ErrorCount(errors: 1, trials: 1_000), ErrorCount(errors: 0, trials: 10)],
            [ErrorCount(errors: 1, trials: 100_000), ErrorCount(errors: 0, trials: 10)],
        ]
        let high = [
            [ErrorCount(errors: 1, trials: 1_000), ErrorCount(errors: 0, trials: 10)],
            [ErrorCount(errors: 50, trials: 100), ErrorCount(errors: 0, trials: 10)],
        ]
        let a = Self.cells(Charts.heatmap(title: "a", labels: ["x", "y"], cells: low))
        let b = Self.cells(Charts.heatmap(title: "b", labels: ["x", "y"], cells: high))
        #expect(a[0].fill == b[0].fill)  // 0.1% in both
        #expect(a[1].fill != b[1].fill)  // 1 in 100,000 vs 50%
        #expect(a[2].fill == "#FFFFFF")  // no false match: white
        // Text contrast: at least 4.5:1 (WCAG AA) in every cell of a sweep across the scale.
        var rows: [[ErrorCount]] = []
        for k in 0..<12 { rows.append((0..<12).map { j in ErrorCount(errors: (k * 12 + j) * 7, trials: 1_000) }) }
        let sweep = Self.cells(Charts.heatmap(title: "sweep", labels: (0..<12).map { "g\($0)" }, cells: rows))
        for cell in sweep {
            let background = HTML.luminance(Self.rgb(cell.fill))
            for ink in cell.ink {
                #expect(HTML.contrast(background, HTML.luminance(Self.rgb(ink))) >= 4.5, "\(cell.fill) / \(ink)")
            }
        }
        #expect(Set(sweep.map(\.fill)).count > 10)
        for size in Self.values(of: "font-size", in: Charts.heatmap(title: "s", labels: ["x", "y"], cells: high)) {
            #expect((Double(size) ?? 0) >= 11)
        }
    }

    @Test("rate bars have a title, an axis title, the fixed log axis, and mark a lower bound of 0")
    func logBars() {
        let bars = [
            Charts.RateBar(label: "overall", rate: 0.001, lower: 0, upper: 0.003, zeroBound: nil, note: "20 of 20,604"),
            Charts.RateBar(label: "black", rate: 0.061, lower: 0.02, upper: 0.18, zeroBound: nil, note: "19 of 312", color: "#009E73"),
        ]
        let svg = Charts.logBars(title: "False match rate by ethnicity", axisTitle: "False match rate (log scale)", bars: bars)
        #expect(svg.contains(">False match rate by ethnicity</p>") && svg.contains(">False match rate (log scale)</text>"))
        for tick in ["0.001%", "0.01%", "0.10%", "1.0%", "10%", "100%"] { #expect(svg.contains(">\(tick)</text>")) }
        // The interval of "overall" reaches 0: one arrow on its row, one in the key.
        #expect(svg.components(separatedBy: "class=\"zero-mark\"").count - 1 == 2)
        #expect(svg.contains("fill=\"#009E73\""))
        let noZero = Charts.logBars(title: "t", axisTitle: "a", bars: [bars[1]])
        #expect(!noZero.contains("zero-mark"))
        for size in Self.values(of: "font-size", in: svg) { #expect((Double(size) ?? 0) >= 11) }
    }

    /// A 50,000-template run's counts ("199,980 of 199,980,000") ran past a fixed 108 px right margin and
    /// were cut off in the rendered page.
    @Test("a long count fits right of the bars: its text ends inside the chart")
    func longNotes() throws {
        let note = "1,249,950 of 1,249,950,000"
        let bar = Charts.RateBar(label: "overall", rate: 0.001, lower: 0.0009, upper: 0.0011, zeroBound: nil, note: note)
        let svg = Charts.logBars(title: "t", axisTitle: "a", bars: [bar])
        let element = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<svg") })
        let width = try #require(Self.values(of: "width", in: String(element)).first.flatMap(Double.init))
        // Left-aligned at x; 13 px text needs about 7.5 px a character.
        let line = try #require(svg.split(separator: "\n").first { $0.hasSuffix(">\(note)</text>") })
        let x = try #require(Self.values(of: "x", in: String(line)).first.flatMap(Double.init))
        #expect(x + Double(note.count) * 7.5 <= width, "the note ends at \(x + Double(note.count) * 7.5), the chart at \(width)")
    }

    @Test("a long group label fits left of the bars: its right-aligned text starts inside the chart")
    func longLabels() throws {
        let label = "adults (18 and over)"
        let bar = Charts.RateBar(label: label, rate: 0.001, lower: 0.0005, upper: 0.002, zeroBound: nil, note: "312 of 377,580")
        let svg = Charts.logBars(title: "t", axisTitle: "a", bars: [bar])
        // The label is drawn right-aligned (text-anchor end) at x; 14 px text needs about 8 px a character.
        let line = try #require(svg.split(separator: "\n").first { $0.hasSuffix(">\(label)</text>") })
        let x = try #require(Self.values(of: "x", in: String(line)).first.flatMap(Double.init))
        #expect(x - Double(label.count * 8) >= 0, "label ends at x = \(x): it starts left of the chart")
    }

    @Test("FMR by threshold: a line per group, the report's thresholds marked, axis titles")
    func fmrByThreshold() throws {
        func points(_ pairs: [(Double, Double)]) throws -> [CurvePoint] {
            let json =
                "["
                + pairs.map { "{\"threshold\":\($0.0),\"fmr\":\($0.1),\"fnmr\":0,\"fmr_probit\":0,\"fnmr_probit\":0}" }.joined(
                    separator: ",") + "]"
            return try JSONDecoder().decode([CurvePoint].self, from: Data(json.utf8))
        }
        let series = [
            Charts.ThresholdSeries(label: "overall", points: try points([(0.4, 0), (0.5, 1e-3), (0.6, 1e-2), (0.8, 0.5)])),
            Charts.ThresholdSeries(
                label: "black", points: try points([(0.4, 1e-3), (0.5, 6e-2), (0.6, 0.3), (0.8, 0.9)]), color: "#009E73"),
        ]
        let svg = Charts.fmrByThreshold(
            title: "False match rate by threshold, by ethnicity", thresholdTitle: "Threshold (distance)", series: series,
            marks: [Charts.ThresholdMark(label: "1 in 1,000", threshold: 0.5), Charts.ThresholdMark(label: "default 0.6", threshold: 0.6)])
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.components(separatedBy: "class=\"threshold-mark\"").count - 1 == 2)
        #expect(svg.contains(">False match rate (log scale)</text>") && svg.contains(">Threshold (distance)</text>"))
        #expect(svg.contains(">1 in 1,000</text>") && svg.contains(">default 0.6</text>") && svg.contains("stroke=\"#009E73\""))
    }

    @Test("score histograms show a tail bin of one pair beside a peak of 10,000 (log scale of counts)")
    func histogramTails() throws {
        let svg = Charts.histograms(
            title: "Score distributions by gender", rows: [(label: "female", edges: [0, 0.5, 1], mated: [], nonMated: [10_000, 1])],
            threshold: 0.5, scoreTitle: "Score (euclidean_distance)")
        let outline = try #require(svg.components(separatedBy: "<polyline points=\"").dropFirst().first?.prefix { $0 != "\"" })
        let ys = outline.split(separator: " ").compactMap { Double($0.split(separator: ",").last ?? "") }
        let base = try #require(ys.max())
        let peak = try #require(ys.min())
        let tail = ys[ys.count - 2]  // the second bin's top
        #expect((base - tail) / (base - peak) > 0.05, "\(ys)")
        #expect(svg.contains(">Score (euclidean_distance)</text>"))
    }

    @Test("group colours are fixed by cohort name and distinct within an attribute")
    func groupColors() {
        let colors = GroupColors(cohorts: ["gender=female", "gender=male", "ethnicity=black", "gender=female"])
        #expect(colors.color("gender=female") == GroupColors(cohorts: ["gender=female", "gender=male"]).color("gender=female"))
        #expect(Set(["gender=female", "gender=male", "ethnicity=black"].map(colors.color)).count == 3)
        #expect(colors.color("overall") == HTML.overallColor)
    }
}
