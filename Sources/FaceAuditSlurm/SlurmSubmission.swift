import Foundation

/// A sharded benchmark on Slurm: three jobs, each waiting for the one before to succeed.
///
/// 1. `extract`, an array of K tasks: task i caches the templates of its image range;
/// 2. `compare`, an array of K tasks (after every extract task succeeded): task i computes its tiles
///    and writes its partial result;
/// 3. `merge` (after every compare task succeeded) adds the partials up into the run's outputs.
///
/// Every task's script writes a marker file after its command succeeded. Success is judged from each
/// task's scheduler state *and* its marker, never from `sbatch --wait` (which returns 0 for a
/// cancelled job).
public struct SlurmSubmission: Sendable, Codable, Hashable {
    /// The three stages, in order.
    public enum Stage: String, Sendable, Codable, CaseIterable {
        case extract, compare, merge
    }

    /// Resources asked of Slurm.
    public struct Resources: Sendable, Codable, Hashable {
        /// `--partition`, if any.
        public var partition: String?
        /// `--time`, if any (Slurm's formats, e.g. `01:00:00`).
        public var time: String?
        /// `--cpus-per-task`; also the run's `--threads`.
        public var cpus: Int
        /// `--mem` per task, if any (Slurm's format, e.g. `16G`).
        public var memory: String?
        /// `--account` to charge, if any.
        public var account: String?

        /// Creates resources.
        public init(partition: String? = nil, time: String? = nil, cpus: Int = 1, memory: String? = nil, account: String? = nil) {
            self.partition = partition
            self.time = time
            self.cpus = cpus
            self.memory = memory
            self.account = account
        }
    }

    /// The faceaudit executable the jobs run (absolute).
    public var executable: String
    /// The run's settings every task runs (absolute): the `configuration.json` that `slurm submit` writes.
    public var benchmark: String
    /// The run's output folder (absolute); shard partials go to its `shard-i-of-K` folders.
    public var out: String
    /// Number of shards.
    public var shards: Int
    /// What each task asks for.
    public var resources: Resources
    /// Where scripts, logs, markers and `submission.json` live.
    public var folder: String
    /// Job ids once submitted, by stage.
    public var jobs: [String: String] = [:]

    /// Creates a submission (not yet submitted).
    public init(executable: String, benchmark: String, out: String, shards: Int, resources: Resources, folder: String) {
        self.executable = executable
        self.benchmark = benchmark
        self.out = out
        self.shards = shards
        self.resources = resources
        self.folder = folder
    }

    /// The marker a task writes when its command succeeded (`task` nil for the merge job).
    public func marker(_ stage: Stage, task: Int?) -> String {
        folder + "/markers/\(stage.rawValue)" + (task.map { "-\($0)" } ?? "") + ".done"
    }

    /// The batch script of a stage.
    public func script(_ stage: Stage) -> String {
        var lines = ["#!/bin/bash", "#SBATCH --job-name=faceaudit-\(stage.rawValue)", "#SBATCH --cpus-per-task=\(resources.cpus)"]
        if let p = resources.partition { lines.append("#SBATCH --partition=\(p)") }
        if let t = resources.time { lines.append("#SBATCH --time=\(t)") }
        if let m = resources.memory { lines.append("#SBATCH --mem=\(m)") }
        if let a = resources.account { lines.append("#SBATCH --account=\(a)") }
        lines += [
            "# Written by `faceaudit slurm submit`. The marker is written only when the command succeeded.",
            "set -euo pipefail",
        ]
        // The settings name the output folder and the threads; merge writes there by default.
        let run = [quote(executable), "run", "--benchmark", quote(benchmark), "--quiet"]
        switch stage {
        case .extract, .compare:
            lines.append("task=${SLURM_ARRAY_TASK_ID:?this script runs as a task of an array job}")
            lines.append((run + ["--shard", "\"$task/\(shards)\"", "--phase", stage.rawValue]).joined(separator: " "))
            lines.append("echo \"$SLURM_JOB_ID\" > \(quote(folder + "/markers/\(stage.rawValue)-"))\"$task.done\"")
        case .merge:
            let partials = (0..<shards).map { quote(out + "/shard-\($0)-of-\(shards)") }
            lines.append(([quote(executable), "merge"] + partials).joined(separator: " "))
            lines.append("echo \"$SLURM_JOB_ID\" > \(quote(marker(.merge, task: nil)))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `sbatch` arguments of a stage, given the id of the job it waits for.
    public func sbatchArguments(_ stage: Stage, after previous: String?) -> [String] {
        var arguments = ["--parsable", "--chdir", folder]
        switch stage {
        case .extract, .compare:
            arguments += ["--array=0-\(shards - 1)", "--output", folder + "/logs/\(stage.rawValue)-%A_%a.log"]
        case .merge:
            arguments += ["--output", folder + "/logs/merge-%j.log"]
        }
        if let previous { arguments += ["--dependency=afterok:\(previous)", "--kill-on-invalid-dep=yes"] }
        return arguments + [folder + "/\(stage.rawValue).sh"]
    }

    /// Single-quotes a word for bash.
    private func quote(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
