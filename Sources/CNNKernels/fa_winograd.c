// Winograd tile transforms, written once as plain loops and built three times (twice.h): with AVX-512F the
// stride-2 and stride-4 reads of a row of tiles become loads and permutes, 16 tiles at a time.

#include "fa_winograd.h"
#include "../CVectorBuild/twice.h"

// No fused multiply-add: every product is rounded before it is added, as the formulas are written.
#pragma clang fp contract(off)

/// Swift's `max(y, floor)`: `floor >= y ? floor : y` (NaN stays NaN; −0 against a 0 floor gives 0).
BODY float finish(float y, float floor) { return floor >= y ? floor : y; }

/// One output row: y = line + bias [+ residual], then the floor. `masked`: the row loops' remainders
/// in masked lanes (ROW_LOOP_IF in twice.h), as every function here that takes it.
BODY void finish_row(
    int masked, const float *restrict line, float bias, const float *restrict residual, float floor, float *restrict out, ptrdiff_t w) {
    if (residual) {
        ROW_LOOP_IF(masked, for (ptrdiff_t x = 0; x < w; x++) out[x] = finish(line[x] + bias + residual[x], floor););
    } else {
        ROW_LOOP_IF(masked, for (ptrdiff_t x = 0; x < w; x++) out[x] = finish(line[x] + bias, floor););
    }
}

/// `STEP(k, x)` for k in [begin, end), x = cs·k + off: a row loop (ROW_LOOP_IF) at cs 1; at cs 2 the
/// reads are loads and permutes, never masked (masked lanes would make them gathers).
#define COLUMN_LOOP(masked, cs, begin, end, off, STEP) \
    do { \
        if ((cs) == 1) { \
            ROW_LOOP_IF(masked, for (ptrdiff_t k = begin; k < end; k++) STEP(k, k + (off));); \
        } else { \
            STRIDED_LOOP \
            for (ptrdiff_t k = begin; k < end; k++) STEP(k, (cs) * k + (off)); \
        } \
    } while (0)

/// F(2×2): the four rows of Bᵀ·d across the padded width: q[k] from d[cs·k + off] for k in [begin, end),
/// zero elsewhere (as input4_rows).
BODY void input2_rows(
    int masked, int cs, const float *restrict d0, const float *restrict d1, const float *restrict d2, const float *restrict d3,
    ptrdiff_t off, ptrdiff_t begin, ptrdiff_t end, ptrdiff_t padded, float *restrict q) {
    float *restrict q0 = q, *restrict q1 = q + padded, *restrict q2 = q + 2 * padded, *restrict q3 = q + 3 * padded;
    for (ptrdiff_t k = 0; k < begin; k++) q0[k] = q1[k] = q2[k] = q3[k] = 0;
#define INPUT2_STEP(k, x) \
    do { \
        q0[k] = d0[x] - d2[x]; \
        q1[k] = d1[x] + d2[x]; \
        q2[k] = d2[x] - d1[x]; \
        q3[k] = d1[x] - d3[x]; \
    } while (0)
    COLUMN_LOOP(masked, cs, begin, end, off, INPUT2_STEP);
#undef INPUT2_STEP
    for (ptrdiff_t k = end; k < padded; k++) q0[k] = q1[k] = q2[k] = q3[k] = 0;
}

/// F(2×2): ·B per tile, from the rows of Bᵀ·d.
BODY void input2_tiles(const float *restrict q, ptrdiff_t tiles_x, float *restrict out, ptrdiff_t stride) {
    const ptrdiff_t padded = 2 * tiles_x + 2;
    for (int k = 0; k < 4; k++) {
        const float *restrict r = q + k * padded;
        float *restrict o0 = out + 4 * k * stride, *restrict o1 = o0 + stride, *restrict o2 = o1 + stride;
        float *restrict o3 = o2 + stride;
        STRIDED_LOOP
        for (ptrdiff_t t = 0; t < tiles_x; t++) {
            float a = r[2 * t], b = r[2 * t + 1], c = r[2 * t + 2], d = r[2 * t + 3];
            o0[t] = a - c;
            o1[t] = b + c;
            o2[t] = c - b;
            o3[t] = b - d;
        }
    }
}

