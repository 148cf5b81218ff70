#include "fa_pair_sums.h"

#include <string.h>

// Written once and built twice as CNNKernels' loops are (BODY, AVX512: one definition, in its twice.h).
#include "../CNNKernels/twice.h"

#pragma clang fp contract(off)

enum { LANES = 8, AHEAD = 2 };

typedef float v8f __attribute__((ext_vector_type(8)));
typedef double v8d __attribute__((ext_vector_type(8)));

/// Eight floats from `p` (any alignment) into `v` (returned through memory: a vector return value
/// would depend on the build's ABI).
BODY void load8(v8f *v, const float *p) { memcpy(v, p, sizeof *v); }

/// `sum` plus the terms of components `from`…`to − 1` of rows `a` and `b`, added in order.
BODY double add_terms(int squared, const float *a, const float *b, ptrdiff_t from, ptrdiff_t to, double sum) {
    for (ptrdiff_t c = from; c < to; c++) {
        if (squared) {
            double e = (double)a[c] - (double)b[c];
            sum = sum + e * e;
        } else {
            sum = sum + (double)a[c] * (double)b[c];
        }
    }
    return sum;
}

/// Eight rows' components c…c+7 (`r[l]`) turned into the components' vectors across the rows
/// (`out[j]` holds component c+j of rows 0…7): three rounds of shuffles, no memory round trip.
BODY void transpose8(const v8f r[8], v8f out[8]) {
    v8f s[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        s[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        s[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = __builtin_shufflevector(s[i], s[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 1] = __builtin_shufflevector(s[i], s[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        u[i + 2] = __builtin_shufflevector(s[i + 1], s[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 3] = __builtin_shufflevector(s[i + 1], s[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int j = 0; j < 4; j++) {
        out[j] = __builtin_shufflevector(u[j], u[j + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        out[j + 4] = __builtin_shufflevector(u[j], u[j + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

/// Eight pairs, one per lane: eight components of every row at a time, transposed so that a vector
/// holds one component of the eight pairs, then added in component order; the last d mod 8
/// components lane by lane, in order.
BODY void sums8(int squared, const float *values, ptrdiff_t d, const int32_t *first, const int32_t *second, double *out) {
    const float *a[LANES], *b[LANES];
    for (int l = 0; l < LANES; l++) {
        a[l] = values + (ptrdiff_t)first[l] * d;
        b[l] = values + (ptrdiff_t)second[l] * d;
    }
    // Pairs in image-pair order mostly share their first row: then its components are broadcast, not
    // transposed (the same values in every lane, so the same sums).
    int shared = 1;
    for (int l = 1; l < LANES; l++) shared &= first[l] == first[0];
    v8d sum = 0;
    ptrdiff_t c0 = 0;
    for (; c0 + 8 <= d; c0 += 8) {
        v8f ra[8], rb[8], ca[8], cb[8];
        for (int l = 0; l < LANES; l++) load8(&rb[l], b[l] + c0);
        if (shared) {
            for (int j = 0; j < 8; j++) ca[j] = (v8f)(a[0][c0 + j]);
        } else {
            for (int l = 0; l < LANES; l++) load8(&ra[l], a[l] + c0);
            transpose8(ra, ca);
        }
        transpose8(rb, cb);
        for (int j = 0; j < 8; j++) {
            v8d x = __builtin_convertvector(ca[j], v8d), y = __builtin_convertvector(cb[j], v8d);
            if (squared) {
                v8d e = x - y;
                sum = sum + e * e;
            } else {
                sum = sum + x * y;
            }
        }
    }
    for (int l = 0; l < LANES; l++) out[l] = add_terms(squared, a[l], b[l], c0, d, sum[l]);
}

BODY void pair_sums(
    int squared, const float *values, ptrdiff_t d, const int32_t *first, const int32_t *second, ptrdiff_t count, double *sums) {
    ptrdiff_t k = 0;
    for (; k + LANES <= count; k += LANES) {
        // The second rows of the group AHEAD groups on are fetched now: they are scattered over the
        // matrix, and waited for (with this and the broadcast in sums8, the sums took half the samples
        // in `perf record` of a 50,000-template run).
        if (k + (AHEAD + 1) * LANES <= count) {
            for (int l = 0; l < LANES; l++) {
                const char *row = (const char *)(values + (ptrdiff_t)second[k + AHEAD * LANES + l] * d);
                ptrdiff_t bytes = d * (ptrdiff_t)sizeof(float);
                for (ptrdiff_t byte = 0; byte < bytes; byte += 64) __builtin_prefetch(row + byte);
                if (bytes > 0) __builtin_prefetch(row + bytes - 1);  // a row not on a line boundary ends in one more
            }
        }
        sums8(squared, values, d, first + k, second + k, sums + k);
    }
    for (; k < count; k++) sums[k] = add_terms(squared, values + (ptrdiff_t)first[k] * d, values + (ptrdiff_t)second[k] * d, 0, d, 0);
}

AVX512 void pair_sums_avx512(
    int squared, const float *values, ptrdiff_t d, const int32_t *first, const int32_t *second, ptrdiff_t count, double *sums) {
    pair_sums(squared, values, d, first, second, count, sums);
}

void fa_pair_sums(
    int avx512, int squared_differences, const float *values, ptrdiff_t dimension, const int32_t *first, const int32_t *second,
    ptrdiff_t count, double *sums) {
    if (avx512) {
        pair_sums_avx512(squared_differences != 0, values, dimension, first, second, count, sums);
    } else {
        pair_sums(squared_differences != 0, values, dimension, first, second, count, sums);
    }
}
