// Winograd F(2, 5) and F(4, 5) along rows, for the MMOD detector's 5-wide kernels: written once as plain
// loops and built three times (twice.h). Each formula is the one the Swift code used before it moved here,
// operation for operation.

#include "fa_winograd.h"
#include "../CVectorBuild/twice.h"

#pragma clang fp contract(off)

BODY void row_input2(const float *restrict padded, ptrdiff_t tiles, float *restrict target, ptrdiff_t point_stride) {
    float *restrict v0 = target, *restrict v1 = target + point_stride, *restrict v2 = target + 2 * point_stride;
    float *restrict v3 = target + 3 * point_stride, *restrict v4 = target + 4 * point_stride, *restrict v5 = target + 5 * point_stride;
    STRIDED_LOOP
    for (ptrdiff_t t = 0; t < tiles; t++) {
        const float *d = padded + 2 * t;
        // Rows 1–4 in pairs: a part from d2, d4 ± a part from d1, d3.
        float a1 = 4.0f * d[2] - d[4], b1 = 4.0f * d[1] - d[3], a3 = d[4] - d[2], b3 = 2.0f * (d[3] - d[1]);
        v0[t] = 4.0f * d[0] - 5.0f * d[2] + d[4];
        v1[t] = a1 + b1;
        v2[t] = a1 - b1;
        v3[t] = a3 + b3;
        v4[t] = a3 - b3;
        v5[t] = 4.0f * d[1] - 5.0f * d[3] + d[5];
    }
}

BODY void row_input4(const float *restrict padded, ptrdiff_t tiles, float *restrict target, ptrdiff_t point_stride) {
    float *restrict v0 = target, *restrict v1 = target + point_stride, *restrict v2 = target + 2 * point_stride;
    float *restrict v3 = target + 3 * point_stride, *restrict v4 = target + 4 * point_stride, *restrict v5 = target + 5 * point_stride;
    float *restrict v6 = target + 6 * point_stride, *restrict v7 = target + 7 * point_stride;
    STRIDED_LOOP
    for (ptrdiff_t t = 0; t < tiles; t++) {
        const float *d = padded + 4 * t;
        float d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3], d4 = d[4], d5 = d[5], d6 = d[6], d7 = d[7];
        // Rows 1–6 in pairs: an even-index part ± an odd-index part.
        float a1 = 17.0f * d4 - 4.0f * (d2 + d6), b1 = 17.0f * d3 - 4.0f * (d1 + d5);
        float a3 = d2 - 5.0f * d4 + 4.0f * d6, b3 = 2.0f * d1 - 10.0f * d3 + 8.0f * d5;
        float a5 = 128.0f * d2 - 160.0f * d4 + 32.0f * d6, b5 = 64.0f * d1 - 80.0f * d3 + 16.0f * d5;
        v0[t] = 4.0f * (d0 - d6) + 21.0f * (d4 - d2);
        v1[t] = a1 + b1;
        v2[t] = a1 - b1;
        v3[t] = a3 + b3;
        v4[t] = a3 - b3;
        v5[t] = a5 + b5;
        v6[t] = a5 - b5;
        v7[t] = 4.0f * (d7 - d1) + 21.0f * (d3 - d5);
    }
}

BODY void row_output2(const float *restrict m, ptrdiff_t point_stride, ptrdiff_t tiles, float *restrict out, ptrdiff_t count) {
    const float *restrict m0 = m, *restrict m1 = m + point_stride, *restrict m2 = m + 2 * point_stride;
    const float *restrict m3 = m + 3 * point_stride, *restrict m4 = m + 4 * point_stride, *restrict m5 = m + 5 * point_stride;
    ptrdiff_t whole = count / 2 < tiles ? count / 2 : tiles;  // tiles whose both outputs are inside
    STRIDED_LOOP
    for (ptrdiff_t t = 0; t < whole; t++) {
        out[2 * t] = m0[t] + m1[t] + m2[t] + m3[t] + m4[t];
        out[2 * t + 1] = m1[t] - m2[t] + 2.0f * (m3[t] - m4[t]) + m5[t];
    }
    for (ptrdiff_t t = whole; t < tiles; t++) {
        out[2 * t] = m0[t] + m1[t] + m2[t] + m3[t] + m4[t];
        if (2 * t + 1 < count) out[2 * t + 1] = m1[t] - m2[t] + 2.0f * (m3[t] - m4[t]) + m5[t];
    }
}

