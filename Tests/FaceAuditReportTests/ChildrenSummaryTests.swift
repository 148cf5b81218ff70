import FaceAuditMetrics
import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditReport

/// The summary's child-versus-adult sentences, from rates the cohort analysis computed on labeled comparisons.
@Suite("children in the summary")
struct ChildrenSummaryTests {
    /// One photo each of `children` and `adults` people; every pair of different people scored by `score`
    /// (similarity), given whether both are children, both adults, or mixed.
    static func analysis(children: Int, adults: Int, score: (Int, Int) -> Double) -> DisaggregatedRates? {
        var d = LabeledComparisons()
        d.cohortNames = ["age_group=18+", "age_group=under-18"]
        let people = children + adults
        d.subjectCount = people
        for p in 0..<people {
            for q in (p + 1)..<people {
                d.append(
                    score: score(p, q), probe: TestPhoto(subject: p, sample: p, cohort: p < children ? 1 : 0),
                    reference: TestPhoto(subject: q, sample: q, cohort: q < children ? 1 : 0))
            }
        }
        var options = CohortAnalysisOptions(targets: [0.05], replicates: 200, referenceCohort: "age_group=18+")
        options.minimumSubjects = 10
        return CohortAnalysis.analyze(d, dimensions: "age_group", options: options).first
    }

    /// A deterministic score in [0, 1) for a pair.
    static func hash(_ p: Int, _ q: Int) -> Double {
        var x = UInt64(p * 1000 + q) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 31
        x = x &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 29
        return Double(x >> 11) / Double(1 << 53)
    }

    @Test("children and adults scored alike: the ratio's interval includes 1, so no difference is claimed")
    func noDifference() throws {
        let a = try #require(Self.analysis(children: 20, adults: 20, score: Self.hash))
        let children = try #require(a.cohorts.first { $0.cohort == "age_group=under-18" })
        let adults = try #require(a.cohorts.first { $0.cohort == "age_group=18+" })
        let interval = try #require(children.ratioBootstrap?["fmr_ratio_to_reference"])
        #expect(interval.lower <= 1 && interval.upper >= 1)
        let fmr = HTMLReport.comparisonSentence(children, adults, analysis: a, metric: "fmr", minimum: 10)
        #expect(
            fmr.hasPrefix(
                "At the threshold set for 1 in 20 false matches overall, two different children (under 18) were falsely matched in \(children.fmr.errors) of 190 comparisons"
            ))
        #expect(
            fmr.contains("Children's false-match rate was \(HTMLReport.times(try #require(children.fmrRatioToReference))) times adults'"))
        #expect(fmr.contains("this dataset cannot show a difference beyond the people involved"), "\(fmr)")
        #expect(!fmr.contains("<strong>"))
        // One photo each: no mated pairs, so the FNMR is "not measured", never 0.
        let fnmr = HTMLReport.comparisonSentence(children, adults, analysis: a, metric: "fnmr", minimum: 10)
        #expect(fnmr == "The false non-match rate was not measured (no mated pairs) for children (under 18) and for adults (18 and over).")
    }

    @Test("children scored higher: a difference is stated with its interval")
    func difference() throws {
        // Children's pairs score 0.2 higher than adults' and mixed pairs.
        let a = try #require(Self.analysis(children: 20, adults: 40) { p, q in Self.hash(p, q) * 0.8 + (p < 20 && q < 20 ? 0.2 : 0) })
        let children = try #require(a.cohorts.first { $0.cohort == "age_group=under-18" })
        let adults = try #require(a.cohorts.first { $0.cohort == "age_group=18+" })
        #expect(adults.fmr.errors > 0 && children.fmr.rate > 2 * adults.fmr.rate)
        let ratio = try #require(children.fmrRatioToReference)
        let interval = try #require(children.ratioBootstrap?["fmr_ratio_to_reference"])
        #expect(interval.lower > 1)
        let fmr = HTMLReport.comparisonSentence(children, adults, analysis: a, metric: "fmr", minimum: 10)
        #expect(
            fmr.hasSuffix(
                "Children were falsely matched <strong>\(HTMLReport.times(ratio)) times</strong> as often as adults (95% interval of the ratio \(HTMLReport.times(interval.lower))–\(HTMLReport.times(interval.upper)), from resampling people)."
            ), "\(fmr)")
    }

    @Test("adults without a false match: no ratio is stated")
    func noAdultErrors() throws {
        let a = try #require(Self.analysis(children: 20, adults: 40) { p, q in Self.hash(p, q) * 0.5 + (p < 20 && q < 20 ? 0.5 : 0) })
        let children = try #require(a.cohorts.first { $0.cohort == "age_group=under-18" })
        let adults = try #require(a.cohorts.first { $0.cohort == "age_group=18+" })
        #expect(adults.fmr.errors == 0 && children.fmr.errors > 0)
        let fmr = HTMLReport.comparisonSentence(children, adults, analysis: a, metric: "fmr", minimum: 10)
        #expect(fmr.hasSuffix("in 0 of 780 comparisons (0%). Adults had none, so no ratio can be stated."), "\(fmr)")
    }

    @Test("children without a false match: 'Children had none', never '0 times adults''")
    func noChildErrors() throws {
        let a = try #require(Self.analysis(children: 20, adults: 40) { p, q in Self.hash(p, q) * 0.5 + (p >= 20 && q >= 20 ? 0.5 : 0) })
        let children = try #require(a.cohorts.first { $0.cohort == "age_group=under-18" })
        let adults = try #require(a.cohorts.first { $0.cohort == "age_group=18+" })
        #expect(children.fmr.errors == 0 && adults.fmr.errors > 0)
        let fmr = HTMLReport.comparisonSentence(children, adults, analysis: a, metric: "fmr", minimum: 10)
        #expect(fmr.contains(" Children had none") && !fmr.contains("0 times"), "\(fmr)")
    }

    @Test("a summary written before age groups claims nothing about children")
    func olderSummary() throws {
        let url = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/summary.json")
        var summary = try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: url))
        // The baseline as written before age groups existed: no age_group analyses.
        summary.cohorts = summary.cohorts.filter { !$0.dimensions.names.contains("age_group") }
        let found = HTMLReport.childrenSummary(summary, target: 1e-3)
        #expect(found.lead.isEmpty && found.comparison.isEmpty)
        // Drop its age bands and it becomes a dataset without ages, which the first line says.
        var noAges = summary
        noAges.cohorts = summary.cohorts.filter { !$0.dimensions.names.contains("age_band") }
        noAges.configuration = nil
        #expect(HTMLReport.childrenSummary(noAges, target: 1e-3).lead == [HTMLReport.noAgesLine])
        let html = HTMLReport.render(noAges, curves: [])
        #expect(html.contains("<ul class=\"summary\"><li>\(HTMLReport.noAgesLine)</li>"))
    }
}
