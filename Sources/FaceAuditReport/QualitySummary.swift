import FaceAuditMetrics

/// An image-quality covariate the built-in pipeline measures on each face (FaceAuditFace's `FaceQuality`),
/// with its name, its ISO/IEC 29794-5 correspondence (or that it is a proxy) and its unit.
public enum QualityMeasure: String, Sendable, Hashable, Codable, CaseIterable {
    /// Inter-eye distance.
    case interEyeDistance = "inter_eye_distance"
    /// Landmark asymmetry, a yaw proxy.
    case poseAsymmetry = "pose_asymmetry"
    /// Mean luma of the face chip.
    case exposure
    /// Standard deviation of the chip's luma.
    case contrast
    /// Variance of the Laplacian of the chip's luma.
    case sharpness

    /// The name the report shows.
    public var name: String {
        switch self {
        case .interEyeDistance: "inter-eye distance"
        case .poseAsymmetry: "pose asymmetry"
        case .exposure: "exposure"
        case .contrast: "contrast"
        case .sharpness: "sharpness"
        }
    }

    /// The ISO/IEC 29794-5 measure it corresponds to, or `proxy` and what it stands in for.
    public var iso29794_5: String {
        switch self {
        case .interEyeDistance: "inter-eye distance (IED); eye centres are the means of each eye's two corner landmarks"
        case .poseAsymmetry: "proxy for head pose yaw (29794-5: an angle from a 3-D fit; here the nose-base landmark's offset)"
        case .exposure: "proxy for under-/over-exposure prevention (mean luma of the whole chip; also measures skin reflectance)"
        case .contrast: "proxy for dynamic range (standard deviation of the chip's luma)"
        case .sharpness: "proxy for sharpness (29794-5: a learned measure; here the variance of the 3x3 Laplacian)"
        }
    }

    /// Whether it is only a proxy of the 29794-5 measure.
    public var isProxy: Bool { self != .interEyeDistance }

    /// Its unit.
    public var unit: String {
        switch self {
        case .interEyeDistance: "pixels of the original image"
        case .poseAsymmetry: "signed fraction of the IED; 0 frontal, + towards the image-right eye"
        case .exposure, .contrast: "luma 0-255, BT.601 weights on the stored 8-bit values"
        case .sharpness: "luma squared"
        }
    }
}

/// Photo quality per group for `summary.json` → `quality`: per measure, the distribution over the images of
/// every marginal cohort (no per-image value, no file name). When the run's pipeline measured none, only
/// ``measured`` (false) and ``note`` say why.
public struct QualitySummary: Sendable, Codable, Equatable {
    /// Whether the quality covariates were measured.
    public var measured: Bool
    /// What was measured on what, or why nothing was.
    public var note: String
    /// Images with a measurement (a face found and measurable); nil when not measured.
    public var images: Int?
    /// One entry per measure, in ``QualityMeasure/allCases`` order; empty when not measured.
    public var measures: [Measure]

    /// One measure's definition and per-cohort distributions.
    public struct Measure: Sendable, Codable, Equatable {
        /// The measure.
        public var measure: QualityMeasure
        /// Its name.
        public var name: String
        /// ISO/IEC 29794-5 correspondence, or `proxy …`.
        public var iso29794_5: String
        /// Whether it is a proxy.
        public var proxy: Bool
        /// Its unit.
        public var unit: String
        /// Per cohort: `overall`, then every marginal dimension's cohorts.
        public var cohorts: [Group]

        enum CodingKeys: String, CodingKey {
            case measure, name, proxy, unit, cohorts
            case iso29794_5 = "iso_iec_29794_5"
        }
    }

    /// One cohort's distribution of one measure.
    public struct Group: Sendable, Codable, Equatable {
        /// The dimension (`overall` for all images).
        public var dimensions: String
        /// The cohort (`overall` for all images).
        public var cohort: String
        /// Its measured images.
        public var n: Int
        /// The distribution over its measured images; nil below ``QualitySummary/minimumImages``, where the
        /// quantiles would give away single photos' values (five type-7 quantiles of five values are all five).
        public var distribution: QualityDistribution?
    }

    /// The fewest measured images a cohort needs for its quantiles to be reported.
    public static let minimumImages = 10

    /// Nothing measured, because of `note`.
    public static func notMeasured(_ note: String) -> QualitySummary {
        QualitySummary(measured: false, note: note, images: nil, measures: [])
    }

    /// The distributions of `values` (per measure, one value per image, nil: not measured) over all images
    /// and over each cohort of each marginal dimension in `cohorts` (a dimension's name and each image's
    /// cohort in it): `overall` first, then the dimensions in the order given, each one's cohorts in name order.
    /// A cohort none of whose images has a value has no entry; one with fewer than `minimumImages` has only its
    /// count.
    public init(
        note: String, values: [QualityMeasure: [Double?]], cohorts: [(dimension: String, labels: [String])],
        minimumImages: Int = QualitySummary.minimumImages
    ) {
        func group(_ dimension: String, _ cohort: String, _ values: [Double]) -> Group? {
            guard let d = QualityDistribution(values) else { return nil }
            return Group(dimensions: dimension, cohort: cohort, n: d.n, distribution: d.n >= minimumImages ? d : nil)
        }
        let measures = QualityMeasure.allCases.filter { values[$0] != nil }
        self.init(
            measured: true, note: note, images: measures.first.map { m in values[m]!.count(where: { $0 != nil }) },
            measures: measures.map { m in
                let column = values[m]!
                var groups: [Group] = []
                if let all = group("overall", "overall", column.compactMap { $0 }) { groups.append(all) }
                for (dimension, labels) in cohorts {
                    precondition(labels.count == column.count, "one cohort per image")
                    var byCohort: [String: [Double]] = [:]
                    for (label, value) in zip(labels, column) { if let value { byCohort[label, default: []].append(value) } }
                    for cohort in byCohort.keys.sorted() {
                        if let g = group(dimension, cohort, byCohort[cohort]!) { groups.append(g) }
                    }
                }
                return Measure(measure: m, name: m.name, iso29794_5: m.iso29794_5, proxy: m.isProxy, unit: m.unit, cohorts: groups)
            })
    }

    init(measured: Bool, note: String, images: Int?, measures: [Measure]) {
        self.measured = measured
        self.note = note
        self.images = images
        self.measures = measures
    }

    /// `quality.csv`: one row per measure × cohort (cohort, measure, n, p10, q1, median, q3, p90), after the
    /// `data` provenance column the other tables carry; the quantiles are empty below ``minimumImages``.
    public func csv(simulated: Bool = false) -> String {
        var rows = [["data", "dimensions", "cohort", "measure", "n", "p10", "q1", "median", "q3", "p90"]]
        for m in measures {
            for g in m.cohorts {
                let d = g.distribution
                rows.append(
                    [ResultTables.provenance(simulated), g.dimensions, g.cohort, m.measure.rawValue, "\(g.n)"]
                        + [d?.p10, d?.q1, d?.median, d?.q3, d?.p90].map { ResultTables.number($0) })
            }
        }
        return ResultTables.csv(rows)
    }
}