/// F(2×2): the two output rows Aᵀ·M·A of a tile row, into `lines` (2 rows of `padded`).
BODY void output2_lines(const float *restrict m, ptrdiff_t stride, ptrdiff_t tiles_x, float *restrict lines) {
    float *restrict top = lines, *restrict bottom = lines + 2 * tiles_x + 2;
    STRIDED_LOOP
    for (ptrdiff_t t = 0; t < tiles_x; t++) {
        float m00 = m[t], m01 = m[stride + t], m02 = m[2 * stride + t], m03 = m[3 * stride + t];
        float m10 = m[4 * stride + t], m11 = m[5 * stride + t], m12 = m[6 * stride + t], m13 = m[7 * stride + t];
        float m20 = m[8 * stride + t], m21 = m[9 * stride + t], m22 = m[10 * stride + t], m23 = m[11 * stride + t];
        float m30 = m[12 * stride + t], m31 = m[13 * stride + t], m32 = m[14 * stride + t], m33 = m[15 * stride + t];
        // Aᵀ·M: rows s0 = M0 + M1 + M2 and s1 = M1 − M2 − M3; then ·A on their columns.
        float s00 = m00 + m10 + m20, s01 = m01 + m11 + m21, s02 = m02 + m12 + m22, s03 = m03 + m13 + m23;
        float s10 = m10 - m20 - m30, s11 = m11 - m21 - m31, s12 = m12 - m22 - m32, s13 = m13 - m23 - m33;
        top[2 * t] = s00 + s01 + s02;
        top[2 * t + 1] = s01 - s02 - s03;
        bottom[2 * t] = s10 + s11 + s12;
        bottom[2 * t + 1] = s11 - s12 - s13;
    }
}

/// F(4×4): the six rows of Bᵀ·d across the padded width: q[k] from d[cs·k + off] for k in [begin, end),
/// zero elsewhere. `cs` (1 or 2) is a constant once inlined (COLUMN_LOOP).
BODY void input4_rows(
    int masked, int cs, const float *restrict d0, const float *restrict d1, const float *restrict d2, const float *restrict d3,
    const float *restrict d4, const float *restrict d5, ptrdiff_t off, ptrdiff_t begin, ptrdiff_t end, ptrdiff_t padded,
    float *restrict q) {
    float *restrict q0 = q, *restrict q1 = q + padded, *restrict q2 = q + 2 * padded;
    float *restrict q3 = q + 3 * padded, *restrict q4 = q + 4 * padded, *restrict q5 = q + 5 * padded;
    for (ptrdiff_t k = 0; k < begin; k++) q0[k] = q1[k] = q2[k] = q3[k] = q4[k] = q5[k] = 0;
#define INPUT4_STEP(k, x) \
    do { \
        q0[k] = 4.0f * d0[x] - 5.0f * d2[x] + d4[x]; \
        q1[k] = d3[x] + d4[x] - 4.0f * (d1[x] + d2[x]); \
        q2[k] = d4[x] - d3[x] + 4.0f * (d1[x] - d2[x]); \
        q3[k] = d4[x] - d2[x] + 2.0f * (d3[x] - d1[x]); \
        q4[k] = d4[x] - d2[x] - 2.0f * (d3[x] - d1[x]); \
        q5[k] = 4.0f * d1[x] - 5.0f * d3[x] + d5[x]; \
    } while (0)
    COLUMN_LOOP(masked, cs, begin, end, off, INPUT4_STEP);
#undef INPUT4_STEP
    for (ptrdiff_t k = end; k < padded; k++) q0[k] = q1[k] = q2[k] = q3[k] = q4[k] = q5[k] = 0;
}

/// F(4×4): ·B per tile, from the rows of Bᵀ·d.
BODY void input4_tiles(const float *restrict q, ptrdiff_t tiles_x, float *restrict out, ptrdiff_t stride) {
    const ptrdiff_t padded = 4 * tiles_x + 2;
    for (int k = 0; k < 6; k++) {
        const float *restrict r = q + k * padded;
        float *restrict o0 = out + 6 * k * stride, *restrict o1 = o0 + stride, *restrict o2 = o1 + stride;
        float *restrict o3 = o2 + stride, *restrict o4 = o3 + stride, *restrict o5 = o4 + stride;
        STRIDED_LOOP
        for (ptrdiff_t t = 0; t < tiles_x; t++) {
            float e0 = r[4 * t], e1 = r[4 * t + 1], e2 = r[4 * t + 2], e3 = r[4 * t + 3], e4 = r[4 * t + 4], e5 = r[4 * t + 5];
            o0[t] = 4.0f * e0 - 5.0f * e2 + e4;
            o1[t] = e3 + e4 - 4.0f * (e1 + e2);
            o2[t] = e4 - e3 + 4.0f * (e1 - e2);
            o3[t] = e4 - e2 + 2.0f * (e3 - e1);
            o4[t] = e4 - e2 - 2.0f * (e3 - e1);
            o5[t] = 4.0f * e1 - 5.0f * e3 + e5;
        }
    }
}

