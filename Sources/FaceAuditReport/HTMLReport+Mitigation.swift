import FaceAuditMetrics

extension HTMLReport {
    /// "Could a setting make it fairer?": one plain paragraph on the what-ifs of the first dimension set at
    /// the report's target FMR (the first target when that one has none), and every cohort's rates before
    /// and after in a folded table. Empty when the run has no what-ifs.
    static func mitigationSection(_ s: RunSummary, target: Double) -> [String] {
        guard let all = s.mitigation, let shown = all.first(where: { $0.targetFMR == target }) ?? all.first else { return [] }
        let names = ["per_cohort_thresholds": "a threshold per group", "z_norm": "Z-norm", "t_norm": "T-norm"]
        func spread(_ m: InequityMeasures) -> String { m.fmrMaxMin.map { "\(Finding.times($0))×" } ?? "not defined (a group at 0)" }
        let sentences = shown.whatIfs.map { w in
            "\(names[w.whatIf] ?? w.whatIf): \(spread(w.inequityBefore)) → \(spread(w.inequityAfter))"
        }
        let dimension = label(dimension: shown.dimensions.description).lowercased()
        var out = [
            "<details class=\"fold\"><summary>Could a setting make it fairer? The spread of false-match rates between \(HTML.escape(dimension)) groups (highest/lowest), before → after: \(HTML.escape(sentences.joined(separator: "; ")))</summary>",
            "<p>"
                + HTML.escape(
                    "What-ifs at the threshold for \(HTML.oneIn(shown.targetFMR)) false matches. A threshold per group needs the system to know each person's group. Z-norm and T-norm rescale each score by the enrolled (Z) or probe (T) photo's scores against held-out people of its own group; they are measured on the other half of the people, so their “before” differs from the table above. A what-if shows what the scores allow, not what a deployed system would do."
                )
                + "</p>",
            "<table><tr><th>what-if</th><th>group</th><th>false match rate, before → after (95% bootstrap)</th><th>missed match rate, before → after</th></tr>",
        ]
        func rate(_ r: MitigationRates, fmr: Bool) -> String {
            let count = fmr ? r.fmr : r.fnmr
            let interval = fmr ? r.fmrBootstrap : r.fnmrBootstrap
            return HTML.percent(count.rate) + (interval.map { " (\(HTML.percent($0.lower))–\(HTML.percent($0.upper)))" } ?? "")
        }
        for w in shown.whatIfs {
            for (before, after) in zip(w.before, w.after) {
                out.append(
                    "<tr><td>\(HTML.escape(names[w.whatIf] ?? w.whatIf))</td><td>\(HTML.escape(value(of: before.cohort)))</td><td>\(rate(before, fmr: true)) → \(rate(after, fmr: true))</td><td>\(rate(before, fmr: false)) → \(rate(after, fmr: false))</td></tr>"
                )
            }
        }
        out.append("</table></details>")
        return out
    }
}
