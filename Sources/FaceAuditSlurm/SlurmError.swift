/// A failure to talk to Slurm or to read a submission, with a stable code.
public struct SlurmError: Error, Sendable, CustomStringConvertible {
    /// A stable category.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A Slurm client command (`sbatch`, `squeue`, `scontrol`, `scancel`) is not on PATH.
        case clientMissing = "client_missing"
        /// A Slurm command could not be started or failed.
        case commandFailed = "command_failed"
        /// `sbatch` answered without a job id.
        case noJobID = "no_job_id"
        /// The batch scripts or `submission.json` could not be written.
        case cannotWrite = "cannot_write"
        /// The folder holds no `submission.json`.
        case noSubmission = "no_submission"
        /// `submission.json` does not decode.
        case badSubmission = "bad_submission"
    }

    /// The category.
    public let code: Code
    /// What went wrong and what to do.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
