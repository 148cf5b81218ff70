import CGEMM
import Testing

@testable import FaceAuditGEMM

/// Products with B packed once (`fa_sgemm_pack_b`, `fa_sgemm_packed_b`, ``PackedColumns``) against
/// `fa_sgemm`: the same bits, for the whole of C and for C computed a few rows at a time. Skipped, not
/// passed, on a CPU with neither own kernel.
@Suite(.enabled(if: !ownKernels().isEmpty, "the CPU has neither AVX2+FMA nor AVX-512F"))
struct PackedColumnsTests {
    /// `fa_sgemm_packed_b` on row blocks of `rows` rows (the last shorter), packed B reused for all.
    static func blocks(
        _ operands: GEMMTests.Operands, _ kernel: fa_gemm_kernel, rows: Int, alpha: Float, beta: Float
    ) -> [Float] {
        let shape = operands.shape
        var packed = [Float](repeating: .nan, count: fa_sgemm_packed_b_count(kernel, shape.n, shape.k))
        fa_sgemm_pack_b(kernel, operands.transposeB, shape.n, shape.k, operands.b, operands.ldb, &packed)
        var out = operands.c
        operands.a.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { c in
                for i0 in stride(from: 0, to: shape.m, by: rows) {
                    let first = operands.transposeA ? a.baseAddress! + i0 : a.baseAddress! + i0 * operands.lda
                    let done = fa_sgemm_packed_b(
                        kernel, operands.transposeA, min(rows, shape.m - i0), shape.n, shape.k, alpha, first, operands.lda, packed,
                        beta, c.baseAddress! + i0 * operands.ldc, operands.ldc)
                    #expect(done)
                }
            }
        }
        return out
    }

    /// How many elements differ in their bits (a count, so that a failure does not print whole arrays).
    static func differing(_ x: [Float], _ y: [Float]) -> Int {
        x.count == y.count ? zip(x, y).count { $0.bitPattern != $1.bitPattern } : max(x.count, y.count)
    }

    /// Every shape of ``GEMMTests`` (k blocks of 256, column blocks, edge strips), every transposition,
    /// every alpha and beta it uses, whole and in blocks of 1, 5, 8 and 32 rows: `fa_sgemm`'s bits, the
    /// padding of C untouched.
    @Test(arguments: GEMMTests.shapes)
    func givesTheBitsOfOneProduct(_ shape: GEMMTests.Case) {
        for (t, (transposeA, transposeB)) in [(false, false), (true, false), (false, true), (true, true)].enumerated() {
            let operands = GEMMTests.Operands(shape, transposeA: transposeA, transposeB: transposeB, seed: UInt64(t * 10 + 5))
            for kernel in GEMMTests.kernels {
                for (alpha, beta) in [(Float(1), Float(0)), (2, 0), (2, 1), (1, 0.5), (0, 0.5), (-0.5, -1)] {
                    let whole = operands.run(kernel, alpha: alpha, beta: beta)
                    for rows in [max(1, shape.m), 1, 5, 8, 32] {
                        let parts = Self.blocks(operands, kernel, rows: rows, alpha: alpha, beta: beta)
                        #expect(
                            Self.differing(parts, whole) == 0,
                            "kernel \(kernel.rawValue) \(shape) Aᵀ \(transposeA) Bᵀ \(transposeB) α \(alpha) β \(beta) rows \(rows)")
                    }
                }
            }
        }
    }

    /// ``PackedColumns`` packed once and then again for other columns (its room reused): each product
    /// has `BLAS.gemm`'s bits, beta 0 ignoring NaN in C.
    @Test(.enabled(if: PackedColumns.isAvailable, "FACEAUDIT_GEMM=blas: no own kernel"))
    func packedColumnsGiveTheBitsOfBLASGemm() {
        var columns = PackedColumns()
        for (n, k) in [(1100, 128), (300, 600), (1024, 128)] {
            let m = 40
            let a = GEMMTests.values(m * k, seed: UInt64(n)), b = GEMMTests.values(n * k, seed: UInt64(k))
            var whole = [Float](repeating: 0, count: m * n)
            BLAS.gemm(m: m, n: n, k: k, alpha: 2, a: a, lda: k, b: b, ldb: k, beta: 0, c: &whole, ldc: n, transposeB: true)
            b.withUnsafeBufferPointer { columns.pack(n: n, k: k, b: $0.baseAddress!, ldb: k, transposeB: true) }
            var parts = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { a in
                parts.withUnsafeMutableBufferPointer { c in
                    for i0 in stride(from: 0, to: m, by: 32) {
                        let done = columns.product(
                            m: min(32, m - i0), alpha: 2, a: a.baseAddress! + i0 * k, lda: k, beta: 0, c: c.baseAddress! + i0 * n, ldc: n)
                        #expect(done)
                    }
                }
            }
            #expect(Self.differing(parts, whole) == 0, "\(n) columns, k \(k)")
        }
    }
}
