import FaceAuditGEMM

/// Which build of FaceAuditNN's C loops (the `CNNKernels` target: Winograd tile transforms, pooling
/// windows, strided row copies) runs: the AVX-512F one where the product kernels use AVX-512F
/// (`BLAS.hasAVX512`: the CPU has it and `FACEAUDIT_GEMM` does not ask for `blas` or `avx2`), the
/// baseline x86-64 one otherwise. Both are the same loops without contraction or reassociation, so they
/// give the same bits.
enum VectorKernels {
    /// The `avx512` argument of every `CNNKernels` call.
    static let avx512: Int32 = BLAS.hasAVX512 ? 1 : 0
}
