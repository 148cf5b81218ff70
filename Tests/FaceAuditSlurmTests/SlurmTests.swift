import FaceAuditSlurm
import Foundation
import Testing

@Suite struct SlurmTests {
    let submission: SlurmSubmission = {
        var s = SlurmSubmission(
            executable: "/opt/fa/faceaudit", benchmark: "/data/it's.toml", out: "/data/out", shards: 3,
            resources: .init(partition: "short", time: "00:30:00", cpus: 2, memory: "16G", account: "lab"), folder: "/data/out/slurm")
        s.jobs = ["extract": "11", "compare": "12", "merge": "13"]
        return s
    }()

    @Test func scriptsRunTheShardOfTheirTaskAndWriteTheMarkerOnlyAfterIt() {
        let extract = submission.script(.extract)
        #expect(extract.contains("#SBATCH --partition=short\n#SBATCH --time=00:30:00"))
        #expect(extract.contains("#SBATCH --cpus-per-task=2"))
        #expect(extract.contains("#SBATCH --mem=16G\n#SBATCH --account=lab"))
        #expect(extract.contains("set -euo pipefail"))
        #expect(
            extract.contains(
                "'/opt/fa/faceaudit' run --benchmark '/data/it'\\''s.toml' --quiet --shard \"$task/3\" --phase extract"))
        let lines = extract.split(separator: "\n")
        #expect(lines.last!.contains("markers/extract-'\"$task.done\""))
        let merge = submission.script(.merge)
        #expect(merge.contains("merge '/data/out/shard-0-of-3' '/data/out/shard-1-of-3' '/data/out/shard-2-of-3'"))
        #expect(merge.hasSuffix("> '/data/out/slurm/markers/merge.done'\n"))
    }

    @Test func everyStageAfterTheFirstWaitsForTheOneBeforeAndDiesWithIt() {
        #expect(
            submission.sbatchArguments(.extract, after: nil) == [
                "--parsable", "--chdir", "/data/out/slurm", "--array=0-2", "--output", "/data/out/slurm/logs/extract-%A_%a.log",
                "/data/out/slurm/extract.sh",
            ])
        let compare = submission.sbatchArguments(.compare, after: "11")
        #expect(compare.contains("--dependency=afterok:11") && compare.contains("--kill-on-invalid-dep=yes"))
        let merge = submission.sbatchArguments(.merge, after: "12")
        #expect(merge.contains("--dependency=afterok:12") && !merge.contains { $0.hasPrefix("--array") })
    }

    /// `scontrol -o show job` lines, shortened, as Slurm 22.05 prints them.
    static let scontrol = """
        JobId=14 ArrayJobId=11 ArrayTaskId=0 JobName=faceaudit-extract UserId=root(0) JobState=COMPLETED Reason=None Dependency=(null) ExitCode=0:0 RunTime=00:00:01
        JobId=15 ArrayJobId=11 ArrayTaskId=1 JobName=faceaudit-extract UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=1:0 RunTime=00:00:01
        JobId=11 ArrayJobId=11 ArrayTaskId=2 JobName=faceaudit-extract UserId=root(0) JobState=COMPLETED Reason=None Dependency=(null) ExitCode=0:0 RunTime=00:00:01
        JobId=12 ArrayJobId=12 ArrayTaskId=0-2 JobName=faceaudit-compare UserId=root(0) JobState=CANCELLED Reason=DependencyNeverSatisfied Dependency=afterok:11_*(failed) ExitCode=0:0
        JobId=13 JobName=faceaudit-merge UserId=root(0) JobState=CANCELLED Reason=DependencyNeverSatisfied Dependency=afterok:12_*(failed) ExitCode=0:0
        """

    @Test func aFailedTaskFailsTheRunEvenThoughCancelledJobsExitWithZero() {
        let records = SlurmJobRecord.parse(Self.scontrol)
        #expect(records.count == 5)
        #expect(records[1].state == "FAILED" && records[1].exitCode == "1:0" && records[1].arrayTaskID == 1)
        #expect(records[3].arrayTaskID == nil && records[3].reason == "DependencyNeverSatisfied")
        let markers: Set<String> = ["/data/out/slurm/markers/extract-0.done", "/data/out/slurm/markers/extract-2.done"]
        let status = SlurmStatus(submission: submission, records: records) { markers.contains($0) }
        #expect(status.tasks.count == 7)
        #expect(status.tasks.map(\.outcome) == [.succeeded, .failed, .succeeded, .failed, .failed, .failed, .failed])
        #expect(!status.succeeded && !status.isWaiting)
    }

    @Test func completedWithoutItsMarkerIsNotSuccessAndForgottenJobsAreJudgedByMarkers() {
        let done = """
            JobId=14 ArrayJobId=11 ArrayTaskId=0 JobState=COMPLETED Reason=None ExitCode=0:0
            JobId=15 ArrayJobId=11 ArrayTaskId=1 JobState=COMPLETED Reason=None ExitCode=0:0
            JobId=11 ArrayJobId=11 ArrayTaskId=2 JobState=COMPLETED Reason=None ExitCode=0:0
            JobId=13 JobState=PENDING Reason=Dependency ExitCode=0:0
            """
        let all = Set(
            (0..<3).flatMap { ["/data/out/slurm/markers/extract-\($0).done", "/data/out/slurm/markers/compare-\($0).done"] }
                + ["/data/out/slurm/markers/merge.done"])
        var status = SlurmStatus(submission: submission, records: SlurmJobRecord.parse(done)) { all.contains($0) }
        // Compare tasks are unknown to the scheduler but have markers; merge is still pending.
        #expect(status.tasks.map(\.outcome) == [.succeeded, .succeeded, .succeeded, .succeeded, .succeeded, .succeeded, .waiting])
        #expect(status.isWaiting && !status.succeeded)
        status = SlurmStatus(submission: submission, records: SlurmJobRecord.parse(done)) {
            all.contains($0) && !$0.hasSuffix("extract-1.done")
        }
        #expect(status.tasks[1].outcome == .failed)
    }
}

/// Issue 13, item 19: a damaged submission.json is one readable line, not a dump of Swift's DecodingError.
@Suite struct SubmissionFileTests {
    @Test func damagedSubmissionIsOneLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("submission-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"folder": 3}"#.utf8).write(to: folder.appendingPathComponent("submission.json"))
        #expect {
            _ = try SlurmClient().load(folder: folder.path)
        } throws: { error in
            let text = "\(error)"
            return !text.contains("CodingKeys") && !text.contains("Context(") && !text.contains("\n") && text.contains("submission.json")
        }
    }
}
