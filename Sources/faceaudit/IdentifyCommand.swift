import ArgumentParser
import FaceAuditCohorts
import FaceAuditMetrics
import FaceAuditProtocols
import FaceAuditScoreFiles
import FaceAuditScoring

/// `faceaudit identify`: 1:N identification metrics from search scores.
struct IdentifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Identification (1:N) metrics: CMC, rank-1, and with --threshold the detection-and-identification and false-alarm rates.",
        discussion: """
            Each probe sample (bob's test_label, or CSV probe_id) is one search; its mated scores are those \
            against its own subject. A probe with no mated score is an open-set (non-mated) search. A mate's \
            rank counts the non-mated scores >= the best mated score (bob.measure's convention).
            """
    )

    @Option(help: "The score file.")
    var scores: String

    @Option(help: "Its format: bob4, bob5 or csv.")
    var format: ScoreFormat

    @Option(help: "Number of CMC ranks to print.")
    var maxRank: Int = 20

    @Option(help: "Decision threshold for open-set rates (write a negative value as --threshold=-1500).")
    var threshold: Double?

    @Flag(help: "Scores are distances: lower means more likely the same person.")
    var dissimilarity = false

    @Flag(help: "Print JSON (the only output format; kept for scripts that pass it).")
    var json = false

    @Option(help: "Rank R of the detection-and-identification rate and FNIR(N, R, T).")
    var rank: Int = 1

    @OptionGroup var cohorts: CohortOptions

    func validate() throws {
        guard maxRank >= 1, rank >= 1 else { throw ValidationError("--max-rank and --rank must be at least 1") }
        guard maxRank <= 100_000, rank <= 100_000 else { throw ValidationError("--max-rank and --rank must be at most 100000") }
        if let threshold, !threshold.isFinite { throw ValidationError("--threshold must be a finite number") }
        if cohorts.requested && format != .csv {
            throw ValidationError("--cohorts needs a CSV score file with probe_/reference_ label columns")
        }
    }

    func run() throws {
        let table: ScoreTable
        do { table = try ScoreFileReader.read(path: scores, format: format) } catch {
            throw fail(error, error.code == .unreadable ? ExitStatus.noInput : ExitStatus.dataError)
        }
        let polarity: ScorePolarity = dissimilarity ? .dissimilarity : .similarity
        let searches = SearchGrouping.byProbeItem(table, polarity: polarity)
        var report = IdentificationReport(
            searches: searches, maxRank: maxRank, threshold: threshold.map(polarity.similarity), reportedThreshold: threshold, rank: rank)
        if cohorts.requested {
            let labeled = try labels(of: table, file: scores)
            let scheme = try cohorts.scheme(for: labeled)
            report.cohorts = scheme.dimensionSets.flatMap { set in
                labeled.searchesByCohort(for: set, scheme: scheme, polarity: polarity).map { group in
                    IdentificationReport.CohortIdentification(
                        dimensions: DimensionSet(set), cohort: group.cohort,
                        report: IdentificationReport(
                            searches: group.searches, maxRank: maxRank, threshold: threshold.map(polarity.similarity),
                            reportedThreshold: threshold, rank: rank))
                }
            }
        }
        emit(try JSONOutput.encode(report))
    }
}