BODY void row_output4_tile(const float *m, ptrdiff_t point_stride, ptrdiff_t t, float *o, ptrdiff_t left) {
    float m0 = m[t], p1 = m[point_stride + t] + m[2 * point_stride + t], q1 = m[point_stride + t] - m[2 * point_stride + t];
    float p2 = m[3 * point_stride + t] + m[4 * point_stride + t], q2 = m[3 * point_stride + t] - m[4 * point_stride + t];
    float p3 = m[5 * point_stride + t] + m[6 * point_stride + t], q3 = m[5 * point_stride + t] - m[6 * point_stride + t];
    float m7 = m[7 * point_stride + t];
    o[0] = m0 + p1 + p2 + p3;
    if (left > 1) o[1] = q1 + 2.0f * q2 + q3 / 2.0f;
    if (left > 2) o[2] = p1 + 4.0f * p2 + p3 / 4.0f;
    if (left > 3) o[3] = q1 + 8.0f * q2 + q3 / 8.0f + m7;
}

BODY void row_output4(const float *restrict m, ptrdiff_t point_stride, ptrdiff_t tiles, float *restrict out, ptrdiff_t count) {
    const float *restrict m0 = m, *restrict m1 = m + point_stride, *restrict m2 = m + 2 * point_stride;
    const float *restrict m3 = m + 3 * point_stride, *restrict m4 = m + 4 * point_stride, *restrict m5 = m + 5 * point_stride;
    const float *restrict m6 = m + 6 * point_stride, *restrict m7 = m + 7 * point_stride;
    ptrdiff_t whole = count / 4 < tiles ? count / 4 : tiles;  // tiles whose four outputs are inside
    STRIDED_LOOP
    for (ptrdiff_t t = 0; t < whole; t++) {
        float p1 = m1[t] + m2[t], q1 = m1[t] - m2[t], p2 = m3[t] + m4[t], q2 = m3[t] - m4[t];
        float p3 = m5[t] + m6[t], q3 = m5[t] - m6[t];
        out[4 * t] = m0[t] + p1 + p2 + p3;
        out[4 * t + 1] = q1 + 2.0f * q2 + q3 / 2.0f;
        out[4 * t + 2] = p1 + 4.0f * p2 + p3 / 4.0f;
        out[4 * t + 3] = q1 + 8.0f * q2 + q3 / 8.0f + m7[t];
    }
    for (ptrdiff_t t = whole; t < tiles; t++) row_output4_tile(m, point_stride, t, out + 4 * t, count - 4 * t);
}

BODY void row_input(int tile, const float *padded, ptrdiff_t tiles, float *target, ptrdiff_t point_stride) {
    if (tile == 2) row_input2(padded, tiles, target, point_stride);
    else row_input4(padded, tiles, target, point_stride);
}

BODY void row_output(int tile, const float *m, ptrdiff_t point_stride, ptrdiff_t tiles, float *out, ptrdiff_t count) {
    if (tile == 2) row_output2(m, point_stride, tiles, out, count);
    else row_output4(m, point_stride, tiles, out, count);
}

AVX512 void row_input_avx512(int tile, const float *padded, ptrdiff_t tiles, float *target, ptrdiff_t point_stride) {
    row_input(tile, padded, tiles, target, point_stride);
}

AVX512 void row_output_avx512(int tile, const float *m, ptrdiff_t point_stride, ptrdiff_t tiles, float *out, ptrdiff_t count) {
    row_output(tile, m, point_stride, tiles, out, count);
}

AVX2_FMA void row_input_avx2(int tile, const float *padded, ptrdiff_t tiles, float *target, ptrdiff_t point_stride) {
    row_input(tile, padded, tiles, target, point_stride);
}

AVX2_FMA void row_output_avx2(int tile, const float *m, ptrdiff_t point_stride, ptrdiff_t tiles, float *out, ptrdiff_t count) {
    row_output(tile, m, point_stride, tiles, out, count);
}

void fa_winograd_row_input(fa_vector_build build, int tile, const float *padded, ptrdiff_t tiles, float *target, ptrdiff_t point_stride) {
    if (build >= FA_BUILD_AVX512) row_input_avx512(tile, padded, tiles, target, point_stride);
    else if (build == FA_BUILD_AVX2) row_input_avx2(tile, padded, tiles, target, point_stride);
    else row_input(tile, padded, tiles, target, point_stride);
}

void fa_winograd_row_output(
    fa_vector_build build, int tile, const float *m, ptrdiff_t point_stride, ptrdiff_t tiles, float *out, ptrdiff_t count) {
    if (build >= FA_BUILD_AVX512) row_output_avx512(tile, m, point_stride, tiles, out, count);
    else if (build == FA_BUILD_AVX2) row_output_avx2(tile, m, point_stride, tiles, out, count);
    else row_output(tile, m, point_stride, tiles, out, count);
}
