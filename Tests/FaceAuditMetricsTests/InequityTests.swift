import Testing

@testable import FaceAuditMetrics

@Suite("Inequity measures (EXPECTED.md toys)")
struct InequityTests {
    @Test("four groups: max/min, max/geomean, Gini, GARBE, FDR, IR")
    func fourGroups() throws {
        let m = InequityMeasures(fmr: [1e-4, 2e-4, 5e-4, 1e-3], fnmr: [0.01, 0.02, 0.015, 0.05])
        #expect(close(m.fmrMaxMin ?? .nan, 10, 1e-9) && close(m.fnmrMaxMin ?? .nan, 5, 1e-9))
        #expect(close(m.fmrMaxGeomean ?? .nan, 3.16228, 1e-5) && close(m.fnmrMaxGeomean ?? .nan, 2.54066, 1e-5))
        #expect(close(m.fmrGini ?? .nan, 0.555556, 1e-6) && close(m.fnmrGini ?? .nan, 0.438596, 1e-6))
        #expect(close(m.garbe ?? .nan, 0.497076, 1e-6))
        #expect(close(m.fdr ?? .nan, 0.97955, 1e-9))
        #expect(close(m.ir ?? .nan, 7.07107, 1e-5))
        #expect(close(m.fmrMinMax ?? .nan, 0.1, 1e-12))
    }

    @Test("two groups: Gini, GARBE, FDR, IR")
    func twoGroups() throws {
        let m = InequityMeasures(fmr: [1e-5, 1e-4], fnmr: [0.01, 0.03])
        #expect(close(m.fmrGini ?? .nan, 0.818182, 1e-6) && close(m.fnmrGini ?? .nan, 0.5, 1e-12))
        #expect(close(m.garbe ?? .nan, 0.659091, 1e-6))
        #expect(close(m.fdr ?? .nan, 0.989955, 1e-9))
        #expect(close(m.ir ?? .nan, 5.47723, 1e-5))
    }

    @Test("undefined cases are nil, not infinities")
    func undefined() {
        let zero = InequityMeasures(fmr: [0, 1e-3], fnmr: [0.01, 0.02])
        #expect(zero.fmrMaxMin == nil && zero.fmrMaxGeomean == nil && zero.ir == nil)
        #expect(zero.fmrGini != nil && zero.fdr != nil)
        let one = InequityMeasures(fmr: [1e-3], fnmr: [0.1])
        #expect(one.fmrGini == nil && one.garbe == nil && one.fdr == nil)
        let equal = InequityMeasures(fmr: [1e-3, 1e-3, 1e-3], fnmr: [0.1, 0.1, 0.1])
        #expect(equal.fmrGini == 0 && equal.fmrMaxMin == 1 && equal.fdr == 1 && equal.ir == 1)
    }

    @Test("SplitMix64 is reproducible and unbiased enough")
    func rng() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
        var r = SplitMix64(seed: 1)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[r.below(7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
        #expect(
            (0..<1000).allSatisfy { _ in
                let u = r.unit(); return u >= 0 && u < 1
            })
    }

    @Test("a bootstrap replicate's three curve measures are the bits the full measures give")
    func curveMeasuresAreTheFullOnes() {
        var random = SplitMix64(seed: 7)
        for round in 0..<200 {
            let n = Int(random.next() % 6)
            func rate() -> Double {
                switch random.next() % 5 {
                case 0: .nan
                case 1: 0
                default: Double(random.next() % 10_000) / 10_000
                }
            }
            let fmr = (0..<n).map { _ in rate() }
            let fnmr = (0..<n).map { _ in rate() }
            let alpha = [0.5, 0.25, 0.9][round % 3]
            let full = InequityMeasures(fmr: fmr, fnmr: fnmr, alpha: alpha)
            let curve = InequityMeasures.curveMeasures(fmr: fmr, fnmr: fnmr, alpha: alpha)
            #expect(full.fdr?.bitPattern == curve.fdr?.bitPattern, "\(fmr) \(fnmr)")
            #expect(full.fmrMaxGeomean?.bitPattern == curve.fmrMaxGeomean?.bitPattern, "\(fmr)")
            #expect(full.fnmrMaxGeomean?.bitPattern == curve.fnmrMaxGeomean?.bitPattern, "\(fnmr)")
        }
    }
}
