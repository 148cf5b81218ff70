/// The age-gap protocol: how often the system fails to recognise a person (FNMR) when their two photos
/// were taken at different ages, as when a child is enrolled at school and matched for years.
///
/// Every mated pair with an age or an age band on both photos belongs to one group:
/// - ``Grouping/ageAndYears``: both photos have an age — the age band of the *younger* photo (the age at
///   enrolment) × the band of years elapsed between the two photos;
/// - ``Grouping/bandPair``: otherwise, both photos have a band — the younger photo's band → the older
///   photo's band (e.g. `0-12 → 18-29`).
///
/// Same-band groups (years elapsed in the first band, or both photos in one band) are the baseline the
/// other groups are read against. Which pair goes to which group is the caller's (FaceAuditProtocols'
/// `AgeGapPairing`); this type only counts.
///
/// At each operating point's threshold τ (similarity units), a completed mated pair is a false non-match
/// when its similarity is < τ (a score equal to τ is a match). Pairs without a score (an image without a
/// template) are counted as failures to acquire, outside the FNMR's trials. Each group's FNMR has the
/// run's binomial interval and, with replicates, a subject-bootstrap percentile interval (people resampled,
/// each person's pairs of the group weighted by how often they were drawn).
public struct AgeGapAnalysis: Sendable, Codable {
    /// How a group is defined.
    public enum Grouping: String, Sendable, Hashable, Codable {
        /// Age band at the younger photo × years elapsed (both photos have an age).
        case ageAndYears = "age_and_years"
        /// Younger photo's band → older photo's band (band labels only).
        case bandPair = "band_pair"
    }

    /// One group of mated pairs.
    public struct Group: Sendable, Hashable, Codable {
        /// How the group is defined.
        public var grouping: Grouping
        /// The age band of the younger photo (the enrolment photo).
        public var enrolmentAgeBand: String
        /// With ``Grouping/ageAndYears``: the band of years elapsed, e.g. `2-4`; nil for a band pair.
        public var yearsElapsed: String?
        /// With ``Grouping/bandPair``: the older photo's band; nil for age × years.
        public var laterAgeBand: String?
        /// True for the baseline: years elapsed in the first band, or both photos in one band.
        public var sameBand: Bool

        /// A group of pairs with an age on both photos.
        public static func ageAndYears(enrolment: String, yearsElapsed: String, firstYearsBand: Bool) -> Group {
            Group(
                grouping: .ageAndYears, enrolmentAgeBand: enrolment, yearsElapsed: yearsElapsed, laterAgeBand: nil, sameBand: firstYearsBand
            )
        }

        /// A group of pairs with band labels: `younger → older`.
        public static func bandPair(younger: String, older: String) -> Group {
            Group(grouping: .bandPair, enrolmentAgeBand: younger, yearsElapsed: nil, laterAgeBand: older, sameBand: younger == older)
        }

        enum CodingKeys: String, CodingKey {
            case grouping
            case enrolmentAgeBand = "enrolment_age_band"
            case yearsElapsed = "years_elapsed"
            case laterAgeBand = "later_age_band"
            case sameBand = "same_band"
        }
    }

    /// The mated pairs of a run that belong to a group: the analysis's input.
    public struct Pairs: Sendable {
        /// The groups, in the order the outputs list them.
        public private(set) var groups: [Group] = []
        /// The group of every pair (an index into ``groups``).
        public private(set) var group: [Int32] = []
        /// Similarity of every pair (NaN: an image has no template).
        public private(set) var scores: [Double] = []
        /// Subject of every pair (indices 0..<``subjectCount``).
        public private(set) var subjects: [Int32] = []
        /// Number of subjects of the run (the bootstrap draws this many).
        public var subjectCount: Int
        /// The most years elapsed between the two photos of any pair with ages, if any has.
        public var maxYearsElapsed: Double?
        private var index: [Group: Int32] = [:]

        /// No pairs, of a run of `subjectCount` subjects.
        public init(subjectCount: Int) {
            self.subjectCount = subjectCount
        }

