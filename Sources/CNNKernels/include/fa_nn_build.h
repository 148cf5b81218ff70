#ifndef FA_NN_BUILD_H
#define FA_NN_BUILD_H

/// Which build of a `CNNKernels` loop runs (the `build` argument of `fa_pool_row`, `fa_sample_row`,
/// `fa_sample_pair`, `fa_winograd_input`, `fa_winograd_output`, `fa_winograd_row_input` and
/// `fa_winograd_row_output`): each is written once and compiled for baseline x86-64, for AVX2 with FMA
/// and for AVX-512F, with contraction off, so every build gives the same bits. Call one only where the
/// CPU has its instructions. The values are `fa_gemm_kernel`'s (and `fa_pairs_build`'s), so a caller
/// can follow the products' switch.
typedef enum {
    /// Baseline x86-64 (SSE2), or the only build off x86-64.
    FA_NN_BASELINE = 0,
    /// AVX2 with FMA (no contraction: the FMA target only widens the vectors).
    FA_NN_AVX2 = 1,
    /// AVX-512F.
    FA_NN_AVX512 = 2,
} fa_nn_build;

#endif
