import Foundation
import Testing

@testable import FaceAuditMetrics
@testable import FaceAuditReport

@Suite("Inequity curves in inequity_curves.csv and the report")
struct InequityCurveReportTests {
    /// A hand-made curve: three points (the middle one without FNMR inequity) and both areas.
    static func curve() -> InequityCurve {
        let points = [
            InequityCurve.Point(
                globalFMR: 1e-3, threshold: 0.7, estimable: true, fdr: 0.9, fmrMaxGeomean: 2, fnmrMaxGeomean: 1.5,
                bootstrap: ["fdr": BinomialInterval(lower: 0.8, upper: 0.95)]),
            InequityCurve.Point(globalFMR: 1e-2, threshold: 0.5, estimable: true, fdr: 0.7, fmrMaxGeomean: 3, fnmrMaxGeomean: nil),
            InequityCurve.Point(globalFMR: 1e-1, threshold: 0.3, estimable: true, fdr: 0.5, fmrMaxGeomean: 4, fnmrMaxGeomean: 1.1),
        ]
        let areas = [
            InequityCurve.Area(
                fromFMR: 1e-3, toFMR: 1e-1, axis: .log10FMR, length: 2, value: 1.4, bootstrap: BinomialInterval(lower: 1.2, upper: 1.6),
                bootstrapUndefinedShare: 0),
            InequityCurve.Area(fromFMR: 1e-3, toFMR: 1e-1, axis: .fmr, length: 0.099, value: nil),
        ]
        return InequityCurve(dimensions: "gender", points: points, areas: areas, replicates: 100)
    }

    @Test("inequity_curves.csv: one row per curve and grid point, then the areas; undefined values are empty")
    func csv() {
        let lines = ResultTables.inequityCurves([Self.curve()]).split(separator: "\n").map(String.init)
        let header = "data,dimensions,curve,axis,global_fmr,global_fmr_to,threshold,estimable,estimate,bootstrap_lower,bootstrap_upper"
        #expect(lines[0] == header + ",replicates")
        #expect(lines.count == 1 + 3 * 3 + 2)
        #expect(lines[1] == "measured,gender,fdr,,0.001,,0.7,1,0.9,0.8,0.95,100")
        #expect(lines[8] == "measured,gender,fnmr_max_geomean,,0.01,,0.5,1,,,,100")
        #expect(lines[10] == "measured,gender,fdr_area,log10_fmr,0.001,0.1,,1,1.4,1.2,1.6,100")
        #expect(lines[11] == "measured,gender,fdr_area,fmr,0.001,0.1,,0,,,,100")
    }
}

extension InequityCurveReportTests {
    @Test("the chart: the FDR line through every estimable point, the interval band, the targets dashed")
    func chart() throws {
        var points = Self.curve().points
        for i in points.indices { points[i].bootstrap = ["fdr": BinomialInterval(lower: points[i].fdr! - 0.1, upper: 1)] }
        points.append(InequityCurve.Point(globalFMR: 1e-6, threshold: 0.9, estimable: false, fdr: 1))
        let svg = Charts.fdrCurve(
            title: "FDR by threshold, by gender", points: points.sorted { $0.globalFMR < $1.globalFMR }, targets: [1e-2, 1e-5])
        let line = try #require(svg.components(separatedBy: "class=\"fdr-line\" points=\"").dropFirst().first?.prefix { $0 != "\"" })
        // The not-estimable point is left out: three vertices, left to right across 10⁻³ … 10⁻¹.
        let xs = line.split(separator: " ").compactMap { Double($0.split(separator: ",")[0]) }
        #expect(xs.count == 3 && xs == xs.sorted())
        #expect(svg.contains("class=\"fdr-band\""))
        #expect(svg.components(separatedBy: "stroke-dasharray").count - 1 == 1)  // 10⁻⁵ is outside the curve
        // The FDR axis starts at the lowest bound rounded down to 0.1: 0.5 − 0.1 = 0.4.
        #expect(svg.contains(">0.40</text>") && svg.contains(">1.00</text>") && svg.contains(">0.70</text>"))
        #expect(!svg.contains(">0.45</text>"))  // a range of 0.6 is ticked every 0.1
        // FDR from 0.95 up: the axis starts at 0.9 and is ticked every 0.02.
        let near =
            [InequityCurve.Point(globalFMR: 1e-3, threshold: 1, estimable: true, fdr: 0.95)]
            + [InequityCurve.Point(globalFMR: 1e-2, threshold: 0.5, estimable: true, fdr: 1)]
        let fine = Charts.fdrCurve(title: "t", points: near, targets: [])
        #expect(fine.contains(">0.90</text>") && fine.contains(">0.92</text>") && fine.contains(">0.98</text>"))
    }

    @Test("the report folds one chart per attribute under the trade-off curves and states the area")
    func section() throws {
        var summary = try HTMLReportTests.baseline()
        summary.inequityCurves = nil
        let before = HTMLReport.render(summary, curves: [])
        var second = Self.curve()
        second.dimensions = "ethnicity"
        var undefined = Self.curve()
        undefined.dimensions = "age_group"
        for i in undefined.points.indices { undefined.points[i].fdr = nil }
        summary.inequityCurves = [Self.curve(), second, undefined]
        let after = HTMLReport.render(summary, curves: [])
        func folds(_ html: String) -> Int { html.components(separatedBy: "<details class=\"fold\">").count - 1 }
        #expect(folds(after) == folds(before) + 1)
        #expect(after.components(separatedBy: "class=\"fdr-line\"").count - 1 == 2)
        #expect(after.contains("FDR by threshold, by gender") && after.contains("FDR by threshold, by ethnicity"))
        #expect(after.contains("Area under the curve from 0.10% to 10% false matches (log scale): 1.4 of 2 (95% interval 1.2 to 1.6)"))
        #expect(after.contains("the mean FDR there is 0.7."))
        #expect(after.contains("No FDR by children and adults: it needs two groups with both rates measured."))
        let fold = try #require(after.range(of: "Show how unequal the groups are at every threshold"))
        let curves = try #require(after.range(of: "<h2>Trade-off curves</h2>"))
        #expect(curves.upperBound <= fold.lowerBound)
    }
}
