// Vector kernels for the image pyramid's bilinear resize (dlib's resize_image), kept bit-identical to
// the scalar formula: the same float multiplications and additions per column, in the same order.
//
// The 16 columns of a block read at most 32 consecutive input floats (the pyramid's 5/6 scale needs
// about 20), so two loads per row and a two-source permute replace 64 scalar loads.

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

#else

ptrdiff_t fa_resample_row_avx512(
    const int32_t *left, const float *fraction, const float *inverse, ptrdiff_t count, float tb, float inv_tb,
    const float *top, const float *bottom, ptrdiff_t in_width, float *out) {
    (void)left, (void)fraction, (void)inverse, (void)count, (void)tb, (void)inv_tb, (void)top, (void)bottom;
    (void)in_width, (void)out;
    return 0;
}

#endif
