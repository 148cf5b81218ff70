import CGEMM
import CResample
import CVectorBuild
import FaceAuditGEMM
import Foundation
import Testing

@testable import FaceAuditFace

/// The vector resize rows (`fa_resample_row`: its AVX-512F and AVX2 builds) against the scalar formula,
/// bit for bit, on the pyramid's 5/6 scale and on scales whose blocks need the scalar fallback: every
/// vector build the CPU has (`fa_gemm_best_kernel`, whatever `FACEAUDIT_GEMM` says). Skipped, not
/// passed, on a CPU with neither AVX2 nor AVX-512F.
@Suite(.enabled(if: fa_gemm_best_kernel() != FA_GEMM_NONE, "the CPU has neither AVX2 nor AVX-512F"))
struct ResizeRowTests {
    /// The vector builds to compare.
    static var builds: [fa_vector_build] {
        [FA_BUILD_AVX2, FA_BUILD_AVX512].filter { $0.rawValue <= fa_gemm_best_kernel().rawValue }
    }

    /// Widths in → out, and how many columns the AVX-512F and the AVX2 kernel must write: the pyramid's
    /// 5/6 steps of London and 1080p rows, a short row, an upscale, a scale whose first 16 (and first 8)
    /// columns span more than 32 (16) inputs (scalar only), and ones whose first 16 columns span exactly
    /// 32 inputs (permute index 31) and whose next block spans more, so each kernel stops part-way
    /// through the row, and a strong upscale whose second 8-float load starts past the row (nothing to read).
    static let widths: [(Int, Int, avx512: Int, avx2: Int)] = [
        (1350, 1125, 1120, 1120), (1920, 1600, 1584, 1592), (100, 83, 80, 80), (33, 40, 32, 32), (100, 40, 0, 0),
        (60, 31, 16, 24), (69, 34, 16, 16), (85, 42, 16, 16), (9, 40, 32, 32),
    ]

    /// Runs `build`'s vector kernel directly on row `r`, returning the columns it wrote.
    static func direct(
        _ build: fa_vector_build, _ plan: DlibBilinearResize.Plan, row r: Int, top: UnsafePointer<Float>,
        bottom: UnsafePointer<Float>, width inW: Int, into out: inout [Float]
    ) -> Int {
        plan.columns.left32.withUnsafeBufferPointer { left in
            fa_resample_row(
                build, left.baseAddress, plan.columns.fraction, plan.columns.inverse, plan.columns.blockEnd, plan.rows.fraction32[r],
                plan.rows.inverse32[r], top, bottom, inW, &out)
        }
    }

    @Test(arguments: 0..<widths.count)
    func vectorRowsEqualTheScalarFormula(_ index: Int) {
        let (inW, outW, written512, written256) = Self.widths[index]
        let plan = DlibBilinearResize.Plan(input: inW, 9, output: outW, 7)
        var state: UInt32 = 12345
        let input = (0..<(inW * 9)).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) * 255
        }
        input.withUnsafeBufferPointer { source in
            for build in Self.builds {
                for r in 0..<7 {
                    let top = source.baseAddress! + plan.rows.top[r] * inW
                    let bottom = source.baseAddress! + plan.rows.bottom[r] * inW
                    var scalar = [Float](repeating: -1, count: outW)
                    var vector = [Float](repeating: -2, count: outW)
                    plan.row(r, top: top, bottom: bottom, into: &scalar, build: FA_BUILD_BASELINE)
                    plan.row(r, top: top, bottom: bottom, into: &vector, build: build)
                    #expect(scalar.map(\.bitPattern) == vector.map(\.bitPattern), "\(VectorBuild.name(build)): \(inW) → \(outW), row \(r)")
                    var direct = [Float](repeating: 0, count: outW)
                    let done = Self.direct(build, plan, row: r, top: top, bottom: bottom, width: inW, into: &direct)
                    let written = build == FA_BUILD_AVX512 ? written512 : written256
                    #expect(done == written, "\(VectorBuild.name(build)): \(inW) → \(outW): the build wrote \(done) columns")
                    #expect(direct[..<done].map(\.bitPattern) == scalar[..<done].map(\.bitPattern))
                }
            }
        }
    }

    /// No read passes the end of an input row: the two rows end at a page followed by an inaccessible one,
    /// the top row last and then the bottom row last (a read past it would crash the test process).
    @Test(arguments: [(1350, 1125), (69, 34), (33, 40), (60, 31), (9, 40)], [false, true])
    func readsNoFurtherThanTheRow(_ widths: (Int, Int), topLast: Bool) throws {
        let (inW, outW) = widths
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let size = (2 * inW * 4 + page - 1) / page * page
        let raw = try #require(
            mmap(nil, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0).flatMap { $0 == MAP_FAILED ? nil : $0 })
        defer { munmap(raw, size + page) }
        #expect(mprotect(raw + size, page, PROT_NONE) == 0)
        let floats = raw.bindMemory(to: Float.self, capacity: size / 4)
        let top = floats + size / 4 - (topLast ? inW : 2 * inW)
        let bottom = floats + size / 4 - (topLast ? 2 * inW : inW)
        for x in 0..<inW {
            top[x] = Float(x % 13)
            bottom[x] = Float((x + 5) % 11)
        }
        let plan = DlibBilinearResize.Plan(input: inW, 2, output: outW, 2)
        var scalar = [Float](repeating: 0, count: outW)
        plan.row(1, top: top, bottom: bottom, into: &scalar, build: FA_BUILD_BASELINE)
        for build in Self.builds {
            var vector = [Float](repeating: 0, count: outW)
            plan.row(1, top: top, bottom: bottom, into: &vector, build: build)
            #expect(scalar.map(\.bitPattern) == vector.map(\.bitPattern), "\(VectorBuild.name(build))")
        }
    }

    /// On the pyramid's scale each kernel does every whole block of its width (16 or 8 block columns):
    /// it is not silently skipped in favour of the scalar loop.
    @Test func coversThePyramidsBlocks() {
        let plan = DlibBilinearResize.Plan(input: 1350, 2, output: 1125, 2)
        let row = [Float](repeating: 1, count: 1350)
        for build in Self.builds {
            var out = [Float](repeating: 0, count: 1125)
            let done = row.withUnsafeBufferPointer { row in
                Self.direct(build, plan, row: 0, top: row.baseAddress!, bottom: row.baseAddress!, width: 1350, into: &out)
            }
            let lanes = build == FA_BUILD_AVX512 ? 16 : 8
            #expect(done == plan.columns.blockEnd / lanes * lanes, "\(VectorBuild.name(build))")
            #expect(done > 1000)
        }
    }
}
