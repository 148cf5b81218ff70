// How a kernel of this target is written once and built twice (CPairScores' loops, which include this
// too, three times).
//
// A kernel's body is a `BODY` function of plain loops. A wrapper marked `AVX512` calls it; the body is
// inlined there and the compiler vectorises its loops 16 lanes wide with AVX-512F. The public function
// calls that wrapper or the body itself (baseline x86-64) as its `avx512` argument says (CPairScores'
// loops: their `build` argument, with a third wrapper marked `AVX2_FMA`). Files that
// include this turn contraction off, and nothing is built with -ffast-math, so the builds do the
// same float operations in the same order and give the same bits.
#ifndef FA_TWICE_H
#define FA_TWICE_H

#define BODY static inline __attribute__((always_inline))

#if defined(__x86_64__)
#define AVX512 static __attribute__((target("avx512f")))
/// A third build, for AVX2 with FMA (CPairScores' loops have one; CNNKernels' do not).
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

/// Before a loop over a row of tiles that reads its input at stride 2 or 4 (masked lanes would turn its
/// loads into gathers).
#ifndef STRIDED_LOOP
#define STRIDED_LOOP _Pragma("clang loop interleave_count(1)")
#endif

#endif
