// How a vector loop of CNNKernels or CPairScores (both include this) is written once and built three
// times.
//
// A kernel's body is a `BODY` function of plain loops. Wrappers marked `AVX512` and `AVX2_FMA` call it;
// the body is inlined there and the compiler vectorises its loops 16 lanes wide with AVX-512F, or 8 wide
// with AVX2. The public function calls one of the wrappers or the body itself (baseline x86-64) as its
// `build` argument says (`fa_vector_build`, include/fa_vector_build.h). Files that include this turn
// contraction off, and nothing is built with -ffast-math, so the builds do the same float operations in
// the same order and give the same bits (the FMA target only widens the vectors; CPairScores' sums use
// fused multiply-adds where they say so).
#ifndef FA_TWICE_H
#define FA_TWICE_H

#define BODY static inline __attribute__((always_inline))

#if defined(__x86_64__)
#define AVX512 static __attribute__((target("avx512f")))
/// The AVX2 build (with FMA, as the products' AVX2 kernel).
#define AVX2_FMA static __attribute__((target("avx2,fma")))
#else
#define AVX512 static
#define AVX2_FMA static
#endif

/// Before a contiguous loop over one row of a small map (often fewer than 16 or 32 iterations):
/// vectorised with masked lanes for the remainder instead of a scalar tail, one vector per step.
#ifndef ROW_LOOP
#define ROW_LOOP _Pragma("clang loop vectorize_predicate(enable) interleave_count(1)")
#endif

/// A contiguous row loop (the arguments after `masked`) as ROW_LOOP vectorises it where `masked` is true,
/// and else vectorised with a scalar remainder (`masked` is a constant once the body is inlined into a
/// build's wrapper, so one loop is left). The AVX2 build passes false: its masked lanes are
/// `vmaskmovps`, and masked stores are slow on AMD Zen cores. On an AMD EPYC (Zen 3) the descriptor
/// network (`Benchmarks/Tools/DescriptorLayers --whole-only`, four alternating runs of each build of
/// the program, best of 20 each) took a median 8.4 ms a face at batch 1 and 6.2 at batch 32 with the
/// Winograd transforms' row loops unmasked, against 9.7 and 7.6 with the baseline build that ran there
/// before (with masked remainders the AVX2 build took 9.3–9.6 and 7.5–8.0 in three runs). Every lane
/// computes the same operations either way, so the bits do not change.
#define ROW_LOOP_IF(masked, ...) \
    do { \
        if (masked) { \
            ROW_LOOP __VA_ARGS__ \
        } else { \
            _Pragma("clang loop interleave_count(1)") __VA_ARGS__ \
        } \
    } while (0)

/// Before a loop over a row of tiles that reads its input at stride 2 or 4 (masked lanes would turn its
/// loads into gathers).
#ifndef STRIDED_LOOP
#define STRIDED_LOOP _Pragma("clang loop interleave_count(1)")
#endif

#endif
