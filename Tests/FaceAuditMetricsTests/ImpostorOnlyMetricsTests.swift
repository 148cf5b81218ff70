import FaceAuditMetrics
import Foundation
import Testing

/// Scores without a single mated comparison (one photo per person): what needs only non-mated scores is
/// computed; every number that needs mated ones is null, never 0.
@Suite("impostor-only verification metrics")
struct ImpostorOnlyMetricsTests {
    static let impostor = (0..<200).map { Double($0) / 200 }

    @Test("VerificationReport: thresholds and FMR measured; FNMR, EER, AUC, d′ and ZeroFMR null in JSON")
    func report() throws {
        let scores = SortedScores(genuine: [], impostor: Self.impostor)
        let r = VerificationReport(scores: scores, targets: [0.05, 0.001], curvePoints: 10)
        #expect(r.genuineTrials == 0 && r.impostorTrials == 200)
        #expect(r.eer == nil && r.eerBob == nil && r.minHter == nil && r.auc == nil && r.aucBob == nil)
        #expect(r.decidability == nil && r.zeroFmr == nil && r.zeroFnmr == nil)
        #expect(r.operatingPoints[0].falseMatches == 10 && r.operatingPoints[0].fmr == 0.05 && r.operatingPoints[0].threshold == 0.95)
        #expect(r.operatingPoints.allSatisfy { $0.fnmr == nil && $0.frr == nil && $0.genuineTrials == 0 })
        #expect(r.curve == [])
        let data = try JSONEncoder().encode(r)
        let j = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["eer", "eer_bob", "min_hter", "auc", "auc_bob", "decidability", "zero_fmr", "zero_fnmr"] {
            #expect(j[key] is NSNull, "\(key)")
        }
        let point = try #require((j["operating_points"] as? [[String: Any]])?.first)
        #expect(point["fnmr"] is NSNull && point["frr"] is NSNull && point["fmr"] as? Double == 0.05)
        let mated = try #require(j["genuine_scores"] as? [String: Any])
        #expect(mated["mean"] is NSNull && mated["median"] is NSNull)
        // It reads back.
        let back = try JSONDecoder().decode(VerificationReport.self, from: data)
        #expect(back.eer == nil && back.operatingPoints[0].fnmr == nil)
    }

    @Test("VerificationSummary: operating points without mated scores; the rest nil")
    func summary() {
        let s = VerificationSummary(scores: SortedScores(genuine: [], impostor: Self.impostor), targets: [0.01])
        #expect(s.eer == nil && s.auc == nil && s.decidability == nil && s.zeroFMR == nil && s.zeroFNMR == nil)
        #expect(s.operatingPoints[0].falseMatches.errors == 2 && s.operatingPoints[0].falseNonMatches.trials == 0)
    }

    @Test("cohort analysis without mated pairs: FMR with intervals and FMR inequity; FNMR measures undefined")
    func cohorts() {
        var data = LabeledComparisons()
        data.cohortNames = ["g=a", "g=b"]
        var k = 0
        for p in 0..<20 {
            for q in (p + 1)..<20 {
                data.scores.append(Double((p * 31 + q * 17) % 97) / 97)
                data.mated.append(false)
                data.matedCohort.append(-1)
                data.probeCohort.append(Int32(p % 2))
                data.referenceCohort.append(Int32(q % 2))
                data.probeSubject.append(Int32(p))
                data.referenceSubject.append(Int32(q))
                data.probeSample.append(Int32(p))
                data.referenceSample.append(Int32(q))
                k += 1
            }
        }
        data.subjectCount = 20
        let analyses = CohortAnalysis.analyze(
            data, dimensions: DimensionSet(["g"]), options: CohortAnalysisOptions(targets: [0.1], replicates: 20))
        let a = analyses[0]
        #expect(a.overall.fnmr.trials == 0 && a.overall.fmr.trials == k)
        for c in a.cohorts {
            #expect(c.fmr.trials > 0 && c.fmrInterval.upper.isFinite && c.fmrBootstrap != nil)
            #expect(c.fnmr.trials == 0 && c.fnmrRatioToOverall == nil && c.flags.contains("no mated pairs"))
        }
        #expect(a.inequity.fnmrMaxMin == nil && a.inequity.garbe == nil && a.inequity.ir == nil)
        #expect(a.inequity.fmrDifference != nil)
    }
}
