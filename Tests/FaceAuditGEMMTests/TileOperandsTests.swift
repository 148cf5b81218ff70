import FaceAuditGEMM
import Testing

@Suite("AMX tile products of the all-pairs keys")
struct TileOperandsTests {
    /// Unit vectors from a fixed linear congruential sequence, some of them close to one another.
    static func templates(rows: Int, k: Int) -> [Float] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Double(state >> 11) / Double(1 << 53)) - 0.5
        }
        var values = [Float](repeating: 0, count: rows * k)
        for r in 0..<rows {
            for p in 0..<k { values[r * k + p] = r % 3 == 1 ? values[(r - 1) * k + p] + 0.05 * next() : next() }
            let norm = (0..<k).reduce(Float(0)) { $0 + values[r * k + $1] * values[r * k + $1] }.squareRoot()
            for p in 0..<k { values[r * k + p] /= norm }
        }
        return values
    }

    @Test(.enabled(if: BLAS.amx, "no AMX-BF16 here, or FACEAUDIT_GEMM picks another path"), arguments: [128, 77, 512])
    func withinTheBoundAndIndependentOfTheSplit(k: Int) throws {
        let rows = 181
        let values = Self.templates(rows: rows, k: k)
        let tiles = try #require(
            values.withUnsafeBufferPointer { TileOperands(values: $0.baseAddress!, rows: rows, k: k, lda: k, alpha: 2) })
        var whole = [Float](repeating: .nan, count: rows * 160)
        whole.withUnsafeMutableBufferPointer { tiles.product(rows: 0..<rows, columns: 16..<176, c: $0.baseAddress!, ldc: 160) }
        var worst = 0.0
        for i in 0..<rows {
            for j in 0..<160 {
                var exact = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let term = Double(values[i * k + p]) * Double(values[(16 + j) * k + p])
                    exact += term
                    magnitude += abs(term)
                }
                // 3·2⁻¹⁶ per term from the split, and single-precision accumulation over 3·k terms.
                let bound = 2 * (3.0 / 65536 + Double(3 * k) * 0x1p-24) * magnitude
                let error = abs(Double(whole[i * 160 + j]) - 2 * exact)
                #expect(error <= bound, "row \(i), column \(16 + j): error \(error), bound \(bound)")
                worst = max(worst, error)
            }
        }
        #expect(worst > 0, "the tiles' products are not the exact sums, so some error shows")
        // Any split of rows and columns (columns at multiples of 16) gives the same bits.
        for (rowRange, columnRange) in [(5..<38, 32..<176), (100..<181, 16..<48), (37..<38, 160..<161)] {
            var part = [Float](repeating: .nan, count: rowRange.count * columnRange.count)
            part.withUnsafeMutableBufferPointer {
                tiles.product(rows: rowRange, columns: columnRange, c: $0.baseAddress!, ldc: columnRange.count)
            }
            for (a, i) in rowRange.enumerated() {
                for (b, j) in columnRange.enumerated() {
                    #expect(part[a * columnRange.count + b].bitPattern == whole[i * 160 + j - 16].bitPattern)
                }
            }
        }
    }
}
