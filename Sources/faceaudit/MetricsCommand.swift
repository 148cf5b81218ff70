import ArgumentParser
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditMetrics
import FaceAuditProtocols
import FaceAuditScoreFiles
import FaceAuditScoring

/// `faceaudit metrics`: every verification number of one score set.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Verification metrics from score files: thresholds at target FMRs, FMR/FNMR with intervals, EER, AUC, d′.",
        discussion: """
            Give either --genuine and --impostor (one score per line, the last whitespace-separated field), \
            or --scores with --format bob4|bob5|csv. NaN scores count as failures to acquire.
            Accept when score >= threshold (with --dissimilarity: distance <= threshold); ties are accepted.
            The threshold for each target gives the largest achievable FMR <= target over all non-mated scores.
            Mated scores are optional (--impostor alone, or a score file of one photo per person): thresholds \
            and FMRs need only non-mated scores, and every number that needs mated ones (FNMR, EER, AUC, d′) \
            is then null, "not measured".
            """
    )

    @Option(help: "Mated (genuine) scores, one per line (optional: without them FNMR is not measured).")
    var genuine: String?

    @Option(help: "Non-mated (impostor) scores, one per line.")
    var impostor: String?

    @Option(help: "A score file with subject labels (see --format).")
    var scores: String?

    @Option(help: "Format of --scores: bob4, bob5 or csv.")
    var format: ScoreFormat?

    @Flag(help: "Scores are distances: lower means more likely the same person.")
    var dissimilarity = false

    @Option(help: "Binomial interval: clopper-pearson, wilson or jeffreys.")
    var interval: BinomialInterval.Method = .clopperPearson

    @Option(help: "Confidence level of the intervals.")
    var confidence: Double = 0.95

    @Option(help: "Include this many ROC/DET points (with probit coordinates) in the output.")
    var curve: Int?

    @Flag(help: "Print JSON (the only output format; kept for scripts that pass it).")
    var json = false

    @OptionGroup var cohorts: CohortOptions

    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Weight of FMR (against FNMR) in GARBE, FDR and IR.")
    var inequityAlpha: Double = 0.5

    @Flag(help: "Print the time of each phase to standard error.")
    var timings = false

    func validate() throws {
        guard inequityAlpha.isFinite, (0...1).contains(inequityAlpha) else { throw ValidationError("--inequity-alpha must be 0…1") }
        if let curve, !(2...100_000).contains(curve) { throw ValidationError("--curve must be 2…100000 points") }
        let pair = genuine != nil || impostor != nil
        if pair == (scores != nil) {
            throw ValidationError("give either --genuine and --impostor, or --scores with --format")
        }
        if pair && impostor == nil { throw ValidationError("--genuine needs --impostor (thresholds come from non-mated scores)") }
        if scores != nil && format == nil { throw ValidationError("--scores needs --format bob4, bob5 or csv") }
        if cohorts.requested && format != .csv {
            throw ValidationError("--cohorts needs a CSV score file with probe_/reference_ label columns")
        }
        guard (analysis.bootstrap ?? 0) >= 0 else { throw ValidationError("--bootstrap must be 0 or more") }
        guard confidence > 0 && confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1, e.g. 0.95") }
    }

    func run() throws {
        var settings = try cohorts.configuration()
        try analysis.apply(to: &settings)
        let targets = settings.targetFMR
        // A score file has no shipped default: only the thresholds asked for.
        let thresholds = (settings.threshold ?? []).map { FixedThreshold($0) }
        let clock = PhaseClock(enabled: timings)
        let raw: (genuine: [Double], impostor: [Double])
        var table: ScoreTable?
        do {
            if let scores, let format {
                table = try ScoreFileReader.read(path: scores, format: format)
                raw = table!.split()
            } else {
                raw = (try genuine.map(ScoreFileReader.readColumn(path:)) ?? [], try ScoreFileReader.readColumn(path: impostor!))
            }
        } catch {
            throw fail(error, error.code == .unreadable ? ExitStatus.noInput : ExitStatus.dataError)
        }
        clock.lap("read scores")
        let sorted = SortedScores(genuine: raw.genuine, impostor: raw.impostor, polarity: dissimilarity ? .dissimilarity : .similarity)
        clock.lap("sort")
        guard !sorted.impostor.isEmpty else {
            throw fail(
                "need at least one completed non-mated score to set a threshold (found \(sorted.impostor.count); "
                    + "\(sorted.genuine.count) completed mated)",
                ExitStatus.dataError)
        }
        var report = VerificationReport(
            scores: sorted, targets: targets, thresholds: thresholds, interval: interval, alpha: 1 - confidence, curvePoints: curve)
        clock.lap("report")
        if cohorts.requested, let table {
            report.cohorts = try cohortAnalyses(table, settings: settings, thresholds: thresholds, polarity: sorted.polarity)
        }
        emit(try JSONOutput.encode(report))
        clock.lap("cohorts and output")
    }

    private func cohortAnalyses(
        _ table: ScoreTable, settings: RunConfiguration, thresholds: [FixedThreshold], polarity: ScorePolarity
    ) throws -> [DisaggregatedRates] {
        let labeled = try labels(of: table, file: scores ?? "")
        let scheme = try cohorts.scheme(for: labeled)
        guard !scheme.dimensions.isEmpty else {
            throw fail(
                "\(scores ?? ""): no probe_/reference_ label columns (age, gender, ethnicity, skin_tone) to form cohorts",
                ExitStatus.dataError)
        }
        var options = CohortAnalysisOptions(
            targets: settings.targetFMR, polarity: polarity, interval: interval, alpha: 1 - confidence,
            minimumSubjects: settings.minSubjects, replicates: settings.bootstrap, seed: settings.seed,
            referenceCohort: settings.referenceCohort, inequityAlpha: inequityAlpha)
        options.thresholds = thresholds
        return scheme.dimensionSets.flatMap { set in
            var setOptions = options
            setOptions.referenceCohort = scheme.referenceCohort(for: set, requested: settings.referenceCohort)
            return CohortAnalysis.analyze(
                labeled.comparisons(for: set, scheme: scheme, polarity: polarity), dimensions: DimensionSet(set),
                options: setOptions)
        }
    }
}

extension ScoreFormat: ExpressibleByArgument {}
extension BinomialInterval.Method: ExpressibleByArgument {}
