import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics
@testable import FaceAuditReport

@Suite("mitigation what-ifs in report.html and mitigation.csv")
struct MitigationReportTests {
    /// Two groups of 20 people, two photos each, every pair compared; group B's scores are 0.5 higher.
    static func analyses() -> [MitigationAnalysis] {
        var d = LabeledComparisons()
        d.cohortNames = ["gender=female", "gender=male"]
        d.subjectCount = 40
        var rng = SplitMix64(seed: 11)
        for i in 0..<80 {
            for j in (i + 1)..<80 {
                let (a, b) = (Int32(i / 2), Int32(j / 2))
                let (ca, cb) = (a / 20, b / 20)
                let shift = ca == 1 && cb == 1 ? 0.5 : 0
                d.scores.append((a == b ? 1.2 + 0.5 * rng.unit() : rng.unit()) + shift)
                d.mated.append(a == b)
                d.probeSubject.append(a)
                d.referenceSubject.append(b)
                d.probeSample.append(Int32(i))
                d.referenceSample.append(Int32(j))
                d.probeCohort.append(ca)
                d.referenceCohort.append(cb)
                d.matedCohort.append(a == b ? ca : -1)
            }
        }
        return Mitigation.analyze(
            d, dimensions: "gender", targets: [0.01, 0.001], options: CohortAnalysisOptions(replicates: 50, seed: 2))
    }

    @Test("the report folds the what-ifs under one line naming the spread before and after; absent without what-ifs")
    func section() throws {
        var summary = try HTMLReportTests.baseline()
        summary.mitigation = nil
        #expect(HTMLReport.mitigationSection(summary, target: 0.001).isEmpty)
        let all = Self.analyses()
        summary.mitigation = all
        let html = HTMLReport.mitigationSection(summary, target: 0.01).joined()
        #expect(html.hasPrefix("<details class=\"fold\"><summary>Could a setting make it fairer?"))
        let shown = try #require(all.first { $0.targetFMR == 0.01 })
        let thresholds = try #require(shown.whatIfs.first)
        let before = try #require(thresholds.inequityBefore.fdr)
        let after = try #require(thresholds.inequityAfter.fdr)
        #expect(html.contains("a threshold per group \(HTML.number(before)) → \(HTML.number(after))"))
        #expect(html.components(separatedBy: "<tr><td>").count - 1 == shown.whatIfs.count * 2)
        #expect(HTMLReport.render(summary, curves: []).contains("Could a setting make it fairer?"))
    }

    @Test("mitigation.csv has one row per what-if × stage × cohort × metric, with the summary's counts")
    func csv() throws {
        let all = Self.analyses()
        let rows = ResultTables.mitigation(all).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(
            rows[0].joined(separator: ",")
                == "data,what_if,dimensions,target_fmr,stage,cohort,metric,threshold,errors,trials,estimate,ci_lower,ci_upper")
        #expect(rows.count - 1 == all.reduce(0) { $0 + $1.whatIfs.count } * 2 * 2 * 2)
        let w = all[0].whatIfs[0]
        let row = try #require(
            rows.first { $0[1] == "per_cohort_thresholds" && $0[4] == "after" && $0[5] == "gender=male" && $0[6] == "fnmr" })
        #expect(row[8] == "\(w.after[1].fnmr.errors)" && row[9] == "\(w.after[1].fnmr.trials)" && Double(row[7]) == w.after[1].threshold)
    }
}
