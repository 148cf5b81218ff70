import ArgumentParser
import FaceAuditFiles
import FaceAuditProtocols
import FaceAuditReport
import Foundation

/// `faceaudit compare`: the CI gate.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a run with a baseline; exit 3 when a cohort rate or inequity measure got worse beyond its interval.",
        discussion: """
            A rate regresses when the candidate exceeds the baseline's upper bound (the wider of its bootstrap and \
            exact binomial intervals) plus --tolerance; an inequity measure when it leaves the baseline's bootstrap \
            interval in its worse direction by more than --relative-tolerance. Prints a Markdown table of what changed.
            The two runs must measure the same thing (dataset, simulated or not, pipeline identity, target FMRs, cohort \
            dimension sets); otherwise compare refuses, unless --allow-different-data is given, and then says what differs.
            Exit status: 0 no regression, 3 regression; 65 a file is not a FaceAudit summary of this schema, or the runs \
            differ; 66 a file cannot be read; 74 the JUnit file cannot be written.
            """
    )

    @Argument(help: "The baseline summary.json.")
    var baseline: String

    @Argument(help: "The candidate summary.json.")
    var candidate: String

    @Option(help: "Absolute slack added to every rate's limit.")
    var tolerance: Double = 0

    @Option(help: "Relative slack on inequity measures (0.1 = 10%).")
    var relativeTolerance: Double = 0

    @Option(help: "Also write JUnit XML here.")
    var junit: String?

    @Flag(help: "Compare runs of different data, pipelines, targets or cohorts anyway (the output lists what differs).")
    var allowDifferentData = false

    func validate() throws {
        guard tolerance.isFinite, tolerance >= 0, relativeTolerance.isFinite, relativeTolerance >= 0 else {
            throw ValidationError("--tolerance and --relative-tolerance must be finite numbers ≥ 0")
        }
        // The XML would replace a run's summary (found by a hostile-input review: exit 0, and the next
        // compare refused the candidate as not a summary).
        if let junit, [baseline, candidate].contains(where: { InputFile.samePath($0, junit) }) {
            throw ValidationError("--junit \(junit) is one of the summaries compared; write the XML elsewhere")
        }
    }

    func run() throws {
        func load(_ path: String) throws -> RunSummary {
            let data: Data
            do { data = try InputFile.read(path) } catch { throw fail(error, ExitStatus.noInput) }
            do { return try JSONSyntax.decode(RunSummary.self, from: data, file: path) } catch {
                throw fail("\(error.place): not a FaceAudit summary.json (\(error.reason))", ExitStatus.dataError)
            }
        }
        let base = try load(baseline)
        let cand = try load(candidate)
        guard base.schema == cand.schema else {
            throw fail("schemas differ: \(base.schema) vs \(cand.schema); rerun the baseline with this version", ExitStatus.dataError)
        }
        let differences = RegressionCheck.differences(baseline: base, candidate: cand)
        if !differences.isEmpty && !allowDifferentData {
            throw fail(
                "the runs are not comparable (\(differences.joined(separator: "; "))); pass --allow-different-data to compare them anyway",
                ExitStatus.dataError)
        }
        let check = RegressionCheck(baseline: base, candidate: cand, tolerance: tolerance, relativeTolerance: relativeTolerance)
        if !differences.isEmpty {
            emit("**Different runs compared** (--allow-different-data): " + differences.joined(separator: "; ") + "\n")
        }
        emit(check.markdown())
        if let junit {
            do { try AtomicFile.write(check.junit(), to: junit) } catch {
                throw fail("\(junit): cannot write the JUnit file (\(ErrorText.line(error)))", ExitStatus.ioError)
            }
        }
        if !check.passed { throw ExitStatus.regression }
    }
}
