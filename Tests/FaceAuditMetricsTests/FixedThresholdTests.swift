import FaceAuditMetrics
import FaceAuditTestSupport
import Foundation
import Testing

/// Fixed operating thresholds (`--threshold`): every cohort counted at a threshold given in the scores'
/// own units, beside the target FMRs, with the tie rule of the decision (a distance equal to the threshold
/// is a match).
@Suite("fixed operating thresholds")
struct FixedThresholdTests {
    /// 40 people with two photos each in two cohorts; distances (dissimilarities) from a seeded generator,
    /// with one non-mated pair and one mated pair exactly at 0.6.
    static func data() -> (data: LabeledComparisons, distances: [Double]) {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var d = LabeledComparisons()
        d.cohortNames = ["g=a", "g=b"]
        var distances: [Double] = []
        let images = 80
        for i in 0..<images {
            for j in (i + 1)..<images {
                let (p, q) = (i / 2, j / 2)
                let mated = p == q
                // Mated pairs near 0.45, non-mated near 0.8; cohort b's strangers a little closer.
                var distance = mated ? 0.3 + 0.35 * next() : 0.55 + 0.5 * next() - (p % 2 == 1 && q % 2 == 1 ? 0.08 : 0)
                if i == 0 && j == 2 { distance = 0.6 }  // non-mated tie: a false match
                if i == 4 && j == 5 { distance = 0.6 }  // mated tie: accepted
                distances.append(distance)
                // LabeledComparisons holds similarities.
                d.append(
                    score: -distance, probe: TestPhoto(subject: p, sample: i, cohort: Int32(p % 2)),
                    reference: TestPhoto(subject: q, sample: j, cohort: Int32(q % 2)))
            }
        }
        d.subjectCount = images / 2
        return (d, distances)
    }

    @Test("cohort counts at a fixed distance equal a direct count (distance ≤ threshold is a match)")
    func cohortCounts() throws {
        let (data, distances) = Self.data()
        var options = CohortAnalysisOptions(targets: [0.01], polarity: .dissimilarity, replicates: 50)
        options.thresholds = [FixedThreshold(0.6, label: "face_recognition's default tolerance"), FixedThreshold(0.5)]
        let analyses = CohortAnalysis.analyze(data, dimensions: DimensionSet(["g"]), options: options)
        #expect(analyses.map(\.operatingPoint) == [.targetFMR, .threshold, .threshold])
        #expect(analyses.map(\.targetFMR) == [0.01, nil, nil])
        for (analysis, t) in zip(analyses.dropFirst(), [0.6, 0.5]) {
            #expect(analysis.threshold == t && analysis.estimable)
            #expect(analysis.thresholdLabel == (t == 0.6 ? "face_recognition's default tolerance" : nil))
            func direct(_ cohort: Int32?) -> (fm: Int, fmTrials: Int, fnm: Int, fnmTrials: Int) {
                var r = (fm: 0, fmTrials: 0, fnm: 0, fnmTrials: 0)
                for k in distances.indices {
                    if data.mated[k] {
                        guard cohort == nil || data.matedCohort[k] == cohort else { continue }
                        r.fnmTrials += 1
                        if distances[k] > t { r.fnm += 1 }
                    } else {
                        guard cohort == nil || (data.probeCohort[k] == cohort && data.referenceCohort[k] == cohort) else { continue }
                        r.fmTrials += 1
                        if distances[k] <= t { r.fm += 1 }
                    }
                }
                return r
            }
            for (rates, cohort) in zip([analysis.overall] + analysis.cohorts, [nil, 0, 1] as [Int32?]) {
                let expected = direct(cohort)
                #expect(rates.fmr.errors == expected.fm && rates.fmr.trials == expected.fmTrials, "\(rates.cohort) at \(t)")
                #expect(rates.fnmr.errors == expected.fnm && rates.fnmr.trials == expected.fnmTrials, "\(rates.cohort) at \(t)")
                #expect(rates.thresholdForTarget == nil)
                #expect(rates.fmrBootstrap != nil)
            }
            // Cross-cohort counts add up to the overall non-mated ones.
            #expect(analysis.crossFMR.flatMap { $0 }.reduce(0) { $0 + $1.errors } == analysis.overall.fmr.errors)
        }
        // The target's threshold is not the fixed one: the two really are different operating points.
        #expect(analyses[0].threshold != 0.6)
    }

