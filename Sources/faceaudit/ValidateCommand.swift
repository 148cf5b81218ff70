import ArgumentParser
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditImaging
import FaceAuditValidation
import Foundation

/// `faceaudit validate`: checks that a dataset can support a demographic evaluation.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a dataset: subjects, pairs, cohort sizes, missing or undecodable images, duplicates, label conflicts.",
        discussion: """
            DATASET is a CSV manifest, a folder with manifest.csv, the London Set folder, a folder of \
            UTKFace-style images (age_gender_race_datetime.jpg) or an LFW-style folder of subject folders.
            Exit status: 0 when the dataset is usable, 65 when it is not (the problems are listed), \
            66 when DATASET cannot be read.
            """
    )

    @Argument(help: "The dataset: a manifest .csv file or a dataset folder.")
    var dataset: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @OptionGroup var cohorts: CohortOptions

    @Option(help: "Force the layout instead of detecting it: csv, london, utkface, lfw.")
    var layout: DatasetLayout?

    @Option(help: "Folder that image paths in a CSV manifest are relative to (default: the manifest's folder).")
    var root: String?

    @Option(help: "A dataset card JSON file (default: card.json beside the manifest, or the built-in card).")
    var card: String?

    @Option(help: "Target FMRs whose support is checked per cohort.")
    var targetFmr: String = "0.001,0.0001"

    @Option(help: "Reject images whose header declares more pixels than this.")
    var maxPixels: Int = ImageDecoder.defaultMaxPixels

    @Option(help: "Threads for reading and decoding images.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Accept manifest paths outside the dataset's folder (absolute paths, or .. climbing out of it).")
    var allowOutsidePaths = false

    @Flag(help: "Only check that files exist; do not read or decode them.")
    var skipDecode = false

    func run() throws {
        let manifest: Manifest
        do {
            manifest = try DatasetReader(allowOutsidePaths: allowOutsidePaths).read(
                path: dataset, layout: layout, root: root, cardPath: card)
        } catch {
            throw fail(error, error.code == .unreadable ? ExitStatus.noInput : ExitStatus.dataError)
        }
        let scheme = try cohorts.scheme(for: manifest.records)
        let targets: [Double]
        do { targets = try TargetList.parse(targetFmr) } catch { throw ValidationError("\(error)") }
        let options = ValidationOptions(
            targetFMRs: targets, minimumSubjects: cohorts.minSubjects ?? RunConfiguration().minSubjects,
            decoder: ImageDecoder(maxPixels: maxPixels),
            threads: max(1, threads), decodeImages: !skipDecode)
        let report = DatasetValidator(options: options, scheme: scheme).validate(manifest)
        if json {
            emit(try JSONOutput.encode(report))
        } else {
            emit(report.text())
        }
        if !report.usable { throw ExitStatus.dataError }
    }
}

extension DatasetLayout: ExpressibleByArgument {}
