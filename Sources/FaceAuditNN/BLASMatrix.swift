import FaceAuditGEMM

/// Matrix products used outside convolutions.
public enum BLASMatrix {
    /// C(m×n) = Aᵀ · B where A is stored k×m (row-major, leading dimension lda).
    public static func multiplyTransposedA(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>,
        ldc: Int
    ) {
        BLAS.gemm(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: c, ldc: ldc, transposeA: true)
    }
}
