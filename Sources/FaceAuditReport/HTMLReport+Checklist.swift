import FaceAuditMetrics

extension HTMLReport {
    /// One thing a demographic evaluation is asked to report, and where this report has it.
    struct ChecklistItem: Sendable, Equatable {
        /// What is asked, in plain words.
        let asked: String
        /// Where it is (section names as the page heads them), or why it is not here.
        let here: String
        /// Whether this run measured it.
        let measured: Bool
    }

    /// The sections the checklist points to, by their headings on the page; a test checks each exists.
    static let checklistSections = [
        "How this was measured", "The dataset", "Error rates by group", "Who is mistaken for whom", "Trade-off curves",
        "Summary statistics",
        "Limitations",
    ]

    /// What ISO/IEC 19795-10:2024 asks a demographic evaluation to report, as reconstructed from the
    /// standard's published scope and ISO/IEC 19795-1 practice (the standard's text is not quoted; no
    /// conformance is claimed), each with where this run's report has it or "Not measured here".
    static func standardChecklist(_ s: RunSummary, marginals: [DisaggregatedRates], histograms: Bool) -> [ChecklistItem] {
        let card = s.dataset.card
        let provenance = card.labelProvenance.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.rawValue)" }
        let skinTone = marginals.contains { $0.dimensions.names.contains("skin_tone") }
        let phenotype =
            skinTone
            ? "Skin tone is one of the groups" + (card.skinToneInstrument.map { ", measured by \($0)" } ?? "") + "."
            : "No phenotype measure in this run (`faceaudit run --estimate-skin-tone` measures skin tone from the pixels)."
        let lost = marginals.first?.overall.fta.errors ?? 0
        let failed = marginals.flatMap { a in a.cohorts.filter { $0.fta.errors > 0 }.map { value(of: $0.cohort) } }
        let fta =
            s.failuresToAcquire.images == 0
            ? "No photo failed to acquire (0 of \(s.dataset.images.grouped)); "
            : "\(s.failuresToAcquire.images.grouped) of \(s.dataset.images.grouped) photos failed to acquire"
                + (failed.isEmpty ? "; " : ", in \(Set(failed).sorted().joined(separator: ", ")); ")
        let ftaWhere =
            fta + "the comparisons lost per group are in cohorts.csv (metric fta)"
            + (lost > 0 ? ", \(lost.grouped) in all" : "")
            + ". One photo gives one template, so failure to enrol is not counted apart from failure to acquire."
        return [
            ChecklistItem(
                asked: "The kind of evaluation",
                here: "A technology evaluation: the algorithm run offline on a fixed set of photos (How this was measured).",
                measured: true),
            ChecklistItem(
                asked: "How group labels were obtained; phenotype measures",
                here: "The dataset: " + (provenance.isEmpty ? "not stated by the dataset." : provenance.joined(separator: "; ") + ". ")
                    + phenotype,
                measured: !provenance.isEmpty),
            ChecklistItem(
                asked: "The groups, and the people and pairs in each",
                here: "Error rates by group: people and pairs in every table; cohorts.csv has every count.", measured: true),
            ChecklistItem(
                asked: "How different-person pairs were formed",
                here:
                    "Every pair of photos of two different people. A group's false match rate counts the pairs whose two people are both in it; pairs across groups are in Who is mistaken for whom.",
                measured: true),
            ChecklistItem(asked: "Failure to enrol and to acquire, per group", here: ftaWhere, measured: true),
            ChecklistItem(
                asked: "Shifts in comparison scores between groups",
                here: (histograms ? "Trade-off curves (the score distributions, per group); " : "")
                    + "each group's median same-person and different-person score in summary.json (median_mated_score, median_non_mated_score).",
                measured: true),
            ChecklistItem(
                asked: "Error rates per group at a stated threshold, how it was set, and the threshold each group would need",
                here:
                    "Error rates by group, at each threshold; how each was set and its value: How this was measured (Models, operating points and conventions). The threshold each group would need for the target rate: summary.json (threshold_for_target), not shown on this page.",
                measured: true),
            ChecklistItem(
                asked: "Uncertainty, with the method named",
                here:
                    "Every rate in the tables has a 95% interval from resampling people (the subject bootstrap), exact bounds where marked; How this was measured names the conventions.",
                measured: true),
            ChecklistItem(
                asked: "Summary measures of the differences, naming the reference",
                here:
                    "How this was measured (Summary statistics): max/min, max/geomean, Gini, FDR and GARBE; the summary names both groups of every ratio.",
                measured: true),
            ChecklistItem(asked: "Processing time (throughput) per group", here: "Not measured here.", measured: false),
            ChecklistItem(
                asked: "Uncontrolled factors and the limits of causal claims",
                here:
                    "Limitations. The differences are what this system did on these photos; they do not show what causes them (lighting, camera, pose and the labels themselves were not controlled)."
                    + (s.quality?.measured == true
                        ? " \(qualityTitle) has face size, pose, exposure and sharpness per group, measured rather than controlled." : ""),
                measured: true),
        ]
    }

    /// The checklist as a folded table.
    static func checklistSection(_ s: RunSummary, marginals: [DisaggregatedRates], histograms: Bool) -> String {
        let items = standardChecklist(s, marginals: marginals, histograms: histograms)
        let missing = items.filter { !$0.measured }.count
        return
            "<details class=\"fold\"><summary>ISO/IEC 19795-10 checklist: where this report has each item (\(items.count - missing) of \(items.count))</summary>"
            + "<p class=\"meta\">Items reconstructed from the published scope of ISO/IEC 19795-10:2024 and ISO/IEC 19795-1 practice; this is a reading aid, not a claim of conformance.</p>"
            + "<table><tr><th>asked</th><th>where in this report</th></tr>"
            + items.map { "<tr><td>\(HTML.escape($0.asked))</td><td>\(HTML.escape($0.here))</td></tr>" }.joined()
            + "</table></details>"
    }
}
