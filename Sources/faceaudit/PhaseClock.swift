import FaceAuditBenchmark
import Foundation

/// Prints how long each phase of a command took, to standard error, when enabled (`metrics --timings`):
/// the laps of a ``RunStages`` clock, in the lines of ``timingLine(_:seconds:)``.
final class PhaseClock {
    private let enabled: Bool
    private var stages = RunStages()

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Prints the time since the previous lap under `name`.
    func lap(_ name: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(timingLine(name, seconds: stages.lap()).utf8))
    }
}

/// One `--timings` line: `timing: <stage> <seconds> s`, the stage padded to 28 characters, the seconds
/// to three decimals.
func timingLine(_ stage: String, seconds: Double) -> String {
    "timing: \(stage.padding(toLength: max(28, stage.count), withPad: " ", startingAt: 0)) \(String(format: "%.3f", seconds)) s\n"
}
