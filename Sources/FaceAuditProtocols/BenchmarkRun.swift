import FaceAuditAllPairs
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditReport
import FaceAuditScoreFiles
import FaceAuditScoring
import FaceAuditTemplates
import Foundation

/// `faceaudit run`: a labeled dataset through a recognition pipeline to every disaggregated number.
public struct BenchmarkRun {
    /// Settings.
    public struct Options: Sendable {
        /// Target FMRs.
        public var targets: [Double] = [1e-2, 1e-3, 1e-4]
        /// Fixed thresholds (scores' units), measured beside the targets.
        public var thresholds: [FixedThreshold] = []
        /// Cohort scheme.
        public var scheme: CohortScheme
        /// Subject-bootstrap replicates.
        public var replicates = 1000
        /// Bootstrap seed.
        public var seed: UInt64 = 1
        /// Naive interval method.
        public var interval: BinomialInterval.Method = .clopperPearson
        /// Small-cohort flag.
        public var minimumSubjects = 10
        /// Reference cohort for ratios.
        public var referenceCohort: String?
        /// ROC/DET points per cohort in curves.csv.
        public var curvePoints = 50
        /// Threads for the subject bootstrap (results do not depend on it).
        public var threads = 1
        /// Whether to build scores.csv (one row per pair: as large as everything else together, so only
        /// when it will be written).
        public var scoresTable = false

        /// Creates options.
        public init(scheme: CohortScheme) {
            self.scheme = scheme
        }

        /// The settings of the analysis of dimension set `set`, for scores oriented by `polarity`; its
        /// reference cohort is `CohortScheme.referenceCohort(for:requested:)` (adults for age group).
        func analysis(polarity: ScorePolarity, _ set: [CohortDimension]) -> CohortAnalysisOptions {
            var o = CohortAnalysisOptions(
                targets: targets, polarity: polarity, interval: interval, minimumSubjects: minimumSubjects, replicates: replicates,
                seed: seed, referenceCohort: scheme.referenceCohort(for: set, requested: referenceCohort))
            o.threads = threads
            o.thresholds = thresholds
            return o
        }
    }

    /// What a run produced, before it is written (typed; the report module writes it).
    public typealias Result = RunResults

    /// Computes every output from templates already extracted, comparing all pairs on the tiled engine.
    public static func evaluate(
        manifest: Manifest, templates: [EmbeddingResult], comparison: PairMetric, pipeline: RunSummary.PipelineInfo,
        options: Options, commandLine: [String], version: String, simulated: Bool = false, threads: Int = 1
    ) throws(RunError) -> Result {
        let engine = try PairComparison(manifest: manifest, templates: templates, comparison: comparison, scheme: options.scheme)
        return try evaluate(
            manifest: manifest, templates: templates, statistics: engine.engine.run(threads: threads, sortingTail: false).0,
            comparison: comparison,
            pipeline: pipeline, options: options, commandLine: commandLine, version: version, simulated: simulated,
            engine: engine.engine)
    }

    /// Computes every output from templates and the complete statistics of all their pairs (one
    /// process's, or the merged shards'). `engine`, the comparison that made them, runs a streamed run's
    /// second pass (built again from the templates when nil). Pass `statistics` with `consume`: a
    /// streamed run frees their kept pairs once it has scored them.
    ///
    /// `stageFinished` is called with a name as each stage of the analysis ends, in order: with every
    /// pair kept, `pairs scored` and `analysis`; streamed, `kept pairs scored and sorted`, `second pass`,
    /// `everyone's partner counts`, `cohorts: ` and the dimension set's name for each set (the first
    /// followed by `error regression`), and last `summary`.
    public static func evaluate(
        manifest: Manifest, templates: [EmbeddingResult], statistics: consuming PairStatistics, comparison: PairMetric,
        pipeline: RunSummary.PipelineInfo, options: Options, commandLine: [String], version: String, simulated: Bool = false,
        quality: [QualityMeasure: [Double?]]? = nil, engine: AllPairsEngine? = nil, stageFinished: (String) -> Void = { _ in }
    ) throws(RunError) -> Result {
        var reasons: [String: Int] = [:]
        for t in templates { if case .failure(let reason) = t { reasons[reason.category.rawValue, default: 0] += 1 } }
        guard statistics.isComplete else {
            return try evaluateStreamed(
                manifest: manifest, templates: templates, statistics: consume statistics, comparison: comparison, failures: reasons,
                pipeline: pipeline, options: options, commandLine: commandLine, version: version, simulated: simulated, quality: quality,
                engine: engine, stageFinished: stageFinished)
        }
        let pairs = try PairComparison.pairs(statistics, manifest: manifest, templates: templates, comparison: comparison)
        stageFinished("pairs scored")
        let result = try evaluate(
            manifest: manifest, pairs: pairs, polarity: comparison.polarity, failures: reasons, pipeline: pipeline, options: options,
            commandLine: commandLine, version: version, simulated: simulated, quality: quality)
        stageFinished("analysis")
        return result
    }

