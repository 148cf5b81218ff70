import FaceAuditConfiguration

/// The deployment scenario the report's risk section works through, and which target it headlines.
public struct ReportOptions: Sendable {
    /// Students in the imagined school; the cohort mix is the dataset's.
    public var schoolSize = 1000
    /// Times a day a camera checks each student.
    public var passesPerDay = 4
    /// School days a year.
    public var schoolDays = 180
    /// People on the watchlist each face is searched against.
    public var watchlistSize = 50
    /// The watchlist's share by cohort name; empty: the students' own mix.
    public var watchlistMix: [String: Double] = [:]
    /// Days a retrospective search looks back.
    public var trackingDays = 60
    /// The target FMR of the headline numbers (the closest available is used).
    public var headlineTarget = 1e-3

    /// The default scenario.
    public init() {}

    /// The scenario a run's settings describe.
    public init(_ configuration: RunConfiguration) {
        schoolSize = configuration.schoolSize
        passesPerDay = configuration.passesPerDay
        schoolDays = configuration.schoolDays
        watchlistSize = configuration.watchlistSize
        watchlistMix = configuration.watchlistShares ?? [:]
        trackingDays = configuration.trackingDays
    }
}