/// F(4×4): the four output rows Aᵀ·M·A of a tile row, into `lines` (4 rows of `padded`), with Aᵀ·M in
/// `s` (24 rows of `padded`).
BODY void output4_lines(
    int masked, const float *restrict m, ptrdiff_t stride, ptrdiff_t tiles_x, float *restrict s, float *restrict lines) {
    const ptrdiff_t padded = 4 * tiles_x + 2;
    for (int x = 0; x < 6; x++) {
        const float *restrict m0 = m + x * stride, *restrict m1 = m + (6 + x) * stride, *restrict m2 = m + (12 + x) * stride;
        const float *restrict m3 = m + (18 + x) * stride, *restrict m4 = m + (24 + x) * stride;
        const float *restrict m5 = m + (30 + x) * stride;
        float *restrict s0 = s + x * padded, *restrict s1 = s + (6 + x) * padded;
        float *restrict s2 = s + (12 + x) * padded, *restrict s3 = s + (18 + x) * padded;
        ROW_LOOP_IF(masked, for (ptrdiff_t t = 0; t < tiles_x; t++) {
            float plus12 = m1[t] + m2[t], minus12 = m1[t] - m2[t], plus34 = m3[t] + m4[t], minus34 = m3[t] - m4[t];
            s0[t] = m0[t] + plus12 + plus34;
            s1[t] = minus12 + 2.0f * minus34;
            s2[t] = plus12 + 4.0f * plus34;
            s3[t] = minus12 + 8.0f * minus34 + m5[t];
        });
    }
    for (int i = 0; i < 4; i++) {
        const float *restrict a0 = s + 6 * i * padded, *restrict a1 = a0 + padded, *restrict a2 = a1 + padded;
        const float *restrict a3 = a2 + padded, *restrict a4 = a3 + padded, *restrict a5 = a4 + padded;
        float *restrict line = lines + i * padded;
        // `line` and the rows of `s` are disjoint parts of `work`.
#pragma clang loop vectorize(assume_safety) interleave_count(1)
        for (ptrdiff_t t = 0; t < tiles_x; t++) {
            float plus12 = a1[t] + a2[t], minus12 = a1[t] - a2[t], plus34 = a3[t] + a4[t], minus34 = a3[t] - a4[t];
            line[4 * t] = a0[t] + plus12 + plus34;
            line[4 * t + 1] = minus12 + 2.0f * minus34;
            line[4 * t + 2] = plus12 + 4.0f * plus34;
            line[4 * t + 3] = minus12 + 8.0f * minus34 + a5[t];
        }
    }
}

/// Both transforms of one channel; see fa_winograd_input. A column stride other than 1 is taken as 2.
BODY void input(
    int masked, int tile, int column_stride, const float *plane, const ptrdiff_t *row_offsets, ptrdiff_t tile_rows,
    ptrdiff_t column_offset, ptrdiff_t count, ptrdiff_t width, ptrdiff_t tiles_x, const float *zero, float *q, float *out,
    ptrdiff_t stride) {
    const ptrdiff_t alpha = tile + 2, padded = tile * tiles_x + 2, cs = column_stride == 1 ? 1 : 2;
    // q[1 + j] is input column cs·j + column_offset for j in [first, last): j < count, j < padded − 1 (the
    // last slot of q) and the column in [0, width); q's other slots are 0.
    ptrdiff_t first = column_offset >= 0 ? 0 : (cs - 1 - column_offset) / cs;
    ptrdiff_t last = width - column_offset <= 0 ? 0 : (width - column_offset + cs - 1) / cs;
    if (last > count) last = count;
    if (last > padded - 1) last = padded - 1;
    if (last < 0) last = 0;
    if (first > last) first = last;
    const ptrdiff_t off = column_offset - cs, begin = 1 + first, end = 1 + last;
    for (ptrdiff_t i = 0; i < tile_rows; i++) {
        const float *d[6];
        for (ptrdiff_t r = 0; r < alpha; r++) d[r] = row_offsets[alpha * i + r] < 0 ? zero : plane + row_offsets[alpha * i + r];
        float *qi = q + i * alpha * padded;
        if (tile == 2 && cs == 1) input2_rows(masked, 1, d[0], d[1], d[2], d[3], off, begin, end, padded, qi);
        else if (tile == 2) input2_rows(masked, 2, d[0], d[1], d[2], d[3], off, begin, end, padded, qi);
        else if (cs == 1) input4_rows(masked, 1, d[0], d[1], d[2], d[3], d[4], d[5], off, begin, end, padded, qi);
        else input4_rows(masked, 2, d[0], d[1], d[2], d[3], d[4], d[5], off, begin, end, padded, qi);
    }
    for (ptrdiff_t i = 0; i < tile_rows; i++) {
        if (tile == 2) input2_tiles(q + i * alpha * padded, tiles_x, out + i * tiles_x, stride);
        else input4_tiles(q + i * alpha * padded, tiles_x, out + i * tiles_x, stride);
    }
}

