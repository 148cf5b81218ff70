import CGEMM

/// The left operand of ``BLAS/groupedProduct(m:n:k:groups:a:lda:aGroupStride:b:bOffsets:ldb:c:ldc:)``
/// packed once for the process's kernel (`fa_sgemm_pack_grouped_a`), for a layer whose weights meet many
/// right operands: every product then only reads B and writes C.
///
/// ``product(n:b:bOffsets:ldb:c:ldc:)`` gives the bits `groupedProduct` gives with the unpacked A, on every
/// path: on the BLAS path (no own kernel) it runs `groupedProduct` on the unpacked copy it keeps.
public struct PackedWeights: Sendable {
    /// Rows of A (and of C).
    public let m: Int
    /// Columns of each A_g.
    public let k: Int
    /// Groups.
    public let groups: Int
    /// A_g, row-major, m×k each, one after another from `offset`: the caller's array, shared, not copied.
    let plain: [Float]
    let offset: Int
    /// A packed for `kernel`; empty on the BLAS path.
    let packed: [Float]
    let kernel: fa_gemm_kernel

    /// Packs A_g(m×k), g < groups, whose element (i, p) is `storage[offset + (g·m + i)·k + p]`. The array is
    /// kept (shared, not copied) for the BLAS path.
    public init(m: Int, k: Int, groups: Int = 1, storage: [Float], offset: Int = 0) {
        precondition(m >= 0 && k >= 0 && groups >= 1, "a packed A needs m, k ≥ 0 and a group")
        precondition(offset >= 0 && offset + groups * m * k <= storage.count, "A lies outside its storage")
        self.m = m
        self.k = k
        self.groups = groups
        plain = storage
        self.offset = offset
        let kernel = groups <= FA_GEMM_MAX_GROUPS ? BLAS.kernel : FA_GEMM_NONE
        self.kernel = kernel
        let count = fa_sgemm_packed_a_count(kernel, m, k, groups)
        var packed = [Float](repeating: 0, count: count)
        if count > 0 {
            storage.withUnsafeBufferPointer { a in
                packed.withUnsafeMutableBufferPointer {
                    fa_sgemm_pack_grouped_a(kernel, m, k, groups, a.baseAddress! + offset, k, m * k, $0.baseAddress)
                }
            }
        }
        self.packed = packed
    }

    /// C(m×n) = A · B for one group, B's element (p, j) at `b[p·ldb + j]`: the product of
    /// ``product(n:b:bOffsets:ldb:c:ldc:)`` with offset 0, without building an offsets array per call.
    public func product(n: Int, b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        product(n: n, b: b, bOffsets: Self.oneGroup, ldb: ldb, c: c, ldc: ldc)
    }

    /// The offsets of one group at the start of B.
    private static let oneGroup = [0]

    /// C(m×n) = Σ_g A_g · B_g with B_g's element (p, j) at `b[bOffsets[g] + p·ldb + j]`, C written (not
    /// read): ``BLAS/groupedProduct(m:n:k:groups:a:lda:aGroupStride:b:bOffsets:ldb:c:ldc:)``'s result, bit
    /// for bit, with the same split of C's columns over threads.
    public func product(n: Int, b: UnsafePointer<Float>, bOffsets: [Int], ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(bOffsets.count == groups, "one offset of B per group")
        guard !packed.isEmpty else {
            return plain.withUnsafeBufferPointer { a in
                BLAS.groupedProduct(
                    m: m, n: n, k: k, groups: groups, a: a.baseAddress! + offset, lda: k, aGroupStride: m * k, b: b, bOffsets: bOffsets,
                    ldb: ldb,
                    c: c, ldc: ldc)
            }
        }
        packed.withUnsafeBufferPointer { ap in
            plain.withUnsafeBufferPointer { a in
                bOffsets.withUnsafeBufferPointer { o in
                    BLAS.columnParts(m: m, n: n, k: k * groups, threads: nil) { j0, columns in
                        // Declined only when its B panel cannot be allocated, before C is touched.
                        if !fa_sgemm_grouped_packed(kernel, m, columns, k, groups, ap.baseAddress, b + j0, o.baseAddress, ldb, c + j0, ldc)
                        {
                            BLAS.groupedProduct(
                                m: m, n: columns, k: k, groups: groups, a: a.baseAddress! + offset, lda: k, aGroupStride: m * k, b: b + j0,
                                bOffsets: bOffsets, ldb: ldb, c: c + j0, ldc: ldc, threads: 1)
                        }
                    }
                }
            }
        }
    }
}
