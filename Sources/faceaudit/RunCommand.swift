import ArgumentParser
import FaceAuditBenchmark
import FaceAuditConfiguration
import Foundation

/// `faceaudit run`: a labeled dataset through the recognition pipeline to every disaggregated number.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a dataset through the face pipeline and write per-cohort results (summary.json, cohorts.csv, …).",
        discussion: """
            Every image gets a template (its largest face, by default) from dlib's native pipeline; every pair of \
            images is compared (Euclidean distance, accept when ≤ τ); one global threshold per target FMR is set from \
            all non-mated pairs and every cohort is measured at it. An image without a face is a failure to acquire \
            for its cohort, never dropped. Templates are cached (0600 files), so an interrupted run resumes.
            Outputs in --out, written as one set (a crash leaves the old set or the new one; summary.json comes last): \
            summary.json, cohorts.csv, cross_cohort_fmr.csv, curves.csv, report.html and, with --export-scores, \
            scores.csv (it names images; mode 0600).
            """
    )

    @OptionGroup var settings: RunOptions

    @Flag(help: "No progress output.")
    var quiet = false

    @Flag(help: "Print how long each stage of the run took (wall clock), to standard error, also with --quiet.")
    var timings = false

    func run() throws {
        // Ctrl-C or a kill does not leave an external embedder (and what it started) running: each supervised
        // child's process group is killed first (ProcessGroups).
        let configuration = try settings.configuration()
        let progress = TerminalProgress(enabled: !quiet)
        var pipeline = BenchmarkPipeline(commandLine: Self.unshardedArguments(), version: FaceAuditVersion.current)
        // The process exits once the run is done: its data is freed whole by the exit.
        pipeline.leavesMemoryToExit = true
        let result: RunResult
        let reporting: any RunProgress = timings ? StageTimings(inner: progress) : progress
        do { result = try pipeline.run(configuration, progress: MemoryReleasingProgress(inner: reporting)) } catch { throw fail(error) }
        if !quiet { progress.show(result) }
    }

    /// The run's command line as one process would have been given it: without --shard and --phase.
    static func unshardedArguments() -> [String] {
        var arguments = ["faceaudit"]
        var skip = false
        for argument in CommandLine.arguments.dropFirst() {
            if skip {
                skip = false
                continue
            }
            if argument == "--shard" || argument == "--phase" {
                skip = true
                continue
            }
            if argument.hasPrefix("--shard=") || argument.hasPrefix("--phase=") { continue }
            arguments.append(argument)
        }
        return arguments
    }
}
