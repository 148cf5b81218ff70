import ArgumentParser
import FaceAuditCohorts
import FaceAuditMetrics
import FaceAuditProtocols
import FaceAuditScoreFiles

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
            """
    )

    @Option(help: "Mated (genuine) scores, one per line.")
    var genuine: String?

    @Option(help: "Non-mated (impostor) scores, one per line.")
    var impostor: String?

    @Option(help: "A score file with subject labels (see --format).")
    var scores: String?

    @Option(help: "Format of --scores: bob4, bob5 or csv.")
    var format: ScoreFormat?

    @Flag(help: "Scores are distances: lower means more likely the same person.")
    var dissimilarity = false

    @Option(help: "Target FMRs, comma-separated.")
    var targetFmr: String = "0.01,0.001,0.0001"

    @Option(help: "Binomial interval: clopper-pearson, wilson or jeffreys.")
    var interval: BinomialInterval.Method = .clopperPearson

    @Option(help: "Confidence level of the intervals.")
    var confidence: Double = 0.95

    @Option(help: "Include this many ROC/DET points (with probit coordinates) in the output.")
    var curve: Int?

    @Flag(help: "Print JSON (the only output format; kept for scripts that pass it).")
    var json = false

    @OptionGroup var selection: CohortSelection

    @Option(help: "Subject-bootstrap replicates for cohort rates and inequity measures (0: none).")
    var bootstrap: Int = 1000

    @Option(help: "Seed of the subject bootstrap.")
    var seed: UInt64 = 1

    @Option(help: "Cohort that ratio_to_reference columns divide by, e.g. gender=male.")
    var referenceCohort: String?

    @Option(help: "Flag cohorts with fewer subjects than this.")
    var minSubjects: Int = 10

    @Option(help: "Weight of FMR (against FNMR) in GARBE, FDR and IR.")
    var inequityAlpha: Double = 0.5

    @Flag(help: "Print the time of each phase to standard error.")
    var timings = false

    func validate() throws {
        let pair = genuine != nil || impostor != nil
        if pair == (scores != nil) {
            throw ValidationError("give either --genuine and --impostor, or --scores with --format")
        }
        if pair && (genuine == nil || impostor == nil) { throw ValidationError("--genuine and --impostor go together") }
        if scores != nil && format == nil { throw ValidationError("--scores needs --format bob4, bob5 or csv") }
        if selection.cohorts != nil && format != .csv {
            throw ValidationError("--cohorts needs a CSV score file with probe_/reference_ label columns")
        }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be 0 or more") }
        guard confidence > 0 && confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1, e.g. 0.95") }
    }

    func run() throws {
        let targets: [Double]
        do { targets = try TargetList.parse(targetFmr) } catch { throw ValidationError("\(error)") }
        let clock = PhaseClock(enabled: timings)
        let raw: (genuine: [Double], impostor: [Double])
        var table: ScoreTable?
        do {
            if let scores, let format {
                table = try ScoreFileReader.read(path: scores, format: format)
                raw = table!.split()
            } else {
                raw = (try ScoreFileReader.readColumn(path: genuine!), try ScoreFileReader.readColumn(path: impostor!))
            }
        } catch {
            throw fail(error, ExitStatus.dataError)
        }
        clock.lap("read scores")
        let sorted = SortedScores(genuine: raw.genuine, impostor: raw.impostor, polarity: dissimilarity ? .dissimilarity : .similarity)
        clock.lap("sort")
        guard !sorted.genuine.isEmpty, !sorted.impostor.isEmpty else {
            throw fail(
                "need at least one completed mated and one completed non-mated score (found \(sorted.genuine.count) and \(sorted.impostor.count))",
                ExitStatus.dataError)
        }
        let summary = VerificationSummary(scores: sorted, targets: targets)
        clock.lap("summary")
        var report = VerificationReport(summary, interval: interval, alpha: 1 - confidence, curvePoints: curve)
        clock.lap("report")
        if selection.cohorts != nil, let table {
            report.cohorts = try cohortAnalyses(table, targets: targets, polarity: sorted.polarity)
        }
        emit(try JSONOutput.encode(report))
        clock.lap("cohorts and output")
    }

    private func cohortAnalyses(_ table: ScoreTable, targets: [Double], polarity: ScorePolarity) throws -> [DisaggregatedRates] {
        let labeled = try labels(of: table, file: scores ?? "")
        let scheme = try selection.scheme(for: labeled)
        guard !scheme.dimensions.isEmpty else {
            throw fail(
                "\(scores ?? ""): no probe_/reference_ label columns (age, gender, ethnicity, skin_tone) to form cohorts",
                ExitStatus.dataError)
        }
        let options = CohortAnalysisOptions(
            targets: targets, polarity: polarity, interval: interval, alpha: 1 - confidence, minimumSubjects: minSubjects,
            replicates: bootstrap, seed: seed, referenceCohort: referenceCohort, inequityAlpha: inequityAlpha)
        return scheme.dimensionSets.flatMap { set in
            CohortAnalysis.analyze(
                labeled.comparisons(for: set, scheme: scheme, polarity: polarity), dimensions: set.map(\.rawValue).joined(separator: ";"),
                options: options)
        }
    }
}

extension ScoreFormat: ExpressibleByArgument {}
extension BinomialInterval.Method: ExpressibleByArgument {}
