import CGEMM
import Foundation
import Testing

@testable import FaceAuditGEMM

/// `fa_sgemm_grouped` (C = Σ_g A_g · B_g with every B_g a view into one buffer, read in place) against a
/// double-precision sum, on shapes at the edges of its 8×48 and 6×16 register blocks and with the
/// detector's stride-2 layers' shapes. Skipped, not passed, on a CPU with neither kernel.
@Suite(.enabled(if: !ownKernels().isEmpty, "the CPU has neither AVX2+FMA nor AVX-512F"))
struct GroupedProductTests {
    struct Case: CustomStringConvertible, Sendable {
        var m: Int, n: Int, k: Int, groups: Int
        var description: String { "\(m)×\(n), \(groups) groups of k = \(k)" }
    }

    static let shapes: [Case] = [
        Case(m: 1, n: 1, k: 1, groups: 1), Case(m: 16, n: 47, k: 15, groups: 5), Case(m: 32, n: 1440, k: 80, groups: 5),
        Case(m: 13, n: 97, k: 3, groups: 25), Case(m: 9, n: 48, k: 7, groups: 2), Case(m: 7, n: 17, k: 300, groups: 3),
        Case(m: 32, n: 100, k: 160, groups: 5),
    ]

    /// Operands: A_g at g·(m·lda), lda = k + 2; B_g at offsets that overlap (as a convolution's kernel rows
    /// do) inside one buffer of row length ldb = n + 3; C with ldc = n + 4.
    struct Operands {
        let shape: Case
        let lda: Int, groupStride: Int, ldb: Int, ldc: Int
        let offsets: [Int]
        let a: [Float], b: [Float], c: [Float]

        init(_ shape: Case, seed: UInt64) {
            self.shape = shape
            lda = shape.k + 2
            groupStride = shape.m * lda
            self.ldb = shape.n + 3
            ldc = shape.n + 4
            let ldb = shape.n + 3
            let offsets = (0..<shape.groups).map { g in (g % 3) * ldb + g / 3 * 5 + g % 2 }
            self.offsets = offsets
            a = GEMMTests.values(shape.groups * shape.m * (shape.k + 2), seed: seed)
            b = GEMMTests.values(offsets.max()! + shape.k * ldb + 1, seed: seed + 1)
            c = GEMMTests.values(shape.m * ldc, seed: seed + 2)
        }

        func reference() -> (sum: [Double], size: [Double]) {
            var sum = [Double](repeating: 0, count: shape.m * shape.n)
            var size = sum
            for g in 0..<shape.groups {
                for i in 0..<shape.m {
                    for p in 0..<shape.k {
                        let x = Double(a[g * groupStride + i * lda + p])
                        for j in 0..<shape.n {
                            let y = x * Double(b[offsets[g] + p * ldb + j])
                            sum[i * shape.n + j] += y
                            size[i * shape.n + j] += abs(y)
                        }
                    }
                }
            }
            return (sum, size)
        }

        func run(_ kernel: fa_gemm_kernel, c start: [Float]? = nil) -> [Float] {
            var out = start ?? c
            let done = out.withUnsafeMutableBufferPointer { o in
                fa_sgemm_grouped(
                    kernel, shape.m, shape.n, shape.k, shape.groups, a, lda, groupStride, b, offsets, ldb, o.baseAddress!, ldc)
            }
            #expect(done)
            return out
        }
    }

