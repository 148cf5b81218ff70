import FaceAuditMetrics

extension HTMLReport {
    /// A folded paragraph under "Error rates by group": per attribute, one sentence with the smallest false-match
    /// ratio its groups could detect (`detectable_ratio`), or nothing when no analysis has one.
    static func detectableSection(_ marginals: [DisaggregatedRates]) -> [String] {
        let measured = marginals.filter { a in a.detectableRatioBasis != nil && a.cohorts.contains { $0.detectableRatio != nil } }
        guard let target = measured.first?.targetFMR else { return [] }
        var out = [
            "<details class=\"fold\"><summary>How big a difference in false matches this data could detect</summary>",
            "<p>For each group, the smallest ratio of false match rates at the threshold for \(HTML.oneIn(target)) that a two-sided test at 5% would detect 8 times in 10 between two groups with this group's people and photos per person, counting pairs that share a person as correlated (README.md, \"Sample-size planning\"). A difference smaller than this can go unseen: no finding is not evidence of no difference. <code>faceaudit plan</code> says how many people would be needed.</p>",
        ]
        var sentences: [String] = []
        for analysis in measured {
            let named = analysis.cohorts.compactMap { r in r.detectableRatio.map { (value(of: r.cohort), $0) } }
            guard let low = named.min(by: { $0.1 < $1.1 }), let high = named.max(by: { $0.1 < $1.1 }) else { continue }
            let missing = analysis.cohorts.filter { $0.detectableRatio == nil }.map { value(of: $0.cohort) }
            let spread =
                analysis.detectableRatioBasis.map {
                    $0.assumed
                        ? "the spread between people assumed (c = \(HTML.number($0.heterogeneity, 2)); too few false matches to estimate it)"
                        : "the spread between people estimated from this run (c = \(HTML.number($0.heterogeneity, 2)))"
                } ?? ""
            var sentence =
                "\(label(dimension: analysis.dimensions.description)): a group's false match rate would have to be "
                + (named.count == 1 || HTML.number(low.1, 2) == HTML.number(high.1, 2)
                    ? "\(HTML.number(low.1, 2)) times"
                    : "from \(HTML.number(low.1, 2)) times (\(low.0)) to \(HTML.number(high.1, 2)) times (\(high.0))")
                + " that of another group of its size to be detected, with \(spread)."
            if !missing.isEmpty { sentence += " Too small to detect any ratio: \(missing.joined(separator: ", "))." }
            sentences.append(HTML.escape(sentence))
        }
        out.append("<ul>" + sentences.map { "<li>\($0)</li>" }.joined() + "</ul></details>")
        return out
    }
}
