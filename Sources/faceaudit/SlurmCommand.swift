import ArgumentParser
import FaceAuditConfiguration
import FaceAuditFiles
import FaceAuditProtocols
import FaceAuditSlurm
import Foundation

/// `faceaudit slurm`: sharded benchmark runs on a Slurm cluster.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Run a benchmark as K shards on a Slurm cluster: submit, then status or wait.",
        subcommands: [Submit.self, Status.self, Wait.self]
    )

    /// `faceaudit slurm submit`.
    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the batch scripts and submit the extract array, the compare array and the merge job.",
            discussion: """
                Three jobs, each with --dependency=afterok on the one before and --kill-on-invalid-dep=yes: an array of K \
                tasks caching templates by image range, an array of K tasks computing tile blocks into partial results \
                (<out>/shard-i-of-K), and a merge job writing the run's outputs to the benchmark's out folder. Scripts, logs, \
                markers, submission.json and configuration.json (the run's settings, frozen: every task runs them) go to \
                --folder (default <out>/slurm). The benchmark file must set dataset and out; the dataset, models, template \
                cache and out folder must be on storage every node sees.
                """
        )

        @Argument(help: "The benchmark file (faceaudit.toml or .yaml).")
        var benchmark: String

        @Option(help: "Number of shards (array tasks per stage).")
        var shards: Int

        @Option(help: "Slurm partition.")
        var partition: String?

        @Option(help: "Time limit per task, in Slurm's format (e.g. 01:00:00).")
        var time: String?

        @Option(help: "CPUs per task; also the run's --threads.")
        var cpus: Int = 1

        @Option(help: "Memory per task, in Slurm's format (e.g. 16G); a run needs about 130 bytes per pair it analyses.")
        var mem: String?

        @Option(help: "Account to charge.")
        var account: String?

        @Option(help: "Folder for scripts, logs, markers and submission.json (default: <out>/slurm).")
        var folder: String?

        func validate() throws {
            guard shards >= 1, shards <= 1000 else {
                throw ValidationError("--shards must be 1…1000 (Slurm's default MaxArraySize is 1001)")
            }
            guard (1...1_024).contains(cpus) else { throw ValidationError("--cpus must be 1…1024") }
            // Each value becomes an #SBATCH line: a newline or a shell character would become a command.
            for (flag, value) in [("--partition", partition), ("--time", time), ("--mem", mem), ("--account", account)] {
                guard let value else { continue }
                guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.,:=+-".contains($0)) }) else {
                    throw ValidationError("\(flag) \"\(value)\": use letters, digits and _ . , : = + - only")
                }
            }
        }

        func run() throws {
            var configuration: RunConfiguration
            do { configuration = try RunConfiguration.load(path: URL(fileURLWithPath: benchmark).standardizedFileURL.path) } catch {
                throw fail(error)
            }
            guard let out = configuration.out, configuration.dataset != nil else {
                throw fail("\(benchmark): set dataset and out in the benchmark file; the jobs read them from there", ExitStatus.dataError)
            }
            // Every task runs these exact settings, frozen here: editing the benchmark file mid-run changes nothing.
            configuration.threads = cpus
            do { try configuration.validate() } catch { throw fail(error) }
            let folder = URL(fileURLWithPath: folder ?? out + "/slurm").standardizedFileURL.path
            let frozen = folder + "/configuration.json"
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try AtomicFile.write(try configuration.json(), to: frozen)
            } catch {
                throw fail("\(frozen): \(ErrorText.line(error))", ExitStatus.ioError)
            }
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let submission = SlurmSubmission(
                executable: executable, benchmark: frozen, out: out, shards: shards,
                resources: .init(partition: partition, time: time, cpus: cpus, memory: mem, account: account), folder: folder)
            let submitted: SlurmSubmission
            do { submitted = try SlurmClient().submit(submission) } catch { throw fail(error, SlurmCommand.exitStatus(error)) }
            let ids = SlurmSubmission.Stage.allCases.map { "\($0.rawValue) \(submitted.jobs[$0.rawValue] ?? "?")" }
            Swift.print("submitted \(shards) shards: \(ids.joined(separator: ", "))")
            Swift.print("settings: \(frozen)")
            Swift.print("follow with: faceaudit slurm wait \(submitted.folder)")
        }
    }
}
