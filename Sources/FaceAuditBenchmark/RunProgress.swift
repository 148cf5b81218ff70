/// What a run tells its caller while it works: the command line draws a progress line from these;
/// tests record them.
public enum RunEvent: Sendable, Hashable {
    /// `done` of `total` images have a template (or measurement), `cached` of them from the cache.
    /// `stage` names the work: `templates` or `skin tone`.
    case extraction(stage: String, done: Int, total: Int, cached: Int)
    /// Every image of `stage` is done.
    case extractionFinished(stage: String)
    /// A sentence worth telling the user (a shard with no tiles, what the skin-tone estimate found).
    case note(String)
    /// The comparisons are analysed and their largest arrays freed; the outputs are written next.
    case writingOutputs
    /// A stage of the run ended, `seconds` (wall clock) after the previous stage did, or after the run
    /// started for the first. Stages follow one another without gaps, so their times add up to the
    /// run's; ``RunStages`` names them.
    case stageFinished(String, seconds: Double)
}

/// Receives a run's events, from any thread.
public protocol RunProgress: Sendable {
    /// Called for each event; must return quickly.
    func report(_ event: RunEvent)
}

/// Discards every event.
public struct SilentProgress: RunProgress {
    /// Creates a sink.
    public init() {}
    public func report(_ event: RunEvent) {}
}
