import FaceAuditDatasets
import FaceAuditMetrics

extension HTMLReport {
    /// Everything the report shows at one fixed threshold: the overall point and its per-group analyses.
    struct FixedThresholdView {
        /// The overall rates at the threshold.
        let point: VerificationReport.Point
        /// Its single-dimension analyses (age, gender, …).
        let marginals: [DisaggregatedRates]
        /// Its intersections.
        let intersections: [DisaggregatedRates]

        /// What the threshold is, for a heading: "face_recognition's default tolerance" or "a fixed threshold
        /// of 0.55".
        var title: String {
            point.label ?? "a fixed threshold of \(HTML.number(point.threshold, 6))"
        }

        /// The threshold named for a sentence that must stand alone: its label and its value in the scores'
        /// units, e.g. "face_recognition's default tolerance (a distance of 0.6)".
        func name(polarity: String) -> String {
            let value = HTML.number(point.threshold, 6)
            guard let label = point.label else {
                return polarity == "dissimilarity" ? "a fixed distance threshold of \(value)" : "a fixed score threshold of \(value)"
            }
            return "\(label) (a \(polarity == "dissimilarity" ? "distance" : "score") of \(value))"
        }
    }

    /// The run's fixed thresholds (`--threshold`; for the dlib pipeline face_recognition's tolerance by
    /// default), in the order they were given, each with its analyses.
    static func fixedThresholds(_ s: RunSummary) -> [FixedThresholdView] {
        (s.verification.thresholdPoints ?? []).map { p in
            let at = s.cohorts.filter { $0.operatingPoint == .threshold && $0.threshold == p.threshold }
            return FixedThresholdView(
                point: p, marginals: at.filter { !$0.dimensions.isIntersection && isShownPerGroup($0) },
                intersections: at.filter { $0.dimensions.isIntersection })
        }
    }

    /// The summary's sentence at a fixed threshold: the overall rates, naming the threshold so that it can
    /// be quoted alone (the differences between groups are the run's findings).
    static func fixedSummary(_ view: FixedThresholdView, polarity: String) -> [String] {
        let name = view.name(polarity: polarity)
        let p = view.point
        // The subject bootstrap when there are groups (as in the tables), else the binomial interval.
        let overall = view.marginals.first?.overall
        let fmrCI = overall.map { shownInterval($0, metric: "fmr") }
        let fnmrCI = overall.map { shownInterval($0, metric: "fnmr") }
        var first =
            "At \(HTML.escape(name)), \(p.label != nil ? "the setting that software uses unless told otherwise" : "set in advance rather than for a target false match rate"), \(HTML.grouped(p.falseMatches)) of \(HTML.grouped(p.impostorTrials)) comparisons of two different people were false matches (\(HTML.percent(p.fmr)), 95% interval \(HTML.percent(fmrCI?.lower ?? p.fmrInterval[0]))–\(HTML.percent(fmrCI?.upper ?? p.fmrInterval[1])))"
        if p.genuineTrials > 0 {
            first +=
                ", and \(HTML.grouped(p.falseNonMatches)) of \(HTML.grouped(p.genuineTrials)) comparisons of the same person were missed (\(HTML.percent(p.fnmr)), 95% interval \(HTML.percent(fnmrCI?.lower ?? p.fnmrInterval[0]))–\(HTML.percent(fnmrCI?.upper ?? p.fnmrInterval[1])))."
        } else {
            first += "; the false non-match rate was not measured (no mated pairs)."
        }
        return [first]
    }

    /// The section for one fixed threshold: why it matters, then every group's rates there.
    static func fixedSection(_ view: FixedThresholdView, _ s: RunSummary) -> String {
        var out = ["<h2>At \(HTML.escape(view.title))</h2>"]
        let distance = s.verification.polarity == "dissimilarity"
        let value = HTML.number(view.point.threshold, 6)
        if view.point.label != nil {
            out.append(
                "<p>Deployed systems ship with a threshold. face_recognition, a widely used Python library built on the same dlib models, declares two faces the same person when their distance is at most \(value) unless its user changes it; here every group is measured at that setting, and the overall false match rate is whatever the system produces on these photos. \(flagNote)</p>"
            )
        } else {
            out.append(
                "<p>Every group measured at a threshold fixed in advance: two photos are declared the same person when their \(distance ? "distance is at most" : "score is at least") \(value). The overall false match rate here is what the system produces on these photos, measured with its interval. \(flagNote)</p>"
            )
        }
        for analysis in view.marginals { out.append(groupRates(analysis, s, labelNotes: false)) }
        if !view.intersections.isEmpty {
            out.append("<p>The intersections (groups defined by two or more attributes) at this threshold are in cohorts.csv.</p>")
        }
        return out.joined(separator: "\n")
    }

    /// What the flag of a group too small for a fixed threshold's overall FMR means.
    static let flagNote =
        "\"Too few non-mated pairs\" means a group has too few pairs of different people to show a rate as low as the overall one; a rate far above it can still be shown."

    /// One dimension's rates at one threshold: where its labels come from (unless `labelNotes` is false,
    /// for a second operating point whose notes the page has already given), the table, and the FMR and
    /// FNMR bars (or why there is no FNMR chart).
    static func groupRates(_ analysis: DisaggregatedRates, _ s: RunSummary, labelNotes: Bool = true) -> String {
        var out = ["<h3>\(HTML.escape(label(dimension: analysis.dimensions.description)))</h3>"]
        let labelKey = analysis.dimensions == "age_band" ? "age" : analysis.dimensions.description
        if labelNotes, let provenance = s.dataset.card.labelProvenance[labelKey], provenance != .unknown {
            out.append("<p class=\"meta\">Labels: \(HTML.escape(provenance.rawValue)).</p>")
        }
        if labelNotes { out.append(contentsOf: ageConvention(analysis, ageGap: s.ageGap)) }
        let colors = groupColors(s)
        let name = label(dimension: analysis.dimensions.description).lowercased()
        // The groups compared are the bars; everyone together is the reference line through them.
        func rates(_ metric: String, _ rate: String) -> String {
            Charts.logBars(
                title: "\(rate) by \(name)", axisTitle: "\(rate) (log scale)",
                bars: analysis.cohorts.map { bar($0, metric: metric, color: colors.color($0.cohort)) },
                overall: bar(analysis.overall, metric: metric))
        }
        out.append(rates("fmr", "False match rate"))
        if analysis.overall.fnmr.trials > 0 {
            let chart = rates("fnmr", "False non-match rate")
            // With no false non-match in any group the chart shows only upper bounds: folded, and said so.
            if analysis.overall.fnmr.errors == 0 {
                out.append(
                    "<details class=\"fold\"><summary>False non-match rate: no group had a false non-match (0 of \(HTML.grouped(analysis.overall.fnmr.trials))); show the upper bounds</summary>\n\(chart)\n</details>"
                )
            } else {
                out.append(chart)
            }
        } else {
            out.append("<p>\(Self.noFNMRChart)</p>")
        }
        out.append("<details class=\"fold\"><summary>Table: the numbers for each group</summary>")
        out.append(rateTable(analysis))
        out.append("</details>")
        return out.joined(separator: "\n")
    }
}