    @Test(arguments: shapes)
    func agreesWithTheDoubleSum(_ shape: Case) {
        let operands = Operands(shape, seed: 41)
        let (sum, size) = operands.reference()
        for kernel in ownKernels() {
            let out = operands.run(kernel)
            var worst = 0.0
            for i in 0..<shape.m {
                for j in 0..<shape.n {
                    let bound = Double(shape.k * shape.groups + 1) * 0x1p-24 * size[i * shape.n + j] + 1e-30
                    worst = max(worst, abs(Double(out[i * operands.ldc + j]) - sum[i * shape.n + j]) / bound)
                }
                // C's padding columns are never written.
                for j in shape.n..<operands.ldc { #expect(out[i * operands.ldc + j] == operands.c[i * operands.ldc + j]) }
            }
            #expect(worst <= 1, "kernel \(kernel.rawValue) \(shape)")
        }
    }

    /// C is written, never read: NaN there does not reach the result. With no product (k = 0) C is zero.
    @Test func cIsWrittenNotRead() {
        for shape in [Case(m: 9, n: 50, k: 30, groups: 4), Case(m: 5, n: 60, k: 0, groups: 3)] {
            let operands = Operands(shape, seed: 5)
            for kernel in ownKernels() {
                let out = operands.run(kernel, c: [Float](repeating: .nan, count: operands.c.count))
                for i in 0..<shape.m {
                    for j in 0..<shape.n {
                        #expect(out[i * operands.ldc + j].isFinite)
                        if shape.k == 0 { #expect(out[i * operands.ldc + j] == 0) }
                    }
                }
            }
        }
    }

    /// One group of k ≤ 256 runs the same chain as `fa_sgemm` with beta 0: the same bits.
    @Test func oneGroupIsTheProduct() {
        let operands = Operands(Case(m: 19, n: 150, k: 200, groups: 1), seed: 9)
        for kernel in ownKernels() {
            var product = operands.c
            _ = fa_sgemm(
                kernel, false, false, 19, 150, 200, 1, operands.a, operands.lda, operands.b, operands.ldb, 0, &product, operands.ldc)
            #expect(operands.run(kernel).map(\.bitPattern) == product.map(\.bitPattern))
        }
    }

    /// The same bits with AVX2 and AVX-512, and for any column block of C computed alone.
    @Test(arguments: shapes)
    func bitsDoNotDependOnKernelOrBlock(_ shape: Case) {
        let operands = Operands(shape, seed: 17)
        let kernels = ownKernels()
        let whole = operands.run(kernels.last!)
        if kernels.count == 2 { #expect(operands.run(kernels[0]).map(\.bitPattern) == whole.map(\.bitPattern)) }
        for (j0, columns) in [(0, 1), (shape.n / 3, shape.n - shape.n / 3), (shape.n - 1, 1)] {
            var part = [Float](repeating: 0, count: shape.m * columns)
            let done = operands.b.withUnsafeBufferPointer { b in
                fa_sgemm_grouped(
                    kernels.last!, shape.m, columns, shape.k, shape.groups, operands.a, operands.lda, operands.groupStride,
                    b.baseAddress! + j0, operands.offsets, operands.ldb, &part, columns)
            }
            #expect(done)
            for i in 0..<shape.m {
                for j in 0..<columns { #expect(part[i * columns + j].bitPattern == whole[i * operands.ldc + j0 + j].bitPattern) }
            }
        }
    }

    /// Every element is one fused multiply-add chain over the groups, then k, from 0: exactly that chain,
    /// bit for bit, in every kernel. The shapes cover a product's last 1–16 columns: AVX-512F runs 5–16
    /// of them 16 rows by 16 columns, over odd and even counts of 8-row strips. The last one to four
    /// columns (n = 1–4, and of n = 17–20, 33, 49, 50, 81 and 100) run against eight to two strips at a
    /// time (6-row strips with AVX2, 8-row with AVX-512F): m = 49 and 100 need more than one call, and
    /// k = 1 runs AVX2's masked last load alone. With AVX-512F a last strip of 17–36 columns (n = 17–20,
    /// 33, 81) runs as 16-wide panels read in place before them.
    @Test(arguments: [1, 2, 3, 4, 15, 16, 17, 20, 33, 49, 50, 64, 81, 100])
    func narrowColumnsAreTheChain(_ n: Int) {
        for (m, k, groups) in [
            (1, 7, 1), (8, 300, 1), (9, 3, 3), (16, 40, 2), (17, 1, 5), (24, 33, 1), (40, 12, 3), (49, 20, 2), (100, 9, 1), (13, 1, 1),
        ] {
            let operands = Operands(Case(m: m, n: n, k: k, groups: groups), seed: UInt64(7 * m + n))
            var chain = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Float = 0
                    for g in 0..<groups {
                        for p in 0..<k {
                            let x = operands.a[g * operands.groupStride + i * operands.lda + p]
                            sum = sum.addingProduct(x, operands.b[operands.offsets[g] + p * operands.ldb + j])
                        }
                    }
                    chain[i * n + j] = sum
                }
            }
            for kernel in ownKernels() {
                let out = operands.run(kernel)
                let same = (0..<m).allSatisfy { i in
                    (0..<n).allSatisfy { j in out[i * operands.ldc + j].bitPattern == chain[i * n + j].bitPattern }
                }
                #expect(same, "kernel \(kernel.rawValue), \(m)×\(n), \(groups) groups of k = \(k)")
                let untouched = (0..<m).allSatisfy { i in
                    (n..<operands.ldc).allSatisfy { j in out[i * operands.ldc + j] == operands.c[i * operands.ldc + j] }
                }
                #expect(untouched, "C's padding columns are never written")
            }
        }
    }

    /// No row of B is read beyond column n: B's last row ends at a page that is followed by an
    /// inaccessible one (a read past it would crash the test process). n covers whole strips read in
    /// place (multiples of 48 and 16), a narrow last strip, and thin last columns after 16-wide panels
    /// read in place (20, 33).
    @Test(arguments: [16, 32, 48, 96, 50, 20, 33])
    func readsNoFurtherThanColumnN(_ n: Int) throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let m = 8, k = 3, groups = 2, ldb = 100
        let floats = page / 4
        let raw = try #require(
            mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0).flatMap { $0 == MAP_FAILED ? nil : $0 })
        defer { munmap(raw, 2 * page) }
        #expect(mprotect(raw + page, page, PROT_NONE) == 0)
        let memory = raw.bindMemory(to: Float.self, capacity: floats)
        for i in 0..<floats { memory[i] = Float(i % 7) - 3 }
        // The second group's last row, columns 0..<n, ends at the last float of the readable page.
        let offsets = [0, floats - n - (k - 1) * ldb]
        let a = GEMMTests.values(groups * m * k, seed: 3)
        for kernel in ownKernels() {
            var c = [Float](repeating: 0, count: m * n)
            #expect(fa_sgemm_grouped(kernel, m, n, k, groups, a, k, m * k, memory, offsets, ldb, &c, n))
            var expected = [Float](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { a in
                for g in 0..<groups {
                    _ = fa_sgemm(kernel, false, false, m, n, k, 1, a.baseAddress! + g * m * k, k, memory + offsets[g], ldb, 1, &expected, n)
                }
            }
            for index in 0..<(m * n) { #expect(abs(c[index] - expected[index]) <= 1e-4) }
        }
    }

    /// Past 64 groups `fa_sgemm_grouped` declines and `BLAS.groupedProduct` runs one product per group
    /// (the path of CPUs without the own kernels): the same sum, to that path's rounding.
    @Test func manyGroupsTakeThePerGroupPath() {
        let shape = Case(m: 10, n: 70, k: 2, groups: 65)
        let operands = Operands(shape, seed: 29)
        var declined = operands.c
        #expect(
            !fa_sgemm_grouped(
                ownKernels().last!, shape.m, shape.n, shape.k, shape.groups, operands.a, operands.lda, operands.groupStride, operands.b,
                operands.offsets, operands.ldb, &declined, operands.ldc))
        let c = operands.viaBLAS(threads: nil)
        let (sum, size) = operands.reference()
        for i in 0..<shape.m {
            for j in 0..<shape.n {
                let bound = Double(shape.k * shape.groups + 1) * 0x1p-24 * size[i * shape.n + j] + 1e-30
                #expect(abs(Double(c[i * operands.ldc + j]) - sum[i * shape.n + j]) <= bound)
            }
        }
    }

