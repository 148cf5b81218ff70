#ifndef FA_PAIRS_BUILD_H
#define FA_PAIRS_BUILD_H

/// Which build of a pair-score loop runs (`fa_pair_sums`, `fa_bin_row`): each is written once and
/// compiled for baseline x86-64, for AVX2 with FMA, and for AVX-512F. Every build gives the same bits;
/// call one only where the CPU has its instructions. The values are `fa_gemm_kernel`'s, so a caller can
/// follow the products' switch.
typedef enum {
    /// Baseline x86-64 (SSE2), or the only build off x86-64.
    FA_PAIRS_BASELINE = 0,
    /// AVX2 with FMA.
    FA_PAIRS_AVX2 = 1,
    /// AVX-512F.
    FA_PAIRS_AVX512 = 2,
} fa_pairs_build;

#endif
