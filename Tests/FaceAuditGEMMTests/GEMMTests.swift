import CGEMM
import FaceAuditGEMM
import Testing

/// FaceAudit's own GEMM kernels against a double-precision product, on every edge of their blocking
/// (8×48 and 6×16 register blocks, k blocks of 256, column blocks of 3072).
@Suite struct GEMMTests {
    /// The kernels this CPU can run.
    static var kernels: [fa_gemm_kernel] {
        let best = fa_gemm_best_kernel()
        return [FA_GEMM_AVX2, FA_GEMM_AVX512].filter { $0.rawValue <= best.rawValue }
    }

    struct Case: CustomStringConvertible {
        var m: Int, n: Int, k: Int
        var description: String { "\(m)×\(n)×\(k)" }
    }

    static let shapes: [Case] = [
        Case(m: 1, n: 1, k: 1), Case(m: 7, n: 5, k: 3), Case(m: 8, n: 48, k: 256), Case(m: 9, n: 49, k: 257),
        Case(m: 6, n: 16, k: 17), Case(m: 45, n: 1000, k: 75), Case(m: 33, n: 97, k: 600), Case(m: 1, n: 300, k: 513),
        Case(m: 13, n: 3100, k: 40), Case(m: 3, n: 7, k: 0),
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
                for (alpha, beta) in [(Float(1), Float(0)), (2, 1), (1, 0.5)] {
                    let out = operands.run(kernel, alpha: alpha, beta: beta)
                    var worst = 0.0
                    for i in 0..<shape.m {
                        for j in 0..<shape.n {
                            let old = beta == 0 ? 0 : Double(beta) * Double(operands.c[i * operands.ldc + j])
                            let value = Double(alpha) * sum[i * shape.n + j] + old
                            // k + 2 roundings of at most 2⁻²⁴ of the running magnitude each.
                            let bound = Double(shape.k + 2) * 0x1p-24 * (Double(alpha) * size[i * shape.n + j] + abs(old)) + 1e-30
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

    /// An element's bits do not depend on which block of C it is computed in, nor on how C is split.
    @Test func elementsDoNotDependOnTheBlock() {
        let m = 21, n = 130, k = 600
        let a = Self.values(m * k, seed: 11), b = Self.values(n * k, seed: 12)
        for kernel in Self.kernels {
            var whole = [Float](repeating: 0, count: m * n)
            _ = fa_sgemm(kernel, false, true, m, n, k, 1, a, k, b, k, 0, &whole, n)
            for (i0, j0, rows, columns) in [(0, 0, 1, 1), (5, 17, 9, 50), (13, 60, 8, 70), (20, 129, 1, 1)] {
                var part = [Float](repeating: 0, count: rows * columns)
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        _ = fa_sgemm(
                            kernel, false, true, rows, columns, k, 1, a.baseAddress! + i0 * k, k, b.baseAddress! + j0 * k, k, 0, &part,
                            columns)
                    }
                }
                for r in 0..<rows {
                    for c in 0..<columns { #expect(part[r * columns + c].bitPattern == whole[(i0 + r) * n + j0 + c].bitPattern) }
                }
            }
        }
    }

    /// `BLAS.gemm` gives the same bits on one thread and split over threads.
    @Test func threadedProductsEqualOneThread() {
        let m = 32, n = 5000, k = 300
        let a = Self.values(m * k, seed: 21), b = Self.values(k * n, seed: 22)
        func product(threads: Int) -> [Float] {
            BLAS.setThreads(threads)
            var c = [Float](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        BLAS.gemm(
                            m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!,
                            ldc: n)
                    }
                }
            }
            return c
        }
        let one = product(threads: 1)
        let three = product(threads: 3)
        BLAS.setThreads(1)
        #expect(one.map(\.bitPattern) == three.map(\.bitPattern))
    }

    /// The kernel in use is named in every provenance line.
    @Test func descriptionNamesTheKernel() {
        #expect(BLAS.description.hasPrefix("products: \(BLAS.name(of: BLAS.kernel)); "))
    }
}
