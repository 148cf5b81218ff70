import CBLAS
import Foundation

/// The CBLAS library in use, and control over its threads where the library allows it.
///
/// FaceAudit links the generic `-lblas`; Debian's alternatives choose reference BLAS or OpenBLAS at
/// run time. OpenBLAS's extras are found with `dlsym`, so the same binary works with either.
public enum BLAS {
    private typealias SetThreads = @convention(c) (CInt) -> Void
    private typealias GetString = @convention(c) () -> UnsafePointer<CChar>?

    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: type)
    }

    /// One line naming the library and the kernel that runs, for every report's provenance.
    public static var description: String {
        guard let config = symbol("openblas_get_config", as: GetString.self)?(),
            let core = symbol("openblas_get_corename", as: GetString.self)?()
        else { return "reference BLAS (not OpenBLAS)" }
        return "OpenBLAS \(String(cString: config)), core: \(String(cString: core))"
    }

    /// Sets OpenBLAS's thread count; returns false when the library has no such control.
    @discardableResult
    public static func setThreads(_ count: Int) -> Bool {
        guard let set = symbol("openblas_set_num_threads", as: SetThreads.self) else { return false }
        set(CInt(max(1, count)))
        return true
    }

    /// C(m×n) = A(m×k) · B(k×n) + beta·C, row-major, with leading dimensions.
    @inlinable
    static func gemm(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int, transposeA: Bool = false
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b,
            Int32(ldb), beta, c, Int32(ldc))
    }
}
