import FaceAuditMetrics
import Foundation

extension SubjectTallies {
    /// What a pilot run says about person heterogeneity, for `faceaudit plan`.
    public struct Pilot: Sendable, Codable, Equatable {
        /// The operating point's target FMR the estimate was read at.
        public var targetFMR: Double
        /// The pooled heterogeneity c (``SampleSizePlan/pooledHeterogeneity(_:)``).
        public var heterogeneity: Double
        /// Cohorts the estimate pools (marginal cohorts with a false match and a complete design of ≥ 4 people).
        public var cohorts: Int
        /// People summed over those cohorts.
        public var people: Int

        enum CodingKeys: String, CodingKey {
            case targetFMR = "target_fmr"
            case heterogeneity, cohorts, people
        }
    }

    /// The heterogeneity pooled over the marginal cohorts (no intersections) at the target-FMR operating point
    /// nearest `fmr` on a log scale that gives one (a point where no cohort has a false match gives none); nil
    /// when none does.
    public func pilot(nearFMR fmr: Double) -> Pilot? {
        let points = operatingPoints.compactMap { p in p.targetFMR.map { (p, $0) } }
            .sorted { abs(log($0.1 / fmr)) < abs(log($1.1 / fmr)) }
        for (point, target) in points {
            let tallies = point.dimensions.filter { !$0.dimensions.isIntersection }.flatMap { $0.cohorts.map(\.tally) }
            if let h = SampleSizePlan.heterogeneity(of: tallies) {
                return Pilot(targetFMR: target, heterogeneity: h.heterogeneity, cohorts: h.cohorts, people: h.people)
            }
        }
        return nil
    }
}
