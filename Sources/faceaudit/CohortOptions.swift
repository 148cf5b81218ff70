import ArgumentParser
import FaceAuditBenchmark
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditProtocols
import FaceAuditScoreFiles
import Foundation

/// How labels become cohorts; shared by `validate`, `run`, `metrics` and `identify`. Each flag sets one
/// ``RunConfiguration`` property.
struct CohortOptions: ParsableArguments {
    @Option(
        name: [.customLong("dimensions"), .customLong("cohorts")],
        help: """
            Cohort dimensions: age_band, gender, ethnicity, skin_tone, or auto for every labeled one (the default of run and \
            validate); all intersections are added. `metrics` and `identify` analyse cohorts only when it is given. \
            (--cohorts is a deprecated alias.)
            """)
    var dimensions: String?

    @Option(help: "Age bands as lower bounds (0,4,8,13,18,30,50,65) or labels (0-3,4-7,…,65+) (default: 0,4,8,13,18,30,50,65).")
    var ageBands: String?

    @Option(help: "Flag cohorts with fewer subjects than this (default: 10).")
    var minSubjects: Int?

    /// Says once that `--cohorts` is the deprecated spelling.
    func validate() throws {
        if CommandLine.arguments.contains(where: { $0 == "--cohorts" || $0.hasPrefix("--cohorts=") }) {
            FileHandle.standardError.write(Data("faceaudit: note: --cohorts is deprecated; it is now called --dimensions\n".utf8))
        }
    }

    /// Sets the properties whose flags were given.
    func apply(to c: inout RunConfiguration) throws {
        if let dimensions {
            if dimensions.lowercased() == "auto" {
                c.dimensions = nil  // every labeled dimension, whatever a benchmark file said
            } else {
                do { c.dimensions = try CohortDimension.parseList(dimensions) } catch { throw ValidationError("\(error)") }
            }
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

    /// Whether cohorts were asked for (`metrics` and `identify` analyse them only then).
    var requested: Bool { dimensions != nil }

    /// The scheme for `records`; a usage error when the options do not parse.
    func scheme(for records: [ImageRecord]) throws -> CohortScheme {
        do { return try configuration().scheme(for: records) } catch let error as RunError {
            throw error.code == .dataError ? fail(error) : ValidationError(error.message)
        }
    }

    /// The scheme for the images of a labeled score file (both sides of each comparison).
    func scheme(for labeled: ScoreTableLabels) throws -> CohortScheme {
        do { return try configuration().scheme(forLabels: labeled.labels) } catch let error as RunError {
            throw error.code == .dataError ? fail(error) : ValidationError(error.message)
        }
    }
}

/// The analysis settings that `run`, `demo` and `metrics` share. Each flag sets one ``RunConfiguration`` property.
struct AnalysisOptions: ParsableArguments {
    @Option(help: "Target FMRs (default: 0.01,0.001,0.0001).")
    var targetFmr: String?

    @Option(
        help: ArgumentHelp(
            "A fixed operating threshold in the scores' units (a distance for distances), measured beside the target FMRs; repeat for several, or 'none'.",
            discussion:
                "The built-in dlib pipeline is also measured at face_recognition's default tolerance, 0.6, unless --threshold is given."
        ))
    var threshold: [String] = []

    @Option(help: "Subject-bootstrap replicates (default: 1000).")
    var bootstrap: Int?

    @Option(help: "Seed of the bootstrap, the watchlist's gallery draw and the simulated population (default: 1).")
    var seed: UInt64?

    @Option(help: "Reference cohort for ratio columns, e.g. gender=male.")
    var referenceCohort: String?

    /// Sets the properties whose flags were given.
    func apply(to c: inout RunConfiguration) throws {
        if let targetFmr { c.targetFMR = try TargetList.parse(targetFmr, flag: "--target-fmr") }
        if !threshold.isEmpty { c.threshold = try TargetList.parseThresholds(threshold) }
        if let bootstrap { c.bootstrap = bootstrap }
        if let seed { c.seed = seed }
        if let referenceCohort { c.referenceCohort = referenceCohort }
    }
}

/// Reads the label columns of a score table; a bad label is a data error naming the file, line and
/// column (the file alone for a table made in memory).
func labels(of table: FaceAuditScoreFiles.ScoreTable, file: String) throws -> ScoreTableLabels {
    do { return try ScoreTableLabels(table) } catch {
        throw fail(error.line == nil ? "\(file): \(error.message)" : error.description, ExitStatus.dataError)
    }
}
