import CGEMM
import Testing

@testable import FaceAuditGEMM

/// The own kernels this CPU can run.
func ownKernels() -> [fa_gemm_kernel] {
    let best = fa_gemm_best_kernel()
    return [FA_GEMM_AVX2, FA_GEMM_AVX512].filter { $0.rawValue <= best.rawValue }
}

/// FaceAudit's own GEMM kernels against a double-precision product, on every edge of their blocking
/// (8×48 and 6×16 register blocks, k blocks of 256, column blocks of 2¹⁸ packed floats: 1008 columns
/// at k ≥ 256, 3072 at k ≤ 85). Skipped, not passed, on a CPU with neither kernel.
@Suite(.enabled(if: !ownKernels().isEmpty, "the CPU has neither AVX2+FMA nor AVX-512F"))
struct GEMMTests {
    /// The kernels this CPU can run.
    static var kernels: [fa_gemm_kernel] { ownKernels() }

    struct Case: CustomStringConvertible {
        var m: Int, n: Int, k: Int
        var description: String { "\(m)×\(n)×\(k)" }
    }

    static let shapes: [Case] = [
        Case(m: 1, n: 1, k: 1), Case(m: 7, n: 5, k: 3), Case(m: 8, n: 48, k: 256), Case(m: 9, n: 49, k: 257),
        Case(m: 6, n: 16, k: 17), Case(m: 45, n: 1000, k: 75), Case(m: 33, n: 97, k: 600), Case(m: 1, n: 300, k: 513),
        Case(m: 13, n: 3100, k: 40), Case(m: 3, n: 7, k: 0), Case(m: 9, n: 1100, k: 300),
    ]

