import FaceAuditMetrics

/// What the watchlist (open-set 1:N) protocol measured (the protocol itself is
/// `WatchlistResult.init(manifest:templates:…)` in FaceAuditProtocols).
///
/// The protocol: a gallery of enrolled people, searched by probes of enrolled
/// people (mated searches) and of people never enrolled (non-mated searches).
///
/// A seeded random share of subjects is enrolled with their first image that has a template. One global
/// threshold per target FPIR is set from the non-mated searches' top scores (largest achievable FPIR ≤
/// target). FNIR(N, 1, τ): a mated search fails when its mate is not ranked first with a score ≥ τ; a
/// mated probe without a template is a failure. FPIR(N, τ): a non-mated search with any candidate ≥ τ.
/// Both are reported overall and per probe cohort.
public struct WatchlistResult: Sendable, Codable {
    /// Enrolled people (gallery size N).
    public var gallerySize: Int
    /// Searches by enrolled people.
    public var matedSearches: Int
    /// Searches by people never enrolled (with a template).
    public var nonMatedSearches: Int
    /// Non-mated probes without a template (they cannot raise an alarm; not in the FPIR denominator).
    public var nonMatedFailures: Int
    /// One entry per target FPIR.
    public var points: [Point]

    /// Rates at one global threshold.
    public struct Point: Sendable, Codable {
        /// The requested FPIR.
        public var targetFPIR: Double
        /// The threshold, in the scores' units; nil when there was no non-mated search to set it from.
        public var threshold: Double?
        /// Overall FNIR(N, 1, τ).
        public var fnir: ErrorCount
        /// Overall FPIR(N, τ).
        public var fpir: ErrorCount
        /// Exact 95% intervals of FNIR and FPIR.
        public var fnirInterval: BinomialInterval
        /// Exact 95% interval of FPIR.
        public var fpirInterval: BinomialInterval
        /// Per probe cohort, for every dimension set.
        public var cohorts: [CohortPoint]

        /// Creates a point.
        public init(
            targetFPIR: Double, threshold: Double?, fnir: ErrorCount, fpir: ErrorCount, fnirInterval: BinomialInterval,
            fpirInterval: BinomialInterval, cohorts: [CohortPoint]
        ) {
            self.targetFPIR = targetFPIR
            self.threshold = threshold
            self.fnir = fnir
            self.fpir = fpir
            self.fnirInterval = fnirInterval
            self.fpirInterval = fpirInterval
            self.cohorts = cohorts
        }

        enum CodingKeys: String, CodingKey {
            case targetFPIR = "target_fpir"
            case threshold, fnir, fpir
            case fnirInterval = "fnir_interval"
            case fpirInterval = "fpir_interval"
            case cohorts
        }
    }

    /// One probe cohort's rates.
    public struct CohortPoint: Sendable, Codable {
        /// The dimension set.
        public var dimensions: DimensionSet
        /// The cohort.
        public var cohort: String
        /// FNIR over the cohort's mated searches.
        public var fnir: ErrorCount
        /// FPIR over the cohort's non-mated searches.
        public var fpir: ErrorCount
        /// Exact 95% interval of FNIR.
        public var fnirInterval: BinomialInterval
        /// Exact 95% interval of FPIR.
        public var fpirInterval: BinomialInterval

        /// Creates a cohort's point.
        public init(
            dimensions: DimensionSet, cohort: String, fnir: ErrorCount, fpir: ErrorCount, fnirInterval: BinomialInterval,
            fpirInterval: BinomialInterval
        ) {
            self.dimensions = dimensions
            self.cohort = cohort
            self.fnir = fnir
            self.fpir = fpir
            self.fnirInterval = fnirInterval
            self.fpirInterval = fpirInterval
        }

        enum CodingKeys: String, CodingKey {
            case dimensions, cohort, fnir, fpir
            case fnirInterval = "fnir_interval"
            case fpirInterval = "fpir_interval"
        }
    }

    /// Creates a result.
    public init(gallerySize: Int, matedSearches: Int, nonMatedSearches: Int, nonMatedFailures: Int, points: [Point]) {
        self.gallerySize = gallerySize
        self.matedSearches = matedSearches
        self.nonMatedSearches = nonMatedSearches
        self.nonMatedFailures = nonMatedFailures
        self.points = points
    }

    enum CodingKeys: String, CodingKey {
        case gallerySize = "gallery_size"
        case matedSearches = "mated_searches"
        case nonMatedSearches = "non_mated_searches"
        case nonMatedFailures = "non_mated_failures"
        case points
    }

    /// `watchlist.csv`: one row per target × dimension set × cohort × metric (overall rows first); its
    /// `operating_point` column is always `target_fpir`.
    public func csv(simulated: Bool = false) -> String {
        var rows = [
            [
                "data", "operating_point", "target_fpir", "threshold", "dimensions", "cohort", "metric", "errors", "trials", "estimate",
                "ci_lower", "ci_upper",
            ]
        ]
        for p in points {
            let overall = CohortPoint(
                dimensions: "", cohort: "overall", fnir: p.fnir, fpir: p.fpir, fnirInterval: p.fnirInterval, fpirInterval: p.fpirInterval)
            for c in [overall] + p.cohorts {
                for (metric, count, ci) in [("fnir", c.fnir, c.fnirInterval), ("fpir", c.fpir, c.fpirInterval)] {
                    rows.append([
                        ResultTables.provenance(simulated), "target_fpir", ResultTables.number(p.targetFPIR),
                        ResultTables.number(p.threshold),
                        c.dimensions.description, c.cohort,
                        metric, "\(count.errors)", "\(count.trials)", ResultTables.number(count.rate), ResultTables.number(ci.lower),
                        ResultTables.number(ci.upper),
                    ])
                }
            }
        }
        return ResultTables.csv(rows)
    }
}