    @Test("a cohort too small to show the overall FMR at a fixed threshold is flagged, against that FMR")
    func smallCohortFlag() throws {
        let (data, _) = Self.data()
        var options = CohortAnalysisOptions(targets: [0.1], polarity: .dissimilarity, replicates: 0)
        // Only a few of cohort b's closest strangers fall below 0.475: a low overall FMR, too low for the
        // cohorts' 760 pairs each to show.
        options.thresholds = [FixedThreshold(0.475)]
        let fixed = try #require(CohortAnalysis.analyze(data, dimensions: DimensionSet(["g"]), options: options).last)
        let overall = fixed.overall.fmr.rate
        try #require(overall > 0)
        let needed = RuleOfThree.requiredTrials(forFMR: overall)
        for c in fixed.cohorts {
            let flagged = c.flags.contains { $0.hasPrefix("too few non-mated pairs to show an FMR as low as the overall") }
            #expect(flagged == (c.fmr.trials < needed), "\(c.cohort): \(c.fmr.trials) pairs, \(needed) needed")
            #expect(!c.flags.contains { $0.hasPrefix("cannot support FMR") })
        }
        let flag = try #require(fixed.cohorts.flatMap(\.flags).first { $0.hasPrefix("too few non-mated pairs") })
        // The overall FMR is printed to two significant digits, not as 0.00224358974358974.
        let printed = try #require(flag.split(separator: " ").first { $0.hasPrefix("0.") }.map { String($0.dropLast()) })
        let value = try #require(Double(printed))
        #expect(printed.count <= 7 && abs(value - overall) / overall < 0.05, "\(flag)")
    }

    @Test("VerificationReport: fixed points measured with intervals; JSON names the operating point; old JSON reads")
    func report() throws {
        let (data, distances) = Self.data()
        let genuine = distances.indices.filter { data.mated[$0] }.map { distances[$0] }
        let impostor = distances.indices.filter { !data.mated[$0] }.map { distances[$0] }
        let scores = SortedScores(genuine: genuine, impostor: impostor, polarity: .dissimilarity)
        let r = VerificationReport(scores: scores, targets: [0.01], thresholds: [FixedThreshold(0.6, label: "shipped")])
        let p = try #require(r.thresholdPoints?.first)
        #expect(p.operatingPoint == .threshold && p.targetFmr == nil && p.threshold == 0.6 && p.label == "shipped" && p.estimable)
        #expect(p.falseMatches == impostor.filter { $0 <= 0.6 }.count && p.impostorTrials == impostor.count)
        #expect(p.falseNonMatches == genuine.filter { $0 > 0.6 }.count && p.genuineTrials == genuine.count)
        let ci = BinomialInterval(ErrorCount(errors: p.falseMatches, trials: p.impostorTrials))
        #expect(p.fmrInterval == [ci.lower, ci.upper])
        #expect(r.operatingPoints[0].operatingPoint == .targetFMR && r.operatingPoints[0].targetFmr == 0.01)

        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as? [String: Any])
        let fixed = try #require((json["threshold_points"] as? [[String: Any]])?.first)
        #expect(fixed["operating_point"] as? String == "threshold" && fixed["target_fmr"] == nil && fixed["label"] as? String == "shipped")
        let target = try #require((json["operating_points"] as? [[String: Any]])?.first)
        #expect(target["operating_point"] as? String == "target_fmr")

        // A report written before fixed thresholds existed: no operating_point, no threshold_points.
        var old = json
        old["threshold_points"] = nil
        old["operating_points"] = [target.filter { $0.key != "operating_point" }]
        let back = try JSONDecoder().decode(VerificationReport.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(back.thresholdPoints == nil && back.operatingPoints[0].operatingPoint == .targetFMR)
    }

    @Test("DisaggregatedRates JSON: target_fmr null at a fixed threshold; analyses written before read as targets")
    func disaggregatedJSON() throws {
        let (data, _) = Self.data()
        var options = CohortAnalysisOptions(targets: [0.01], polarity: .dissimilarity, replicates: 0)
        options.thresholds = [FixedThreshold(0.6, label: "shipped")]
        let analyses = CohortAnalysis.analyze(data, dimensions: DimensionSet(["g"]), options: options)
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(analyses)) as? [[String: Any]])
        #expect(json[1]["operating_point"] as? String == "threshold" && json[1]["target_fmr"] is NSNull)
        #expect(json[1]["threshold_label"] as? String == "shipped" && json[1]["threshold"] as? Double == 0.6)
        var old = json[0]
        old["operating_point"] = nil
        let back = try JSONDecoder().decode(DisaggregatedRates.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(back.operatingPoint == .targetFMR && back.targetFMR == 0.01)
        #expect(back.setting == .targetFMR(0.01))
        let fixed = try JSONDecoder().decode(DisaggregatedRates.self, from: JSONSerialization.data(withJSONObject: json[1]))
        #expect(fixed.setting == .threshold(0.6, label: "shipped"))
    }
}
