import ArgumentParser
import FaceAuditCohorts
import FaceAuditProtocols
import FaceAuditScoreFiles

/// The options that choose cohorts of a labeled score file, shared by `metrics` and `identify`.
struct CohortSelection: ParsableArguments {
    @Option(
        help: """
            With a CSV score file: analyse these dimensions (age_band,gender,ethnicity,skin_tone) and all their \
            intersections, or 'auto' for every labeled one.
            """)
    var cohorts: String?

    @Option(help: "Age bands as lower bounds (0,4,8,13,18,30,50,65) or labels (0-3,4-7,…,65+).")
    var ageBands: String = "0,4,8,13,18,30,50,65"

    /// The cohort scheme for `labeled`; a usage error when the options do not parse.
    func scheme(for labeled: ScoreTableLabels) throws -> CohortScheme {
        do {
            let bands = try AgeBands(parsing: ageBands)
            if cohorts == "auto" { return labeled.automaticScheme(ageBands: bands) }
            let chosen = try CohortDimension.parseList(cohorts ?? "")
            return CohortScheme(dimensions: chosen, intersections: CohortScheme.allSubsets(of: chosen), ageBands: bands)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// Reads the label columns of a score table; a bad label is a data error naming the file.
func labels(of table: FaceAuditScoreFiles.ScoreTable, file: String) throws -> ScoreTableLabels {
    do { return try ScoreTableLabels(table) } catch { throw fail("\(file): \(error.message)", ExitStatus.dataError) }
}