    /// Deterministic values in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(state >> 40) / Float(1 << 23) - 1
        }
    }

    struct Operands {
        let shape: Case
        let transposeA: Bool, transposeB: Bool
        let lda: Int, ldb: Int, ldc: Int
        let a: [Float], b: [Float], c: [Float]

        init(_ shape: Case, transposeA: Bool, transposeB: Bool, seed: UInt64) {
            self.shape = shape
            self.transposeA = transposeA
            self.transposeB = transposeB
            lda = (transposeA ? shape.m : shape.k) + 3
            ldb = (transposeB ? shape.k : shape.n) + 2
            ldc = shape.n + 5
            a = GEMMTests.values((transposeA ? shape.k : shape.m) * lda + 1, seed: seed)
            b = GEMMTests.values((transposeB ? shape.n : shape.k) * ldb + 1, seed: seed + 1)
            c = GEMMTests.values(shape.m * ldc + 1, seed: seed + 2)
        }

        /// op(A)·op(B) in double, and Σ|a·b| per element for the error bound (row-major, m × n).
        func reference() -> (sum: [Double], size: [Double]) {
            var sum = [Double](repeating: 0, count: shape.m * shape.n)
            var size = sum
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    for i in 0..<shape.m {
                        for p in 0..<shape.k {
                            let x = Double(transposeA ? a[p * lda + i] : a[i * lda + p])
                            for j in 0..<shape.n {
                                let y = x * Double(transposeB ? b[j * ldb + p] : b[p * ldb + j])
                                sum[i * shape.n + j] += y
                                size[i * shape.n + j] += abs(y)
                            }
                        }
                    }
                }
            }
            return (sum, size)
        }

        func run(_ kernel: fa_gemm_kernel, alpha: Float, beta: Float, c start: [Float]? = nil) -> [Float] {
            var out = start ?? c
            let done = out.withUnsafeMutableBufferPointer { o in
                fa_sgemm(
                    kernel, transposeA, transposeB, shape.m, shape.n, shape.k, alpha, a, lda, b, ldb, beta, o.baseAddress!, ldc)
            }
            #expect(done)
            return out
        }
    }

    @Test(arguments: shapes)
    func agreesWithTheDoubleProduct(_ shape: Case) {
        for (t, (transposeA, transposeB)) in [(false, false), (true, false), (false, true), (true, true)].enumerated() {
            let operands = Operands(shape, transposeA: transposeA, transposeB: transposeB, seed: UInt64(t * 10 + 1))
            let (sum, size) = operands.reference()
            for kernel in Self.kernels {
                for (alpha, beta) in [(Float(1), Float(0)), (2, 1), (1, 0.5), (0, 0.5), (-0.5, -1)] {
                    let out = operands.run(kernel, alpha: alpha, beta: beta)
                    var worst = 0.0
                    for i in 0..<shape.m {
                        for j in 0..<shape.n {
                            let old = beta == 0 ? 0 : Double(beta) * Double(operands.c[i * operands.ldc + j])
                            let value = Double(alpha) * sum[i * shape.n + j] + old
                            // k + 2 roundings of at most 2⁻²⁴ of the running magnitude each.
                            let bound = Double(shape.k + 2) * 0x1p-24 * (abs(Double(alpha)) * size[i * shape.n + j] + abs(old)) + 1e-30
                            worst = max(worst, abs(Double(out[i * operands.ldc + j]) - value) / bound)
                        }
                    }
                    #expect(worst <= 1, "kernel \(kernel.rawValue) \(shape) Aᵀ \(transposeA) Bᵀ \(transposeB) α \(alpha) β \(beta)")
                }
            }
        }
    }

    /// The padding columns of C and the element after the last are never written.
    @Test(arguments: shapes)
    func writesOnlyC(_ shape: Case) {
        for kernel in Self.kernels {
            let operands = Operands(shape, transposeA: false, transposeB: true, seed: 7)
            let out = operands.run(kernel, alpha: 1, beta: 0)
            for i in 0..<shape.m {
                for j in shape.n..<operands.ldc { #expect(out[i * operands.ldc + j] == operands.c[i * operands.ldc + j]) }
            }
            #expect(out.last == operands.c.last)
        }
    }

    /// beta = 0 does not read C: NaN there does not reach the result.
    @Test func betaZeroIgnoresC() {
        for kernel in Self.kernels {
            let operands = Operands(Case(m: 9, n: 50, k: 300), transposeA: false, transposeB: false, seed: 3)
            let start = [Float](repeating: .nan, count: operands.c.count)
            let out = operands.run(kernel, alpha: 1, beta: 0, c: start)
            for i in 0..<9 { for j in 0..<50 { #expect(out[i * operands.ldc + j].isFinite) } }
        }
    }

    /// AVX2 and AVX-512 run the same FMA chains, so shards computed on machines with either kernel merge
    /// to the same bytes.
    @Test(arguments: shapes)
    func kernelsGiveTheSameBits(_ shape: Case) {
        guard Self.kernels.count == 2 else { return }
        for (transposeA, transposeB) in [(false, false), (true, true), (false, true)] {
            let operands = Operands(shape, transposeA: transposeA, transposeB: transposeB, seed: 31)
            let avx2 = operands.run(FA_GEMM_AVX2, alpha: 2, beta: 0.5)
            let avx512 = operands.run(FA_GEMM_AVX512, alpha: 2, beta: 0.5)
            #expect(avx2.map(\.bitPattern) == avx512.map(\.bitPattern), "\(shape) Aᵀ \(transposeA) Bᵀ \(transposeB)")
        }
    }

    /// An element's bits do not depend on which block of C it is computed in: sub-blocks, including
    /// one across the column-block edge at 1008 and every k block, equal the whole product.
    @Test(arguments: [false, true])
    func elementsDoNotDependOnTheBlock(transposeB: Bool) {
        let m = 21, n = 1100, k = 600
        let a = Self.values(m * k, seed: 11), b = Self.values(n * k, seed: 12)
        let ldb = transposeB ? k : n
        for kernel in Self.kernels {
            var whole = [Float](repeating: 0, count: m * n)
            _ = fa_sgemm(kernel, false, transposeB, m, n, k, 1, a, k, b, ldb, 0, &whole, n)
            for (i0, j0, rows, columns) in [(0, 0, 1, 1), (5, 17, 9, 50), (13, 1000, 8, 100), (20, 1099, 1, 1)] {
                var part = [Float](repeating: 0, count: rows * columns)
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        let first = transposeB ? b.baseAddress! + j0 * k : b.baseAddress! + j0
                        _ = fa_sgemm(
                            kernel, false, transposeB, rows, columns, k, 1, a.baseAddress! + i0 * k, k, first, ldb, 0, &part, columns)
                    }
                }
                for r in 0..<rows {
                    for c in 0..<columns { #expect(part[r * columns + c].bitPattern == whole[(i0 + r) * n + j0 + c].bitPattern) }
                }
            }
        }
    }
}

/// `BLAS.gemm`'s split of large products over threads.
@Suite struct GEMMThreadTests {
    /// Split over 3 column blocks at once, a product gives the one-block bits, for B and Bᵀ (whose blocks
    /// start at other rows). With `FACEAUDIT_GEMM=blas` or no own kernel this compares the BLAS with itself.
    @Test(arguments: [false, true])
    func threadedProductsEqualOneThread(transposeB: Bool) {
        let m = 32, n = 5000, k = 300
        let a = GEMMTests.values(m * k, seed: 21), b = GEMMTests.values(k * n, seed: 22)
        let ldb = transposeB ? k : n
        func product(threads: Int) -> [Float] {
            var c = [Float](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        BLAS.gemm(
                            m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: ldb, beta: 0,
                            c: c.baseAddress!, ldc: n, transposeA: false, transposeB: transposeB, threads: threads)
                    }
                }
            }
            return c
        }
        #expect(product(threads: 1).map(\.bitPattern) == product(threads: 3).map(\.bitPattern))
    }
}
