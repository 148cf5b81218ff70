import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics

/// The school scenario (issue 15): one total of false alerts whose parts by group add up to it, students
/// flagged counted from each person's false-match partners, and retrospective tracking, each checked
/// against a direct computation on a hand-built dataset.
@Suite("school scenario")
struct SchoolScenarioTests {
    /// 8 people with two photos each, group a (people 0–3) and group b (4–7), every photo compared once
    /// with every other. Look-alikes at similarity threshold 0.5: people 0 and 1 (3 of their 4 photo
    /// pairs), 0 and 5 (1 of 4), 6 and 7 (2 of 4).
    static func data() -> LabeledComparisons {
        var d = LabeledComparisons()
        d.cohortNames = ["g=a", "g=b"]
        let matches: [Set<Int>: Int] = [[0, 1]: 3, [0, 5]: 1, [6, 7]: 2]
        var seen: [Set<Int>: Int] = [:]
        for i in 0..<16 {
            for j in (i + 1)..<16 {
                let (p, q) = (i / 2, j / 2)
                let mated = p == q
                var score = mated ? 0.9 : 0.1
                if !mated, seen[[p, q], default: 0] < matches[[p, q], default: 0] {
                    score = 0.8
                    seen[[p, q], default: 0] += 1
                }
                d.append(
                    score: score, probe: TestPhoto(subject: p, sample: i, cohort: Int32(p / 4)),
                    reference: TestPhoto(subject: q, sample: j, cohort: Int32(q / 4)))
            }
        }
        d.subjectCount = 8
        return d
    }

    static func analysis() throws -> DisaggregatedRates {
        var options = CohortAnalysisOptions(targets: [], polarity: .similarity, replicates: 0)
        options.thresholds = [FixedThreshold(0.5)]
        return try #require(CohortAnalysis.analyze(data(), dimensions: DimensionSet(["g"]), options: options).first)
    }

    static var settings: SchoolScenario.Settings {
        var s = SchoolScenario.Settings()
        s.schoolSize = 600
        s.passesPerDay = 2
        s.schoolDays = 100
        s.watchlistSize = 10
        s.trackingDays = 30
        s.replicates = 200
        return s
    }

    /// The scenario over both groups of ``analysis()``, and its per-person counts.
    static func scenario(_ s: SchoolScenario.Settings) throws -> (SchoolScenario, PartnerCounts) {
        let analysis = try analysis()
        let counts = try #require(analysis.partnerCounts)
        return (SchoolScenario(counts: counts, names: analysis.cohorts.map(\.cohort), groups: [0, 1], settings: s), counts)
    }

    /// Per person, straight from the comparisons: false matches, comparisons and false-match partners
    /// towards each group.
    static func direct() -> [(group: Int, e: [Int], c: [Int], k: [Int])] {
        let d = data()
        var e = [[Int]](repeating: [0, 0], count: 8)
        var c = [[Int]](repeating: [0, 0], count: 8)
        var partners = [Set<Int>](repeating: [], count: 8)
        for k in 0..<d.count where !d.mated[k] {
            let (a, b) = (Int(d.probeSubject[k]), Int(d.referenceSubject[k]))
            c[a][b / 4] += 1
            c[b][a / 4] += 1
            if d.scores[k] >= 0.5 {
                e[a][b / 4] += 1
                e[b][a / 4] += 1
                partners[a].insert(b)
                partners[b].insert(a)
            }
        }
        return (0..<8).map { u in (u / 4, e[u], c[u], [0, 1].map { g in partners[u].filter { $0 / 4 == g }.count }) }
    }

    @Test("per-person counts in summary.json are the comparisons' own, merged and without identifiers")
    func partnerCounts() throws {
        let counts = try #require(try Self.analysis().partnerCounts)
        #expect(counts.cohorts.count == 2 && counts.people(inCohort: 0) == 4 && counts.people(inCohort: 1) == 4)
        for g in 0..<2 {
            var expected: [PartnerCounts.Record: Int] = [:]
            for p in Self.direct() where p.group == g {
                expected[PartnerCounts.Record(people: 0, partners: p.k, falseMatches: p.e, comparisons: p.c), default: 0] += 1
            }
            var got: [PartnerCounts.Record: Int] = [:]
            for r in counts.cohorts[g] {
                var key = r
                key.people = 0
                got[key] = r.people
            }
            #expect(got == expected, "group \(g)")
        }
        // Person 0: partners 1 (group a) and 5 (group b); 4 false matches; 8 + 8·... comparisons.
        #expect(counts.cohorts[0].contains { $0.partners == [1, 1] && $0.falseMatches == [3, 1] && $0.comparisons == [12, 16] })
        #expect(counts.overall.reduce(0) { $0 + $1.people } == 8)
        #expect(counts.overall.reduce(0) { $0 + $1.people * $1.falseMatches[0] } == 2 * 6)
        let json = String(decoding: try JSONEncoder().encode(counts), as: UTF8.self)
        #expect(json.contains("\"false_matches\"") && !json.contains("subject"))
    }

    @Test("people found in the table and in the dictionary give the same counts")
    func personTable() {
        let d = Self.data()
        let table = PartnerCounts.Layout(d)
        var dictionary = table
        dictionary.makeDense(limit: 0)
        #expect(table.usesTable && !dictionary.usesTable)
        func counts(_ layout: PartnerCounts.Layout) -> PartnerCounts {
            PartnerCounts.counts(layout, falseMatches: 8) { visit in
                for k in 0..<d.count where !d.mated[k] && d.scores[k] >= 0.5 {
                    visit(d.probeSubject[k], d.probeCohort[k], d.referenceSubject[k], d.referenceCohort[k])
                }
                visit(0, -1, 5, 1)  // no cohort: counted overall only
                visit(1, 0, 6, 7)  // a cohort out of range
            }
        }
        let (a, b) = (counts(table), counts(dictionary))
        #expect(a == b)
        #expect(a.cohorts.count == 2 && a.people(inCohort: 0) == 4)
    }

