import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics
@testable import FaceAuditReport

@Suite("photo quality by group in summary.json, quality.csv and report.html")
struct QualityReportTests {
    /// Six photos: ethnicity a, a, b, b, b, unknown; exposure 10, 30, 100, 120, 140, nil; sharpness 1…5, nil.
    static func summary() -> QualitySummary {
        var values: [QualityMeasure: [Double?]] = [:]
        for m in QualityMeasure.allCases { values[m] = [1, 2, 3, 4, 5, nil] }
        values[.exposure] = [10, 30, 100, 120, 140, nil]
        return QualitySummary(
            note: "test", values: values, cohorts: [(dimension: "ethnicity", labels: ["a", "a", "b", "b", "b", "unknown"])],
            minimumImages: 1)
    }

    @Test("per measure: overall, then each cohort in name order, over the measured photos only, with its 29794-5 mapping")
    func distributions() throws {
        let q = Self.summary()
        #expect(q.measured && q.images == 5)
        #expect(q.measures.map(\.measure) == QualityMeasure.allCases)
        let exposure = try #require(q.measures.first { $0.measure == .exposure })
        #expect(exposure.proxy && exposure.iso29794_5.hasPrefix("proxy"))
        #expect(q.measures.first { $0.measure == .interEyeDistance }?.proxy == false)
        // "unknown" holds only the unmeasured photo: no row.
        #expect(exposure.cohorts.map(\.cohort) == ["overall", "a", "b"])
        #expect(exposure.cohorts.map(\.n) == [5, 2, 3] && exposure.cohorts.map { $0.distribution?.n } == [5, 2, 3])
        #expect(exposure.cohorts[0].distribution?.median == 100)
        #expect(exposure.cohorts[1].distribution?.median == 20 && exposure.cohorts[1].distribution?.q1 == 15)
        #expect(exposure.cohorts[2].distribution?.median == 120 && exposure.cohorts[2].distribution?.p90 == 136)
        // summary.json carries no per-image value: only n and the five quantiles per cohort.
        let json = String(decoding: try JSONEncoder().encode(q), as: UTF8.self)
        #expect(json.contains("\"iso_iec_29794_5\"") && !json.contains("\"values\""))
    }

    @Test("below the minimum a cohort keeps its count but no quantile, in summary.json, quality.csv and the report")
    func minimum() throws {
        var values: [QualityMeasure: [Double?]] = [:]
        for m in QualityMeasure.allCases { values[m] = (0..<12).map { Double($0) } }
        let q = QualitySummary(
            note: "test", values: values, cohorts: [(dimension: "gender", labels: Array(repeating: "f", count: 10) + ["m", "m"])])
        let exposure = try #require(q.measures.first { $0.measure == .exposure })
        #expect(exposure.cohorts.map(\.n) == [12, 10, 2])
        #expect(exposure.cohorts.map { $0.distribution == nil } == [false, false, true])
        #expect(q.csv().contains("measured,gender,m,exposure,2,,,,,\n"))
        var s = try HTMLReportTests.baseline()
        s.quality = q
        #expect(HTMLReport.qualitySection(s, target: 0.001).joined().contains("<td>Gender: m</td><td>2</td><td>–</td>"))
    }

    @Test("quality.csv: one row per measure × cohort with n and five quantiles")
    func csv() {
        let rows = Self.summary().csv().split(separator: "\n").map(String.init)
        #expect(rows[0] == "data,dimensions,cohort,measure,n,p10,q1,median,q3,p90")
        #expect(rows.count == 1 + 5 * 3)
        #expect(rows.contains("measured,ethnicity,a,exposure,2,12.0,15.0,20.0,25.0,28.0"))
    }

    @Test("the report folds it closed under one line, with the exposure-by-ethnicity sentence; not measured says why")
    func section() throws {
        var s = try HTMLReportTests.baseline()
        s.quality = nil
        #expect(HTMLReport.qualitySection(s, target: 0.001).isEmpty)
        s.quality = Self.summary()
        let html = HTMLReport.qualitySection(s, target: 0.001).joined()
        #expect(html.hasPrefix("<details class=\"fold\"><summary>Photo quality by group"))
        #expect(!html.contains("<details open"))
        #expect(html.contains("by ethnicity (as labeled): a 20, b 120."))
        #expect(html.contains("<td>Ethnicity (as labeled): b</td><td>3</td>"))
        #expect(HTMLReport.render(s, curves: []).contains("Photo quality by group"))
        s.quality = .notMeasured("the pipeline (external) does not expose them")
        #expect(
            HTMLReport.qualitySection(s, target: 0.001).joined().contains("Not measured: the pipeline (external) does not expose them."))
    }

    @Test("a missed-match model with quality covariates: named in the regression notes and its odds ratios in the fold")
    func regression() throws {
        // 60 people, one mated pair each, aged 20–49; two quality covariates; a miss more likely at low sharpness.
        var set = LabeledComparisons()
        set.cohortNames = ["gender=female"]
        set.subjectCount = 60
        var rng = SplitMix64(seed: 5)
        var ages: [Double?] = []
        var ied: [Double?] = []
        var sharp: [Double?] = []
        for p in 0..<60 {
            let q = [rng.unit(), rng.unit(), rng.unit(), rng.unit()].map { $0 * 2 - 1 }
            let missed = rng.unit() < (min(q[2], q[3]) < 0 ? 0.5 : 0.15)
            set.append(
                score: missed ? 0 : 1, probe: TestPhoto(subject: p, sample: 2 * p + 1, cohort: 0),
                reference: TestPhoto(subject: p, sample: 2 * p, cohort: 0))
            ages += [Double(20 + p % 30), Double(20 + p % 30)]
            ied += [q[0], q[1]]
            sharp += [q[2], q[3]]
        }
        let analysis = ErrorRegression.analyze(
            attributes: [set], threshold: 0.5,
            samples: .init(
                ages: ages, captureYears: ages.map { _ in nil },
                qualities: [
                    .init(name: "lower inter-eye distance, per SD", values: ied), .init(name: "lower sharpness, per SD", values: sharp),
                ]))
        let fnm = try #require(analysis.falseNonMatch.fit)
        var s = try HTMLReportTests.baseline()
        let shown = try #require(HTMLReport.shownRegression(s, target: 0.001))
        s.errorRegression = s.errorRegression?.map { r in
            var r = r
            if r.targetFMR == shown.targetFMR { r.falseNonMatch = analysis.falseNonMatch }
            return r
        }
        let notes = HTMLReport.regressionSection(s, target: 0.001).joined()
        #expect(notes.contains("with each pair&#39;s lower inter-eye distance and sharpness as covariates (Photo quality by group)"))
        #expect(notes.contains("<td>lower sharpness, per SD</td>"))
        s.quality = Self.summary()
        let fold = HTMLReport.qualitySection(s, target: 0.001).joined()
        let c = try #require(fnm.coefficients.first { $0.name == "lower sharpness, per SD" })
        #expect(fold.contains("lower sharpness, per SD: \(Finding.times(c.oddsRatio))×"))
    }
}