    /// Computes every output from scored pairs; `failures` counts images without a template by reason; `quality`
    /// (per measure, one value per image) adds the quality covariates to the false-non-match regression
    /// (``qualityCovariates(_:)``).
    public static func evaluate(
        manifest: Manifest, pairs: AllPairs, polarity: ScorePolarity, failures reasons: [String: Int], pipeline: RunSummary.PipelineInfo,
        options: Options, commandLine: [String], version: String, simulated: Bool = false, quality: [QualityMeasure: [Double?]]? = nil
    ) throws(RunError) -> Result {
        let n = manifest.records.count
        var scoreRows: [PairScore] = []
        for k in pairs.scores.indices where options.scoresTable {
            scoreRows.append(
                PairScore(
                    imageA: manifest.records[Int(pairs.first[k])].path, imageB: manifest.records[Int(pairs.second[k])].path,
                    mated: pairs.mated[k], score: pairs.scores[k]))
        }
        let mated = pairs.scores.indices.lazy.filter { pairs.mated[$0] }.map { k in
            (
                i: Int(pairs.first[k]), j: Int(pairs.second[k]), similarity: polarity.similarity(pairs.scores[k]),
                subject: Int(pairs.subjectOfImage[Int(pairs.first[k])])
            )
        }
        return try assemble(
            scores: pairs.scores, mated: pairs.mated, polarity: polarity,
            labeled: { set in pairs.labeled(manifest, dimensions: set, scheme: options.scheme, polarity: polarity) },
            regression: (
                { lowest in pairs.regressionDesign(manifest, scheme: options.scheme, polarity: polarity, from: lowest) },
                regressionSamples(manifest, quality: quality)
            ),
            ageGapPairs: AgeGapPairing.pairs(
                labels: manifest.records.map(\.labels), scheme: options.scheme, subjectCount: pairs.subjectCount, mated),
            dataset: datasetInfo(manifest),
            failures: .init(images: reasons.values.reduce(0, +), byReason: reasons), pipeline: pipeline, options: options,
            commandLine: commandLine, version: version, simulated: simulated,
            pairScores: scoreRows,
            emptyMessage: acquisitionMessage(reasons, images: n))
    }

    /// Each image's age and capture time (a decimal year: year + (month − 1)/12 + (day − 1)/365.25), and with
    /// `quality` its quality covariates (``qualityCovariates(_:)``), for the error regression.
    static func regressionSamples(_ manifest: Manifest, quality: [QualityMeasure: [Double?]]? = nil) -> ErrorRegression.SampleCovariates {
        ErrorRegression.SampleCovariates(
            ages: manifest.records.map(\.labels.age),
            captureYears: manifest.records.map { record in
                record.labels.parsedCaptureDate.map { d in
                    Double(d.year) + Double((d.month ?? 1) - 1) / 12 + Double((d.day ?? 1) - 1) / 365.25
                }
            },
            qualities: quality.map(qualityCovariates) ?? [])
    }

