import ArgumentParser
import FaceAuditSlurm
import Foundation

extension SlurmCommand {
    /// `faceaudit slurm status`.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each task's state and marker; exit 0 when all succeeded, 4 when one failed, 5 while some wait.")

        @Argument(help: "The submission folder (printed by submit).")
        var folder: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try SlurmCommand.requireFolder(folder)
            let client = SlurmClient()
            let status: SlurmStatus
            do { status = try client.status(try client.load(folder: folder)) } catch { throw fail(error, SlurmCommand.exitStatus(error)) }
            SlurmCommand.show(status, json: json)
            throw SlurmCommand.exitCode(status)
        }
    }

    /// `faceaudit slurm wait`.
    struct Wait: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait until no job of the submission is queued, then judge it as status does (exit 0 or 4; 5 on timeout).")

        @Argument(help: "The submission folder (printed by submit).")
        var folder: String

        @Option(help: "Give up after this many seconds.")
        var timeout: Double = 86_400

        @Option(help: "Seconds between polls of squeue.")
        var interval: Double = 2

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try SlurmCommand.requireFolder(folder)
            let client = SlurmClient()
            let deadline = Date().addingTimeInterval(timeout)
            do {
                let submission = try client.load(folder: folder)
                while try client.isQueued(submission) {
                    guard Date() < deadline else {
                        SlurmCommand.show(try client.status(submission), json: json)
                        throw fail("still queued after \(Int(timeout)) s", ExitStatus.stillWaiting)
                    }
                    Thread.sleep(forTimeInterval: interval)
                }
                let status = try client.status(submission)
                SlurmCommand.show(status, json: json)
                throw SlurmCommand.exitCode(status)
            } catch let error as SlurmError {
                throw fail(error, SlurmCommand.exitStatus(error))
            }
        }
    }

    /// The exit status of a Slurm error: 78 when Slurm is missing or failed, 74 when a file could not be
    /// written, 66 without a submission, 65 for an unreadable one.
    static func exitStatus(_ error: SlurmError) -> ExitCode {
        switch error.code {
        case .clientMissing, .commandFailed, .noJobID: ExitStatus.configuration
        case .cannotWrite: ExitStatus.ioError
        case .noSubmission: ExitStatus.noInput
        case .badSubmission: ExitStatus.dataError
        }
    }

    /// Exit 66 when the submission folder does not exist.
    static func requireFolder(_ folder: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw fail("\(folder): no such submission folder (the folder `slurm submit` printed)", ExitStatus.noInput)
        }
    }

    /// 0 when every task succeeded, 5 while some wait, 4 otherwise (a task failed).
    static func exitCode(_ status: SlurmStatus) -> ExitCode {
        status.succeeded ? .success : status.isWaiting ? ExitStatus.stillWaiting : ExitStatus.taskFailed
    }

    /// One task as printed.
    private struct Row: Encodable {
        var stage: String
        var task: Int?
        var state: String?
        var exitCode: String?
        var reason: String?
        var marker: Bool
        var outcome: String

        enum CodingKeys: String, CodingKey {
            case stage, task, state, reason, marker, outcome
            case exitCode = "exit_code"
        }
    }

    /// The whole status as printed with --json.
    private struct Report: Encodable {
        var succeeded: Bool
        var waiting: Bool
        var tasks: [Row]
    }

    /// One line per task, or JSON.
    static func show(_ status: SlurmStatus, json: Bool) {
        let rows = status.tasks.map {
            Row(
                stage: $0.stage.rawValue, task: $0.index, state: $0.state, exitCode: $0.exitCode, reason: $0.reason, marker: $0.marker,
                outcome: $0.outcome.rawValue)
        }
        if json, let text = try? JSONOutput.encode(Report(succeeded: status.succeeded, waiting: status.isWaiting, tasks: rows)) {
            Swift.print(text)
            return
        }
        for r in rows {
            Swift.print(
                "\(r.stage) \(r.task.map(String.init) ?? "-"): \(r.outcome) (state \(r.state ?? "unknown to the scheduler"), "
                    + "exit \(r.exitCode ?? "-"), reason \(r.reason ?? "-"), marker \(r.marker ? "yes" : "no"))")
        }
        Swift.print(status.succeeded ? "all tasks succeeded" : status.isWaiting ? "some tasks are still waiting" : "the run FAILED")
    }
}
