/// One job or array task as `scontrol -o show job` reports it.
public struct SlurmJobRecord: Sendable, Hashable {
    /// The job id (for an array task, the task's own id).
    public var jobID: String
    /// The array's id, for array tasks.
    public var arrayJobID: String?
    /// The task index, for array tasks.
    public var arrayTaskID: Int?
    /// PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, …
    public var state: String
    /// `exit:signal`, e.g. `0:0`.
    public var exitCode: String
    /// Why a job waits or ended, e.g. `DependencyNeverSatisfied`.
    public var reason: String

    /// Whether the scheduler says the job ran to the end with exit status 0.
    public var completedCleanly: Bool { state == "COMPLETED" && exitCode == "0:0" }

    /// Whether the job can still change state.
    public var isActive: Bool { ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED"].contains(state) }

    /// Parses the one-line-per-job output of `scontrol -o show job ID`. An array whose tasks have not
    /// started is one record with a range `ArrayTaskId` such as `0-6`, reported with a nil task index.
    public static func parse(_ text: String) -> [SlurmJobRecord] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            var fields: [String: String] = [:]
            for token in line.split(separator: " ") {
                let parts = token.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { continue }
                if fields[String(parts[0])] == nil { fields[String(parts[0])] = String(parts[1]) }
            }
            guard let id = fields["JobId"], let state = fields["JobState"] else { return nil }
            return SlurmJobRecord(
                jobID: id, arrayJobID: fields["ArrayJobId"], arrayTaskID: fields["ArrayTaskId"].flatMap { Int($0) }, state: state,
                exitCode: fields["ExitCode"] ?? "?", reason: fields["Reason"] ?? "None")
        }
    }
}