    /// The quality covariates of the false-non-match regression: the inter-eye distance as ln(pixels) and the
    /// sharpness as ln(1 + Laplacian variance), each standardised over the images that have a value (z = (v −
    /// mean)/SD, population SD), so that a pair's odds ratio is per standard deviation of the lower of its two
    /// photos' values; the label states the unit and the SD. A measure with SD 0 (fewer than two distinct values)
    /// is left out. Exposure and contrast are not covariates: measured on the face chip they follow skin
    /// reflectance, so beside the people's labels they would stand in for skin tone; pose asymmetry is signed,
    /// so "the lower of two" has no meaning for it.
    public static func qualityCovariates(_ quality: [QualityMeasure: [Double?]]) -> [ErrorRegression.QualityCovariate] {
        let chosen: [(QualityMeasure, String, (Double) -> Double)] = [
            (.interEyeDistance, "ln px", { log($0) }), (.sharpness, "ln(1 + Laplacian variance)", { log1p($0) }),
        ]
        return chosen.compactMap { measure, unit, transform in
            guard let column = quality[measure] else { return nil }
            let values = column.map { $0.flatMap { v in v > 0 || (measure == .sharpness && v >= 0) ? transform(v) : nil } }
            let known = values.compactMap { $0 }
            guard known.count > 1 else { return nil }
            let (mean, sd) = ScoreStatistics.meanAndDeviation(known)
            guard sd > 0 else { return nil }
            return ErrorRegression.QualityCovariate(
                name: "lower \(measure.name), per SD of \(unit) (\(String(format: "%.3g", sd)))",
                values: values.map { $0.map { ($0 - mean) / sd } })
        }
    }

    /// `summary.json` → `quality` of a run whose per-image measurements are `quality` (nil when the pipeline
    /// measures none, then "not measured" with the reason `pipeline`), distributed over all images and every
    /// marginal cohort of `scheme`.
    public static func qualitySummary(
        manifest: Manifest, scheme: CohortScheme, quality: [QualityMeasure: [Double?]]?, pipeline: String
    ) -> QualitySummary {
        guard let quality else {
            if pipeline == "dlib" {
                return .notMeasured("not measured: the merged shard partials hold no quality measurements (written by an earlier version)")
            }
            return .notMeasured(
                "photo quality is measured only on the built-in dlib pipeline's faces (its landmarks and aligned chip); this run's "
                    + "pipeline (\(pipeline)) does not expose them")
        }
        let cohorts = scheme.dimensions.map { d in (dimension: d.rawValue, labels: manifest.records.map { scheme.value(d, of: $0.labels) })
        }
        return QualitySummary(
            note:
                "measured on the face the dlib pipeline picks in each image, from its 5 landmarks (original image) and its aligned "
                + "150x150 chip, in the same pass as its template",
            values: quality, cohorts: cohorts)
    }

    /// Why a dataset's images gave no non-mated comparison: how many images failed to acquire a template and
    /// why, by category (`no_face: 398, image_corrupt: 2`, most frequent first), or, when none failed, that
    /// fewer than two people have a template.
    static func acquisitionMessage(_ reasons: [String: Int], images: Int) -> String {
        let failed = reasons.values.reduce(0, +)
        guard failed > 0 else { return "fewer than two people in the dataset" }
        let categories = reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return "\(failed) of \(images) images failed to acquire a template (\(categories)), leaving fewer than two people with one"
    }

    /// What summary.json says of a dataset compared all pairs against all.
    static func datasetInfo(_ manifest: Manifest) -> RunSummary.DatasetInfo {
        // Photos per subject counted, not grouped: grouping copied every record into an array per subject.
        var bySubject: [SubjectID: Int] = [:]
        for record in manifest.records { bySubject[record.subject, default: 0] += 1 }
        let matedPairs = bySubject.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        let n = manifest.records.count
        return .init(
            card: manifest.card, layout: manifest.layout.rawValue, images: n, subjects: bySubject.count, matedPairs: matedPairs,
            nonMatedPairs: n * (n - 1) / 2 - matedPairs)
    }

