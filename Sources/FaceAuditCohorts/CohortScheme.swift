import FaceAuditDatasets

/// Which cohorts a run reports, and how labels map to them.
///
/// An image belongs to one cohort per dimension (its `unknown` cohort when the label is missing) and to
/// one cohort per intersection. A *pair* of images belongs to a cohort by ``pairValue(_:_:_:)``: for age
/// band and age group, by the two ages' mean (NIST's convention) when both photos have an age, else the
/// band or group both photos are labelled with, and no age cohort when they differ; for every other
/// dimension, the shared value, and no cohort of that dimension when the two images disagree.
public struct CohortScheme: Sendable, Hashable {
    /// Dimensions reported on their own (marginal cohorts).
    public var dimensions: [CohortDimension]
    /// Sets of two or more dimensions reported jointly.
    public var intersections: [[CohortDimension]]
    /// How ages become bands.
    public var ageBands: AgeBands

    /// Creates a scheme.
    public init(dimensions: [CohortDimension], intersections: [[CohortDimension]], ageBands: AgeBands = .standard) {
        self.dimensions = dimensions.sorted()
        self.intersections = intersections.map { $0.sorted() }.filter { $0.count >= 2 }
        self.ageBands = ageBands
    }

    /// Every dimension that has at least one known label in `records` (``CohortDimension/ageGroup``
    /// whenever an age is known), and every intersection of two or more of them other than age group
    /// (see ``standard(_:ageBands:)``).
    public static func automatic(for records: [ImageRecord], ageBands: AgeBands = .standard) -> CohortScheme {
        let probe = CohortScheme(dimensions: CohortDimension.allCases, intersections: [], ageBands: ageBands)
        let present = CohortDimension.allCases.filter { dimension in
            records.contains { probe.value(dimension, of: $0.labels) != CohortDimension.unknown }
        }
        return standard(present, ageBands: ageBands)
    }

    /// The scheme FaceAudit reports for chosen dimensions: those, plus ``CohortDimension/ageGroup``
    /// (children and adults) whenever ``CohortDimension/ageBand`` is among them, so that every run grouped
    /// by age compares children with adults; intersections are all subsets of two or more of the
    /// dimensions other than age group, which is reported on its own only (its intersections with age band
    /// would repeat the band, and with the others would double the number of intersections).
    public static func standard(_ dimensions: [CohortDimension], ageBands: AgeBands = .standard) -> CohortScheme {
        var chosen = dimensions
        if chosen.contains(.ageBand) && !chosen.contains(.ageGroup) { chosen.append(.ageGroup) }
        return CohortScheme(
            dimensions: chosen, intersections: allSubsets(of: chosen.filter { $0 != .ageGroup }.sorted()), ageBands: ageBands)
    }

    /// The cohort that the `*_ratio_to_reference` columns of one dimension set divide by: `requested`
    /// (from `--reference-cohort`), except for age group alone, where it is `requested` only when that
    /// names an age group and adults (`age_group=18+`) otherwise, so that children's rates are always
    /// stated relative to adults' with their subject-bootstrap interval.
    public func referenceCohort(for dimensions: [CohortDimension], requested: String?) -> String? {
        guard dimensions == [.ageGroup] else { return requested }
        let prefix = CohortDimension.ageGroup.rawValue + "="
        if let requested, requested.hasPrefix(prefix) { return requested }
        return prefix + AgeGroup.adults
    }

    /// All subsets of two or more elements, smaller subsets first.
    public static func allSubsets(of dimensions: [CohortDimension]) -> [[CohortDimension]] {
        let n = dimensions.count
        guard n >= 2 else { return [] }
        let subsets = (1..<(1 << n)).map { mask in dimensions.indices.filter { mask & (1 << $0) != 0 }.map { dimensions[$0] } }
        return subsets.filter { $0.count >= 2 }.sorted { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
    }

    /// Every dimension set reported: the marginals, then the intersections.
    public var dimensionSets: [[CohortDimension]] { dimensions.map { [$0] } + intersections }

    /// One image's value for `dimension`; `unknown` when unlabeled.
    public func value(_ dimension: CohortDimension, of labels: Labels) -> String {
        switch dimension {
        case .ageGroup: AgeGroup.value(AgeGroup.isUnder18(labels))
        case .ageBand: labels.age.flatMap(ageBands.label(for:)) ?? labels.ageBand.map { AgeBandLabel($0).label } ?? CohortDimension.unknown
        case .gender: labels.gender ?? CohortDimension.unknown
        case .ethnicity: labels.ethnicity ?? CohortDimension.unknown
        case .skinTone: labels.skinTone.map(SkinToneGroup.label(for:)) ?? CohortDimension.unknown
        }
    }

    /// A pair's value for `dimension`; `nil` when the pair is in no cohort of that dimension.
    ///
    /// For age band: with an age on both photos, the band of the mean age (NIST's convention: photos at 8
    /// and 25 land in `13-17`); otherwise, when both photos have a band (from an age, or an `age_band`
    /// label), that band if they share it and `nil` if they differ — two bands have no mean, and such a
    /// pair is measured by the age-gap protocol instead; `unknown` when either photo has neither. For age
    /// group the same, with ``AgeGroup/pairIsUnder18(_:_:)`` deciding a pair with two ages. For every other
    /// dimension: the shared label, `nil` when the two images carry different labels.
    public func pairValue(_ dimension: CohortDimension, _ a: Labels, _ b: Labels) -> String? {
        if Self.pairSharesImageValues(dimension) {
            let va = value(dimension, of: a)
            return va == value(dimension, of: b) ? va : nil
        }
        if dimension == .ageGroup {
            if a.age != nil && b.age != nil { return AgeGroup.value(AgeGroup.pairIsUnder18(a, b)) }
            guard let p = AgeGroup.isUnder18(a), let q = AgeGroup.isUnder18(b) else { return CohortDimension.unknown }
            return p == q ? AgeGroup.value(p) : nil
        }
        if dimension == .ageBand, let x = a.age, let y = b.age {
            return ageBands.label(for: (x + y) / 2) ?? CohortDimension.unknown
        }
        let va = value(dimension, of: a)
        let vb = value(dimension, of: b)
        if va == CohortDimension.unknown || vb == CohortDimension.unknown { return CohortDimension.unknown }
        return va == vb ? va : nil
    }

    /// Whether a pair's value in `dimension` is the value its two images share, and none when they differ
    /// (``pairValue(_:_:_:)``): every dimension but age group and age band, whose pairs have values of
    /// their own (the band of a mean age). For a set of such dimensions a pair's cohort is its images'
    /// when they share one.
    public static func pairSharesImageValues(_ dimension: CohortDimension) -> Bool {
        dimension != .ageGroup && dimension != .ageBand
    }

    /// The cohort of one image for a set of dimensions.
    public func key(_ dimensions: [CohortDimension], of labels: Labels) -> CohortKey {
        CohortKey(dimensions.map { CohortKey.Part($0, value($0, of: labels)) })
    }

    /// Every cohort (marginal and intersection) an image belongs to.
    public func keys(of labels: Labels) -> [CohortKey] {
        dimensionSets.map { key($0, of: labels) }
    }

    /// The cohort of a pair for a set of dimensions; `nil` when the pair is split on any of them.
    public func pairKey(_ dimensions: [CohortDimension], _ a: Labels, _ b: Labels) -> CohortKey? {
        var parts: [CohortKey.Part] = []
        for dimension in dimensions {
            guard let v = pairValue(dimension, a, b) else { return nil }
            parts.append(CohortKey.Part(dimension, v))
        }
        return CohortKey(parts)
    }
}
