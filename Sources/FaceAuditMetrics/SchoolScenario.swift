import Foundation

/// What one operating point of a face recognition system would do in a school, computed from the
/// per-person false-match structure of the data (``PartnerCounts``).
///
/// **The school.** `schoolSize` students drawn from the people of the included cohorts (`groups`), with
/// their mix (each group's share of those people). Each student passes a camera `passesPerDay` times on
/// each of `schoolDays` days. No student is on the watchlist, so every alert is false.
///
/// **False alerts per school day.** Each pass compares the student's face with each of the
/// `watchlistSize` watchlist entries. A *false alert* is one watchlist entry wrongly matched (a pass
/// that matches two entries counts two). A student's expected false alerts per pass is
/// Σ_h W_h · e_h / c_h over cohorts h, with W_h the watchlist entries of cohort h and e_h / c_h the
/// student's false matches over comparisons with other people of h in the data (within- and
/// cross-group). By default the watchlist is drawn from the same people as the students (W_h in
/// proportion to the other people of h), which reduces to W · e / c over all of the person's
/// comparisons with the included groups. A group's alerts per day are its students × passes × the mean
/// over its people; the total is the sum over groups, so the parts add up to it exactly.
///
/// **Students flagged at least once a year.** False matches come from lasting look-alikes: a pair of
/// people that falsely matched in the data is assumed to match again at least once in a year of checks
/// (passes × days), and a pair that never did, never to. A student is flagged when at least one
/// watchlist entry is one of their look-alikes. With k_h of the m_h other people of cohort h in the
/// data being the person's false-match partners, that chance is 1 − Π_h (1 − k_h/m_h)^W_h (by default
/// 1 − (1 − k/m)^W over all included people). The count is the school's students × each group's mean
/// chance, summed; it is not 1 − (1 − FMR)^(checks a year), which would treat every check as new.
///
/// **Retrospective tracking.** A search of one student against every face captured in the last
/// `trackingDays` days: the other `schoolSize − 1` students, each captured `passesPerDay` times a day.
/// Expected wrong sightings are (students − 1) × passes × days × e / c; the chance of at least one
/// wrong sighting is 1 − (1 − k/m)^(students − 1) (a look-alike captured that often is assumed to be
/// returned at least once).
///
/// **Intervals** are 95% percentile intervals from resampling, with replacement, the people of each
/// group in the data (stratified by group; `replicates` draws from a fixed `seed`): they show how much
/// the answer depends on which people were photographed. Watchlist members' rates are those of the
/// data's people and are not resampled.
public struct SchoolScenario: Sendable {
    /// The scenario's settings.
    public struct Settings: Sendable {
        /// Students in the school.
        public var schoolSize = 1000
        /// Camera passes per student per day (also captures per student per day for tracking).
        public var passesPerDay = 4
        /// School days a year.
        public var schoolDays = 180
        /// People on the watchlist.
        public var watchlistSize = 50
        /// Days a retrospective search looks back.
        public var trackingDays = 60
        /// Share of the watchlist by cohort name (e.g. `ethnicity=black`); applied when it names a group
        /// of the table, with unnamed groups at 0; empty: the students' own mix.
        public var watchlistMix: [String: Double] = [:]
        /// Bootstrap replicates.
        public var replicates = 1000
        /// Bootstrap seed.
        public var seed: UInt64 = 1
        /// 1 − confidence.
        public var alpha = 0.05

        /// The default settings.
        public init() {}
    }

    /// A value with its 95% interval (nil when it cannot be resampled).
    public struct Estimate: Sendable, Equatable {
        /// The value.
        public var value: Double
        /// Its interval.
        public var interval: BinomialInterval?

        /// Creates an estimate.
        public init(value: Double, interval: BinomialInterval?) {
            self.value = value
            self.interval = interval
        }
    }