    /// A packed once (`PackedWeights`, `fa_sgemm_pack_grouped_a`) gives `BLAS.groupedProduct`'s bits, on
    /// every shape, and again on a second product with the same weights.
    @Test(arguments: shapes)
    func packedWeightsGiveTheSameBits(_ shape: Case) {
        let operands = Operands(shape, seed: 31)
        // A_g contiguous (m×k each, one after another) after a few floats that are not part of it.
        var storage = [Float](repeating: .nan, count: 3)
        for g in 0..<shape.groups {
            for i in 0..<shape.m { storage += operands.a[(g * operands.groupStride + i * operands.lda)...].prefix(shape.k) }
        }
        let packed = PackedWeights(m: shape.m, k: shape.k, groups: shape.groups, storage: storage, offset: 3)
        let expected = operands.viaBLAS(threads: nil).map(\.bitPattern)
        for _ in 0..<2 {
            var out = [Float](repeating: .nan, count: shape.m * operands.ldc)
            operands.b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    packed.product(
                        n: shape.n, b: b.baseAddress!, bOffsets: operands.offsets, ldb: operands.ldb, c: o.baseAddress!, ldc: operands.ldc)
                }
            }
            #expect(out.map(\.bitPattern) == expected, "\(shape)")
        }
    }

    /// Split over 3 column blocks at once (`BLAS.groupedProduct`), the product gives the one-block bits.
    @Test func threadedEqualsOneThread() {
        let operands = Operands(Case(m: 32, n: 5000, k: 80, groups: 5), seed: 23)
        #expect(operands.viaBLAS(threads: 1).map(\.bitPattern) == operands.viaBLAS(threads: 3).map(\.bitPattern))
    }
}

extension GroupedProductTests.Operands {
    /// The product through `BLAS.groupedProduct`, C starting as NaN.
    func viaBLAS(threads: Int?) -> [Float] {
        var out = [Float](repeating: .nan, count: shape.m * ldc)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    BLAS.groupedProduct(
                        m: shape.m, n: shape.n, k: shape.k, groups: shape.groups, a: a.baseAddress!, lda: lda, aGroupStride: groupStride,
                        b: b.baseAddress!, bOffsets: offsets, ldb: ldb, c: o.baseAddress!, ldc: ldc, threads: threads)
                }
            }
        }
        return out
    }
}