    @Test("false alerts: one total, equal to school × passes × watchlist × the all-pairs FMR; the groups add up to it")
    func alertsAddUp() throws {
        let s = Self.settings
        let (scenario, counts) = try Self.scenario(s)
        let everyone = SchoolScenario(everyone: counts, settings: s)
        // 6 false matches of 8·15/2·4 − ... = 112 non-mated comparisons (16 photos, 8 mated pairs).
        let fmr = 6.0 / 112
        let total = Double(s.schoolSize * s.passesPerDay * s.watchlistSize) * fmr
        #expect(abs(scenario.total.alertsPerDay.value - total) < 1e-9)
        #expect(abs(everyone.total.alertsPerDay.value - total) < 1e-9)
        #expect(abs(scenario.groups.map(\.alertsPerDay.value).reduce(0, +) - scenario.total.alertsPerDay.value) < 1e-9)
        #expect(abs(scenario.groups.map(\.flaggedPerYear.value).reduce(0, +) - scenario.total.flaggedPerYear.value) < 1e-9)
        // Each group from its people directly: students × passes × mean of W·e/c.
        for g in 0..<2 {
            let people = Self.direct().filter { $0.group == g }
            let perPass = people.map { Double(s.watchlistSize) * Double($0.e.reduce(0, +)) / Double($0.c.reduce(0, +)) }
            let expected = 300.0 * Double(s.passesPerDay) * perPass.reduce(0, +) / 4
            #expect(abs(scenario.groups[g].alertsPerDay.value - expected) < 1e-9)
            let interval = try #require(scenario.groups[g].alertsPerDay.interval)
            #expect(interval.lower <= expected + 1e-9 && expected <= interval.upper + 1e-9)
        }
        // The parts differ (group a has the 3-match look-alikes): the split is not an even share.
        #expect(scenario.groups[0].alertsPerDay.value > scenario.groups[1].alertsPerDay.value)
    }

    @Test("students flagged come from each person's look-alikes, not from independent checks")
    func flaggedFromPartners() throws {
        let s = Self.settings
        let (scenario, _) = try Self.scenario(s)
        let w = Double(s.watchlistSize)
        // Person 0 has 2 look-alikes among the 7 others, persons 1, 5, 6, 7 one each, 2, 3, 4 none.
        let chance = Self.direct().map { 1 - pow(1 - Double($0.k.reduce(0, +)) / 7, w) }
        #expect(abs(chance[0] - (1 - pow(5.0 / 7, 10))) < 1e-12)
        for g in 0..<2 {
            let expected = 300 * chance[(4 * g)..<(4 * g + 4)].reduce(0, +) / 4
            #expect(abs(scenario.groups[g].flaggedPerYear.value - expected) < 1e-9)
            #expect(scenario.groups[g].peopleWithPartners == (g == 0 ? 2 : 3))
        }
        // Independent checks would flag nearly every student: 1 − (1 − FMR)^(W · passes · days).
        let independent = 600 * (1 - pow(1 - 6.0 / 112, w * Double(s.passesPerDay * s.schoolDays)))
        #expect(scenario.total.flaggedPerYear.value < 0.6 * independent)
    }

    @Test("a watchlist mix weights each group's rates towards the students")
    func watchlistMix() throws {
        var s = Self.settings
        s.watchlistMix = ["g=a": 2]
        let (scenario, _) = try Self.scenario(s)
        #expect(scenario.customWatchlist && scenario.watchlistShares == [1, 0])
        // Everyone on the list is from group a: a student's rate is e_a / c_a, partners k_a of the others in a.
        for g in 0..<2 {
            let people = Self.direct().filter { $0.group == g }
            let perPass: [Double] = people.map { p in 10 * Double(p.e[0]) / Double(p.c[0]) }
            let alerts: Double = perPass.reduce(0, +) / 4 * 300 * 2
            let others = Double(g == 0 ? 3 : 4)
            let chances: [Double] = people.map { p in 1 - pow(1 - Double(p.k[0]) / others, 10) }
            let flagged: Double = chances.reduce(0, +) / 4 * 300
            #expect(abs(scenario.groups[g].alertsPerDay.value - alerts) < 1e-9)
            #expect(abs(scenario.groups[g].flaggedPerYear.value - flagged) < 1e-9)
        }
    }

    @Test("retrospective tracking: wrong sightings are other students' captures × the person's FMR")
    func tracking() throws {
        let s = Self.settings
        let (scenario, _) = try Self.scenario(s)
        let captures = Double((s.schoolSize - 1) * s.passesPerDay * s.trackingDays)
        for g in 0..<2 {
            let people = Self.direct().filter { $0.group == g }
            let sightings = people.map { captures * Double($0.e.reduce(0, +)) / Double($0.c.reduce(0, +)) }.reduce(0, +) / 4
            let any = people.map { 1 - pow(1 - Double($0.k.reduce(0, +)) / 7, Double(s.schoolSize - 1)) }.reduce(0, +) / 4
            #expect(abs(scenario.groups[g].wrongSightings.value - sightings) < 1e-9)
            #expect(abs(scenario.groups[g].anyWrongSighting.value - any) < 1e-9)
        }
        // Group b's four people each have one look-alike except 4: 3 of 4 searches return someone.
        #expect(abs(scenario.groups[1].anyWrongSighting.value - 0.75) < 1e-9)
    }
}
