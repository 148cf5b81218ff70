import FaceAuditBenchmark
import Foundation

/// `run --timings`: prints each finished stage of a run (``RunEvent/stageFinished(_:seconds:)``) to
/// standard error as `timing: <stage> <seconds> s` (the stage padded to 28 characters), and passes
/// every event on.
struct StageTimings: RunProgress {
    /// Where the events go.
    let inner: any RunProgress

    func report(_ event: RunEvent) {
        if case .stageFinished(let stage, let seconds) = event {
            let padded = stage.count < 28 ? stage + String(repeating: " ", count: 28 - stage.count) : stage
            FileHandle.standardError.write(Data("timing: \(padded) \(String(format: "%.3f", seconds)) s\n".utf8))
        }
        inner.report(event)
    }
}
