/// What a run's `detectable_ratio` numbers assume (``DisaggregatedRates/detectableRatioBasis``).
public struct DetectableRatioBasis: Sendable, Hashable, Codable {
    /// The person heterogeneity c used (``SampleSizePlan``).
    public var heterogeneity: Double
    /// Whether c is the default (no cohort of this dimension set had a false match and ≥ 4 people in a
    /// complete design) rather than estimated from the run.
    public var assumed: Bool
    /// The power asked for: 0.8.
    public var power: Double
    /// The two-sided test's level: 0.05.
    public var alpha: Double
}

extension DisaggregatedRates {
    /// At a target-FMR operating point with subject-bootstrap tallies, sets each cohort's ``CohortRates/detectableRatio``:
    /// the smallest R such that a cohort with FMR R × the target FMR is told from a reference cohort at the
    /// target FMR of the same people and photos per person as this cohort (``SampleSizePlan/detectableRatio(reference:cohort:target:)``,
    /// power 0.8, two-sided α 0.05). c is estimated from this dimension set's own cohort tallies
    /// (``SampleSizePlan/heterogeneity(of:)``), or ``SampleSizePlan/defaultHeterogeneity`` (`assumed`) when they
    /// give none. A cohort with a sparse design, fewer than 2 people or no R below 1 / target gets none.
    mutating func setDetectableRatios() {
        guard let fmr = targetFMR, fmr > 0, fmr < 1, let tallies = bootstrapTallies, tallies.cohorts.count == cohorts.count else {
            return
        }
        let estimated = SampleSizePlan.heterogeneity(of: tallies.cohorts)?.heterogeneity
        let c = estimated ?? SampleSizePlan.defaultHeterogeneity
        let target = SampleSizePlan.Target(fmr: fmr, power: 0.8, alpha: 0.05, heterogeneity: c)
        detectableRatioBasis = DetectableRatioBasis(heterogeneity: c, assumed: estimated == nil, power: 0.8, alpha: 0.05)
        for (i, tally) in tallies.cohorts.enumerated() {
            guard let design = SampleSizePlan.design(of: tally), design.people >= 2 else { continue }
            cohorts[i].detectableRatio = try? SampleSizePlan.detectableRatio(reference: design, cohort: design, target: target)
        }
    }
}
