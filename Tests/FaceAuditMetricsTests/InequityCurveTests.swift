import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics

@Suite("Inequity across operating points: FDR(τ), max/geomean(τ), area under FDR")
struct InequityCurveTests {
    /// `subjects` people with `images` photos each, all pairs compared; cohort = subject mod 2. Scores are
    /// rounded to 0.05 so that ties occur; cohort 1's within-cohort non-mated scores are raised by `shift`,
    /// and a cohort-1 copy of cohort 0 (`mirror`) makes the two cohorts' score sets identical.
    static func population(subjects: Int = 40, images: Int = 3, shift: Double = 0, mirror: Bool = false) -> LabeledComparisons {
        var rng = SplitMix64(seed: 3)
        func normal() -> Double { (0..<12).reduce(0.0) { s, _ in s + rng.unit() } - 6 }
        func rounded(_ x: Double) -> Double { (x * 20).rounded() / 20 }
        var d = LabeledComparisons()
        d.cohortNames = ["half=0", "half=1"]
        d.subjectCount = subjects
        let photos = (0..<subjects).flatMap { s in (0..<images).map { _ in s } }
        var scoreOf: [[Double]] = Array(repeating: Array(repeating: 0, count: photos.count), count: photos.count)
        for i in photos.indices {
            for j in (i + 1)..<photos.count {
                let (a, b) = (photos[i], photos[j])
                var s = a == b ? rounded(2 + 0.8 * normal()) : rounded(0.5 * normal())
                if a != b && a % 2 == 1 && b % 2 == 1 { s += shift }
                scoreOf[i][j] = s
            }
        }
        if mirror {
            // Subject 2k + 1 gets subject 2k's scores (photo for photo), so both cohorts hold the same values.
            let partner = { (i: Int) -> Int in photos[i] % 2 == 1 ? i - images : i }
            for i in photos.indices {
                for j in (i + 1)..<photos.count where photos[i] % 2 == 1 && photos[j] % 2 == 1 {
                    scoreOf[i][j] = scoreOf[partner(i)][partner(j)]
                }
            }
        }
        for i in photos.indices {
            for j in (i + 1)..<photos.count {
                d.append(
                    score: scoreOf[i][j], probe: TestPhoto(subject: photos[i], sample: i, cohort: Int32(photos[i] % 2)),
                    reference: TestPhoto(subject: photos[j], sample: j, cohort: Int32(photos[j] % 2)))
            }
        }
        return d
    }

    /// The threshold for global FMR t by its definition: the lowest score s with #{non-mated ≥ s}/N ≤ t,
    /// or just above the highest non-mated score when no score qualifies.
    static func threshold(_ d: LabeledComparisons, fmr t: Double) -> Double {
        let nonMated = d.scores.indices.filter { !d.mated[$0] }.map { d.scores[$0] }
        var best = nonMated.max()!.nextUp
        for s in Set(nonMated) where Double(nonMated.filter { $0 >= s }.count) / Double(nonMated.count) <= t { best = min(best, s) }
        return best
    }

    /// FDR at τ counted by hand: each cohort's within-cohort non-mated scores ≥ τ and mated scores < τ.
    static func fdr(_ d: LabeledComparisons, tau: Double, alpha: Double = 0.5) -> Double {
        var fmr: [Double] = []
        var fnmr: [Double] = []
        for c in Int32(0)..<Int32(d.cohortNames.count) {
            let within = d.scores.indices.filter { d.isWithinNonMated($0, cohort: c) }
            let mated = d.scores.indices.filter { d.mated[$0] && d.matedCohort[$0] == c }
            fmr.append(Double(within.filter { d.scores[$0] >= tau }.count) / Double(within.count))
            fnmr.append(Double(mated.filter { d.scores[$0] < tau }.count) / Double(mated.count))
        }
        return 1 - (alpha * abs(fmr[0] - fmr[1]) + (1 - alpha) * abs(fnmr[0] - fnmr[1]))
    }

