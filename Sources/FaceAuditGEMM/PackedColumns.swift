import CGEMM

/// The right operand op(B) (k × n) of products C = alpha · op(A) · op(B), packed once for the process's
/// own kernel (`fa_sgemm_pack_b`), so that C can be computed a few rows at a time without packing B for
/// every block: each block's products then stay in the cache for whoever reads them next.
///
/// ``product(m:alpha:a:lda:transposeA:beta:c:ldc:)`` gives the bits ``BLAS/gemm(m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:transposeA:transposeB:)``
/// gives for the same rows on the own kernels, for any split of C's rows (`fa_sgemm_packed_b`). It is
/// single-threaded. On the BLAS path (no own kernel) nothing is packed and every product declines:
/// callers check ``isAvailable`` and use `BLAS.gemm` there.
public struct PackedColumns: ~Copyable {
    /// Columns of op(B) (and of C).
    public private(set) var n = 0
    /// Rows of op(B) (the products' depth).
    public private(set) var k = 0
    /// op(B) packed for `kernel`, 64-byte aligned (the kernel reads whole cache lines); its room is kept
    /// from one packing to the next.
    private var packed: UnsafeMutablePointer<Float>?
    private var room = 0
    private let kernel = BLAS.kernel

    /// An empty operand, to be filled by ``pack(n:k:b:ldb:transposeB:)``.
    public init() {}

    deinit { packed?.deallocate() }

    /// Whether this process's products run on an own kernel, so that B can be packed.
    public static var isAvailable: Bool { BLAS.kernel != FA_GEMM_NONE }

    /// Packs op(B): B (stored k × n) or, with `transposeB`, Bᵀ (B stored n × k), leading dimension
    /// `ldb`. Needs ``isAvailable``.
    public mutating func pack(n: Int, k: Int, b: UnsafePointer<Float>, ldb: Int, transposeB: Bool) {
        precondition(Self.isAvailable, "B is packed for an own kernel only")
        let count = fa_sgemm_packed_b_count(kernel, n, k)
        if room < count {
            packed?.deallocate()
            packed = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
                .bindMemory(to: Float.self, capacity: count)
            room = count
        }
        fa_sgemm_pack_b(kernel, transposeB, n, k, b, ldb, packed)
        self.n = n
        self.k = k
    }

    /// C(m × n) = alpha · op(A) · op(B) + beta · C, row-major: op(A) is A (stored m × k) or, with
    /// `transposeA`, Aᵀ (A stored k × m). When beta is 0, C is not read. Returns false, C unchanged,
    /// when A's packing buffer cannot be allocated; the caller then computes the block with `BLAS.gemm`.
    public func product(
        m: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) -> Bool {
        guard m > 0 else { return true }
        precondition(packed != nil, "B is packed before a product")
        return fa_sgemm_packed_b(kernel, transposeA, m, n, k, alpha, a, lda, packed, beta, c, ldc)
    }
}
