import ArgumentParser
import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditFiles
import FaceAuditMetrics
import FaceAuditReport
import Foundation

/// `faceaudit plan`: how many people per cohort an audit needs to detect an FMR ratio, and the smallest
/// ratio a design can detect (``SampleSizePlan``).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan an audit's size: people per cohort needed to detect an FMR ratio, and the smallest ratio a design detects.",
        discussion: """
            The cohort's FMR is RATIO × the reference cohort's TARGET-FMR; both cohorts have the same people and \
            photos per person; the test is a two-sided Wald test of the log ratio, with the variance of \
            subject-clustered pairs (README.md, "Sample-size planning"). The design comes from \
            --dataset (every marginal cohort: people present, photos per person) or from --people/--photos. \
            Person heterogeneity comes from --pilot (a run folder's subjects.json), --heterogeneity, or a stated default.
            Exit status: 0 on success, 64 for a wrong option, 65 for an unusable dataset or pilot, 66 when a \
            DATASET or RUN_DIR cannot be read.
            """
    )

    @Option(help: "The reference cohort's FMR, in (0, 1).")
    var targetFmr: Double

    @Option(help: "The FMR ratio to detect, > 1.")
    var ratio: Double = 2

    @Option(help: "The power wanted, in (alpha, 1).")
    var power: Double = 0.8

    @Option(help: "The two-sided test's level, in (0, 1).")
    var alpha: Double = 0.05

    @Option(help: "A dataset (manifest .csv or folder) whose cohorts give the design.")
    var dataset: String?

    @Option(help: "People per cohort (instead of --dataset): the smallest detectable ratio with this many.")
    var people: Int?

    @Option(help: "Photos per person (instead of --dataset; default 1).")
    var photos: Double?

    @Option(help: "A run folder whose subjects.json gives the person heterogeneity.")
    var pilot: String?

    @Option(help: "The person heterogeneity c ≥ 0 (squared coefficient of variation of a person's FMR), instead of --pilot.")
    var heterogeneity: Double?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @OptionGroup var cohorts: CohortOptions

    @Option(help: "Force the dataset's layout instead of detecting it: csv, london, utkface, lfw.")
    var layout: DatasetLayout?

    @Flag(help: "Accept manifest paths outside the dataset's folder.")
    var allowOutsidePaths = false

    func validate() throws {
        if dataset != nil && (people != nil || photos != nil) {
            throw ValidationError("give either --dataset or --people/--photos, not both")
        }
        if pilot != nil && heterogeneity != nil { throw ValidationError("give either --pilot or --heterogeneity, not both") }
        if let people, people < 2 { throw ValidationError("--people must be at least 2, not \(people)") }
    }

    func run() throws {
        let (c, source) = try heterogeneitySource()
        let target = SampleSizePlan.Target(fmr: targetFmr, power: power, alpha: alpha, heterogeneity: c)
        var output = PlanOutput(
            targetFMR: targetFmr, ratio: ratio, power: power, alpha: alpha, heterogeneity: c, heterogeneitySource: source)
        do {
            if let dataset {
                for (cohort, design) in try cohortDesigns(dataset) {
                    output.cohorts.append(try row(cohort, design, target))
                }
            } else {
                output.cohorts.append(try row(nil, .init(people: people ?? 0, photos: photos ?? 1), target))
            }
        } catch let error as SampleSizePlan.InvalidInput { throw ValidationError(error.description) }
        if source.hasPrefix("assumed default") {
            FileHandle.standardError.write(Data("faceaudit: warning: \(Self.defaultWarning)\n".utf8))
        }
        emit(json ? try JSONOutput.encode(output) : output.text())
    }

    static let defaultWarning =
        "no --pilot or --heterogeneity: the plan assumes person heterogeneity c = \(SampleSizePlan.defaultHeterogeneity)"

    /// One row: people needed at the row's photos per person, and, when people are known, the detectable ratio.
    func row(_ cohort: String?, _ design: SampleSizePlan.Design, _ target: SampleSizePlan.Target) throws -> PlanOutput.Row {
        let needed = try SampleSizePlan.peopleNeeded(ratio: ratio, photos: design.photos, target: target)
        var row = PlanOutput.Row(
            cohort: cohort, people: design.people > 0 ? design.people : nil, photos: design.photos, peopleNeeded: needed)
        if design.people >= 2 {
            row.detectableRatio = try SampleSizePlan.detectableRatio(reference: design, cohort: design, target: target)
        }
        return row
    }

    /// The heterogeneity and where it came from.
    func heterogeneitySource() throws -> (Double, String) {
        if let heterogeneity { return (heterogeneity, "given") }
        guard let pilot else { return (SampleSizePlan.defaultHeterogeneity, "assumed default: no pilot given") }
        let path = pilot + "/subjects.json"
        let tallies = try ReportCommand.subjectTallies(path)
        guard let estimate = tallies.pilot(nearFMR: targetFmr) else {
            throw fail(
                "\(path): no cohort of 4 or more people with a false match at any target FMR; give --heterogeneity instead",
                ExitStatus.dataError)
        }
        let text = String(format: "%g", estimate.targetFMR)
        return (estimate.heterogeneity, "pilot \(pilot) at target FMR \(text): \(estimate.cohorts) cohorts, \(estimate.people) people")
    }

    /// Each marginal cohort of the dataset: its people and mean photos per person.
    func cohortDesigns(_ path: String) throws -> [(String, SampleSizePlan.Design)] {
        guard FileManager.default.fileExists(atPath: path) else { throw fail("\(path): no such file or folder", ExitStatus.noInput) }
        let manifest: Manifest
        do {
            manifest = try DatasetReader(allowOutsidePaths: allowOutsidePaths).read(path: path, layout: layout, root: nil, cardPath: nil)
        } catch {
            throw fail(error, error.code == .unreadable ? ExitStatus.noInput : ExitStatus.dataError)
        }
        let scheme = try cohorts.scheme(for: manifest.records)
        var images: [CohortKey: [SubjectID: Int]] = [:]
        for record in manifest.records {
            for dimension in scheme.dimensions {
                images[scheme.key([dimension], of: record.labels), default: [:]][record.subject, default: 0] += 1
            }
        }
        return images.sorted { $0.key < $1.key }.map { key, subjects in
            let photos = subjects.values.reduce(0, +)
            return (key.description, SampleSizePlan.Design(people: subjects.count, photos: Double(photos) / Double(subjects.count)))
        }
    }
}