    /// Computes every output from a score file (bob 4/5-column or CSV; with `labels`, per cohort).
    /// Scores are used as given: every comparison in the file, no other.
    public static func evaluate(
        table: ScoreTable, labels: ScoreTableLabels?, polarity: ScorePolarity, card: DatasetCard, layout: String,
        pipeline: RunSummary.PipelineInfo, options: Options, commandLine: [String], version: String
    ) throws(RunError) -> Result {
        let matedCount = table.mated.filter { $0 }.count
        let failures = table.scores.filter(\.isNaN).count
        let ageGapPairs = labels.flatMap { labels in
            AgeGapPairing.pairs(
                labels: labels.labels, scheme: options.scheme, subjectCount: table.subjects.count,
                table.scores.indices.lazy.filter { table.mated[$0] }.map { k in
                    (
                        i: Int(labels.probeLabel[k]), j: Int(labels.referenceLabel[k]), similarity: polarity.similarity(table.scores[k]),
                        subject: Int(table.probeSubject[k])
                    )
                })
        }
        return try assemble(
            scores: table.scores, mated: table.mated, polarity: polarity,
            labeled: { set in
                labels?.comparisons(for: set, scheme: options.scheme, polarity: polarity) ?? LabeledComparisons()
            },
            ageGapPairs: ageGapPairs,
            dataset: .init(
                card: card, layout: layout, images: max(table.items.count, table.subjects.count), subjects: table.subjects.count,
                matedPairs: matedCount, nonMatedPairs: table.count - matedCount),
            failures: .init(images: 0, byReason: failures > 0 ? ["nan score (comparisons)": failures] : [:]), pipeline: pipeline,
            options: options, commandLine: commandLine, version: version, simulated: false, pairScores: [],
            emptyMessage: "the score file has none (\(table.count - matedCount) non-mated rows, \(failures) scores are NaN)")
    }

    /// The part every input shares: overall metrics, per-cohort analyses, curves, histograms, outputs.
    ///
    /// Needs completed non-mated comparisons (the thresholds come from them; without any it throws, with
    /// `emptyMessage` saying why). Mated comparisons are optional: without them (one photo per person), or
    /// in cohorts that have none, FNMR is not measured and is null in every output, never 0.
    static func assemble(
        scores: [Double], mated: [Bool], polarity: ScorePolarity, labeled: ([CohortDimension]) -> LabeledComparisons,
        regression: (design: (_ lowest: Double) -> ErrorRegression.AllPairsComparisons, samples: ErrorRegression.SampleCovariates)? = nil,
        ageGapPairs: AgeGapAnalysis.Pairs? = nil, dataset: RunSummary.DatasetInfo, failures: RunSummary.FailureInfo,
        pipeline: RunSummary.PipelineInfo, options: Options,
        commandLine: [String], version: String, simulated: Bool, pairScores: [PairScore], emptyMessage: String
    ) throws(RunError) -> Result {
        // Every dimension set labels these same scores (as similarities, in this order) with other cohorts:
        // they are sorted once, here, and each set's groups are read off that order.
        let order = LabeledComparisons.ScoreOrder(scores.map(polarity.similarity))
        let sorted = order.sortedScores(mated: mated, polarity: polarity)
        guard !sorted.impostor.isEmpty else {
            throw RunError(.dataError, "no completed non-mated comparison, so no threshold can be set: \(emptyMessage)")
        }
        let verification = VerificationReport(
            scores: sorted, targets: options.targets, thresholds: options.thresholds, interval: options.interval)
        var analyses: [DisaggregatedRates] = []
        var curves: [(DimensionSet, String, [CurvePoint])] = []
        var histograms: [ScoreHistogram] = []
        let finite = scores.filter(\.isFinite)
        let range = (finite.min() ?? 0, finite.max() ?? 1)
        var mitigation: [MitigationAnalysis] = []
        var inequityCurves: [InequityCurve] = []
        // Everyone's group is the same in every dimension set: made once (a tenth of a run with ages).
        var everyone: CohortAnalysis.Everyone?
        for set in options.scheme.dimensionSets {
            let name = DimensionSet(set)
            var comparisons = labeled(set)
            guard comparisons.count > 0 else { continue }
            // The mitigation what-ifs read an attribute's comparisons without the sorted scores (they sort
            // them once again): done here, so that no set's comparisons outlive its turn. Kept until the
            // end, each attribute's held about 190 MB of its own at 8 million pairs (a run of 3,990 images
            // with ages and 50 ethnicity labels and 3 attributes peaked 564,828 KB higher).
            if set.count == 1 {
                mitigation += mitigations(set[0], comparisons, polarity: polarity, options: options)
            }
            comparisons.groupScores(order: comparisons.count == order.count ? order : nil)
            let settings = options.analysis(polarity: polarity, set)
            if everyone == nil { everyone = CohortAnalysis.Everyone(comparisons, options: settings) }
            analyses += CohortAnalysis.analyze(comparisons, dimensions: name, options: settings, everyone: everyone)
            if set.count == 1,
                let curve = InequityCurve.analyze(comparisons, dimensions: name, options: options.analysis(polarity: polarity, set))
            {
                inequityCurves.append(curve)
            }
            let drawn = drawings(
                name, CohortAnalysis.scores(of: comparisons, polarity: polarity), range: range, polarity: polarity, options: options)
            curves += drawn.curves
            histograms += drawn.histograms
        }
        var result = outputs(
            verification: verification, analyses: analyses, curves: curves, histograms: histograms, polarity: polarity, dataset: dataset,
            failures: failures, pipeline: pipeline, options: options, commandLine: commandLine, version: version, simulated: simulated,
            pairScores: pairScores, ageGap: ageGap(ageGapPairs, analyses: analyses, options: options.analysis(polarity: polarity, [])))
        result.summary.inequityCurves = inequityCurves.isEmpty ? nil : inequityCurves
        if let regression {
            result.summary.errorRegression = errorRegressions(
                design: regression.design, analyses: analyses, samples: regression.samples, polarity: polarity,
                reference: options.referenceCohort, minimumPeople: options.minimumSubjects)
        }
        result.summary.mitigation = mitigation.isEmpty ? nil : mitigation
        return result
    }

