import FaceAuditMetrics

extension HTMLReport {
    /// The researchers' numbers that `summary.json` holds and the page otherwise leaves out: the overall
    /// EER, AUC and d′, and each dimension's inequity measures with their subject-bootstrap intervals at
    /// every operating point given (`analyses`: single dimensions only).
    static func researchMeasures(_ s: RunSummary, analyses: [DisaggregatedRates]) -> String {
        var out = ["<h3>Summary statistics</h3>"]
        let v = s.verification
        if v.genuineTrials > 0 {
            let eer = v.eer.map { "\(HTML.percent($0.value)) (threshold \(HTML.number($0.threshold, 5)))" } ?? "–"
            out.append(
                "<p>Over all comparisons (ISO/IEC 19795-1 terms: FMR and FNMR over completed comparisons, failures to acquire counted apart): equal error rate \(eer); AUC \(HTML.number(v.auc, 6)) (Mann–Whitney, ties ½); decidability d′ \(HTML.number(v.decidability, 4)).</p>"
            )
        } else {
            out.append("<p>EER, AUC and d′ need pairs of the same person: not measured on this dataset.</p>")
        }
        let measures: [(String, KeyPath<InequityMeasures, Double?>, String)] = [
            ("FMR max/min", \.fmrMaxMin, "fmr_max_min"), ("FMR max/geomean", \.fmrMaxGeomean, "fmr_max_geomean"),
            ("FMR Gini", \.fmrGini, "fmr_gini"), ("FNMR max/min", \.fnmrMaxMin, "fnmr_max_min"),
            ("FNMR max/geomean", \.fnmrMaxGeomean, "fnmr_max_geomean"), ("GARBE", \.garbe, "garbe"), ("FDR", \.fdr, "fdr"),
            ("IR", \.ir, "ir"),
        ]
        guard !analyses.isEmpty else { return out.joined(separator: "\n") }
        out.append(
            "<p>Inequity measures over each attribute's groups with a known label (NIST IR 8429's max/min and max/geometric mean, Gini, GARBE, FDR and IR, FMR weight α = \(HTML.number(analyses[0].inequity.alpha, 2))), with 95% subject-bootstrap intervals; – marks a measure that is undefined (a zero rate in a ratio, fewer than two groups), and \"interval not estimable\" one that is undefined in too many resamples of the people.</p>"
        )
        var rows = [
            "<table><tr><th>attribute</th><th>operating point</th>"
                + measures.map { "<th>\($0.0)</th>" }.joined() + "</tr>"
        ]
        for a in analyses {
            let point = a.targetFMR.map { "FMR \(HTML.oneIn($0))" } ?? (a.thresholdLabel ?? "threshold \(HTML.number(a.threshold, 6))")
            let cells = measures.map { name, path, key -> String in
                guard let value = a.inequity[keyPath: path] else { return "<td>–</td>" }
                // An interval that needs the resamples where the measure is undefined is not estimable.
                let interval =
                    a.inequityBootstrap?[key].map { " (\(HTML.number($0.lower, 3))–\(HTML.number($0.upper, 3)))" }
                    ?? (a.inequityBootstrapUndefinedShare?[key] != nil ? " (interval not estimable)" : "")
                return "<td>\(HTML.number(value, 3))\(interval)</td>"
            }
            rows.append(
                "<tr><td>\(HTML.escape(label(dimension: a.dimensions.description)))</td><td>\(HTML.escape(point))</td>\(cells.joined())</tr>"
            )
        }
        rows.append("</table>")
        out.append(rows.joined(separator: "\n"))
        return out.joined(separator: "\n")
    }
}