        /// Number of pairs.
        public var count: Int { scores.count }

        /// Adds a pair of `subject` with similarity `similarity` (NaN: no score) to `group`.
        public mutating func append(similarity: Double, group g: Group, subject: Int) {
            let id: Int32
            if let known = index[g] {
                id = known
            } else {
                id = Int32(groups.count)
                groups.append(g)
                index[g] = id
            }
            group.append(id)
            scores.append(similarity)
            subjects.append(Int32(subject))
        }

        /// Puts the groups in the order `areInIncreasingOrder` gives (the pairs keep theirs).
        public mutating func sortGroups(by areInIncreasingOrder: (Group, Group) -> Bool) {
            let order = groups.indices.sorted { areInIncreasingOrder(groups[$0], groups[$1]) }
            var remap = [Int32](repeating: 0, count: groups.count)
            for (new, old) in order.enumerated() { remap[old] = Int32(new) }
            groups = order.map { groups[$0] }
            group = group.map { remap[Int($0)] }
            index = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, Int32($0)) })
        }
    }

    /// One group's FNMR at one operating point.
    public struct Rates: Sendable, Codable {
        /// The group.
        public var group: Group
        /// Its mated pairs, with or without a score.
        public var pairs: Int
        /// False non-matches among its completed mated pairs.
        public var fnmr: ErrorCount
        /// The run's binomial interval of the FNMR.
        public var fnmrInterval: BinomialInterval
        /// The subject-bootstrap percentile interval of the FNMR (nil without replicates, or when no
        /// replicate drew one of the group's people).
        public var fnmrBootstrap: BinomialInterval?
        /// Distinct people among its pairs.
        public var subjects: Int
        /// Pairs without a score (an image has no template), not among the FNMR's trials.
        public var failuresToAcquire: Int
        /// `fewer than N subjects` (N = the run's minimum), `no completed mated pairs`.
        public var flags: [String]

        enum CodingKeys: String, CodingKey {
            case group, pairs, fnmr
            case fnmrInterval = "fnmr_interval"
            case fnmrBootstrap = "fnmr_bootstrap"
            case subjects
            case failuresToAcquire = "failures_to_acquire"
            case flags
        }
    }

    /// Every group's rates at one operating point.
    public struct Point: Sendable, Codable {
        /// How the threshold was set.
        public var setting: OperatingPointSetting
        /// The threshold, in the scores' units.
        public var threshold: Double
        /// One entry per group, in the groups' order.
        public var rates: [Rates]

        enum CodingKeys: String, CodingKey {
            case operatingPoint = "operating_point"
            case targetFMR = "target_fmr"
            case threshold
            case thresholdLabel = "threshold_label"
            case rates = "groups"
        }

        /// Creates a point.
        public init(setting: OperatingPointSetting, threshold: Double, rates: [Rates]) {
            self.setting = setting
            self.threshold = threshold
            self.rates = rates
        }

        /// Encodes the setting as `operating_point` (`target_fmr` or `threshold`), `target_fmr` (null for a
        /// fixed threshold) and `threshold_label`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(setting.kind, forKey: .operatingPoint)
            try c.encode(NullWhenUndefined(wrappedValue: setting.targetFMR), forKey: .targetFMR)
            try c.encode(threshold, forKey: .threshold)
            try c.encode(NullWhenUndefined(wrappedValue: setting.label), forKey: .thresholdLabel)
            try c.encode(rates, forKey: .rates)
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            threshold = try c.decode(Double.self, forKey: .threshold)
            rates = try c.decode([Rates].self, forKey: .rates)
            if try c.decode(String.self, forKey: .operatingPoint) == "threshold" {
                setting = .threshold(threshold, label: try c.decodeIfPresent(String.self, forKey: .thresholdLabel))
            } else {
                setting = .targetFMR(try c.decode(Double.self, forKey: .targetFMR))
            }
        }
    }

    /// The rates at every operating point of the run, in its order.
    public var points: [Point]
    /// The most years elapsed between the two photos of any pair with ages (nil: no pair has two ages).
    public var maxYearsElapsed: Double?
    /// The binomial interval method (`ci_method`).
    public var intervalMethod: BinomialInterval.Method
    /// Groups of fewer people are flagged.
    public var minimumSubjects: Int

    enum CodingKeys: String, CodingKey {
        case points = "operating_points"
        case maxYearsElapsed = "max_years_elapsed"
        case intervalMethod = "interval_method"
        case minimumSubjects = "minimum_subjects"
    }

    /// The groups, in order (those of the first operating point).
    public var groups: [Group] { points.first?.rates.map(\.group) ?? [] }

    /// Counts every group of `pairs` at each operating point: a setting and its threshold in the scores'
    /// units (``CohortAnalysisOptions/polarity`` turns it into a similarity). The options' interval
    /// method, α, minimum subjects, replicates, seed and threads apply.
    public init(pairs: Pairs, operatingPoints: [(setting: OperatingPointSetting, threshold: Double)], options: CohortAnalysisOptions) {
        maxYearsElapsed = pairs.maxYearsElapsed
        intervalMethod = options.interval
        minimumSubjects = options.minimumSubjects
        var members = [[Int]](repeating: [], count: pairs.groups.count)
        for k in 0..<pairs.count { members[Int(pairs.group[k])].append(k) }
        let subjects = members.map { Set($0.map { pairs.subjects[$0] }).count }
        let failures = members.map { $0.filter { pairs.scores[$0].isNaN }.count }
        points = operatingPoints.map { point in
            let tau = options.polarity.similarity(point.threshold)
            // Per group: (subject, errors, trials) over completed pairs, in subject order.
            let tallies = members.map { indices -> SubjectBootstrap.Tally in
                var bySubject: [Int: (errors: Int, trials: Int)] = [:]
                for k in indices where !pairs.scores[k].isNaN {
                    let s = Int(pairs.subjects[k])
                    bySubject[s, default: (0, 0)].trials += 1
                    if pairs.scores[k] < tau { bySubject[s, default: (0, 0)].errors += 1 }
                }
                let mated = bySubject.map { (subject: $0.key, errors: $0.value.errors, trials: $0.value.trials) }.sorted {
                    $0.subject < $1.subject
                }
                return SubjectBootstrap.Tally(mated: mated, errorPairs: [SubjectBootstrap.ErrorPair](), samplesPerSubject: [])
            }
            var bootstrap = [BinomialInterval?](repeating: nil, count: tallies.count)
            if options.replicates > 0 && pairs.subjectCount > 0 && !tallies.isEmpty {
                let samples = SubjectBootstrap.run(
                    subjects: pairs.subjectCount, replicates: options.replicates, seed: options.seed, threads: options.threads
                ) { m in tallies.map { $0.matedRate(m) } }
                bootstrap = tallies.indices.map { g in SubjectBootstrap.percentileInterval(samples.map { $0[g] }, alpha: options.alpha) }
            }
            let rates = pairs.groups.indices.map { g in
                let count = tallies[g].matedCount
                var flags: [String] = []
                if subjects[g] < options.minimumSubjects { flags.append("fewer than \(options.minimumSubjects) subjects") }
                if count.trials == 0 { flags.append("no completed mated pairs") }
                return Rates(
                    group: pairs.groups[g], pairs: members[g].count, fnmr: count,
                    fnmrInterval: BinomialInterval(count, method: options.interval, alpha: options.alpha), fnmrBootstrap: bootstrap[g],
                    subjects: subjects[g], failuresToAcquire: failures[g], flags: flags)
            }
            return Point(setting: point.setting, threshold: point.threshold, rates: rates)
        }
    }
}

extension SubjectBootstrap.Tally {
    /// The unweighted mated errors and trials.
    var matedCount: ErrorCount {
        mated.reduce(ErrorCount(errors: 0, trials: 0)) { $0 + ErrorCount(errors: $1.errors, trials: $1.trials) }
    }
}