BODY void output(
    int masked, int tile, const float *m, ptrdiff_t stride, ptrdiff_t tile_rows, ptrdiff_t tiles_x, float *work, float bias, float floor,
    const float *residual, float *out, const ptrdiff_t *out_offsets, const ptrdiff_t *out_rows, ptrdiff_t first, ptrdiff_t w) {
    const ptrdiff_t padded = tile * tiles_x + 2;
    float *s = work + tile_rows * tile * padded;
    for (ptrdiff_t i = 0; i < tile_rows; i++) {
        float *lines = work + i * tile * padded;
        if (tile == 2) output2_lines(m + i * tiles_x, stride, tiles_x, lines);
        else output4_lines(masked, m + i * tiles_x, stride, tiles_x, s, lines);
    }
    for (ptrdiff_t i = 0; i < tile_rows; i++) {
        for (ptrdiff_t r = 0; r < out_rows[i]; r++) {
            ptrdiff_t at = out_offsets[i] + r * w;
            finish_row(masked, work + (i * tile + r) * padded + first, bias, residual ? residual + at : 0, floor, out + at, w);
        }
    }
}

#define INPUT_PARAMETERS \
    int tile, int column_stride, const float *plane, const ptrdiff_t *row_offsets, ptrdiff_t tile_rows, ptrdiff_t column_offset, ptrdiff_t count, \
        ptrdiff_t width, ptrdiff_t tiles_x, const float *zero, float *q, float *out, ptrdiff_t stride
#define INPUT_ARGUMENTS tile, column_stride, plane, row_offsets, tile_rows, column_offset, count, width, tiles_x, zero, q, out, stride
#define OUTPUT_PARAMETERS \
    int tile, const float *m, ptrdiff_t stride, ptrdiff_t tile_rows, ptrdiff_t tiles_x, float *work, float bias, float floor, \
        const float *residual, float *out, const ptrdiff_t *out_offsets, const ptrdiff_t *out_rows, ptrdiff_t first, ptrdiff_t w
#define OUTPUT_ARGUMENTS tile, m, stride, tile_rows, tiles_x, work, bias, floor, residual, out, out_offsets, out_rows, first, w

AVX512 void input_avx512(INPUT_PARAMETERS) { input(1, INPUT_ARGUMENTS); }

AVX512 void output_avx512(OUTPUT_PARAMETERS) { output(1, OUTPUT_ARGUMENTS); }

/// The AVX2 build's row loops leave their remainders to scalar code (ROW_LOOP_IF in twice.h).
AVX2_FMA void input_avx2(INPUT_PARAMETERS) { input(0, INPUT_ARGUMENTS); }

AVX2_FMA void output_avx2(OUTPUT_PARAMETERS) { output(0, OUTPUT_ARGUMENTS); }

void fa_winograd_input(fa_vector_build build, INPUT_PARAMETERS) {
    if (build >= FA_BUILD_AVX512) input_avx512(INPUT_ARGUMENTS);
    else if (build == FA_BUILD_AVX2) input_avx2(INPUT_ARGUMENTS);
    else input(1, INPUT_ARGUMENTS);
}

void fa_winograd_output(fa_vector_build build, OUTPUT_PARAMETERS) {
    if (build >= FA_BUILD_AVX512) output_avx512(OUTPUT_ARGUMENTS);
    else if (build == FA_BUILD_AVX2) output_avx2(OUTPUT_ARGUMENTS);
    else output(1, OUTPUT_ARGUMENTS);
}
