// Winograd F(2×2, 3×3) and F(4×4, 3×3) tile transforms for AVX-512F, 16 tiles at a time whatever row of
// tiles they lie on. fa_winograd.c walks one row of tiles per call, and the descriptor's maps have rows
// of 9, 4 and 2 tiles: most of its vector lanes were masked off and most of its time was loop overhead.
// Here the lanes are 16 consecutive tiles of the chunk; their patches are gathered from the channel's
// plane (lanes outside the map masked, so they read as zero) and their outputs scattered into place.
//
// The formulas are fa_winograd.c's, written once below as macros over 16-lane vectors, operation for
// operation in the same order; contraction is off. So each value has the bits the baseline build gives
// (NNKernelBuildsTests and scripts/ci/nn-kernel-builds compare them).

#include "fa_winograd.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>

#pragma clang fp contract(off)

#define TARGET __attribute__((target("avx512f")))

typedef float v16 __attribute__((ext_vector_type(16)));

// Bᵀ (and B) of F(2×2), applied to x0…x3: fa_winograd.c's input2_rows and input2_tiles.
#define B2(x0, x1, x2, x3, o0, o1, o2, o3) \
    do {                                    \
        o0 = (x0) - (x2);                   \
        o1 = (x1) + (x2);                   \
        o2 = (x2) - (x1);                   \
        o3 = (x1) - (x3);                   \
    } while (0)

// Bᵀ (and B) of F(4×4), applied to x0…x5: fa_winograd.c's input4_rows and input4_tiles.
#define B4(x0, x1, x2, x3, x4, x5, o0, o1, o2, o3, o4, o5) \
    do {                                                   \
        o0 = 4.0f * (x0) - 5.0f * (x2) + (x4);             \
        o1 = (x3) + (x4) - 4.0f * ((x1) + (x2));           \
        o2 = (x4) - (x3) + 4.0f * ((x1) - (x2));           \
        o3 = (x4) - (x2) + 2.0f * ((x3) - (x1));           \
        o4 = (x4) - (x2) - 2.0f * ((x3) - (x1));           \
        o5 = 4.0f * (x1) - 5.0f * (x3) + (x5);             \
    } while (0)

// Aᵀ (and A) of F(2×2), applied to x0…x3: fa_winograd.c's output2_lines.
#define A2(x0, x1, x2, x3, o0, o1) \
    do {                           \
        o0 = (x0) + (x1) + (x2);   \
        o1 = (x1) - (x2) - (x3);   \
    } while (0)

// Aᵀ (and A) of F(4×4), applied to x0…x5: fa_winograd.c's output4_lines.
#define A4(x0, x1, x2, x3, x4, x5, o0, o1, o2, o3)                                   \
    do {                                                                             \
        v16 plus12 = (x1) + (x2), minus12 = (x1) - (x2), plus34 = (x3) + (x4);       \
        v16 minus34 = (x3) - (x4);                                                   \
        o0 = (x0) + plus12 + plus34;                                                 \
        o1 = minus12 + 2.0f * minus34;                                               \
        o2 = plus12 + 4.0f * plus34;                                                 \
        o3 = minus12 + 8.0f * minus34 + (x5);                                        \
    } while (0)

/// Where 16 consecutive tiles t0 … t0 + 15 of a chunk lie. Tile t is on row g = first_row + t / tiles_x
/// (g = b·tiles_y + ty) at column tx = t mod tiles_x; its block starts at map row tile·ty + shift and
/// column tile·tx + shift (shift −1 for an input patch, 0 for an output block). `base` is that corner's
/// offset in the channel's plane (negative when it is outside), bit r of `rows` says whether row r of
/// the block is inside the map, bit s of `cols` the same for column s; lanes past the chunk get none.
typedef struct {
    __m512i base, rows, cols;
    __mmask16 lanes;
} Group;

