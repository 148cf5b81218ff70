// Pooling windows, written once as plain loops and built three times (twice.h). The columns whose window lies
// inside the row are computed filter-style: every window cell is combined into all of them in one loop,
// which the compiler vectorises; each output still sees its cells in the order the header states.

#include "fa_pooling.h"
#include "../CVectorBuild/twice.h"

#pragma clang fp contract(off)

BODY float keep_max(float m, float v) { return v >= m ? v : m; }

/// One column, window clipped: the reference order.
BODY float pool_one(int average, const float *plane, ptrdiff_t iw, ptrdiff_t top, ptrdiff_t bottom, ptrdiff_t left, ptrdiff_t right) {
    if (average) {
        float sum = 0;
        for (ptrdiff_t y = top; y <= bottom; y++)
            for (ptrdiff_t x = left; x <= right; x++) sum += plane[y * iw + x];
        return sum / (float)((bottom - top + 1) * (right - left + 1));
    }
    float m = -__builtin_inff();
    for (ptrdiff_t y = top; y <= bottom; y++)
        for (ptrdiff_t x = left; x <= right; x++) m = keep_max(m, plane[y * iw + x]);
    return m;
}

/// Columns c0 ..< c1, whose windows lie inside the row, with a constant stride `sx` once inlined.
BODY void pool_inside(
    int average, const float *plane, ptrdiff_t iw, ptrdiff_t top, ptrdiff_t bottom, ptrdiff_t ww, ptrdiff_t sx, ptrdiff_t px,
    float *restrict out, ptrdiff_t c0, ptrdiff_t c1) {
    const float initial = average ? 0.0f : -__builtin_inff();
    for (ptrdiff_t c = c0; c < c1; c++) out[c] = initial;
    for (ptrdiff_t y = top; y <= bottom; y++) {
        for (ptrdiff_t x = 0; x < ww; x++) {
            const float *restrict cell = plane + y * iw + x - px;
            if (average) {
                for (ptrdiff_t c = c0; c < c1; c++) out[c] += cell[c * sx];
            } else {
                for (ptrdiff_t c = c0; c < c1; c++) out[c] = keep_max(out[c], cell[c * sx]);
            }
        }
    }
    if (average) {
        const float cells = (float)((bottom - top + 1) * ww);
        for (ptrdiff_t c = c0; c < c1; c++) out[c] = out[c] / cells;
    }
}

BODY void pool_row(
    int average, const float *plane, ptrdiff_t iw, ptrdiff_t top, ptrdiff_t bottom, ptrdiff_t ww, ptrdiff_t sx, ptrdiff_t px,
    float *out, ptrdiff_t ow) {
    // Inside: c·sx − px ≥ 0 and c·sx − px + ww ≤ iw.
    ptrdiff_t c0 = (px + sx - 1) / sx;
    if (c0 > ow) c0 = ow;
    ptrdiff_t c1 = iw - ww + px >= 0 ? (iw - ww + px) / sx + 1 : 0;
    if (c1 > ow) c1 = ow;
    if (c1 < c0) c1 = c0;
    for (ptrdiff_t c = 0; c < ow; c++) {
        if (c == c0) {
            if (sx == 1) pool_inside(average, plane, iw, top, bottom, ww, 1, px, out, c0, c1);
            else if (sx == 2) pool_inside(average, plane, iw, top, bottom, ww, 2, px, out, c0, c1);
            else pool_inside(average, plane, iw, top, bottom, ww, sx, px, out, c0, c1);
            c = c1;
            if (c >= ow) break;
        }
        ptrdiff_t start = c * sx + ww / 2 - px - ww / 2;
        ptrdiff_t left = start < 0 ? 0 : start, right = start + ww - 1 < iw - 1 ? start + ww - 1 : iw - 1;
        out[c] = pool_one(average, plane, iw, top, bottom, left, right);
    }
}

AVX512 void pool_row_avx512(
    int average, const float *plane, ptrdiff_t iw, ptrdiff_t top, ptrdiff_t bottom, ptrdiff_t ww, ptrdiff_t sx, ptrdiff_t px,
    float *out, ptrdiff_t ow) {
    pool_row(average, plane, iw, top, bottom, ww, sx, px, out, ow);
}

AVX2_FMA void pool_row_avx2(
    int average, const float *plane, ptrdiff_t iw, ptrdiff_t top, ptrdiff_t bottom, ptrdiff_t ww, ptrdiff_t sx, ptrdiff_t px,
    float *out, ptrdiff_t ow) {
    pool_row(average, plane, iw, top, bottom, ww, sx, px, out, ow);
}

void fa_pool_row(
    fa_vector_build build, int average, const float *plane, ptrdiff_t iw, ptrdiff_t top, ptrdiff_t bottom, ptrdiff_t ww, ptrdiff_t sx,
    ptrdiff_t px, float *out, ptrdiff_t ow) {
    if (build >= FA_BUILD_AVX512) pool_row_avx512(average, plane, iw, top, bottom, ww, sx, px, out, ow);
    else if (build == FA_BUILD_AVX2) pool_row_avx2(average, plane, iw, top, bottom, ww, sx, px, out, ow);
    else pool_row(average, plane, iw, top, bottom, ww, sx, px, out, ow);
}
