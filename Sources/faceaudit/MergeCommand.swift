import ArgumentParser
import FaceAuditBenchmark
import Foundation

/// `faceaudit merge`: adds up the partial results of `run --shard` into the outputs of one run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the partial results of `faceaudit run --shard i/K` into the run's outputs.",
        discussion: """
            Give every shard's partial folder (<out>/shard-i-of-K) once. Histograms and counts add up, templates are \
            concatenated, and the run is finished exactly as one process would have finished it, from the settings the \
            partials record: the outputs are the same bytes as `faceaudit run` without --shard gives (only the timestamps \
            differ). The dataset and the run's other inputs must still be where the shards found them.
            """
    )

    @Argument(help: "The partial folders, one per shard.")
    var partials: [String]

    @Option(help: "Output folder (default: the run's own --out).")
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        let progress = TerminalProgress(enabled: !quiet)
        var pipeline = BenchmarkPipeline(commandLine: [], version: FaceAuditVersion.current)
        // The process exits once the merge is done: its data is freed whole by the exit.
        pipeline.leavesMemoryToExit = true
        let result: RunResult
        do { result = try pipeline.merge(partials: partials, out: out, progress: MemoryReleasingProgress(inner: progress)) } catch {
            throw fail(error)
        }
        if !quiet { progress.show(result) }
    }
}
