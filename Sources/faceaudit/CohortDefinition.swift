import ArgumentParser
import FaceAuditCohorts
import FaceAuditDatasets

/// How a dataset's labels become cohorts; shared by `validate` and `run`.
struct CohortDefinition: ParsableArguments {
    @Option(help: "Cohort dimensions (default: every labeled one): age_band, gender, ethnicity, skin_tone; all intersections are added.")
    var dimensions: String?

    @Option(help: "Age bands as lower bounds (0,4,8,13,18,30,50,65) or labels (0-3,4-7,…,65+).")
    var ageBands: String = "0,4,8,13,18,30,50,65"

    @Option(help: "Flag cohorts with fewer subjects than this.")
    var minSubjects: Int = 10

    /// The scheme for images carrying `labels` (e.g. the two sides of a labeled score file).
    func scheme(forLabels labels: [Labels]) throws -> CohortScheme {
        try scheme(for: labels.map { ImageRecord(path: "", subject: SubjectID(""), labels: $0) })
    }

    /// The scheme for `records`; a usage error when the options do not parse.
    func scheme(for records: [ImageRecord]) throws -> CohortScheme {
        do {
            let bands = try AgeBands(parsing: ageBands)
            guard let dimensions else { return CohortScheme.automatic(for: records, ageBands: bands) }
            let chosen = try CohortDimension.parseList(dimensions)
            return CohortScheme(dimensions: chosen, intersections: CohortScheme.allSubsets(of: chosen), ageBands: bands)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
