import Foundation

/// Prints how long each phase of a command took, to standard error, when enabled.
final class PhaseClock {
    private let enabled: Bool
    private var last = ContinuousClock.now

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Prints the time since the previous lap under `name`.
    func lap(_ name: String) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let seconds = Double((now - last).components.attoseconds) / 1e18 + Double((now - last).components.seconds)
        FileHandle.standardError.write(Data(String(format: "timing: %-20@ %.3f s\n", name as NSString, seconds).utf8))
        last = now
    }
}