    /// The mitigation what-ifs (``Mitigation``) of one single-attribute dimension set at every target FMR
    /// of the run.
    static func mitigations(
        _ dimension: CohortDimension, _ comparisons: LabeledComparisons, polarity: ScorePolarity, options: Options
    ) -> [MitigationAnalysis] {
        let settings = options.analysis(polarity: polarity, [dimension])
        return Mitigation.analyze(comparisons, dimensions: DimensionSet([dimension]), targets: options.targets, options: settings)
    }

    /// The error regressions at every operating point of the run (the distinct settings of `analyses`, each at
    /// its global threshold), on the all-pairs design `design` gives listing every non-mated similarity at or
    /// above the lowest of those thresholds (``RegressionDesign/attributes(_:)`` names the attributes). Nil
    /// without an attribute or an operating point. Levels with fewer than `minimumPeople` people
    /// (`--min-subjects`, the findings' rule) are left out.
    static func errorRegressions(
        design: (_ lowest: Double) -> ErrorRegression.AllPairsComparisons, analyses: [DisaggregatedRates],
        samples: ErrorRegression.SampleCovariates, polarity: ScorePolarity, reference: String?, minimumPeople: Int
    ) -> [ErrorRegression.Analysis]? {
        var seen = Set<OperatingPointSetting>()
        let points = analyses.filter { seen.insert($0.setting).inserted }
        let thresholds = points.map { polarity.similarity($0.threshold) }
        guard let lowest = thresholds.min() else { return nil }
        let data = design(lowest)
        guard !data.attributes.isEmpty else { return nil }
        // A requested reference cohort (`--reference-cohort gender=male`) is the regression's reference level too.
        var references: [String: String] = [:]
        if let reference, let part = CohortName.parts(reference).first, let value = part.value {
            references[part.dimension] = value
        }
        // One pass over the comparisons for every operating point.
        let analyses = ErrorRegression.analyze(
            allPairs: data, thresholds: thresholds, samples: samples, references: references, minimumPeople: minimumPeople)
        return zip(points, analyses).map { point, analysis in
            var analysis = analysis
            analysis.targetFMR = point.targetFMR
            analysis.scoreThreshold = point.threshold
            analysis.thresholdLabel = point.thresholdLabel
            return analysis
        }
    }

