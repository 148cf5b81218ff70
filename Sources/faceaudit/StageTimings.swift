import FaceAuditBenchmark
import Foundation

/// `run --timings`: prints each finished stage of a run (``RunEvent/stageFinished(_:seconds:)``) to
/// standard error (``timingLine(_:seconds:)``, as `metrics --timings` prints its phases), and passes
/// every event on.
struct StageTimings: RunProgress {
    /// Where the events go.
    let inner: any RunProgress

    func report(_ event: RunEvent) {
        if case .stageFinished(let stage, let seconds) = event {
            FileHandle.standardError.write(Data(timingLine(stage, seconds: seconds).utf8))
        }
        inner.report(event)
    }
}
