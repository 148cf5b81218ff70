import CGEMM
import CResample
import Foundation
import Testing

@testable import FaceAuditFace

/// The AVX-512F resize row (`fa_resample_row_avx512`) against the scalar formula, bit for bit, on the
/// pyramid's 5/6 scale and on scales whose blocks need the scalar fallback. Skipped, not passed, on a CPU
/// without AVX-512F.
@Suite(.enabled(if: fa_gemm_best_kernel() == FA_GEMM_AVX512, "the CPU has no AVX-512F"))
struct ResizeRowTests {
    /// Widths in → out, and how many columns the kernel must write: the pyramid's 5/6 steps of London
    /// and 1080p rows, a short row, an upscale, a scale whose first 16 columns span more than 32 inputs
    /// (scalar only), and two whose first block spans exactly 32 inputs (permute index 31) and whose
    /// second spans more, so the kernel stops part-way through the row.
    static let widths: [(Int, Int, written: Int)] = [
        (1350, 1125, 1120), (1920, 1600, 1584), (100, 83, 80), (33, 40, 32), (100, 40, 0), (60, 31, 16), (69, 34, 16),
        (85, 42, 16),
    ]

    @Test(arguments: 0..<widths.count)
    func vectorRowsEqualTheScalarFormula(_ index: Int) {
        let (inW, outW, written) = Self.widths[index]
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
                var direct = [Float](repeating: 0, count: outW)
                let done = plan.columns.left32.withUnsafeBufferPointer { left in
                    fa_resample_row_avx512(
                        left.baseAddress, plan.columns.fraction, plan.columns.inverse, plan.columns.blockEnd, plan.rows.fraction32[r],
                        plan.rows.inverse32[r], top, bottom, inW, &direct)
                }
                #expect(done == written, "\(inW) → \(outW): the kernel wrote \(done) columns")
            }
        }
    }

    /// No read passes the end of an input row: both rows end at a page followed by an inaccessible one
    /// (a read past it would crash the test process).
    @Test(arguments: [(1350, 1125), (69, 34), (33, 40)])
    func readsNoFurtherThanTheRow(_ widths: (Int, Int)) throws {
        let (inW, outW) = widths
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let size = (2 * inW * 4 + page - 1) / page * page
        let raw = try #require(
            mmap(nil, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0).flatMap { $0 == MAP_FAILED ? nil : $0 })
        defer { munmap(raw, size + page) }
        #expect(mprotect(raw + size, page, PROT_NONE) == 0)
        let floats = raw.bindMemory(to: Float.self, capacity: size / 4)
        let top = floats + size / 4 - 2 * inW
        let bottom = floats + size / 4 - inW
        for x in 0..<(2 * inW) { top[x] = Float(x % 13) }
        let plan = DlibBilinearResize.Plan(input: inW, 2, output: outW, 2)
        var scalar = [Float](repeating: 0, count: outW)
        var vector = [Float](repeating: 0, count: outW)
        plan.row(1, top: top, bottom: bottom, into: &scalar, vector: false)
        plan.row(1, top: top, bottom: bottom, into: &vector, vector: true)
        #expect(scalar.map(\.bitPattern) == vector.map(\.bitPattern))
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