TARGET static Group group(
    int tile, int shift, int extent, ptrdiff_t t0, ptrdiff_t n, ptrdiff_t first_row, ptrdiff_t tiles_y, ptrdiff_t tiles_x,
    ptrdiff_t h, ptrdiff_t w) {
    int32_t base[16], rows[16], cols[16];
    ptrdiff_t g = first_row + t0 / tiles_x, tx = t0 % tiles_x;
    for (int lane = 0; lane < 16; lane++) {
        base[lane] = 0;
        rows[lane] = 0;
        cols[lane] = 0;
        if (t0 + lane < n) {
            ptrdiff_t b = g / tiles_y, ty = g - b * tiles_y;
            ptrdiff_t top = tile * ty + shift, left = tile * tx + shift;
            base[lane] = (int32_t)((b * h + top) * w + left);
            for (int r = 0; r < extent; r++) {
                if (top + r >= 0 && top + r < h) rows[lane] |= 1 << r;
                if (left + r >= 0 && left + r < w) cols[lane] |= 1 << r;
            }
        }
        if (++tx == tiles_x) {
            tx = 0;
            g++;
        }
    }
    Group result;
    result.base = _mm512_loadu_si512(base);
    result.rows = _mm512_loadu_si512(rows);
    result.cols = _mm512_loadu_si512(cols);
    ptrdiff_t left = n - t0;
    result.lanes = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
    return result;
}

/// Masks of the rows and columns of a group's blocks that are inside the map.
TARGET static void inside(Group grp, int extent, __mmask16 *rows, __mmask16 *cols) {
    for (int r = 0; r < extent; r++) {
        __m512i bit = _mm512_set1_epi32(1 << r);
        rows[r] = _mm512_test_epi32_mask(grp.rows, bit);
        cols[r] = _mm512_test_epi32_mask(grp.cols, bit);
    }
}

TARGET static inline v16 gather(const float *plane, Group grp, ptrdiff_t offset, __mmask16 k) {
    __m512i index = _mm512_add_epi32(grp.base, _mm512_set1_epi32((int32_t)offset));
    return (v16)_mm512_mask_i32gather_ps(_mm512_setzero_ps(), k, index, plane, 4);
}

TARGET static inline void store(float *at, v16 value, __mmask16 lanes) { _mm512_mask_storeu_ps(at, lanes, (__m512)value); }

/// One group's input transform for every channel: d (α×α per tile) gathered, Bᵀ·d down each column
/// into q, then ·B along each row of q into V. `tile` is a constant where this is inlined.
TARGET static inline __attribute__((always_inline)) void input_group(
    int tile, const float *src, ptrdiff_t plane, ptrdiff_t channels, ptrdiff_t w, Group grp, ptrdiff_t n, ptrdiff_t t0, float *v) {
    const int alpha = tile + 2;
    __mmask16 rows[6], cols[6];
    inside(grp, alpha, rows, cols);
    const ptrdiff_t stride = channels * n;
    for (ptrdiff_t c = 0; c < channels; c++) {
        const float *p = src + c * plane;
        v16 q[6][6], d[6], o[6];
        for (int s = 0; s < alpha; s++) {
            for (int r = 0; r < alpha; r++) d[r] = gather(p, grp, r * w + s, rows[r] & cols[s]);
            if (tile == 2) B2(d[0], d[1], d[2], d[3], q[0][s], q[1][s], q[2][s], q[3][s]);
            else B4(d[0], d[1], d[2], d[3], d[4], d[5], q[0][s], q[1][s], q[2][s], q[3][s], q[4][s], q[5][s]);
        }
        float *at = v + c * n + t0;
        for (int k = 0; k < alpha; k++) {
            if (tile == 2) B2(q[k][0], q[k][1], q[k][2], q[k][3], o[0], o[1], o[2], o[3]);
            else B4(q[k][0], q[k][1], q[k][2], q[k][3], q[k][4], q[k][5], o[0], o[1], o[2], o[3], o[4], o[5]);
            for (int s = 0; s < alpha; s++) store(at + (alpha * k + s) * stride, o[s], grp.lanes);
        }
    }
}

TARGET void fa_winograd_input_gather(
    int tile, const float *src, ptrdiff_t plane, ptrdiff_t channels, ptrdiff_t h, ptrdiff_t w, ptrdiff_t tiles_y, ptrdiff_t tiles_x,
    ptrdiff_t first_row, ptrdiff_t tile_rows, float *v) {
    const ptrdiff_t n = tile_rows * tiles_x;
    for (ptrdiff_t t0 = 0; t0 < n; t0 += 16) {
        Group grp = group(tile, -1, tile + 2, t0, n, first_row, tiles_y, tiles_x, h, w);
        if (tile == 2) input_group(2, src, plane, channels, w, grp, n, t0, v);
        else input_group(4, src, plane, channels, w, grp, n, t0, v);
    }
}

