import CPairScores
import FaceAuditAllPairs
import FaceAuditGEMM
import FaceAuditScoring
import Testing

/// `fa_bin_row`, the engine's binning loop, against ``StatisticsLayout/bin(_:lower:scale:top:)`` and the
/// rule it documents: every non-mated column counted in its bin, mated columns marked and not counted,
/// the mated and tail columns listed in column order, nothing written past the room for them. Every
/// build the CPU has (baseline, AVX2+FMA, AVX-512F).
@Suite struct PairBinsTests {
    @Test(arguments: [false, true])
    func everyColumnLandsInTheBinSwiftGivesIt(euclidean: Bool) {
        var state: UInt64 = euclidean ? 11 : 5
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            switch state >> 60 {
            case 0: return 0
            case 1: return -0.0
            case 2: return -1.5  // the lower edge
            default: return Float(Int64(bitPattern: state >> 11) % 4_000_001 - 2_000_000) / 1_000_000  // some outside the domain
            }
        }
        let bins = 96
        let (lower, upper): (Float, Float) = (-1.5, 1.5)
        let scale = Float(bins) / (upper - lower)
        let top = Float(bins - 1)
        let builds = VectorBuild.available
        for width in [1, 2, 15, 16, 17, 63, 200, 1023, 1024, 1025, 3000] {
            let keys = (0..<width).map { _ in next() }
            let norms = (0..<width).map { _ in euclidean ? abs(next()) : 0 }
            let rowNorm: Float = euclidean ? 0.25 : 0
            let subjects = (0..<width).map { Int32($0 % 5) }
            let begin = width / 4
            for tailBin in [0, 40, 70, bins] {
                var expectedCounts = [Int64](repeating: 0, count: bins)
                var expectedBins = [Int32](repeating: -7, count: width)
                var expectedRare: [Int32] = []
                for c in begin..<width {
                    let bin = StatisticsLayout.bin(keys[c] - (rowNorm + norms[c]), lower: lower, scale: scale, top: top)
                    if subjects[c] == 2 {
                        expectedBins[c] = Int32.max
                        expectedRare.append(Int32(c))
                    } else {
                        expectedBins[c] = Int32(bin)
                        expectedCounts[bin] += 1
                        if bin >= tailBin { expectedRare.append(Int32(c)) }
                    }
                }
                for build in builds {
                    var counts = [Int64](repeating: 0, count: bins)
                    var rowBins = [Int32](repeating: -7, count: width)
                    // Room for end − begin, as documented, then 16 guards that must stay untouched (the
                    // AVX-512F build stores 16 listed columns at a time).
                    var rare = [Int32](repeating: 0, count: width - begin) + [Int32](repeating: -9, count: 16)
                    let count = fa_bin_row(
                        build, keys, begin, width, rowNorm, norms, subjects, 2, lower, scale, top, Int32(tailBin), &counts, &rowBins,
                        &rare)
                    #expect(counts == expectedCounts, "width \(width), tail bin \(tailBin), \(VectorBuild.name(build))")
                    #expect(rowBins == expectedBins, "width \(width), tail bin \(tailBin), \(VectorBuild.name(build))")
                    #expect(Array(rare.prefix(count)) == expectedRare, "width \(width), tail bin \(tailBin), \(VectorBuild.name(build))")
                    #expect(
                        rare.suffix(16).allSatisfy { $0 == -9 },
                        "width \(width), tail bin \(tailBin), \(VectorBuild.name(build)): written past the room")
                }
            }
        }
    }
}
