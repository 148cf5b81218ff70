import ArgumentParser
import FaceAuditCohorts
import FaceAuditEvaluation
import FaceAuditMetrics
import FaceAuditReport
import Foundation

/// `faceaudit demo`: the whole path on the built-in simulated population, in seconds, with no download.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole analysis on a built-in SIMULATED population calibrated to NISTIR 8280 (no download needed).",
        discussion: """
            Writes the same outputs as `run` (summary.json, cohorts.csv, cross_cohort_fmr.csv, curves.csv, report.html), \
            every one marked SIMULATED. The population has sex, age (children included) and Monk skin-tone labels; its \
            group differences follow the differentials NIST reported for commercial systems (NISTIR 8280).
            """
    )

    @Option(help: "Output folder.")
    var out: String

    @Option(help: "Simulated people (two images each).")
    var subjects: Int = 600

    @Option(help: "Seed of the simulation and of the bootstrap.")
    var seed: UInt64 = 1

    @Option(help: "Subject-bootstrap replicates.")
    var bootstrap: Int = 1000

    @Option(help: "Target FMRs.")
    var targetFmr: String = "0.01,0.001,0.0001"

    func validate() throws {
        guard subjects >= 10 && subjects <= 5000 else { throw ValidationError("--subjects must be between 10 and 5000") }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be 0 or more") }
    }

    func run() throws {
        let population = SimulatedPopulation(subjects: subjects, seed: seed)
        var options = BenchmarkRun.Options(scheme: CohortScheme.automatic(for: population.manifest.records))
        do { options.targets = try TargetList.parse(targetFmr) } catch { throw ValidationError("\(error)") }
        options.replicates = bootstrap
        options.seed = seed
        let pipeline = RunSummary.PipelineInfo(
            name: "simulated", identity: "simulated;seed=\(seed);subjects=\(subjects)", models: [:],
            comparison: "simulated similarity", blas: "not used")
        let result: BenchmarkRun.Result
        do {
            result = try BenchmarkRun.evaluate(
                manifest: population.manifest, pairs: population.pairs, polarity: .similarity, failures: [:], pipeline: pipeline,
                options: options, commandLine: ["faceaudit"] + Array(CommandLine.arguments.dropFirst()), version: FaceAuditVersion.current,
                simulated: true)
        } catch {
            throw fail("\(error)", ExitStatus.dataError)
        }
        let report = HTMLReport.render(result.summary, curves: result.curves, histograms: result.histograms)
        try BenchmarkRun.write(result, to: out, exportScores: false, report: report)
        let v = result.summary.verification
        var lines = ["demo: SIMULATED population of \(subjects) people; wrote \(out)"]
        for p in v.operatingPoints {
            lines.append(
                "  FMR target \(p.targetFmr): FMR \(p.falseMatches)/\(p.impostorTrials), FNMR \(p.falseNonMatches)/\(p.genuineTrials)")
        }
        emit(lines.joined(separator: "\n"))
    }
}
