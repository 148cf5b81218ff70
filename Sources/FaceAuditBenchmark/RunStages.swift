import Dispatch

/// The wall-clock time of a run's stages, one after another: each lap is the time since the previous
/// one (or since the clock was made), so the laps of a run add up to its whole time.
///
/// The stages of `faceaudit run` on templates compared all pairs, in order: `manifest` (reading and
/// checking the dataset), `templates` (extracting or loading every image's template), `pair setup`
/// (the template matrix, cells and fingerprint), `all-pairs pass` (every pair's key binned, the most
/// similar kept), then the analysis's stages (``BenchmarkRun/evaluate(manifest:templates:statistics:comparison:pipeline:options:commandLine:version:simulated:quality:engine:stageFinished:)``
/// names them), and `outputs` (every file written and moved into place).
public struct RunStages {
    private var last = DispatchTime.now().uptimeNanoseconds

    /// Starts the clock.
    public init() {}

    /// Seconds since the previous lap (or since ``init()``), and starts the next.
    public mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }
}
