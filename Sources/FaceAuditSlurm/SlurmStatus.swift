/// How every task of a submission stands, judged from the scheduler's state and the task's marker.
public struct SlurmStatus: Sendable {
    /// One task (or the merge job).
    public struct Task: Sendable, Hashable {
        /// The stage.
        public var stage: SlurmSubmission.Stage
        /// The array index (nil for the merge job).
        public var index: Int?
        /// What the scheduler reports (nil: it no longer knows the job).
        public var state: String?
        /// The scheduler's exit code.
        public var exitCode: String?
        /// The scheduler's reason.
        public var reason: String?
        /// Whether the task's marker exists.
        public var marker: Bool

        /// The verdict.
        public var outcome: Outcome {
            if let state {
                if ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED"].contains(state) { return .waiting }
                return state == "COMPLETED" && exitCode == "0:0" && marker ? .succeeded : .failed
            }
            // Forgotten by the scheduler (MinJobAge passed): only the marker can tell.
            return marker ? .succeeded : .failed
        }
    }

    /// A task's verdict.
    public enum Outcome: String, Sendable {
        /// Still queued or running.
        case waiting
        /// Completed with exit 0 and wrote its marker.
        case succeeded
        /// Anything else: failed, cancelled (e.g. a dependency failed), timed out, or no marker.
        case failed
    }

    /// Every task, stage by stage.
    public var tasks: [Task]

    /// Judges a submission from `scontrol` records and the markers that exist.
    public init(submission: SlurmSubmission, records: [SlurmJobRecord], markerExists: (String) -> Bool) {
        var tasks: [Task] = []
        for stage in SlurmSubmission.Stage.allCases {
            guard let id = submission.jobs[stage.rawValue] else { continue }
            let indices: [Int?] = stage == .merge ? [nil] : (0..<submission.shards).map { $0 }
            for index in indices {
                // A task appears on its own once started; before that, within the array's pending record.
                let record =
                    records.first { r in
                        index == nil ? r.jobID == id : (r.arrayJobID == id && r.arrayTaskID == index)
                    } ?? records.first { r in index != nil && r.arrayJobID == id && r.arrayTaskID == nil }
                tasks.append(
                    Task(
                        stage: stage, index: index, state: record?.state, exitCode: record?.exitCode, reason: record?.reason,
                        marker: markerExists(submission.marker(stage, task: index))))
            }
        }
        self.tasks = tasks
    }

    /// Whether every task succeeded.
    public var succeeded: Bool { !tasks.isEmpty && tasks.allSatisfy { $0.outcome == .succeeded } }
    /// Whether some task can still change.
    public var isWaiting: Bool { tasks.contains { $0.outcome == .waiting } }
}
