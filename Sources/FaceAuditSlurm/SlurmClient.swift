import FaceAuditFiles
import Foundation

/// Runs Slurm's client commands (`sbatch`, `squeue`, `scontrol`) for a submission. They talk to the
/// cluster named by `SLURM_CONF` (or the system's configuration), found on `PATH`.
public struct SlurmClient: Sendable {
    /// Creates a client.
    public init() {}

    /// Writes the scripts, clears old markers, submits the three jobs (each after the one before) and
    /// records their ids in `<folder>/submission.json`.
    public func submit(_ submission: SlurmSubmission) throws(SlurmError) -> SlurmSubmission {
        var submission = submission
        let files = FileManager.default
        do {
            for sub in ["logs", "markers"] {
                try files.createDirectory(atPath: submission.folder + "/" + sub, withIntermediateDirectories: true)
            }
            // Partial folders must exist before Slurm opens log files there; old markers must not count.
            try files.createDirectory(atPath: submission.out, withIntermediateDirectories: true)
            for name in try files.contentsOfDirectory(atPath: submission.folder + "/markers") {
                try files.removeItem(atPath: submission.folder + "/markers/" + name)
            }
            for stage in SlurmSubmission.Stage.allCases {
                let path = submission.folder + "/\(stage.rawValue).sh"
                try Data(submission.script(stage).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            }
        } catch {
            throw SlurmError(.cannotWrite, "cannot write the batch scripts in \(submission.folder): \(error.localizedDescription)")
        }
        var previous: String?
        for stage in SlurmSubmission.Stage.allCases {
            let output = try run("sbatch", submission.sbatchArguments(stage, after: previous))
            // --parsable prints "jobid" or "jobid;cluster".
            guard let id = output.split(separator: "\n").last?.split(separator: ";").first.map(String.init), Int(id) != nil else {
                throw SlurmError(.noJobID, "sbatch printed no job id for the \(stage.rawValue) job: \(output)")
            }
            submission.jobs[stage.rawValue] = id
            previous = id
            try save(submission)
        }
        return submission
    }

    /// Writes `submission.json` atomically.
    public func save(_ submission: SlurmSubmission) throws(SlurmError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try encoder.encode(submission).write(
                to: URL(fileURLWithPath: submission.folder + "/submission.json"), options: .atomic)
        } catch {
            throw SlurmError(.cannotWrite, "cannot write \(submission.folder)/submission.json: \(error.localizedDescription)")
        }
    }

    /// Reads `<folder>/submission.json`.
    public func load(folder: String) throws(SlurmError) -> SlurmSubmission {
        guard let data = FileManager.default.contents(atPath: folder + "/submission.json") else {
            throw SlurmError(.noSubmission, "\(folder)/submission.json not found: give the folder `faceaudit slurm submit` printed")
        }
        do { return try JSONSyntax.decode(SlurmSubmission.self, from: data, file: folder + "/submission.json") } catch {
            throw SlurmError(.badSubmission, "\(error.place): not a submission: \(error.reason)")
        }
    }

    /// Whether any of the submission's jobs is still in the queue.
    public func isQueued(_ submission: SlurmSubmission) throws(SlurmError) -> Bool {
        let ids = SlurmSubmission.Stage.allCases.compactMap { submission.jobs[$0.rawValue] }
        guard !ids.isEmpty else { return false }
        let output = try run("squeue", ["-h", "-o", "%i", "-j", ids.joined(separator: ",")], allowFailure: true)
        return !output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// How every task stands now.
    public func status(_ submission: SlurmSubmission) throws(SlurmError) -> SlurmStatus {
        var records: [SlurmJobRecord] = []
        for stage in SlurmSubmission.Stage.allCases {
            guard let id = submission.jobs[stage.rawValue] else { continue }
            // A job the controller has forgotten makes scontrol fail; then only the markers speak.
            records += SlurmJobRecord.parse(try run("scontrol", ["-o", "show", "job", id], allowFailure: true))
        }
        return SlurmStatus(submission: submission, records: records) { FileManager.default.fileExists(atPath: $0) }
    }

    /// Runs a client command; returns its standard output.
    private func run(_ command: String, _ arguments: [String], allowFailure: Bool = false) throws(SlurmError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw SlurmError(.commandFailed, "cannot start \(command): \(error.localizedDescription)") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: stdout, as: UTF8.self)
        if process.terminationStatus == 127 {
            throw SlurmError(.clientMissing, "\(command) was not found on PATH: run on a Slurm login node (package slurm-client)")
        }
        if process.terminationStatus != 0 && !allowFailure {
            throw SlurmError(
                .commandFailed,
                "\(command) \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus)): "
                    + String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return text
    }
}
