// Vector kernels for the image pyramid's bilinear resize (dlib's resize_image), kept bit-identical to
// the scalar formula: the same float multiplications and additions per column, in the same order.
//
// The 16 columns of a block read at most 32 consecutive input floats (the pyramid's 5/6 scale needs
// about 20), so two loads per row and a two-source permute replace 64 scalar loads. The AVX2 build takes
// 8 columns (at most 16 inputs, about 11 at 5/6) and builds its two-source permute from two one-source
// ones and a blend.

#include "fa_resample.h"

// No fused multiply-add: every product is rounded before it is added, as in the scalar formula.
#pragma clang fp contract(off)

#if defined(__x86_64__)

#include <immintrin.h>

/// A product rounded on its own: an explicit-rounding multiply is never fused into an add, even where a
/// build's flags (-ffp-contract=fast, -ffast-math) would override the pragma above.
#define MUL(x, y) _mm512_mul_round_ps((x), (y), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)

/// The floats row[first ..< first + 16] that lie below `width`; zero beyond.
__attribute__((target("avx512f"))) static __m512 load_clipped(const float *row, ptrdiff_t first, ptrdiff_t width) {
    ptrdiff_t valid = width - first;
    if (valid >= 16) return _mm512_loadu_ps(row + first);
    if (valid <= 0) return _mm512_setzero_ps();
    return _mm512_maskz_loadu_ps((__mmask16)((1u << valid) - 1), row + first);
}

__attribute__((target("avx512f"))) ptrdiff_t fa_resample_row_avx512(
    const int32_t *left, const float *fraction, const float *inverse, ptrdiff_t count, float tb, float inv_tb,
    const float *top, const float *bottom, ptrdiff_t in_width, float *out) {
    const __m512 vtb = _mm512_set1_ps(tb), vinv = _mm512_set1_ps(inv_tb);
    const __m512i one = _mm512_set1_epi32(1);
    ptrdiff_t c = 0;
    for (; c + 16 <= count; c += 16) {
        int32_t l0 = left[c];
        if (left[c + 15] + 1 - l0 > 31) break;
        __m512i index = _mm512_sub_epi32(_mm512_loadu_si512((const void *)(left + c)), _mm512_set1_epi32(l0));
        __m512i next = _mm512_add_epi32(index, one);
        __m512 t_lo = load_clipped(top, l0, in_width), t_hi = load_clipped(top, l0 + 16, in_width);
        __m512 b_lo = load_clipped(bottom, l0, in_width), b_hi = load_clipped(bottom, l0 + 16, in_width);
        __m512 tl = _mm512_permutex2var_ps(t_lo, index, t_hi), tr = _mm512_permutex2var_ps(t_lo, next, t_hi);
        __m512 bl = _mm512_permutex2var_ps(b_lo, index, b_hi), br = _mm512_permutex2var_ps(b_lo, next, b_hi);
        __m512 lr = _mm512_loadu_ps(fraction + c), inv_lr = _mm512_loadu_ps(inverse + c);
        __m512 tlf = MUL(vinv, inv_lr), trf = MUL(vinv, lr);
        __m512 blf = MUL(vtb, inv_lr), brf = MUL(vtb, lr);
        __m512 v = _mm512_add_ps(MUL(tlf, tl), MUL(trf, tr));
        v = _mm512_add_ps(v, MUL(blf, bl));
        v = _mm512_add_ps(v, MUL(brf, br));
        _mm512_storeu_ps(out + c, v);
    }
    return c;
}

/// The floats row[first ..< first + 8] that lie below `width`; zero beyond (a masked load reads nothing
/// beyond the row; masked loads, unlike masked stores, are fast on AMD Zen cores too).
__attribute__((target("avx2"))) static __m256 load_clipped8(const float *row, ptrdiff_t first, ptrdiff_t width) {
    ptrdiff_t valid = width - first;
    if (valid >= 8) return _mm256_loadu_ps(row + first);
    if (valid <= 0) return _mm256_setzero_ps();
    __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return _mm256_maskload_ps(row + first, mask);
}

