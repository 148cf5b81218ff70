import FaceAuditMetrics

extension HTMLReport {
    /// The summary line of the photo-quality fold (the section's name, which the checklist points to).
    static let qualityTitle = "Photo quality by group"

    /// "Photo quality by group": one folded line; inside, what was measured and how it maps to ISO/IEC 29794-5, a
    /// sentence on exposure by skin tone and ethnicity when the run has either, the false-non-match regression's
    /// quality odds ratios when it has them, and every cohort's median (quartiles) of each measure. Without a
    /// measurement, the fold says why. Empty when the run has no `quality` (score files, simulated runs).
    static func qualitySection(_ s: RunSummary, target: Double) -> [String] {
        guard let q = s.quality else { return [] }
        var out = ["<details class=\"fold\"><summary>\(qualityTitle): face size, pose, exposure, sharpness</summary>"]
        guard q.measured, let first = q.measures.first else {
            out.append("<p>Not measured: \(HTML.escape(q.note)).</p></details>")
            return out
        }
        var lead = [
            "Measured on \(HTML.grouped(q.images ?? 0)) photos, on the face the pipeline used: its landmarks and the aligned 150×150 chip it compared."
        ]
        if let exposure = q.measures.first(where: { $0.measure == .exposure }) {
            for dimension in ["skin_tone", "ethnicity"] {
                let groups = exposure.cohorts.compactMap { g in
                    g.dimensions == dimension && g.cohort != "unknown" ? g.distribution.map { (g.cohort, $0.median) } : nil
                }
                guard groups.count > 1 else { continue }
                let medians = groups.map { "\(value(of: "\(dimension)=\($0.0)")) \(HTML.number($0.1))" }
                lead.append(
                    "Median exposure (mean brightness of the face chip, 0–255) by \(label(dimension: dimension).lowercased()): \(medians.joined(separator: ", "))."
                )
            }
            lead.append(
                "Exposure is measured on the face itself, so it follows skin reflectance as much as lighting: it cannot tell darker skin from an under-exposed photo, and is not a regression covariate."
            )
        }
        if let shown = shownRegression(s, target: target), let fnm = shown.falseNonMatch.fit {
            let terms = fnm.coefficients.filter { $0.name.hasPrefix("lower ") }.map { c in
                "\(c.name): \(Finding.times(c.oddsRatio))×"
                    + (c.oddsRatioLower.map { " (\(bound($0))× to \(bound(c.oddsRatioUpper ?? .infinity))×)" }
                        ?? " (interval not estimable)")
            }
            if !terms.isEmpty {
                lead.append(
                    "In the missed-match regression (What goes with more false matches), the odds of a missed match per standard deviation of the pair's lower value: \(terms.joined(separator: "; "))."
                )
            }
        }
        out.append("<p>" + HTML.escape(lead.joined(separator: " ")) + "</p>")
        out.append(
            "<p class=\"meta\">"
                + HTML.escape(
                    q.measures.map { "\(capitalized($0.name)) [\($0.unit)]: \($0.proxy ? "" : "ISO/IEC 29794-5 ")\($0.iso29794_5)." }
                        .joined(separator: " ")
                        + " Each cell: median (first–third quartile); quality.csv has the 10th and 90th percentiles. A group of fewer than \(QualitySummary.minimumImages) photos shows none: its quantiles would give away single photos' values."
                )
                + "</p>")
        var table = "<table><tr><th>group</th><th>photos</th>" + q.measures.map { "<th>\(HTML.escape($0.name))</th>" }.joined() + "</tr>"
        for group in first.cohorts {
            let name =
                group.dimensions == "overall"
                ? "all photos" : "\(label(dimension: group.dimensions)): \(value(of: "\(group.dimensions)=\(group.cohort)"))"
            table += "<tr><td>\(HTML.escape(name))</td><td>\(HTML.grouped(group.n))</td>"
            for m in q.measures {
                // Matched by group, not position: a measure may lack a group where every value was non-finite.
                let d = m.cohorts.first { $0.dimensions == group.dimensions && $0.cohort == group.cohort }?.distribution
                table += "<td>" + (d.map { "\(HTML.number($0.median)) (\(HTML.number($0.q1))–\(HTML.number($0.q3)))" } ?? "–") + "</td>"
            }
            table += "</tr>"
        }
        out.append(table + "</table></details>")
        return out
    }
}
