import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import Foundation

extension RunConfiguration {
    /// The cohorts of a run over `records`: the chosen ``dimensions`` (or every labeled one), with age
    /// group (children and adults) beside age band, and all their intersections but age group's (see
    /// `CohortScheme.standard(_:ageBands:)`), with ``ageBands``.
    /// - Throws: ``RunError`` (usage) when the age bands do not parse; (data error) when a dimension has
    ///   more than ``mostCohortsPerDimension`` labels or an intersection more than
    ///   ``mostCohortsPerIntersection`` cohorts.
    public func scheme(for records: [ImageRecord]) throws(RunError) -> CohortScheme {
        let bands: AgeBands
        do { bands = try AgeBands(parsing: ageBands.joined(separator: ",")) } catch { throw RunError(.usage, "\(error)") }
        let scheme =
            dimensions.map { CohortScheme.standard($0, ageBands: bands) } ?? CohortScheme.automatic(for: records, ageBands: bands)
        try Self.checkCohortCounts(scheme, labels: Set(records.lazy.map(\.labels)))
        return scheme
    }

    /// The most labels one dimension may have (gender, ethnicity): a category, not an identifier.
    public static let mostCohortsPerDimension = 100
    /// The most cohorts an intersection of dimensions may have.
    public static let mostCohortsPerIntersection = 1_000

    /// Refuses a scheme whose dimension sets have more cohorts than the limits: every cohort pair has a
    /// cell in the cross-cohort tables, so 1,500 labels (one per person, say) took 12.9 GB and a 1.8 GB
    /// CSV before; a label per person is an identifier, not a cohort.
    static func checkCohortCounts(_ scheme: CohortScheme, labels: Set<Labels>) throws(RunError) {
        for set in scheme.dimensionSets {
            let limit = set.count == 1 ? mostCohortsPerDimension : mostCohortsPerIntersection
            var keys = Set<String>()
            for l in labels {
                keys.insert(scheme.key(set, of: l).description)
                guard keys.count <= limit else {
                    let name = set.map(\.rawValue).joined(separator: " × ")
                    throw RunError(
                        .dataError,
                        "\(name) has more than \(limit) cohorts in this data (at most \(limit) are analysed: every pair of cohorts gets a cell of the cross-cohort tables); group rare labels together, or leave the dimension out with --dimensions"
                    )
                }
            }
        }
    }

    /// The cohorts for images carrying `labels` (the two sides of a labeled score file).
    public func scheme(forLabels labels: [Labels]) throws(RunError) -> CohortScheme {
        try scheme(for: labels.map { ImageRecord(path: "", subject: SubjectID(""), labels: $0) })
    }

    /// ``threads``, or every core when unset.
    public var resolvedThreads: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}
