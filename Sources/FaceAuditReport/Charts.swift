import FaceAuditMetrics
import Foundation

/// Inline SVG charts. Every chart has a title and text alternatives; no script, no external resource.
enum Charts {
    /// One bar of a log-scale rate chart.
    struct RateBar {
        let label: String
        let rate: Double
        let lower: Double?
        let upper: Double?
        let zeroBound: Double?  // upper bound to show when no error was seen
        let note: String
    }

    /// Horizontal bars on a log₁₀ axis with interval whiskers; a zero rate is drawn as its upper bound.
    static func logBars(title: String, bars: [RateBar]) -> String {
        let rowHeight = 26
        let left = 220
        let width = 720
        let plotWidth = width - left - 150
        let height = 40 + rowHeight * bars.count + 30
        let values = bars.flatMap { [$0.rate, $0.lower ?? 0, $0.upper ?? 0, $0.zeroBound ?? 0] }.filter { $0 > 0 }
        let lo = floor(log10(values.min() ?? 1e-4))
        let hi = max(lo + 1, ceil(log10(values.max() ?? 1e-1)))
        func x(_ v: Double) -> Double { Double(left) + (log10(max(v, pow(10, lo))) - lo) / (hi - lo) * Double(plotWidth) }
        var svg = [
            "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">",
            "<title>\(HTML.escape(title))</title>",
        ]
        for decade in Int(lo)...Int(hi) {
            let px = x(pow(10, Double(decade)))
            svg.append("<line x1=\"\(px)\" y1=\"30\" x2=\"\(px)\" y2=\"\(height - 25)\" stroke=\"#ddd\"/>")
            svg.append(
                "<text x=\"\(px)\" y=\"\(height - 8)\" font-size=\"11\" text-anchor=\"middle\">\(HTML.percent(pow(10, Double(decade))))</text>"
            )
        }
        for (i, bar) in bars.enumerated() {
            let y = 40 + i * rowHeight
            let color = HTML.palette[i % HTML.palette.count]
            svg.append("<text x=\"\(left - 8)\" y=\"\(y + 14)\" font-size=\"12\" text-anchor=\"end\">\(HTML.escape(bar.label))</text>")
            if bar.rate > 0 {
                svg.append(
                    "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(max(1, x(bar.rate) - Double(left)))\" height=\"14\" fill=\"\(color)\" opacity=\"0.75\"/>"
                )
            } else if let bound = bar.zeroBound {
                svg.append(
                    "<line x1=\"\(left)\" y1=\"\(y + 11)\" x2=\"\(x(bound))\" y2=\"\(y + 11)\" stroke=\"\(color)\" stroke-dasharray=\"3,3\"/>"
                )
                svg.append("<text x=\"\(x(bound) + 2)\" y=\"\(y + 15)\" font-size=\"11\" fill=\"\(color)\">&lt;</text>")
            }
            if let l = bar.lower, let u = bar.upper, u > 0 {
                let xl = x(max(l, pow(10, lo)))
                let xu = x(u)
                svg.append("<line x1=\"\(xl)\" y1=\"\(y + 11)\" x2=\"\(xu)\" y2=\"\(y + 11)\" stroke=\"#333\"/>")
                svg.append("<line x1=\"\(xu)\" y1=\"\(y + 6)\" x2=\"\(xu)\" y2=\"\(y + 16)\" stroke=\"#333\"/>")
                if l > 0 { svg.append("<line x1=\"\(xl)\" y1=\"\(y + 6)\" x2=\"\(xl)\" y2=\"\(y + 16)\" stroke=\"#333\"/>") }
            }
            svg.append("<text x=\"\(width - 145)\" y=\"\(y + 14)\" font-size=\"11\">\(HTML.escape(bar.note))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// One cohort's DET curve and its operating point at the global threshold.
    struct DETSeries {
        let label: String
        let points: [CurvePoint]
        let operating: (fmr: Double, fnmr: Double)?
        /// The group at a fixed threshold, drawn as a ring.
        var fixed: (fmr: Double, fnmr: Double)? = nil
    }

    /// DET curves on normal-deviate axes (DETware's ppndf), FMR across, FNMR up.
    static func det(title: String, series: [DETSeries]) -> String {
        let size = 420
        let margin = 50
        let ticks: [Double] = [1e-4, 1e-3, 1e-2, 0.05, 0.2, 0.5]
        let lo = Probit.ppndf(5e-5)
        let hi = Probit.ppndf(0.6)
        func coord(_ p: Double) -> Double { (min(max(Probit.ppndf(p), lo), hi) - lo) / (hi - lo) * Double(size - 2 * margin) }
        func px(_ fmr: Double) -> Double { Double(margin) + coord(fmr) }
        func py(_ fnmr: Double) -> Double { Double(size - margin) - coord(fnmr) }
        var svg = [
            "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(size + 180) \(size)\" width=\"\(size + 180)\" height=\"\(size)\" xmlns=\"http://www.w3.org/2000/svg\">",
            "<title>\(HTML.escape(title))</title>",
            "<rect x=\"\(margin)\" y=\"\(margin)\" width=\"\(size - 2 * margin)\" height=\"\(size - 2 * margin)\" fill=\"none\" stroke=\"#999\"/>",
        ]
        for t in ticks {
            svg.append("<line x1=\"\(px(t))\" y1=\"\(margin)\" x2=\"\(px(t))\" y2=\"\(size - margin)\" stroke=\"#eee\"/>")
            svg.append("<line x1=\"\(margin)\" y1=\"\(py(t))\" x2=\"\(size - margin)\" y2=\"\(py(t))\" stroke=\"#eee\"/>")
            svg.append("<text x=\"\(px(t))\" y=\"\(size - margin + 15)\" font-size=\"10\" text-anchor=\"middle\">\(HTML.percent(t))</text>")
            svg.append("<text x=\"\(margin - 4)\" y=\"\(py(t) + 3)\" font-size=\"10\" text-anchor=\"end\">\(HTML.percent(t))</text>")
        }
        svg.append("<text x=\"\(size / 2)\" y=\"\(size - 12)\" font-size=\"12\" text-anchor=\"middle\">false match rate</text>")
        svg.append(
            "<text x=\"14\" y=\"\(size / 2)\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(size / 2))\">false non-match rate</text>"
        )
        for (i, s) in series.enumerated() {
            let color = HTML.palette[i % HTML.palette.count]
            let path = s.points.filter { $0.fmr.isFinite && $0.fnmr.isFinite }.map { "\(px($0.fmr)),\(py($0.fnmr))" }.joined(separator: " ")
            if !path.isEmpty { svg.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\"/>") }
            if let op = s.operating, op.fmr.isFinite, op.fnmr.isFinite {
                svg.append("<circle cx=\"\(px(op.fmr))\" cy=\"\(py(op.fnmr))\" r=\"4\" fill=\"\(color)\" stroke=\"#fff\"/>")
            }
            if let ring = s.fixed, ring.fmr.isFinite, ring.fnmr.isFinite {
                svg.append(
                    "<circle cx=\"\(px(ring.fmr))\" cy=\"\(py(ring.fnmr))\" r=\"5.5\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                )
            }
            svg.append("<rect x=\"\(size + 5)\" y=\"\(margin + i * 18)\" width=\"12\" height=\"12\" fill=\"\(color)\"/>")
            svg.append("<text x=\"\(size + 22)\" y=\"\(margin + i * 18 + 10)\" font-size=\"11\">\(HTML.escape(s.label))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// The cross-cohort FMR matrix as a log₁₀ heatmap with counts in each cell.
    static func heatmap(title: String, labels: [String], cells: [[ErrorCount]]) -> String {
        let cell = 64
        let left = 170
        let top = 130
        let width = left + cell * labels.count + 140  // room for the rotated column labels
        let height = top + cell * labels.count + 20
        var svg = [
            "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">",
            "<title>\(HTML.escape(title))</title>",
        ]
        let rates = cells.flatMap { $0 }.filter { $0.trials > 0 && $0.errors > 0 }.map(\.rate)
        let lo = log10(rates.min() ?? 1e-4)
        let hi = log10(rates.max() ?? 1e-2)
        for (i, label) in labels.enumerated() {
            svg.append(
                "<text x=\"\(left - 6)\" y=\"\(top + i * cell + cell / 2 + 4)\" font-size=\"11\" text-anchor=\"end\">\(HTML.escape(label))</text>"
            )
            let x = left + i * cell + cell / 2
            svg.append(
                "<text x=\"\(x)\" y=\"\(top - 6)\" font-size=\"11\" transform=\"rotate(-40 \(x) \(top - 6))\">\(HTML.escape(label))</text>")
        }
        for (p, row) in cells.enumerated() {
            for (r, c) in row.enumerated() where p < labels.count && r < labels.count {
                let x = left + r * cell
                let y = top + p * cell
                var fill = "#f4f4f4"
                if c.trials > 0 && c.errors > 0 {
                    let t = hi > lo ? (log10(c.rate) - lo) / (hi - lo) : 1
                    let light = Int(92 - 55 * t)
                    fill = "hsl(12, 80%, \(light)%)"
                }
                svg.append("<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" fill=\"\(fill)\"/>")
                let text = c.trials == 0 ? "–" : "\(c.errors)/\(HTML.grouped(c.trials))"
                svg.append("<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" font-size=\"10\" text-anchor=\"middle\">\(text)</text>")
            }
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// Small multiples of score histograms: mated (filled) and non-mated (outlined), each scaled to its
    /// own peak, with the threshold as a vertical line.
    static func histograms(
        title: String, rows: [(label: String, edges: [Double], mated: [Int], nonMated: [Int])], threshold: Double
    ) -> String {
        let rowHeight = 54
        let left = 190
        let plotWidth = 460
        let height = 20 + rows.count * rowHeight + 24
        guard let first = rows.first, let lo = first.edges.first, let hi = first.edges.last, hi > lo else { return "" }
        func x(_ v: Double) -> Double { Double(left) + (v - lo) / (hi - lo) * Double(plotWidth) }
        var svg = [
            "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(left + plotWidth + 20) \(height)\" width=\"\(left + plotWidth + 20)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">",
            "<title>\(HTML.escape(title))</title>",
        ]
        for (i, row) in rows.enumerated() {
            let base = Double(20 + (i + 1) * rowHeight - 8)
            svg.append("<text x=\"\(left - 8)\" y=\"\(base - 12)\" font-size=\"12\" text-anchor=\"end\">\(HTML.escape(row.label))</text>")
            for (counts, filled) in [(row.nonMated, false), (row.mated, true)] {
                let peak = Double(counts.max() ?? 0)
                guard peak > 0 else { continue }
                var points = ["\(x(lo)),\(base)"]
                for (b, c) in counts.enumerated() {
                    let y = base - Double(c) / peak * Double(rowHeight - 14)
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
                "<line x1=\"\(x(threshold))\" y1=\"14\" x2=\"\(x(threshold))\" y2=\"\(height - 20)\" stroke=\"#000\" stroke-dasharray=\"4,3\"/>"
            )
        }
        svg.append("<text x=\"\(left)\" y=\"\(height - 6)\" font-size=\"11\">\(HTML.number(lo, 3))</text>")
        svg.append("<text x=\"\(left + plotWidth)\" y=\"\(height - 6)\" font-size=\"11\" text-anchor=\"end\">\(HTML.number(hi, 3))</text>")
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }
}
