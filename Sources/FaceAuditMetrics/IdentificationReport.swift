/// The JSON object `faceaudit identify --json` prints.
public struct IdentificationReport: Sendable, Codable {
    /// All searches (probe samples).
    public var probes: Int
    /// Searches whose subject is enrolled.
    public var matedSearches: Int
    /// Searches whose subject is not enrolled (open set).
    public var nonMatedSearches: Int
    /// Searches whose probe had no usable template (every score NaN); included in `probes` and counted as
    /// misses when mated (``SearchScores/failure``).
    public var failuresToAcquire: Int
    /// CMC over mated searches, rank 1 first, up to `max_rank`.
    public var cmc: [Double]
    /// The rank-1 identification rate (CMC[0]).
    public var rank1: Double?
    /// With `--threshold`: the threshold, in the scores' units.
    public var threshold: Double?
    /// Detection and identification rate at rank 1 and the threshold (1 − FNIR(N, 1, T)).
    public var detectionIdentificationRate: Double?
    /// False-alarm rate at the threshold: FPIR(N, T) over non-mated searches.
    public var falseAlarmRate: Double?
    /// FNIR(N, 1, T).
    public var fnir: Double?
    /// FPIR(N, T); the same number as `false_alarm_rate`, under NIST's name.
    public var fpir: Double?
    /// The rank R of the detection-and-identification rate and FNIR(N, R, T).
    public var rank: Int
    /// Per probe cohort (with `--cohorts`): the same numbers for each cohort of each dimension set.
    public var cohorts: [CohortIdentification]?

    /// Identification numbers of the searches whose probe is in one cohort.
    public struct CohortIdentification: Sendable, Codable {
        /// The dimension set, e.g. `gender;ethnicity`.
        public var dimensions: DimensionSet
        /// The cohort of the probes.
        public var cohort: String
        /// The cohort's numbers.
        public var report: IdentificationReport

        /// Creates a cohort entry.
        public init(dimensions: DimensionSet, cohort: String, report: IdentificationReport) {
            self.dimensions = dimensions
            self.cohort = cohort
            self.report = report
        }
    }

    /// Builds the report; `threshold` is in similarity units, `reportedThreshold` in the scores' units.
    public init(searches: [SearchScores], maxRank: Int, threshold: Double?, reportedThreshold: Double?, rank: Int = 1) {
        self.rank = rank
        probes = searches.count
        matedSearches = searches.filter(\.isMated).count
        failuresToAcquire = searches.filter { $0.failure != nil && $0.mated.isEmpty && $0.nonMated.isEmpty }.count
        nonMatedSearches = probes - matedSearches
        let full = Identification.cmc(searches)
        cmc = Array(full.prefix(maxRank))
        if cmc.count < maxRank, let last = full.last { cmc += Array(repeating: last, count: maxRank - cmc.count) }
        rank1 = full.first
        self.threshold = reportedThreshold
        if let threshold {
            let dir = Identification.detectionIdentificationRate(searches, threshold: threshold, rank: rank)
            let far = Identification.falseAlarmRate(searches, threshold: threshold)
            detectionIdentificationRate = dir.trials > 0 ? dir.rate : nil
            fnir = dir.trials > 0 ? Identification.fnir(searches, threshold: threshold, rank: rank).rate : nil
            falseAlarmRate = far.trials > 0 ? far.rate : nil
            fpir = falseAlarmRate
        }
    }

    enum CodingKeys: String, CodingKey {
        case probes
        case matedSearches = "mated_searches"
        case nonMatedSearches = "non_mated_searches"
        case failuresToAcquire = "failures_to_acquire"
        case cmc
        case rank1 = "rank1"
        case threshold
        case detectionIdentificationRate = "detection_identification_rate"
        case falseAlarmRate = "false_alarm_rate"
        case fnir, fpir, rank, cohorts
    }
}
