import FaceAuditMetrics

extension HTMLReport {
    /// "Could a setting make it fairer?": one folded line, then one plain paragraph giving, per single-attribute
    /// dimension set at the report's target FMR (the first target with what-ifs when that one has none), the
    /// Fairness Discrepancy Rate before → after each what-if, and every cohort's rates before and after in a
    /// table. Empty when the run has no what-ifs.
    static func mitigationSection(_ s: RunSummary, target: Double) -> [String] {
        guard let all = s.mitigation, let first = all.first(where: { $0.targetFMR == target }) ?? all.first else { return [] }
        let shown = all.filter { $0.targetFMR == first.targetFMR }
        let names = ["per_cohort_thresholds": "a threshold per group", "z_norm": "Z-norm", "t_norm": "T-norm"]
        let spreads = shown.compactMap { analysis -> String? in
            let parts = analysis.whatIfs.compactMap { w -> String? in
                guard let before = w.inequityBefore.fdr, let after = w.inequityAfter.fdr else { return nil }
                return "\(names[w.whatIf] ?? w.whatIf) \(HTML.number(before)) → \(HTML.number(after))"
            }
            guard !parts.isEmpty else { return nil }
            return "by \(label(dimension: analysis.dimensions.description).lowercased()), " + parts.joined(separator: ", ")
        }
        let lead =
            "At the threshold for \(HTML.oneIn(first.targetFMR)) false matches, the Fairness Discrepancy Rate (1 = every group's rates equal) before → after each what-if: "
            + (spreads.isEmpty ? "not defined (fewer than two groups with pairs)" : spreads.joined(separator: "; ")) + ". "
        var out = [
            "<details class=\"fold\"><summary>Could a setting make it fairer? A threshold per group, Z-norm and T-norm</summary>",
            "<p>"
                + HTML.escape(
                    lead
                        + "A threshold per group needs the system to know each person's group. Z-norm and T-norm rescale each score by the enrolled (Z) or probe (T) photo's scores against held-out people of its own group, and are measured on the other half of the people, so their “before” differs from the tables above. A what-if shows what these scores allow, not what a deployed system would do."
                )
                + "</p>",
            "<table><tr><th>what-if</th><th>group</th><th>false match rate, before → after (95% bootstrap)</th><th>missed match rate, before → after</th></tr>",
        ]
        // A rate without pairs is "no pairs", and a cell with none before or after says it is not measured,
        // as the tables above do: "– → –" read like a rate of nothing.
        func rate(_ r: MitigationRates, fmr: Bool) -> String? {
            let count = fmr ? r.fmr : r.fnmr
            guard count.trials > 0 else { return nil }
            let interval = fmr ? r.fmrBootstrap : r.fnmrBootstrap
            return HTML.percent(count.rate) + (interval.map { " (\(HTML.percent($0.lower))–\(HTML.percent($0.upper)))" } ?? "")
        }
        func cell(_ before: MitigationRates, _ after: MitigationRates, fmr: Bool) -> String {
            let (b, a) = (rate(before, fmr: fmr), rate(after, fmr: fmr))
            guard b != nil || a != nil else { return fmr ? noPairs : notMeasured }
            return "\(b ?? "no pairs") → \(a ?? "no pairs")"
        }
        for analysis in shown {
            for w in analysis.whatIfs {
                for (before, after) in zip(w.before, w.after) {
                    out.append(
                        "<tr><td>\(HTML.escape(names[w.whatIf] ?? w.whatIf))</td><td>\(HTML.escape(label(dimension: analysis.dimensions.description))): \(HTML.escape(value(of: before.cohort)))</td><td>\(cell(before, after, fmr: true))</td><td>\(cell(before, after, fmr: false))</td></tr>"
                    )
                }
            }
        }
        out.append("</table></details>")
        return out
    }
}
