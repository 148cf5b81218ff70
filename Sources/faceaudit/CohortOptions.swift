import ArgumentParser
import FaceAuditBenchmark
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets

/// How a dataset's labels become cohorts; shared by `validate` and `run`. Each flag sets one
/// ``RunConfiguration`` property.
struct CohortOptions: ParsableArguments {
    @Option(
        name: [.customLong("dimensions"), .customLong("cohorts")],
        help: """
            Cohort dimensions (default: every labeled one): age_band, gender, ethnicity, skin_tone; all intersections are \
            added. (--cohorts is accepted as an alias.)
            """)
    var dimensions: String?

    @Option(help: "Age bands as lower bounds (0,4,8,13,18,30,50,65) or labels (0-3,4-7,…,65+) (default: 0,4,8,13,18,30,50,65).")
    var ageBands: String?

    @Option(help: "Flag cohorts with fewer subjects than this (default: 10).")
    var minSubjects: Int?

    /// Sets the properties whose flags were given.
    func apply(to c: inout RunConfiguration) throws {
        if let dimensions {
            do { c.dimensions = try CohortDimension.parseList(dimensions) } catch { throw ValidationError("\(error)") }
        }
        if let ageBands { c.ageBands = ageBands.split(separator: ",").map { String($0).trimmingCharacters(in: " ") } }
        if let minSubjects { c.minSubjects = minSubjects }
    }

    /// The settings these flags give over the defaults.
    func configuration() throws -> RunConfiguration {
        var c = RunConfiguration()
        try apply(to: &c)
        return c
    }

    /// The scheme for `records`; a usage error when the options do not parse.
    func scheme(for records: [ImageRecord]) throws -> CohortScheme {
        do { return try configuration().scheme(for: records) } catch let error as RunError { throw ValidationError(error.message) }
    }
}

/// The analysis settings that `run` and `demo` share. Each flag sets one ``RunConfiguration`` property.
struct AnalysisOptions: ParsableArguments {
    @Option(help: "Target FMRs (default: 0.01,0.001,0.0001).")
    var targetFmr: String?

    @Option(help: "Subject-bootstrap replicates (default: 1000).")
    var bootstrap: Int?

    @Option(help: "Seed of the bootstrap, the watchlist's gallery draw and the simulated population (default: 1).")
    var seed: UInt64?

    @Option(help: "Reference cohort for ratio columns, e.g. gender=male.")
    var referenceCohort: String?

    /// Sets the properties whose flags were given.
    func apply(to c: inout RunConfiguration) throws {
        if let targetFmr { c.targetFMR = try TargetList.parse(targetFmr, flag: "--target-fmr") }
        if let bootstrap { c.bootstrap = bootstrap }
        if let seed { c.seed = seed }
        if let referenceCohort { c.referenceCohort = referenceCohort }
    }
}
