import ArgumentParser
import FaceAuditBenchmark
import FaceAuditConfiguration
import Foundation

/// `faceaudit demo`: the whole path on the built-in simulated population, in seconds, with no download.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Run the whole analysis on a built-in SIMULATED population, group differences set inside NISTIR 8280's ranges (no download).",
        discussion: """
            Writes the same outputs as `run` (summary.json, cohorts.csv, cross_cohort_fmr.csv, curves.csv, report.html), \
            every one marked SIMULATED. The population has sex, age (children included) and Monk skin-tone labels; its \
            group differences take illustrative values inside the ranges NIST reported for commercial systems (NISTIR 8280), \
            not fitted to NIST's data.
            """
    )

    @Option(help: "Output folder.")
    var out: String

    @Option(help: "Simulated people (two images each).")
    var subjects: Int = 600

    @OptionGroup var analysis: AnalysisOptions

    func run() throws {
        var configuration = RunConfiguration()
        configuration.out = out
        configuration.simulatedSubjects = subjects
        try analysis.apply(to: &configuration)
        let pipeline = BenchmarkPipeline(
            commandLine: ["faceaudit"] + Array(CommandLine.arguments.dropFirst()), version: FaceAuditVersion.current)
        let result: RunResult
        do { result = try pipeline.run(configuration) } catch { throw fail(error) }
        guard let v = result.summary?.verification else { return }
        var lines = ["demo: SIMULATED population of \(subjects) people; wrote \(out)"]
        for p in v.allPoints {
            lines.append(
                "  \(p.name): FMR \(p.falseMatches)/\(p.impostorTrials), FNMR \(p.falseNonMatches)/\(p.genuineTrials)")
        }
        emit(lines.joined(separator: "\n"))
    }
}
