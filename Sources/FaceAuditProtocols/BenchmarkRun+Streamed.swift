import FaceAuditAllPairs
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditReport
import FaceAuditScoring
import FaceAuditTemplates
import Foundation

extension BenchmarkRun {
    /// Computes every output from statistics that keep only the most similar non-mated pairs exactly
    /// (runs above ``PairComparison/exactPairLimit`` non-mated pairs).
    ///
    /// Counts at the global thresholds, cohort FMR and FNMR, the cross-cohort matrix and the subject
    /// bootstrap are exact, as in a run that keeps every pair. So are everyone's EER and AUC, after a
    /// second pass over the tiles for the pairs of the bins that decide them
    /// (``StreamedPairs/refineOverall(_:templates:comparison:threads:budget:)``). Other statistics that
    /// need the whole non-mated distribution (bob's EER and min-HTER thresholds, d′, ZeroFNMR, non-mated
    /// medians, curve points and histograms below the exact region) are computed from histogram bins.
    /// `conventions` says which are which.
    static func evaluateStreamed(
        manifest: Manifest, templates: [EmbeddingResult], statistics: consuming PairStatistics, comparison: PairMetric,
        failures reasons: [String: Int], pipeline: RunSummary.PipelineInfo, options: Options, commandLine: [String], version: String,
        simulated: Bool, quality: [QualityMeasure: [Double?]]? = nil, engine: AllPairsEngine? = nil,
        stageFinished: (String) -> Void = { _ in }
    ) throws(RunError) -> Result {
        guard !options.scoresTable else {
            throw RunError(
                .dataError,
                "--export-scores needs every score, but this run keeps only the \(statistics.tail.count) most similar of "
                    + "\(statistics.nonMatedCount) non-mated pairs; leave it out, or raise --exact-pair-limit above that count")
        }
        let polarity = comparison.polarity
        let layout = statistics.layout
        let nonMatedCount = statistics.nonMatedCount
        var pairs = try StreamedPairs(
            consume statistics, manifest: manifest, templates: templates, comparison: comparison, scheme: options.scheme,
            cells: engine.flatMap { $0.layout.fingerprint == layout.fingerprint ? $0.cellOfImage : nil })
        stageFinished("kept pairs scored and sorted")
        // The second pass: the bins that decide everyone's EER and AUC, scored exactly.
        let refinement = try pairs.refineOverall(
            { () throws(RunError) in
                if let engine { return engine }
                return try PairComparison(
                    manifest: manifest, templates: templates, comparison: comparison, scheme: options.scheme,
                    tileSize: layout.tileSize, bins: layout.bins, exactPairLimit: 0
                ).engine
            }, templates: templates, comparison: comparison, threads: options.threads)
        stageFinished("second pass")
        // Everyone's bootstrap tallies once, shared by every dimension set's results.
        pairs.overallTallies = CohortAnalysis.overallTallies(pairs.labeled([]), options: options.analysis(polarity: polarity, []))
        // And everyone's partner counts, when a dimension set counts partners (none of an intersection).
        if options.scheme.dimensionSets.contains(where: { !DimensionSet($0).isIntersection }) {
            pairs.overallPartners = CohortAnalysis.overallPartners(pairs.labeled([]), options: options.analysis(polarity: polarity, []))
        }
        stageFinished("everyone's partner counts")
        var overall: BinnedScores?
        var range = (0.0, 1.0)
        func check(_ scores: BinnedScores) throws(RunError) {
            guard scores.impostorCount > 0, let low = scores.values.first, let high = scores.values.last else {
                throw RunError(
                    .dataError,
                    "no completed non-mated comparison, so no threshold can be set: "
                        + acquisitionMessage(reasons, images: manifest.records.count))
            }
            // Without mated comparisons (one photo per person) the range is the non-mated scores'.
            let ends = ([low, high] + [scores.genuine.first, scores.genuine.last].compactMap { $0 }).map(polarity.threshold)
            range = (ends.min()!, ends.max()!)
            overall = scores
        }
        var analyses: [DisaggregatedRates] = []
        var curves: [(DimensionSet, String, [CurvePoint])] = []
        var histograms: [ScoreHistogram] = []
        // The regressions read everyone's false matches as the partner counts sorted them
        // (``PartnerCounts/FalseMatchRuns``, 55 MB at 50,000 templates): run once the first dimension set
        // has given the operating points (every set gives the same ones), and the sorted keys freed, so
        // that they do not outlive that set.
        var regressions: [ErrorRegression.Analysis]?
        var regressed = false
        for set in options.scheme.dimensionSets {
            let name = DimensionSet(set)
            let (rates, groups) = CohortAnalysis.analyze(
                pairs.labeled(set), dimensions: name, options: options.analysis(polarity: polarity, set))
            stageFinished("cohorts: \(name)")
            if overall == nil { try check(groups[0].scores) }
            analyses += rates
            if !regressed, !analyses.isEmpty {
                // The regressions read the exactly kept pairs: at every target FMR's threshold they hold every false match.
                regressions = errorRegressions(
                    design: { _ in pairs.regressionDesign() }, analyses: analyses, samples: regressionSamples(manifest, quality: quality),
                    polarity: polarity, reference: options.referenceCohort, minimumPeople: options.minimumSubjects)
                regressed = true
                pairs.dropFalseMatchRuns()
                stageFinished("error regression")
            }
            let drawn = drawings(name, groups, range: range, polarity: polarity, options: options)
            curves += drawn.curves
            histograms += drawn.histograms
        }
        if overall == nil { try check(CohortAnalysis.scores(of: pairs.labeled([]), polarity: polarity)[0].scores) }
        let verification = VerificationReport(
            scores: overall!, targets: options.targets, thresholds: options.thresholds, interval: options.interval)
        let width = Double(layout.keyUpper - layout.keyLower) / Double(layout.bins)
        let unit = comparison.isDistance ? "negated squared distance" : "cosine similarity"
        let kept = "\(pairs.base.exactScores.count) of \(nonMatedCount) completed non-mated comparisons"
        var result = outputs(
            verification: verification, analyses: analyses, curves: curves, histograms: histograms, polarity: polarity,
            dataset: datasetInfo(manifest),
            failures: .init(images: reasons.values.reduce(0, +), byReason: reasons), pipeline: pipeline, options: options,
            commandLine: commandLine, version: version, simulated: simulated, pairScores: [],
            ageGap: ageGap(
                AgeGapPairing.pairs(
                    labels: manifest.records.map(\.labels), scheme: options.scheme, subjectCount: pairs.base.subjectCount,
                    pairs.base.matedScores.indices.lazy.map { k in
                        let i = Int(pairs.base.matedProbe[k])
                        return (
                            i: i, j: Int(pairs.base.matedReference[k]), similarity: pairs.base.matedScores[k],
                            subject: Int(pairs.base.sampleSubject[i])
                        )
                    }), analyses: analyses, options: options.analysis(polarity: polarity, [])),
            conventions: [
                "non_mated_scores": streamedConvention(
                    kept: kept, exactFrom: polarity.threshold(pairs.base.exactFrom), comparison: comparison, layout: layout,
                    width: width, unit: unit, refinement: refinement)
            ])
        // Without an analysis there is no operating point, and so no regression (errorRegressions gives nil).
        result.summary.errorRegression = regressions
        stageFinished("summary")
        return result
    }