    @Test("FDR at grid points equals a count by hand at the threshold found by definition")
    func byHand() throws {
        let d = Self.population(shift: 0.3)
        for alpha in [0.5, 0.8] {
            var options = CohortAnalysisOptions(targets: [1e-2, 1e-3], replicates: 0)
            options.inequityAlpha = alpha
            let curve = try #require(InequityCurve.analyze(d, dimensions: "half", options: options))
            for t in [1e-3, 1e-2, 0.05, 0.1] {
                let point = try #require(
                    curve.points.first { $0.globalFMR == t } ?? curve.points.min { abs($0.globalFMR - t) < abs($1.globalFMR - t) })
                let tau = Self.threshold(d, fmr: point.globalFMR)
                #expect(point.threshold == tau, "t = \(point.globalFMR)")
                #expect(close(point.fdr ?? .nan, Self.fdr(d, tau: tau, alpha: alpha), 1e-12), "t = \(point.globalFMR)")
            }
        }
    }

    @Test("the grid: 50 log-spaced FMRs from 1/N to 0.1 plus the targets and the area's ends, ascending")
    func grid() {
        let g = InequityCurve.grid(nonMated: 10_000, upper: 0.1, count: 50, extra: [1e-3, 0.02, 0.1])
        #expect(g.first == 1.0 / 10_000 && g.last == 0.1)
        let n = 718_800  // 1/n · n < 1 in floating point for some n: the lowest point is still estimable
        let curve = InequityCurve.grid(nonMated: n, count: 50)
        #expect(curve.first == 1 / Double(n) && curve.count == 50)
        #expect(g.contains(1e-3) && g.contains(0.02))
        #expect(zip(g, g.dropFirst()).allSatisfy { $0 < $1 })
        #expect(g.count >= 51 && g.count <= 53)
    }

    @Test("the trapezoid rule over log10 FMR and over FMR, by hand")
    func trapezoid() throws {
        let x = [1e-4, 1e-3, 1e-2, 1e-1, 0.5]
        let y = [0.2, 1.0, 0.5, 0.8, 0.0]
        // Over [1e-3, 1e-1]: (1 + 0.5)/2 · 1 + (0.5 + 0.8)/2 · 1 decades; linearly 0.009·0.75 + 0.09·0.65.
        let log = try #require(InequityCurve.trapezoid(x: x, y: y, from: 1e-3, to: 1e-1, axis: .log10FMR))
        let linear = try #require(InequityCurve.trapezoid(x: x, y: y, from: 1e-3, to: 1e-1, axis: .fmr))
        #expect(close(log, 1.4, 1e-12))
        #expect(close(linear, 0.009 * 0.75 + 0.09 * 0.65, 1e-15))
        #expect(InequityCurve.trapezoid(x: x, y: [0.2, .nan, 0.5, 0.8, 0], from: 1e-3, to: 1e-1, axis: .fmr) == nil)
    }

    @Test("the run's area is the trapezoid of its own grid's FDRs between 1e-3 and 1e-1")
    func areaIsTrapezoid() throws {
        let d = Self.population(shift: 0.3)
        let curve = try #require(InequityCurve.analyze(d, dimensions: "half", options: CohortAnalysisOptions(replicates: 0)))
        let inside = curve.points.filter { $0.globalFMR >= 1e-3 && $0.globalFMR <= 1e-1 }
        #expect(inside.first?.globalFMR == 1e-3 && inside.last?.globalFMR == 1e-1)
        var byHand = 0.0
        for (a, b) in zip(inside, inside.dropFirst()) {
            byHand += (log10(b.globalFMR) - log10(a.globalFMR)) * (Self.fdr(d, tau: a.threshold) + Self.fdr(d, tau: b.threshold)) / 2
        }
        let area = try #require(curve.areas.first { $0.axis == .log10FMR })
        #expect(close(area.value ?? .nan, byHand, 1e-12))
        #expect(close(area.length, 2, 1e-12))
    }

    @Test("equal cohorts: FDR = 1 at every point and the area is the interval's length")
    func equalCohorts() throws {
        let d = Self.population(mirror: true)
        let curve = try #require(InequityCurve.analyze(d, dimensions: "half", options: CohortAnalysisOptions(replicates: 50)))
        #expect(curve.points.allSatisfy { $0.fdr == 1 })
        #expect(curve.points.allSatisfy { $0.fmrMaxGeomean == nil || close($0.fmrMaxGeomean!, 1, 1e-12) })
        for area in curve.areas {
            #expect(close(area.value ?? .nan, area.length, 1e-12), "\(area.axis)")
            #expect(close(area.mean ?? .nan, 1, 1e-12))
        }
        #expect(close(curve.areas.first { $0.axis == .fmr }!.length, 0.099, 1e-15))
    }

    @Test("a shifted cohort lowers FDR where its non-mated scores cross the threshold, and the area with it")
    func shifted() throws {
        let options = CohortAnalysisOptions(replicates: 0)
        let equal = try #require(InequityCurve.analyze(Self.population(shift: 0), dimensions: "half", options: options))
        let shifted = try #require(InequityCurve.analyze(Self.population(shift: 0.5), dimensions: "half", options: options))
        let low = { (c: InequityCurve) in c.areas.first { $0.axis == .log10FMR }!.value! }
        #expect(low(shifted) < low(equal) - 0.05)
        // At 10% global FMR the shifted cohort's FMR is several times the other's.
        let top = try #require(shifted.points.last)
        #expect((top.fdr ?? 1) < 0.9)
        #expect((top.fmrMaxGeomean ?? 0) > 1.5)
    }

    @Test("at the run's target FMRs the values and intervals are the per-operating-point inequity measures")
    func matchesOperatingPoints() throws {
        let d = Self.population(shift: 0.3)
        let options = CohortAnalysisOptions(targets: [1e-2, 1e-3], replicates: 200, seed: 9)
        let curve = try #require(InequityCurve.analyze(d, dimensions: "half", options: options))
        let analyses = CohortAnalysis.analyze(d, dimensions: "half", options: options)
        #expect(analyses.count == 2)
        for analysis in analyses {
            let target = try #require(analysis.targetFMR)
            let point = try #require(curve.points.first { $0.globalFMR == target })
            #expect(point.threshold == analysis.threshold)
            #expect(point.fdr == analysis.inequity.fdr)
            #expect(point.fmrMaxGeomean == analysis.inequity.fmrMaxGeomean)
            #expect(point.fnmrMaxGeomean == analysis.inequity.fnmrMaxGeomean)
            for name in ["fdr", "fmr_max_geomean", "fnmr_max_geomean"] {
                #expect(point.bootstrap?[name] == analysis.inequityBootstrap?[name], "\(name) at \(target)")
            }
        }
        #expect(curve.areas.allSatisfy { $0.bootstrap != nil && $0.bootstrap!.lower <= $0.value! && $0.value! <= $0.bootstrap!.upper })
    }
}
