import ArgumentParser
import Foundation

/// The `faceaudit` command: measures how accurate a face recognition system is, and for whom it fails.
@main
struct FaceAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faceaudit",
        abstract: "Measure face recognition accuracy and its differences across age, gender and skin-tone cohorts.",
        version: FaceAuditVersion.current,
        subcommands: [
            ValidateCommand.self, RunCommand.self, DemoCommand.self, MetricsCommand.self, IdentifyCommand.self, DetectCommand.self,
            EmbedCommand.self, SkinToneCommand.self,
            CompareCommand.self, ReportCommand.self, PlanCommand.self, ModelsCommand.self, MergeCommand.self, SlurmCommand.self,
        ]
    )

    /// Parses the command line and runs the command. Every failure prints one line, `faceaudit: error: …`,
    /// and exits with its status (``CommandFailure``); `--help` and `--version` print as usual and exit 0. A
    /// negative number after an option is that option's value (`--jitters -1`). Before anything is parsed,
    /// large blocks are kept on the heap and the heap's first 960 MiB is asked for huge pages
    /// (``AllocatorTuning``).
    static func main() {
        // The huge pages are asked for only where the heap keeps large blocks: elsewhere the probe would be
        // mapped and unmapped on its own, and there would be nothing to advise.
        if AllocatorTuning.keepLargeBlocks() { AllocatorTuning.reserveHugePages() }
        let arguments = CommandFailure.joiningNegativeNumbers(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if CommandFailure.isRequestForText(error) { exit(withError: error) }
            let failure = CommandFailure(error, arguments: arguments)
            if let line = failure.line { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            Foundation.exit(failure.status)
        }
    }
}

/// The tool's version, printed by `--version` and written into every output.
enum FaceAuditVersion {
    static let current = "0.1.0"
}
