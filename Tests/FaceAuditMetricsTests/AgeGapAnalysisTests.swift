import FaceAuditMetrics
import Foundation
import Testing

/// The age-gap protocol's counting: FNMR per group at every operating point, ties and failures to
/// acquire, intervals, flags, and JSON.
@Suite("age-gap analysis")
struct AgeGapAnalysisTests {
    static let baseline = AgeGapAnalysis.Group.ageAndYears(enrolment: "8-12", yearsElapsed: "0-1", firstYearsBand: true)
    static let later = AgeGapAnalysis.Group.ageAndYears(enrolment: "8-12", yearsElapsed: "10+", firstYearsBand: false)
    static let bands = AgeGapAnalysis.Group.bandPair(younger: "0-12", older: "18-29")

    /// Subject s has pairs in the groups below; similarities are chosen around the thresholds 0.5 and 0.7.
    static func pairs() -> AgeGapAnalysis.Pairs {
        var p = AgeGapAnalysis.Pairs(subjectCount: 12)
        // Later group first, so that sorting has something to do.
        for (s, score) in [(0, 0.3), (1, 0.5), (2, 0.6), (3, 0.8), (4, .nan)] { p.append(similarity: score, group: later, subject: s) }
        for s in 0..<12 { p.append(similarity: s == 5 ? 0.45 : 0.9, group: baseline, subject: s) }
        p.append(similarity: 0.1, group: bands, subject: 11)
        p.append(similarity: 0.75, group: bands, subject: 11)
        return p
    }

    @Test("errors are pairs with similarity below τ (a tie is a match); pairs without a score are not trials")
    func counts() throws {
        var pairs = Self.pairs()
        #expect(pairs.groups == [Self.later, Self.baseline, Self.bands])
        pairs.sortGroups { ($0.grouping.rawValue, $0.sameBand ? 0 : 1) < ($1.grouping.rawValue, $1.sameBand ? 0 : 1) }
        #expect(pairs.groups == [Self.baseline, Self.later, Self.bands])
        var options = CohortAnalysisOptions(minimumSubjects: 10, replicates: 200, seed: 3)
        options.interval = .wilson
        let a = AgeGapAnalysis(
            pairs: pairs, operatingPoints: [(.targetFMR(0.01), 0.5), (.threshold(0.7, label: "vendor default"), 0.7)], options: options)
        #expect(a.groups == [Self.baseline, Self.later, Self.bands])
        #expect(a.points.count == 2 && a.points[1].setting == .threshold(0.7, label: "vendor default"))
        let atHalf = a.points[0].rates
        let atSeventy = a.points[1].rates
        #expect(
            atHalf.map(\.fnmr) == [ErrorCount(errors: 1, trials: 12), ErrorCount(errors: 1, trials: 4), ErrorCount(errors: 1, trials: 2)])
        #expect(
            atSeventy.map(\.fnmr) == [
                ErrorCount(errors: 1, trials: 12), ErrorCount(errors: 3, trials: 4), ErrorCount(errors: 1, trials: 2),
            ])
        #expect(
            atHalf.map(\.pairs) == [12, 5, 2] && atHalf.map(\.failuresToAcquire) == [0, 1, 0] && atHalf.map(\.subjects) == [12, 5, 1])
        #expect(atHalf.map(\.flags) == [[], ["fewer than 10 subjects"], ["fewer than 10 subjects"]])
        for r in atHalf + atSeventy {
            #expect(r.fnmrInterval == BinomialInterval(r.fnmr, method: .wilson))
            // One person's pairs are missing from about a third of resamples: an interval that needs those
            // undefined resamples is not estimable.
            guard r.subjects > 1 else {
                #expect(r.fnmrBootstrap == nil, "\(r.group)")
                continue
            }
            let boot = try #require(r.fnmrBootstrap)
            #expect(boot.lower <= r.fnmr.rate && r.fnmr.rate <= boot.upper)
        }
        #expect(a.intervalMethod == .wilson && a.minimumSubjects == 10)
    }

    @Test("thresholds in distance units are turned into similarities; no replicates, no bootstrap")
    func distances() {
        var pairs = AgeGapAnalysis.Pairs(subjectCount: 3)
        // Similarities of distances 0.4, 0.6, 0.6, 0.8.
        for (s, d) in [(0, 0.4), (1, 0.6), (2, 0.6), (2, 0.8)] { pairs.append(similarity: -d, group: Self.later, subject: s) }
        let a = AgeGapAnalysis(
            pairs: pairs, operatingPoints: [(.threshold(0.6, label: nil), 0.6)],
            options: CohortAnalysisOptions(polarity: .dissimilarity, minimumSubjects: 2, replicates: 0))
        // A distance at the threshold is a match; only 0.8 is a false non-match.
        #expect(a.points[0].rates[0].fnmr == ErrorCount(errors: 1, trials: 4))
        #expect(a.points[0].rates[0].fnmrBootstrap == nil && a.points[0].rates[0].flags.isEmpty)
    }

    @Test("a group whose pairs all lack a score is flagged and has no rate")
    func noCompletedPairs() throws {
        var pairs = AgeGapAnalysis.Pairs(subjectCount: 1)
        pairs.append(similarity: .nan, group: Self.bands, subject: 0)
        let a = AgeGapAnalysis(pairs: pairs, operatingPoints: [(.targetFMR(0.001), 0.5)], options: CohortAnalysisOptions(replicates: 20))
        let r = a.points[0].rates[0]
        #expect(r.fnmr.trials == 0 && r.fnmr.rate.isNaN && r.failuresToAcquire == 1)
        #expect(r.flags == ["fewer than 10 subjects", "no completed mated pairs"])
    }

    @Test("JSON names the operating point, the group and its counts, and reads back")
    func json() throws {
        var pairs = Self.pairs()
        pairs.maxYearsElapsed = 12
        let a = AgeGapAnalysis(
            pairs: pairs, operatingPoints: [(.targetFMR(0.001), 0.5), (.threshold(0.6, label: nil), 0.6)],
            options: CohortAnalysisOptions(replicates: 10))
        let data = try JSONEncoder().encode(a)
        let j = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(j["max_years_elapsed"] as? Double == 12 && j["interval_method"] as? String == "clopper-pearson")
        let points = try #require(j["operating_points"] as? [[String: Any]])
        #expect(points[0]["operating_point"] as? String == "target_fmr" && points[0]["target_fmr"] as? Double == 0.001)
        #expect(points[1]["operating_point"] as? String == "threshold" && points[1]["target_fmr"] is NSNull)
        let group = try #require((points[0]["groups"] as? [[String: Any]])?.first)
        let g = try #require(group["group"] as? [String: Any])
        #expect(g["grouping"] as? String == "age_and_years" && g["enrolment_age_band"] as? String == "8-12")
        #expect(g["years_elapsed"] as? String == "10+" && g["same_band"] as? Bool == false)
        #expect((group["fnmr"] as? [String: Any])?["errors"] as? Int == 1)
        let back = try JSONDecoder().decode(AgeGapAnalysis.self, from: data)
        #expect(back.points.map(\.setting) == a.points.map(\.setting) && back.groups == a.groups)
        #expect(back.points[1].rates.map(\.fnmr) == a.points[1].rates.map(\.fnmr))
    }
}
