import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditMetrics

/// Which age-gap group (``AgeGapAnalysis/Group``) a mated pair of photos belongs to, from their labels.
///
/// - Both photos have an age: ``AgeGapAnalysis/Grouping/ageAndYears``. The enrolment photo is the younger
///   one; its band comes from the run's ``AgeBands``. Years elapsed are the difference of the two capture
///   dates when both photos have one (``CaptureDate/yearsBetween(_:_:)``), else the difference of the two
///   ages, banded by ``AgeBands/yearsElapsed`` (`0-1` is under 2 years, `2-4` from 2 to under 5, …).
/// - Otherwise, both photos have a band (from an age, or an `age_band` label, as the cohort tables name
///   it): ``AgeGapAnalysis/Grouping/bandPair``, the younger band first (``AgeBandLabel`` order). Years
///   elapsed are not used even when both photos are dated: without the age at enrolment they cannot be
///   set beside the age × years groups.
/// - Otherwise the pair is in no group.
struct AgeGapPairing {
    private let scheme: CohortScheme
    private let ages: [Double?]
    private let dates: [CaptureDate?]
    private let bands: [AgeBandLabel?]

    /// Reads the labels of every image (or label tuple) once.
    init(labels: [Labels], scheme: CohortScheme) {
        self.scheme = scheme
        ages = labels.map { $0.age.flatMap { scheme.ageBands.label(for: $0) == nil ? nil : $0 } }
        dates = labels.map(\.parsedCaptureDate)
        bands = labels.map { l in
            let band = scheme.value(.ageBand, of: l)
            return band == CohortDimension.unknown ? nil : AgeBandLabel(band)
        }
    }

    /// The group of the pair of images `i` and `j`, and the years between them when both have an age.
    func group(_ i: Int, _ j: Int) -> (group: AgeGapAnalysis.Group, years: Double?)? {
        if let a = ages[i], let b = ages[j] {
            let years: Double
            if let x = dates[i], let y = dates[j] { years = CaptureDate.yearsBetween(x, y) } else { years = abs(a - b) }
            let elapsed = AgeBands.yearsElapsed.label(for: years)!
            let enrolment = scheme.ageBands.label(for: min(a, b))!
            return (
                .ageAndYears(enrolment: enrolment, yearsElapsed: elapsed, firstYearsBand: elapsed == AgeBands.yearsElapsed.labels[0]), years
            )
        }
        guard let a = bands[i], let b = bands[j] else { return nil }
        let (younger, older) = b < a ? (b, a) : (a, b)
        return (.bandPair(younger: younger.label, older: older.label), nil)
    }

    /// The output order: age × years groups by enrolment band, then years elapsed; then band pairs, younger
    /// band first, then older.
    func precedes(_ x: AgeGapAnalysis.Group, _ y: AgeGapAnalysis.Group) -> Bool {
        if x.grouping != y.grouping { return x.grouping == .ageAndYears }
        if x.grouping == .ageAndYears {
            let labels = scheme.ageBands.labels
            let elapsed = AgeBands.yearsElapsed.labels
            return (labels.firstIndex(of: x.enrolmentAgeBand) ?? 0, elapsed.firstIndex(of: x.yearsElapsed ?? "") ?? 0)
                < (labels.firstIndex(of: y.enrolmentAgeBand) ?? 0, elapsed.firstIndex(of: y.yearsElapsed ?? "") ?? 0)
        }
        let (a, b) = (AgeBandLabel(x.enrolmentAgeBand), AgeBandLabel(y.enrolmentAgeBand))
        if a != b { return a < b }
        return AgeBandLabel(x.laterAgeBand ?? "") < AgeBandLabel(y.laterAgeBand ?? "")
    }

    /// The grouped mated pairs among `pairs` (images i, j; similarity; subject), in output order; nil when
    /// no pair has two known ages or bands.
    static func pairs(
        labels: [Labels], scheme: CohortScheme, subjectCount: Int,
        _ pairs: some Sequence<(i: Int, j: Int, similarity: Double, subject: Int)>
    ) -> AgeGapAnalysis.Pairs? {
        let pairing = AgeGapPairing(labels: labels, scheme: scheme)
        var out = AgeGapAnalysis.Pairs(subjectCount: subjectCount)
        for p in pairs {
            guard let (group, years) = pairing.group(p.i, p.j) else { continue }
            out.append(similarity: p.similarity, group: group, subject: p.subject)
            if let years { out.maxYearsElapsed = max(out.maxYearsElapsed ?? 0, years) }
        }
        guard out.count > 0 else { return nil }
        out.sortGroups(by: pairing.precedes)
        return out
    }
}
