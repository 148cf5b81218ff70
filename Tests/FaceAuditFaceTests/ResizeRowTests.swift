import CResample
import Testing

@testable import FaceAuditFace

/// The AVX-512F resize row (`fa_resample_row_avx512`) against the scalar formula, bit for bit, on the
/// pyramid's 5/6 scale and on scales whose blocks need the scalar fallback. Skipped, not passed, on a CPU
/// without AVX-512F.
@Suite(.enabled(if: fa_resample_has_avx512(), "the CPU has no AVX-512F"))
struct ResizeRowTests {
    /// Widths in → out: the pyramid's 5/6 steps of London and 1080p rows, short rows, an upscale, a
    /// scale whose 16 columns span more than 32 inputs (scalar only), and one at the limit.
    static let widths: [(Int, Int)] = [(1350, 1125), (1920, 1600), (100, 83), (17, 14), (33, 40), (100, 40), (60, 31), (5, 4)]

    @Test(arguments: 0..<widths.count)
    func vectorRowsEqualTheScalarFormula(_ index: Int) {
        let (inW, outW) = Self.widths[index]
        let plan = DlibBilinearResize.Plan(input: inW, 9, output: outW, 7)
        var state: UInt32 = 12345
        let input = (0..<(inW * 9)).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) * 255
        }
        input.withUnsafeBufferPointer { source in
            for r in 0..<7 {
                let top = source.baseAddress! + plan.rows.top[r] * inW
                let bottom = source.baseAddress! + plan.rows.bottom[r] * inW
                var scalar = [Float](repeating: -1, count: outW)
                var vector = [Float](repeating: -2, count: outW)
                plan.row(r, top: top, bottom: bottom, into: &scalar, vector: false)
                plan.row(r, top: top, bottom: bottom, into: &vector, vector: true)
                #expect(scalar.map(\.bitPattern) == vector.map(\.bitPattern), "\(inW) → \(outW), row \(r)")
            }
        }
    }

    /// On the pyramid's scale the kernel does every whole block of 16 block columns (it is not silently
    /// skipped in favour of the scalar loop).
    @Test func coversThePyramidsBlocks() {
        let plan = DlibBilinearResize.Plan(input: 1350, 2, output: 1125, 2)
        let row = [Float](repeating: 1, count: 1350)
        var out = [Float](repeating: 0, count: 1125)
        let done = plan.columns.left32.withUnsafeBufferPointer { left in
            fa_resample_row_avx512(
                left.baseAddress, plan.columns.fraction, plan.columns.inverse, plan.columns.blockEnd, 0.25, 0.75, row, row, 1350, &out)
        }
        #expect(done == plan.columns.blockEnd / 16 * 16)
        #expect(done > 1000)
    }
}
