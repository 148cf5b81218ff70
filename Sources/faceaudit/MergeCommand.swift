import ArgumentParser
import FaceAuditEvaluation
import Foundation

/// `faceaudit merge`: adds up the partial results of `run --shard` into the outputs of one run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the partial results of `faceaudit run --shard i/K` into the run's outputs.",
        discussion: """
            Give every shard's partial folder (<out>/shard-i-of-K) once. Histograms and counts add up, templates are \
            concatenated, and the run is finished exactly as one process would have finished it: the outputs are the same \
            bytes as `faceaudit run` without --shard gives (only the timestamps differ). The dataset and the run's other \
            inputs must still be where the shards found them.
            """
    )

    @Argument(help: "The partial folders, one per shard.")
    var partials: [String]

    @Option(help: "Output folder (default: the run's own --out).")
    var out: String?

    func run() throws {
        var read: [ShardPartial] = []
        for folder in partials {
            do { read.append(try ShardPartial(folder: folder)) } catch { throw fail(error, ExitStatus.dataError) }
        }
        var merged: ShardPartial.Merged
        do { merged = try ShardPartial.merge(read) } catch { throw fail(error, ExitStatus.dataError) }
        if let out {
            if let i = merged.arguments.firstIndex(of: "--out"), i + 1 < merged.arguments.count {
                merged.arguments[i + 1] = out
            } else if let i = merged.arguments.firstIndex(where: { $0.hasPrefix("--out=") }) {
                merged.arguments[i] = "--out=" + out
            } else {
                merged.arguments += ["--out", out]
            }
        }
        guard merged.arguments.count >= 2, merged.arguments[1] == "run" else {
            throw fail("the partials do not record a `faceaudit run` command line", ExitStatus.dataError)
        }
        var command: RunCommand
        do { command = try RunCommand.parse(Array(merged.arguments.dropFirst(2))) } catch {
            throw fail("the partials' command line no longer parses: \(RunCommand.message(for: error))", ExitStatus.dataError)
        }
        try command.execute(merged: merged, out: out)
    }
}
