import FaceAuditMetrics
import Foundation

extension HTMLReport {
    /// One fold under the trade-off curves: per single attribute, FDR(τ) against the global FMR with its
    /// subject-bootstrap band, the run's target FMRs marked, and the area under it in words. Empty without
    /// inequity curves (streamed runs, summaries written before them); an attribute without a defined FDR
    /// (fewer than two groups with both rates) gets a sentence instead of a chart.
    static func inequityCurveSection(_ s: RunSummary, targets: [Double]) -> [String] {
        guard let curves = s.inequityCurves, !curves.isEmpty else { return [] }
        var body = ["<details class=\"fold\"><summary>Show how unequal the groups are at every threshold (FDR)</summary>"]
        body.append(
            "<p>The Fairness Discrepancy Rate (de Freitas Pereira &amp; Marcel) at every threshold: 1 means every group has the same false match and false non-match rates there; it falls by half the largest gap between two groups' false match rates plus half the largest gap between their false non-match rates. Across: the share of all pairs of different people falsely matched at that threshold. The band is the 95% interval from resampling people; dashed lines mark the thresholds this report uses.</p>"
        )
        for curve in curves {
            let name = label(dimension: curve.dimensions.description).lowercased()
            guard curve.points.contains(where: { $0.estimable && $0.fdr != nil }) else {
                body.append("<p>No FDR by \(HTML.escape(name)): it needs two groups with both rates measured.</p>")
                continue
            }
            body.append(Charts.fdrCurve(title: "FDR by threshold, by \(name)", points: curve.points, targets: targets))
            if let area = curve.areas.first(where: { $0.axis == .log10FMR }), let value = area.value {
                let interval = area.bootstrap.map { " (95% interval \(HTML.number($0.lower)) to \(HTML.number($0.upper)))" } ?? ""
                body.append(
                    "<p>Area under the curve from \(HTML.percent(area.fromFMR)) to \(HTML.percent(area.toFMR)) false matches (log scale): \(HTML.number(value)) of \(HTML.number(area.length))\(interval); the mean FDR there is \(HTML.number(value / area.length)).</p>"
                )
            }
        }
        body.append("</details>")
        return body
    }
}

extension Charts {
    /// FDR(τ) against the global FMR on a log axis (the grid's lowest FMR to 10%), with the bootstrap band
    /// where every point has an interval, and the `targets` as dashed verticals. The FDR axis runs from
    /// the lowest value or bound shown (rounded down to 0.1, at most 0.9) to 1, ticked every 0.02, 0.05 or
    /// 0.1 as that range is at most 0.1, 0.3 or more.
    static func fdrCurve(title: String, points all: [InequityCurve.Point], targets: [Double]) -> String {
        let points = all.filter { $0.estimable && $0.fdr != nil }
        let (width, height, left, top, plotWidth, plotHeight) = (560, 244, 56, 30, 460, 170)
        guard let first = points.first, let last = points.last, last.globalFMR > first.globalFMR else {
            return (open(width: width, height: 40, title: title) + ["</svg>"]).joined(separator: "\n")
        }
        let lo = log10(first.globalFMR).rounded(.down)
        let hi = log10(last.globalFMR).rounded(.up)
        let lowest = points.flatMap { [$0.fdr!, $0.bootstrap?["fdr"]?.lower ?? 1] }.min() ?? 0
        let floor = max(0, min(0.9, (lowest * 10).rounded(.down) / 10))
        func x(_ fmr: Double) -> Double { Double(left) + (log10(fmr) - lo) / (hi - lo) * Double(plotWidth) }
        func y(_ fdr: Double) -> Double { Double(top) + (1 - (max(fdr, floor) - floor) / (1 - floor)) * Double(plotHeight) }
        let axisY = top + plotHeight
        var svg = open(width: width, height: height, title: title)
        for decade in Int(lo)...Int(hi) {
            let px = x(pow(10, Double(decade)))
            svg.append("<line x1=\"\(px)\" y1=\"\(top)\" x2=\"\(px)\" y2=\"\(axisY)\" stroke=\"#ddd\"/>")
            svg.append(
                "<text x=\"\(px)\" y=\"\(axisY + 14)\" font-size=\"12\" text-anchor=\"middle\">\(HTML.percent(pow(10, Double(decade))))</text>"
            )
        }
        // Ticks at round steps: 0.02 over a range up to 0.1, 0.05 up to 0.3, else 0.1.
        let step = 1 - floor <= 0.1 + 1e-9 ? 0.02 : 1 - floor <= 0.3 + 1e-9 ? 0.05 : 0.1
        for tick in stride(from: floor, through: 1 + 1e-9, by: step) {
            svg.append("<line x1=\"\(left)\" y1=\"\(y(tick))\" x2=\"\(left + plotWidth)\" y2=\"\(y(tick))\" stroke=\"#eee\"/>")
            svg.append(
                "<text x=\"\(left - 6)\" y=\"\(y(tick) + 4)\" font-size=\"12\" text-anchor=\"end\">\(String(format: "%.2f", tick))</text>")
        }
        let bands = points.compactMap { p in p.bootstrap?["fdr"].map { (p.globalFMR, $0) } }
        if bands.count == points.count {
            let upper = bands.map { "\(x($0.0)),\(y($0.1.upper))" }
            let lower = bands.reversed().map { "\(x($0.0)),\(y($0.1.lower))" }
            svg.append(
                "<polygon class=\"fdr-band\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(HTML.overallColor)\" opacity=\"0.18\"/>"
            )
        }
        let line = points.map { "\(x($0.globalFMR)),\(y($0.fdr!))" }.joined(separator: " ")
        svg.append("<polyline class=\"fdr-line\" points=\"\(line)\" fill=\"none\" stroke=\"\(HTML.overallColor)\" stroke-width=\"2\"/>")
        for t in targets where t >= first.globalFMR && t <= last.globalFMR {
            svg.append(
                "<line x1=\"\(x(t))\" y1=\"\(top)\" x2=\"\(x(t))\" y2=\"\(axisY)\" stroke=\"#888\" stroke-dasharray=\"4,3\"/>")
        }
        svg.append("<line x1=\"\(left)\" y1=\"\(axisY)\" x2=\"\(left + plotWidth)\" y2=\"\(axisY)\" stroke=\"#666\"/>")
        svg.append(
            "<text class=\"axis-title\" x=\"\(left + plotWidth / 2)\" y=\"\(axisY + 34)\" font-size=\"13\" text-anchor=\"middle\">False match rate of everyone (log scale)</text>"
        )
        svg.append(
            "<text class=\"axis-title\" x=\"14\" y=\"\(top + plotHeight / 2)\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(top + plotHeight / 2))\">FDR</text>"
        )
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }
}