    /// One group of students.
    public struct Group: Sendable {
        /// The cohort, e.g. `ethnicity=black`.
        public var cohort: String
        /// People of the group in the data.
        public var people: Int
        /// Of them, those with at least one false-match partner among the included groups.
        public var peopleWithPartners: Int
        /// Students of the group in the school.
        public var students: Double
        /// False alerts per school day raised by the group's students.
        public var alertsPerDay: Estimate
        /// The group's students flagged at least once a year.
        public var flaggedPerYear: Estimate
        /// Expected wrong sightings when one student of the group is searched for.
        public var wrongSightings: Estimate
        /// Chance that such a search returns at least one wrong sighting.
        public var anyWrongSighting: Estimate
    }

    /// The groups, in the order given.
    public var groups: [Group]
    /// The whole school: alerts and flagged students summed over groups, tracking averaged over students.
    public var total: Group
    /// The watchlist's share by group, as used (the students' mix unless `watchlistMix` names a group).
    public var watchlistShares: [Double]
    /// Whether the watchlist's mix was given rather than the students' own.
    public var customWatchlist: Bool

    /// The scenario over the included cohorts `groups` (indices into `counts.cohorts`, named by `names`).
    public init(counts: PartnerCounts, names: [String], groups included: [Int], settings o: Settings) {
        let people = included.map { counts.people(inCohort: $0) }
        let all = people.reduce(0, +)
        let named = included.map { o.watchlistMix[names[$0]] }
        customWatchlist = named.contains { $0 != nil }
        let mixTotal = named.reduce(0) { $0 + ($1 ?? 0) }
        watchlistShares =
            customWatchlist
            ? named.map { mixTotal > 0 ? ($0 ?? 0) / mixTotal : 0 } : people.map { all > 0 ? Double($0) / Double(all) : 0 }
        let shares = watchlistShares
        let custom = customWatchlist
        let n = Double(o.schoolSize)
        let w = Double(o.watchlistSize)

        /// Per person of group position `gi`: (alerts per pass, chance flagged a year, wrong sightings, chance of one).
        func values(_ r: PartnerCounts.Record, _ gi: Int) -> (Double, Double, Double, Double) {
            let g = included[gi]
            var e = 0
            var c = 0
            var k = 0
            var m = 0
            var alerts = 0.0
            var logNone = 0.0
            for (hi, h) in included.enumerated() {
                let others = people[hi] - (h == g ? 1 : 0)
                e += r.falseMatches[h]
                c += r.comparisons[h]
                k += r.partners[h]
                m += others
                guard custom, shares[hi] > 0 else { continue }
                let wh = w * shares[hi]
                if r.comparisons[h] > 0 { alerts += wh * Double(r.falseMatches[h]) / Double(r.comparisons[h]) }
                if others > 0 { logNone += wh * log1p(-min(Double(r.partners[h]) / Double(others), 1)) }
            }
            let rate = c > 0 ? Double(e) / Double(c) : 0
            let partnerShare = m > 0 ? min(Double(k) / Double(m), 1) : 0
            if !custom {
                alerts = w * rate
                logNone = w * log1p(-partnerShare)
            }
            let others = n - 1
            return (
                alerts, -expm1(logNone), others * Double(o.passesPerDay * o.trackingDays) * rate,
                -expm1(others * log1p(-partnerShare))
            )
        }

        // Each group's people, expanded, with their four values.
        let perPerson: [[(Double, Double, Double, Double)]] = included.indices.map { gi in
            // Appended record by record into one array (an array per record took most of this).
            var expanded: [(Double, Double, Double, Double)] = []
            expanded.reserveCapacity(people[gi])
            for r in counts.cohorts[included[gi]] { expanded.append(contentsOf: repeatElement(values(r, gi), count: r.people)) }
            return expanded
        }
        let withPartners = included.indices.map { gi in
            counts.cohorts[included[gi]].filter { r in included.contains { r.partners[$0] > 0 } }.reduce(0) { $0 + $1.people }
        }
        let students = people.map { all > 0 ? n * Double($0) / Double(all) : 0 }
        let passes = Double(o.passesPerDay)

        /// (alerts/day, flagged/year, sightings, chance) per group and the total, from per-group means.
        func outcome(_ means: [(Double, Double, Double, Double)]) -> (groups: [[Double]], total: [Double]) {
            var rows: [[Double]] = []
            var total = [0.0, 0.0, 0.0, 0.0]
            for gi in means.indices {
                let m = means[gi]
                let row = [students[gi] * passes * m.0, students[gi] * m.1, m.2, m.3]
                rows.append(row)
                total[0] += row[0]
                total[1] += row[1]
                total[2] += n > 0 ? students[gi] / n * m.2 : 0
                total[3] += n > 0 ? students[gi] / n * m.3 : 0
            }
            return (rows, total)
        }
        /// The mean of `xs`, or, given `rng`, of `xs.count` draws from `xs` with replacement (the draws
        /// summed in the order they are made).
        func mean(_ xs: [(Double, Double, Double, Double)], drawingWith rng: inout SplitMix64?) -> (Double, Double, Double, Double) {
            let count = xs.count
            guard count > 0 else { return (0, 0, 0, 0) }
            var s = (0.0, 0.0, 0.0, 0.0)
            xs.withUnsafeBufferPointer { xs in
                func add(_ i: Int) {
                    s.0 += xs[i].0
                    s.1 += xs[i].1
                    s.2 += xs[i].2
                    s.3 += xs[i].3
                }
                if var draws = rng {
                    for _ in 0..<count { add(draws.below(count)) }
                    rng = draws
                } else {
                    for i in 0..<count { add(i) }
                }
            }
            let d = Double(count)
            return (s.0 / d, s.1 / d, s.2 / d, s.3 / d)
        }
        var noDraws: SplitMix64? = nil
        let point = outcome(perPerson.map { mean($0, drawingWith: &noDraws) })
        var rng: SplitMix64? = SplitMix64(seed: o.seed)
        var draws: [(groups: [[Double]], total: [Double])] = []
        draws.reserveCapacity(o.replicates)
        for _ in 0..<o.replicates {
            draws.append(outcome(perPerson.map { mean($0, drawingWith: &rng) }))
        }
        func estimate(_ value: Double, _ pick: ((groups: [[Double]], total: [Double])) -> Double) -> Estimate {
            Estimate(value: value, interval: SubjectBootstrap.percentileInterval(draws.map(pick), alpha: o.alpha))
        }
        groups = included.indices.map { gi in
            let v = point.groups[gi]
            return Group(
                cohort: names[included[gi]], people: people[gi], peopleWithPartners: withPartners[gi], students: students[gi],
                alertsPerDay: estimate(v[0]) { $0.groups[gi][0] }, flaggedPerYear: estimate(v[1]) { $0.groups[gi][1] },
                wrongSightings: estimate(v[2]) { $0.groups[gi][2] }, anyWrongSighting: estimate(v[3]) { $0.groups[gi][3] })
        }
        let t = point.total
        total = Group(
            cohort: "all students", people: all, peopleWithPartners: withPartners.reduce(0, +), students: n,
            alertsPerDay: estimate(t[0]) { $0.total[0] }, flaggedPerYear: estimate(t[1]) { $0.total[1] },
            wrongSightings: estimate(t[2]) { $0.total[2] }, anyWrongSighting: estimate(t[3]) { $0.total[3] })
    }

    /// The scenario over everyone in the data (``PartnerCounts/overall``), as one group.
    public init(everyone counts: PartnerCounts, settings: Settings) {
        let merged = PartnerCounts(cohorts: [counts.overall], overall: counts.overall)
        var settings = settings
        settings.watchlistMix = [:]
        self.init(counts: merged, names: ["everyone"], groups: [0], settings: settings)
    }
}