/// y = line + bias [+ residual], then `floor >= y ? floor : y`, scattered where the block is inside.
TARGET static inline void finish(
    v16 line, float bias, const float *residual, float floor, float *out, Group grp, ptrdiff_t offset, __mmask16 k) {
    v16 y = line + bias;
    __m512i index = _mm512_add_epi32(grp.base, _mm512_set1_epi32((int32_t)offset));
    if (residual) y = y + (v16)_mm512_mask_i32gather_ps(_mm512_setzero_ps(), k, index, residual, 4);
    __m512 f = _mm512_set1_ps(floor);
    __m512 result = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(f, (__m512)y, _CMP_GE_OQ), (__m512)y, f);
    _mm512_mask_i32scatter_ps(out, k, index, result, 4);
}

TARGET static inline v16 load(const float *at, __mmask16 lanes) { return (v16)_mm512_maskz_loadu_ps(lanes, at); }

/// One group's output transform for every filter: Aᵀ·M down each column of M into s, then ·A along each
/// row of s, finished and scattered. `tile` is a constant where this is inlined.
TARGET static inline __attribute__((always_inline)) void output_group(
    int tile, const float *m, ptrdiff_t filters, ptrdiff_t n, ptrdiff_t t0, const float *bias, float floor, const float *residual,
    float *dst, ptrdiff_t plane, ptrdiff_t w, Group grp) {
    const int alpha = tile + 2;
    __mmask16 rows[4], cols[4];
    inside(grp, tile, rows, cols);
    const ptrdiff_t stride = filters * n;
    for (ptrdiff_t f = 0; f < filters; f++) {
        const float *mf = m + f * n + t0;
        v16 s[4][6], x[6], y[4];
        for (int c = 0; c < alpha; c++) {
            for (int r = 0; r < alpha; r++) x[r] = load(mf + (alpha * r + c) * stride, grp.lanes);
            if (tile == 2) A2(x[0], x[1], x[2], x[3], s[0][c], s[1][c]);
            else A4(x[0], x[1], x[2], x[3], x[4], x[5], s[0][c], s[1][c], s[2][c], s[3][c]);
        }
        const float *r = residual ? residual + f * plane : 0;
        float *out = dst + f * plane;
        for (int i = 0; i < tile; i++) {
            if (tile == 2) A2(s[i][0], s[i][1], s[i][2], s[i][3], y[0], y[1]);
            else A4(s[i][0], s[i][1], s[i][2], s[i][3], s[i][4], s[i][5], y[0], y[1], y[2], y[3]);
            for (int j = 0; j < tile; j++) finish(y[j], bias[f], r, floor, out, grp, i * w + j, rows[i] & cols[j]);
        }
    }
}

TARGET void fa_winograd_output_scatter(
    int tile, const float *m, ptrdiff_t filters, ptrdiff_t h, ptrdiff_t w, ptrdiff_t tiles_y, ptrdiff_t tiles_x, ptrdiff_t first_row,
    ptrdiff_t tile_rows, const float *bias, float floor, const float *residual, float *dst, ptrdiff_t plane) {
    const ptrdiff_t n = tile_rows * tiles_x;
    for (ptrdiff_t t0 = 0; t0 < n; t0 += 16) {
        Group grp = group(tile, 0, tile, t0, n, first_row, tiles_y, tiles_x, h, w);
        if (tile == 2) output_group(2, m, filters, n, t0, bias, floor, residual, dst, plane, w, grp);
        else output_group(4, m, filters, n, t0, bias, floor, residual, dst, plane, w, grp);
    }
}

#else

// Only x86-64 has AVX-512F; callers ask `WinogradConvolution.gathers` (the AVX-512F build) first, so these never
// run elsewhere.
void fa_winograd_input_gather(
    int tile, const float *src, ptrdiff_t plane, ptrdiff_t channels, ptrdiff_t h, ptrdiff_t w, ptrdiff_t tiles_y, ptrdiff_t tiles_x,
    ptrdiff_t first_row, ptrdiff_t tile_rows, float *v) {
    __builtin_trap();
}

void fa_winograd_output_scatter(
    int tile, const float *m, ptrdiff_t filters, ptrdiff_t h, ptrdiff_t w, ptrdiff_t tiles_y, ptrdiff_t tiles_x, ptrdiff_t first_row,
    ptrdiff_t tile_rows, const float *bias, float floor, const float *residual, float *dst, ptrdiff_t plane) {
    __builtin_trap();
}

#endif
