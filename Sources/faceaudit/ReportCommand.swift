import ArgumentParser
import FaceAuditFiles
import FaceAuditReport
import Foundation

/// `faceaudit report`: two to five runs on the same dataset, side by side.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compare two to five runs on the same dataset in one page and one CSV (comparison.html, comparison.csv).",
        discussion: """
            Each RUN_DIR is the output folder of a run (summary.json and subjects.json). Per operating point the page \
            gives each run's FMR and FNMR overall and per cohort, each run's worst-to-best ratios with their intervals, \
            and the difference between every two runs with a 95% interval from a paired subject bootstrap: each replicate \
            resamples the same people for every run (the first run's --bootstrap count and --seed). Runs are named by \
            their folder. Runs of different datasets are refused unless --allow-different-data is given; then only each \
            run's own numbers are compared, without differences.
            Exit status: 0 written; 65 a file is not a FaceAudit summary or subjects file, or the runs measured different \
            data; 66 a file cannot be read; 74 the outputs cannot be written.
            """
    )

    @Argument(help: ArgumentHelp("Two to five run output folders.", valueName: "RUN_DIR"))
    var runs: [String]

    @Option(help: "The folder to write comparison.html and comparison.csv into.")
    var out: String

    @Flag(help: "Compare runs of different datasets anyway (rates and ratios side by side, no paired differences).")
    var allowDifferentData = false

    @Option(help: "Threads for the bootstrap (results do not depend on it; default: every core).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard (2...5).contains(runs.count) else { throw ValidationError("give two to five run folders (got \(runs.count))") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let loaded = try runs.map(load)
        let names = Self.names(runs)
        let comparisonRuns = zip(names, loaded).map { ModelComparison.Run(name: $0, summary: $1.0, tallies: $1.1) }
        let differences = ModelComparison.differences(comparisonRuns)
        if !differences.isEmpty && !allowDifferentData {
            throw fail(
                "the runs cannot be compared person by person (\(differences.joined(separator: "; "))); pass --allow-different-data to compare them anyway",
                ExitStatus.dataError)
        }
        let comparison = ModelComparison(comparisonRuns, threads: threads)
        let set = OutputSet(
            files: [
                OutputFile(name: "comparison.csv") { comparison.csv },
                OutputFile(name: "comparison.html") { comparison.html },
            ], marker: "comparison.html", members: ["comparison.csv", "comparison.html"])
        do {
            // A regular file at --out is not a folder (FileManager said only "File exists").
            try AtomicFile.checkWritable(folder: out)
            AtomicFile.removeStaleTemporaries(in: out)
            try set.write(to: out)
        } catch { throw fail("\(out): cannot write the outputs there (\(ErrorText.line(error)))", ExitStatus.ioError) }
        if !differences.isEmpty { emit("different data compared (--allow-different-data): " + differences.joined(separator: "; ")) }
        emit("wrote \(out)/comparison.html and comparison.csv (\(names.joined(separator: ", ")))")
    }

    /// A run folder's summary.json and, when there, subjects.json.
    func load(_ folder: String) throws -> (RunSummary, SubjectTallies?) {
        let path = folder + "/summary.json"
        let data: Data
        do { data = try InputFile.read(path) } catch { throw fail(error, ExitStatus.noInput) }
        let summary: RunSummary
        do { summary = try JSONSyntax.decode(RunSummary.self, from: data, file: path) } catch {
            throw fail("\(error.place): not a FaceAudit summary.json (\(error.reason))", ExitStatus.dataError)
        }
        let subjectsPath = folder + "/subjects.json"
        guard FileManager.default.fileExists(atPath: subjectsPath) else { return (summary, nil) }
        return (summary, try Self.subjectTallies(subjectsPath))
    }

    /// A subjects.json file: unreadable exits 66, not one of this format's exits 65 (`plan --pilot` reads it too).
    static func subjectTallies(_ path: String) throws -> SubjectTallies {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw fail(error, ExitStatus.noInput) }
        let tallies: SubjectTallies
        do { tallies = try JSONSyntax.decode(SubjectTallies.self, from: data, file: path) } catch {
            throw fail("\(error.place): not a FaceAudit subjects.json (\(error.reason))", ExitStatus.dataError)
        }
        guard tallies.format == SubjectTallies.formatName else {
            throw fail("\(path): format \(tallies.format), expected \(SubjectTallies.formatName)", ExitStatus.dataError)
        }
        if let problem = tallies.problem { throw fail("\(path): \(problem)", ExitStatus.dataError) }
        return tallies
    }

    /// Each run's name: its folder's last component, numbered when two are the same.
    static func names(_ folders: [String]) -> [String] {
        let base = folders.map { folder -> String in
            let trimmed = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
            return URL(fileURLWithPath: trimmed).lastPathComponent
        }
        return base.enumerated().map { i, name in base.filter { $0 == name }.count > 1 ? "\(name) (\(i + 1))" : name }
    }
}
