import FaceAuditMetrics

extension ResultTables {
    /// `mitigation.csv`: one row per dimension set × target FMR × what-if × stage (`before`: the single global
    /// threshold; `after`: the what-if) × cohort × metric (`fmr`, `fnmr`). `threshold` is the similarity
    /// threshold the row was counted at (z units after a normalisation); `ci_lower`/`ci_upper` are the
    /// subject-bootstrap percentile interval with the threshold held fixed (empty when not estimable).
    public static func mitigation(_ analyses: [MitigationAnalysis], simulated: Bool = false) -> String {
        var rows = [
            [
                "data", "what_if", "dimensions", "target_fmr", "stage", "cohort", "metric", "threshold", "errors", "trials", "estimate",
                "ci_lower", "ci_upper",
            ]
        ]
        for analysis in analyses {
            for whatIf in analysis.whatIfs {
                for (stage, list) in [("before", whatIf.before), ("after", whatIf.after)] {
                    for rates in list {
                        for (metric, count, interval) in [
                            ("fmr", rates.fmr, rates.fmrBootstrap), ("fnmr", rates.fnmr, rates.fnmrBootstrap),
                        ] {
                            rows.append([
                                provenance(simulated), whatIf.whatIf, analysis.dimensions.description, number(analysis.targetFMR), stage,
                                rates.cohort, metric, number(rates.threshold), "\(count.errors)", "\(count.trials)", number(count.rate),
                                number(interval?.lower), number(interval?.upper),
                            ])
                        }
                    }
                }
            }
        }
        return csv(rows)
    }
}
