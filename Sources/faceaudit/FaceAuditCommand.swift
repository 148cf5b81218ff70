import ArgumentParser

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
            CompareCommand.self, ModelsCommand.self, MergeCommand.self, SlurmCommand.self,
        ]
    )
}

/// The tool's version, printed by `--version` and written into every output.
enum FaceAuditVersion {
    static let current = "0.1.0"
}
