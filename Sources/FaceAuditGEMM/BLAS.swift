import CBLAS
import CGEMM
import Dispatch
import Foundation

/// Single-precision matrix products, and the CBLAS library beside them.
///
/// Products run on FaceAudit's own register kernels (`Sources/CGEMM`: AVX-512F 8×48, or AVX2+FMA 6×16,
/// chosen from CPUID at run time) and fall back to CBLAS on other CPUs. OpenBLAS 0.3.21, as Debian ships
/// it, does not know recent Xeons and runs its generic SSE3 ("Prescott") kernels there, at a quarter of
/// the machine's rate; the own kernels do not depend on what the BLAS recognises.
///
/// `FACEAUDIT_GEMM=blas`, `avx2` or `avx512` in the environment picks a path (a kernel the CPU lacks falls
/// back to the best it has), for benchmarks and tests.
///
/// FaceAudit links the generic `-lblas`; Debian's alternatives choose reference BLAS or OpenBLAS at
/// run time. OpenBLAS's extras are found with `dlsym`, so the same binary works with either.
public enum BLAS {
    private typealias SetThreads = @convention(c) (CInt) -> Void
    private typealias GetThreads = @convention(c) () -> CInt
    private typealias GetString = @convention(c) () -> UnsafePointer<CChar>?

    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: type)
    }

    /// The path every product takes in this process: the CPU's best kernel, or the one
    /// `FACEAUDIT_GEMM` names if the CPU has it.
    public static let kernel: fa_gemm_kernel = {
        let best = fa_gemm_best_kernel()
        switch ProcessInfo.processInfo.environment["FACEAUDIT_GEMM"] {
        case "blas": return FA_GEMM_NONE
        case "avx2" where best.rawValue >= FA_GEMM_AVX2.rawValue: return FA_GEMM_AVX2
        default: return best
        }
    }()

    /// Whether products run on the own kernels (``kernel`` is not `FA_GEMM_NONE`), whose elements are each
    /// one fused multiply-add chain over k in order, rather than on the BLAS.
    public static var ownKernels: Bool { kernel != FA_GEMM_NONE }

    /// Whether the all-pairs keys may run on AMX tiles (``TileOperands``; the engine also needs tiles
    /// at multiples of 16 and their error bound within half a bin): the CPU has AMX-BF16, Linux grants
    /// the tile state, and `FACEAUDIT_GEMM` is unset or `amx` (`avx512`, `avx2` and `blas` keep the keys
    /// on that path).
    public static let amx: Bool = {
        switch ProcessInfo.processInfo.environment["FACEAUDIT_GEMM"] {
        case nil, "amx": fa_amx_available()
        default: false
        }
    }()

    /// The name of a kernel as reports print it.
    public static func name(of kernel: fa_gemm_kernel) -> String {
        switch kernel {
        case FA_GEMM_AVX512: "FaceAudit AVX-512F 8×48"
        case FA_GEMM_AVX2: "FaceAudit AVX2+FMA 6×16"
        default: "the BLAS's sgemm"
        }
    }

    /// One line naming the product kernel and the BLAS with its kernel, for every report's provenance.
    public static var description: String {
        "products: \(name(of: kernel))\(amx ? ", all-pairs keys on AMX tiles (split bfloat16) where they are within half a bin" : ""); \(library)"
    }

    /// The CBLAS library and the kernel it runs.
    public static var library: String {
        guard let config = symbol("openblas_get_config", as: GetString.self)?(),
            let core = symbol("openblas_get_corename", as: GetString.self)?()
        else { return "reference BLAS (not OpenBLAS)" }
        let name = String(cString: config)
        return "\(name.hasPrefix("OpenBLAS") ? name : "OpenBLAS \(name)"), core: \(String(cString: core))"
    }

    /// Sets the thread count of large products (OpenBLAS's own count, which the own kernels follow);
    /// returns false when the library has no such control.
    @discardableResult
    public static func setThreads(_ count: Int) -> Bool {
        guard let set = symbol("openblas_set_num_threads", as: SetThreads.self) else { return false }
        set(CInt(max(1, count)))
        return true
    }

    /// OpenBLAS's `openblas_get_num_threads`, looked up once.
    private static let getThreads = symbol("openblas_get_num_threads", as: GetThreads.self)

    /// OpenBLAS's thread count, 1 without OpenBLAS.
    static var threads: Int { getThreads.map { max(1, Int($0())) } ?? 1 }

    /// C(m×n) = alpha · op(A) · op(B) + beta·C, row-major, with leading dimensions; op(A) = Aᵀ with
    /// `transposeA` (A stored k×m), op(B) = Bᵀ with `transposeB` (B stored n×k). When beta is 0, C is not
    /// read.
    ///
    /// On the own kernels every element of C depends only on its row of op(A), its column of op(B), k,
    /// alpha and beta (see `fa_sgemm`): not on m, n or the element's place, so splitting C into column
    /// blocks over threads (done when OpenBLAS's thread count is above 1 and the product has at least
    /// 2²² multiply-adds) gives the same bits as one call. (The exception: a block whose packing buffers
    /// cannot be allocated is computed by the BLAS, to its own rounding.)
    public static func gemm(
        m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, transposeA: Bool = false, transposeB: Bool = false
    ) {
        gemm(
            m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, transposeA: transposeA,
            transposeB: transposeB, threads: nil)
    }

    /// ``gemm(m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:transposeA:transposeB:)`` with products of at least 2²²
    /// multiply-adds split over `threads` column blocks (nil: OpenBLAS's thread count).
    static func gemm(
        m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int, transposeA: Bool, transposeB: Bool, threads: Int?
    ) {
        let kernel = kernel
        guard kernel != FA_GEMM_NONE else {
            return blas(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, transposeA, transposeB)
        }
        // fa_sgemm declines only when it cannot allocate its packing buffers, before it touches C; the
        // BLAS then computes that part.
        columnParts(m: m, n: n, k: k, threads: threads) { j0, columns in
            let bPart = transposeB ? b + j0 * ldb : b + j0
            if !fa_sgemm(kernel, transposeA, transposeB, m, columns, k, alpha, a, lda, bPart, ldb, beta, c + j0, ldc) {
                blas(
                    m: m, n: columns, k: k, alpha: alpha, a: a, lda: lda, b: bPart, ldb: ldb, beta: beta, c: c + j0, ldc: ldc,
                    transposeA, transposeB)
            }
        }
    }

    /// C(m×n) = Σ_{g < groups} A_g(m×k) · B_g(k×n), row-major, C written (not read): a product whose B is
    /// a few shifted views of one buffer, as a strided convolution's kernel rows are. A_g's element (i, p)
    /// is `a[g·aGroupStride + i·lda + p]`; B_g's element (p, j) is `b[bOffsets[g] + p·ldb + j]`, and no
    /// row of B is read beyond column n.
    ///
    /// On the own kernels (`fa_sgemm_grouped`) B is read in place, not packed, and C is written once:
    /// each element is one fused multiply-add chain from 0 over g, then p, so its bits do not depend on
    /// its place, on the column split over threads (as in ``gemm(m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:transposeA:transposeB:)``)
    /// or on the kernel. Without them (or past 64 groups) it is one product per group, the later ones
    /// added into C, to that path's rounding.
    public static func groupedProduct(
        m: Int, n: Int, k: Int, groups: Int, a: UnsafePointer<Float>, lda: Int, aGroupStride: Int, b: UnsafePointer<Float>,
        bOffsets: [Int], ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        groupedProduct(
            m: m, n: n, k: k, groups: groups, a: a, lda: lda, aGroupStride: aGroupStride, b: b, bOffsets: bOffsets, ldb: ldb, c: c,
            ldc: ldc, threads: nil)
    }

    /// ``groupedProduct(m:n:k:groups:a:lda:aGroupStride:b:bOffsets:ldb:c:ldc:)`` with at least 2²²
    /// multiply-adds split over `threads` column blocks (nil: OpenBLAS's thread count).
    static func groupedProduct(
        m: Int, n: Int, k: Int, groups: Int, a: UnsafePointer<Float>, lda: Int, aGroupStride: Int, b: UnsafePointer<Float>,
        bOffsets: [Int], ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int?
    ) {
        precondition(bOffsets.count == groups, "one offset of B per group")
        let kernel = kernel
        let offsets = bOffsets
        /// One product per group, the later ones added into C: the path without the own kernels.
        func perGroup(_ j0: Int, _ columns: Int, threads: Int?) {
            for g in 0..<groups {
                gemm(
                    m: m, n: columns, k: k, alpha: 1, a: a + g * aGroupStride, lda: lda, b: b + offsets[g] + j0, ldb: ldb,
                    beta: g == 0 ? 0 : 1, c: c + j0, ldc: ldc, transposeA: false, transposeB: false, threads: threads)
            }
            if groups == 0 {
                for i in 0..<m { (c + j0 + i * ldc).update(repeating: 0, count: columns) }
            }
        }
        // On the BLAS path the BLAS threads each product itself, as in `gemm`.
        guard kernel != FA_GEMM_NONE else { return perGroup(0, n, threads: threads) }
        columnParts(m: m, n: n, k: k * groups, threads: threads) { j0, columns in
            let done = offsets.withUnsafeBufferPointer { o in
                fa_sgemm_grouped(kernel, m, columns, k, groups, a, lda, aGroupStride, b + j0, o.baseAddress, ldb, c + j0, ldc)
            }
            if !done { perGroup(j0, columns, threads: 1) }
        }
    }

    /// Runs `part(firstColumn, columns)` over column blocks of C: one block, or with `threads` (nil:
    /// OpenBLAS's count) above 1 and at least 2²² multiply-adds, one block per thread (multiples of 48
    /// columns) at once.
    static func columnParts(m: Int, n: Int, k: Int, threads: Int?, _ part: (Int, Int) -> Void) {
        let threads = m * n * k >= 1 << 22 ? min(threads ?? Self.threads, max(1, n / 96)) : 1
        if threads == 1 { return part(0, n) }
        let step = ((n + threads - 1) / threads + 47) / 48 * 48
        nonisolated(unsafe) let run = part
        DispatchQueue.concurrentPerform(iterations: (n + step - 1) / step) { index in
            run(index * step, min(step, n - index * step))
        }
    }

    private static func blas(
        m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int, _ transposeA: Bool, _ transposeB: Bool
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n),
            Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
