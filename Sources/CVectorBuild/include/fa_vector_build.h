#ifndef FA_VECTOR_BUILD_H
#define FA_VECTOR_BUILD_H

/// Which build of one of FaceAudit's C vector loops runs: the `build` argument of every loop in
/// `CNNKernels` (Winograd tile transforms, pooling windows, strided row copies), `CPairScores` (pair sums
/// and bins) and `CResample` (the pyramid's resize rows). The loops of the first two are written once and
/// compiled for baseline x86-64, for AVX2 with FMA and for AVX-512F (`twice.h`); CResample's rows are
/// written with intrinsics for AVX2 and AVX-512F, and its baseline build leaves them to the caller's
/// scalar loop. Every build gives the same bits; call a build only where the CPU has its instructions.
/// The values are `fa_gemm_kernel`'s, so a caller can follow the products' kernel (FaceAuditGEMM's
/// `VectorBuild.current` does, once per process).
typedef enum {
    /// Baseline x86-64 (SSE2), or the only build off x86-64.
    FA_BUILD_BASELINE = 0,
    /// AVX2 with FMA.
    FA_BUILD_AVX2 = 1,
    /// AVX-512F.
    FA_BUILD_AVX512 = 2,
} fa_vector_build;

/// The build's name, for messages: "baseline", "AVX2+FMA" or "AVX-512F".
const char *fa_vector_build_name(fa_vector_build build);

#endif