    /// The age-gap protocol (``AgeGapAnalysis``) over `pairs` at every operating point of the run: the
    /// distinct settings of `analyses`, each at its global threshold. Nil without pairs or operating points.
    static func ageGap(_ pairs: AgeGapAnalysis.Pairs?, analyses: [DisaggregatedRates], options: CohortAnalysisOptions) -> AgeGapAnalysis? {
        guard let pairs else { return nil }
        var seen = Set<OperatingPointSetting>()
        let points = analyses.map { (setting: $0.setting, threshold: $0.threshold) }
            .filter { seen.insert($0.setting).inserted }
        return points.isEmpty ? nil : AgeGapAnalysis(pairs: pairs, operatingPoints: points, options: options)
    }

    /// The outputs of a run from its computed parts; `conventions` adds to the standard ones.
    static func outputs(
        verification: VerificationReport, analyses: [DisaggregatedRates], curves: [(DimensionSet, String, [CurvePoint])],
        histograms: [ScoreHistogram], polarity: ScorePolarity, dataset: RunSummary.DatasetInfo, failures: RunSummary.FailureInfo,
        pipeline: RunSummary.PipelineInfo, options: Options, commandLine: [String], version: String, simulated: Bool,
        pairScores: [PairScore], ageGap: AgeGapAnalysis? = nil,
        conventions extra: [String: String] = [:]
    ) -> Result {
        // A dataset whose card says it is simulated (scripts/bench/make-synthetic writes one) is marked as
        // the demo's population is: every statement and page then says so.
        let simulated = simulated || dataset.card.simulated == true
        var conventions = VerificationReport.conventions(polarity: polarity, interval: options.interval, alpha: 0.05)
        conventions.merge(extra) { $1 }
        conventions["cohort_fmr"] = "within-cohort non-mated pairs (both images in the cohort), at the global threshold"
        conventions["cohort_fnmr"] =
            "the cohort's mated pairs, at the global threshold; a pair's age band and age group (under-18 or 18+) are those of its "
            + "mean age (NIST's convention), or, without an age on both photos, the band or group both photos are labelled with (a "
            + "pair whose two bands differ is in no age cohort; the age-gap table counts it)"
        if ageGap != nil {
            conventions["age_gap"] =
                "mated pairs with an age or age band on both photos, by the age band at the younger photo x years elapsed (capture "
                + "dates when both photos have one, else the two ages; bands [0,2) [2,5) [5,10) [10,inf) years), or with band labels only by "
                + "younger band -> older band; false non-match when similarity < threshold (distance > threshold), at every operating point"
        }
        conventions["failure_to_acquire"] =
            "an image without a template (no face, unreadable): its comparisons count as failures, never dropped"
        conventions["bootstrap"] =
            "subject-level: \(options.replicates) replicates, seed \(options.seed), 2.5/97.5 percentiles of all replicates; a "
            + "replicate where a statistic is undefined (a ratio 0/0, a rate without trials) is counted, never dropped: it is "
            + "placed below all others for the lower bound and above all others for the upper, and an interval that needs it is "
            + "not estimable (left out, with its share in bootstrap_undefined_share)"
        let summary = RunSummary(
            tool: ["name": "faceaudit", "version": version], generatedAt: ISO8601DateFormatter().string(from: Date()),
            commandLine: commandLine, simulated: simulated, dataset: dataset, pipeline: pipeline, failuresToAcquire: failures,
            verification: verification, cohorts: analyses, conventions: conventions, ageGap: ageGap,
            findings: Finding.list(
                analyses, minimumSubjects: options.minimumSubjects, polarity: polarity, groupName: findingName, simulated: simulated))
        return RunResults(
            summary: summary, curves: curves.map { CurveSet(dimensions: $0.0, cohort: $0.1, points: $0.2) }, histograms: histograms,
            scores: pairScores, intervalMethod: options.interval.rawValue)
    }