    /// How a streamed run's non-mated scores were kept, and which numbers are exact (`conventions` →
    /// `non_mated_scores`).
    static func streamedConvention(
        kept: String, exactFrom: Double, comparison: PairMetric, layout: StatisticsLayout, width: Double, unit: String,
        refinement: StreamedPairs.Refinement
    ) -> String {
        var exact = ["thresholds at the target FMRs", "every FMR and FNMR count there", "the cross-cohort matrix", "the subject bootstrap"]
        exact += ["ZeroFMR", "mated statistics"]
        var binned = ["eer_bob", "min_hter"]
        if refinement.equalErrorRateIsExact { exact.insert("the EER", at: 0) } else { binned.insert("EER", at: 0) }
        if refinement.aucIsExact { exact.insert("AUC", at: 1) } else { binned.insert("AUC", at: 1) }
        binned += ["auc_bob", "d'", "ZeroFNMR", "non-mated mean/std/median", "curve points and histograms below the kept scores"]
        let second =
            refinement.bins == 0
            ? ""
            : "; the \(refinement.bins) bins that decide everyone's \(refinement.aucIsExact ? "EER and AUC" : "EER") hold "
                + "non-mated comparisons scored exactly (a second pass over the pairs fetched \(refinement.scores) of them)"
        return "streamed: the \(kept) most similar (score \(comparison.isDistance ? "<=" : ">=") \(exactFrom)) are kept and scored "
            + "exactly; the rest are counted in \(layout.bins) histogram bins of \(unit) (width \(width)) per cohort pair\(second). "
            + "Exact: \(exact.joined(separator: ", ")). At bin resolution (each non-mated score of a bin taken at its lower edge): "
            + binned.joined(separator: ", ") + ". Pairs were binned by scores computed "
            + (layout.keys.isEmpty ? "in single precision" : "on \(layout.keys), each within half a bin of its exact value")
    }
}