/// What `faceaudit plan` prints.
struct PlanOutput: Encodable {
    var targetFMR: Double
    var ratio: Double
    var power: Double
    var alpha: Double
    var heterogeneity: Double
    var heterogeneitySource: String
    var cohorts: [Row] = []

    /// One cohort (or the one design given by flags).
    struct Row: Encodable {
        var cohort: String?
        var people: Int?
        var photos: Double
        var peopleNeeded: Int?
        var detectableRatio: Double?

        enum CodingKeys: String, CodingKey {
            case cohort, people, photos
            case peopleNeeded = "people_needed"
            case detectableRatio = "detectable_ratio"
        }
    }

    enum CodingKeys: String, CodingKey {
        case targetFMR = "target_fmr"
        case ratio, power, alpha, heterogeneity
        case heterogeneitySource = "heterogeneity_source"
        case cohorts
    }

    /// The text form: the question, the heterogeneity, then one line per design or a table per cohort.
    func text() -> String {
        func g(_ x: Double) -> String { String(format: "%.3g", x) }
        var lines = [
            "Detect a cohort FMR \(g(ratio))× the reference's \(g(targetFMR)): two-sided Wald test of the log ratio, "
                + "alpha \(g(alpha)), power \(g(power)), both cohorts the same size.",
            "Person heterogeneity c = \(String(format: "%.3f", heterogeneity)) (\(heterogeneitySource)).",
        ]
        let needed = { (r: Row) in r.peopleNeeded.map { "\($0)" } ?? "more than \(SampleSizePlan.maximumPeople)" }
        let detectable = { (r: Row) in r.detectableRatio.map { String(format: "%.2f", $0) } ?? "none" }
        if cohorts.count == 1, cohorts[0].cohort == nil {
            let r = cohorts[0]
            lines.append("With \(g(r.photos)) photos per person: \(needed(r)) people per cohort.")
            if let people = r.people {
                lines.append("With \(people) people per cohort the smallest detectable ratio is \(detectable(r)).")
            }
            return lines.joined(separator: "\n")
        }
        lines.append("cohort | people | photos/person | people needed | enough | detectable ratio with the people present")
        lines.append("--- | --- | --- | --- | --- | ---")
        for r in cohorts {
            let enough = r.peopleNeeded.map { (r.people ?? 0) >= $0 } ?? false
            lines.append(
                "\(r.cohort ?? "") | \(r.people ?? 0) | \(String(format: "%.2f", r.photos)) | \(needed(r)) | \(enough ? "yes" : "no") | \(detectable(r))"
            )
        }
        return lines.joined(separator: "\n")
    }
}