    /// How a finding's sentence names a cohort: skin tones and age groups in plain words, age bands as
    /// "ages 13-17", other labels as they are; the parts of an intersection joined by ", ".
    static func findingName(_ cohort: String) -> String {
        CohortName.parts(cohort).map { part -> String in
            guard let value = part.value else { return part.dimension }
            switch part.dimension {
            case CohortDimension.skinTone.rawValue: return SkinToneGroup.plainName(of: value)
            case CohortDimension.ageGroup.rawValue: return AgeGroup.plainName(of: value)
            case CohortDimension.ageBand.rawValue: return "ages \(value)"
            default: return value
            }
        }.joined(separator: ", ")
    }

    /// The curve of every group of one dimension set and, for a single dimension, its histogram over the
    /// run's score `range`: exact and streamed runs alike.
    static func drawings<S: ScoreDistribution>(
        _ name: DimensionSet, _ groups: [(cohort: String, scores: S)], range: (Double, Double), polarity: ScorePolarity, options: Options
    ) -> (curves: [(DimensionSet, String, [CurvePoint])], histograms: [ScoreHistogram]) {
        var curves: [(DimensionSet, String, [CurvePoint])] = []
        var histograms: [ScoreHistogram] = []
        for (cohort, scores) in groups {
            curves.append((name, cohort, CurvePoints.sample(scores, count: options.curvePoints)))
            if !name.isIntersection {
                let runs = scores.impostorRuns
                histograms.append(
                    histogram(
                        name, cohort, genuine: scores.genuine, nonMated: runs.values, counts: runs.counts, range: range, polarity: polarity)
                )
            }
        }
        return (curves, histograms)
    }

    /// 40 equal bins over the run's score range of mated similarities and non-mated similarities
    /// holding `counts` scores each (nil: one each). Both lists ascend (as every ``ScoreDistribution``'s
    /// do).
    ///
    /// A score's bin is `min(39, max(0, Int((v − lo) / width)))` with `v` the score in its own units.
    /// Each step of that is monotone in `v` (rounding included), so along an ascending list the bins
    /// only rise (similarities) or only fall (distances): each bin's scores are one stretch, whose end
    /// is found by bisection with the same formula, and whose count is the stretch's total. The same
    /// counts as binning score by score, in about 40 · log₂ n steps instead of n (each dimension set
    /// drew every kept non-mated score: 13.75 million at 50,000 templates).
    static func histogram(
        _ dimensions: DimensionSet, _ cohort: String, genuine: [Double], nonMated: [Double], counts weights: BinnedScores.RunCounts?,
        range: (Double, Double),
        polarity: ScorePolarity
    ) -> ScoreHistogram {
        let bins = 40
        let (lo, hi) = range
        let width = hi > lo ? (hi - lo) / Double(bins) : 1
        func bin(_ s: Double) -> Int {
            let v = polarity.threshold(s)  // back to the scores' units
            return min(bins - 1, max(0, Int((v - lo) / width)))
        }
        func counts(_ similarities: [Double], _ weights: BinnedScores.RunCounts?) -> [Int] {
            var c = [Int](repeating: 0, count: bins)
            var start = 0
            while start < similarities.count {
                let b = bin(similarities[start])
                // The end of the stretch in bin b: the first later score in another bin.
                var low = start + 1
                var high = similarities.count
                while low < high {
                    let mid = (low + high) >> 1
                    if bin(similarities[mid]) == b { low = mid + 1 } else { high = mid }
                }
                c[b] += weights?.total(start..<low) ?? (low - start)
                start = low
            }
            return c
        }
        return ScoreHistogram(
            dimensions: dimensions, cohort: cohort, edges: (0...bins).map { lo + Double($0) * width }, mated: counts(genuine, nil),
            nonMated: counts(nonMated, weights))
    }
}
