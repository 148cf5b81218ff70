import CGEMM
import CNNKernels
import FaceAuditGEMM

/// Which build of FaceAuditNN's C loops (the `CNNKernels` target: Winograd tile transforms, pooling
/// windows, strided row copies) runs: the one that matches the products' kernel (``BLAS/kernel``:
/// the best the CPU has, unless `FACEAUDIT_GEMM` asks for `blas` or `avx2`), so AVX-512F with the
/// AVX-512F kernel, AVX2 with the AVX2+FMA one, baseline x86-64 otherwise. Every build is the same
/// loops without contraction or reassociation, so they give the same bits.
enum VectorKernels {
    /// The `build` argument of every `CNNKernels` call. Chosen once, as ``BLAS/kernel`` is.
    static let build: fa_nn_build =
        switch BLAS.kernel {
        case FA_GEMM_AVX512: FA_NN_AVX512
        case FA_GEMM_AVX2: FA_NN_AVX2
        default: FA_NN_BASELINE
        }

    /// Whether the chunk transforms that gather 16 tiles at a time (`fa_winograd_input_gather`,
    /// `fa_winograd_output_scatter`, AVX-512F only) can run.
    static var gathers: Bool { build == FA_NN_AVX512 }
}
