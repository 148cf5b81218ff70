import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import Foundation

extension RunConfiguration {
    /// The cohorts of a run over `records`: the chosen ``dimensions`` (or every labeled one), with age
    /// group (children and adults) beside age band, and all their intersections but age group's (see
    /// `CohortScheme.standard(_:ageBands:)`), with ``ageBands``.
    /// - Throws: ``RunError`` (usage) when the age bands do not parse.
    public func scheme(for records: [ImageRecord]) throws(RunError) -> CohortScheme {
        let bands: AgeBands
        do { bands = try AgeBands(parsing: ageBands.joined(separator: ",")) } catch { throw RunError(.usage, "\(error)") }
        guard let dimensions else { return CohortScheme.automatic(for: records, ageBands: bands) }
        return CohortScheme.standard(dimensions, ageBands: bands)
    }

    /// The cohorts for images carrying `labels` (the two sides of a labeled score file).
    public func scheme(forLabels labels: [Labels]) throws(RunError) -> CohortScheme {
        try scheme(for: labels.map { ImageRecord(path: "", subject: SubjectID(""), labels: $0) })
    }

    /// ``threads``, or every core when unset.
    public var resolvedThreads: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}
