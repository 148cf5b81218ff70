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