/// lo:hi[index] for index in 0…15: each half permuted by the index's low three bits, then the upper
/// half's lane taken where the index is 8 or more.
__attribute__((target("avx2"))) static __m256 pick16(__m256 lo, __m256 hi, __m256i index) {
    __m256 upper = _mm256_castsi256_ps(_mm256_cmpgt_epi32(index, _mm256_set1_epi32(7)));
    return _mm256_blendv_ps(_mm256_permutevar8x32_ps(lo, index), _mm256_permutevar8x32_ps(hi, index), upper);
}

/// A product rounded on its own: the empty asm makes the product an opaque value, so no flag or pragma can
/// fuse it into the add that follows (AVX2 has no explicit-rounding multiply).
__attribute__((target("avx2"))) static inline __m256 mul8(__m256 x, __m256 y) {
    __m256 p = _mm256_mul_ps(x, y);
    __asm__("" : "+x"(p));
    return p;
}

__attribute__((target("avx2"))) ptrdiff_t fa_resample_row_avx2(
    const int32_t *left, const float *fraction, const float *inverse, ptrdiff_t count, float tb, float inv_tb,
    const float *top, const float *bottom, ptrdiff_t in_width, float *out) {
    const __m256 vtb = _mm256_set1_ps(tb), vinv = _mm256_set1_ps(inv_tb);
    const __m256i one = _mm256_set1_epi32(1);
    ptrdiff_t c = 0;
    for (; c + 8 <= count; c += 8) {
        int32_t l0 = left[c];
        if (left[c + 7] + 1 - l0 > 15) break;
        __m256i index = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(left + c)), _mm256_set1_epi32(l0));
        __m256i next = _mm256_add_epi32(index, one);
        __m256 t_lo = load_clipped8(top, l0, in_width), t_hi = load_clipped8(top, l0 + 8, in_width);
        __m256 b_lo = load_clipped8(bottom, l0, in_width), b_hi = load_clipped8(bottom, l0 + 8, in_width);
        __m256 tl = pick16(t_lo, t_hi, index), tr = pick16(t_lo, t_hi, next);
        __m256 bl = pick16(b_lo, b_hi, index), br = pick16(b_lo, b_hi, next);
        __m256 lr = _mm256_loadu_ps(fraction + c), inv_lr = _mm256_loadu_ps(inverse + c);
        __m256 tlf = mul8(vinv, inv_lr), trf = mul8(vinv, lr);
        __m256 blf = mul8(vtb, inv_lr), brf = mul8(vtb, lr);
        __m256 v = _mm256_add_ps(mul8(tlf, tl), mul8(trf, tr));
        v = _mm256_add_ps(v, mul8(blf, bl));
        v = _mm256_add_ps(v, mul8(brf, br));
        _mm256_storeu_ps(out + c, v);
    }
    return c;
}

#else

ptrdiff_t fa_resample_row_avx2(
    const int32_t *left, const float *fraction, const float *inverse, ptrdiff_t count, float tb, float inv_tb,
    const float *top, const float *bottom, ptrdiff_t in_width, float *out) {
    (void)left, (void)fraction, (void)inverse, (void)count, (void)tb, (void)inv_tb, (void)top, (void)bottom;
    (void)in_width, (void)out;
    return 0;
}

ptrdiff_t fa_resample_row_avx512(
    const int32_t *left, const float *fraction, const float *inverse, ptrdiff_t count, float tb, float inv_tb,
    const float *top, const float *bottom, ptrdiff_t in_width, float *out) {
    (void)left, (void)fraction, (void)inverse, (void)count, (void)tb, (void)inv_tb, (void)top, (void)bottom;
    (void)in_width, (void)out;
    return 0;
}

#endif

ptrdiff_t fa_resample_row(
    fa_vector_build build, const int32_t *left, const float *fraction, const float *inverse, ptrdiff_t count, float tb,
    float inv_tb, const float *top, const float *bottom, ptrdiff_t in_width, float *out) {
    switch (build) {
    case FA_BUILD_AVX512: return fa_resample_row_avx512(left, fraction, inverse, count, tb, inv_tb, top, bottom, in_width, out);
    case FA_BUILD_AVX2: return fa_resample_row_avx2(left, fraction, inverse, count, tb, inv_tb, top, bottom, in_width, out);
    default: return 0;
    }
}
