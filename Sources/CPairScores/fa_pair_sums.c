#include "fa_pair_sums.h"

#include <string.h>

// Written once and built twice as CNNKernels' loops are (BODY, AVX512: one definition, in its twice.h).
#include "../CNNKernels/twice.h"

#pragma clang fp contract(off)

enum { LANES = 8, AHEAD = 2 };

typedef float v8f __attribute__((ext_vector_type(8)));
typedef double v8d __attribute__((ext_vector_type(8)));
typedef float v4f __attribute__((ext_vector_type(4)));

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

/// Components c…c+7 of eight rows, transposed: `out[j]` holds component c+j of rows 0…7. Each 256-bit
/// vector starts as the 128-bit halves of two rows (l and l + 4: a load and an insert from memory, no
/// shuffle); two rounds of shuffles finish it, 16 in all where a transpose of whole rows takes 24.
/// (The sums are bound by shuffles: the pairs' rows are read where they lie, one per lane.)
BODY void load_transposed8(const float *const rows[8], ptrdiff_t c, v8f out[8]) {
    v8f t[8], s[8];
    for (int l = 0; l < 4; l++) {
        v4f low[2], high[2];
        memcpy(&low[0], rows[l] + c, sizeof low[0]);
        memcpy(&high[0], rows[l + 4] + c, sizeof high[0]);
        memcpy(&low[1], rows[l] + c + 4, sizeof low[1]);
        memcpy(&high[1], rows[l + 4] + c + 4, sizeof high[1]);
        // t[l]: components c…c+3 of rows l and l + 4; t[l + 4]: components c+4…c+7 of them.
        t[l] = __builtin_shufflevector(low[0], high[0], 0, 1, 2, 3, 4, 5, 6, 7);
        t[l + 4] = __builtin_shufflevector(low[1], high[1], 0, 1, 2, 3, 4, 5, 6, 7);
    }
    for (int h = 0; h < 8; h += 4) {
        // Rows 0–3 in the low halves, 4–7 in the high ones: interleave pairs of rows, then pairs of pairs.
        s[h] = __builtin_shufflevector(t[h], t[h + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        s[h + 1] = __builtin_shufflevector(t[h], t[h + 1], 2, 10, 3, 11, 6, 14, 7, 15);
        s[h + 2] = __builtin_shufflevector(t[h + 2], t[h + 3], 0, 8, 1, 9, 4, 12, 5, 13);
        s[h + 3] = __builtin_shufflevector(t[h + 2], t[h + 3], 2, 10, 3, 11, 6, 14, 7, 15);
        out[h] = __builtin_shufflevector(s[h], s[h + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        out[h + 1] = __builtin_shufflevector(s[h], s[h + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        out[h + 2] = __builtin_shufflevector(s[h + 1], s[h + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        out[h + 3] = __builtin_shufflevector(s[h + 1], s[h + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
}

/// The row of the matrix that holds template `index`: `rows[index]`, or `index` itself without `rows`.
static inline ptrdiff_t row_of(const int32_t *rows, int32_t index) { return rows ? (ptrdiff_t)rows[index] : (ptrdiff_t)index; }

/// Eight pairs, one per lane (pair l: `first[l · stride]`, `second[l · stride]`): eight components of
/// every row at a time, transposed so that a vector holds one component of the eight pairs, then added
/// in component order; the last d mod 8 components lane by lane, in order. With `fused` (dot products
/// only), each term is added by one fused multiply-add: the product of two floats is exact in double
/// (at most 48 significant bits, and within range), so rounding it first changes nothing, and the sum
/// has the bits of the separate multiply and add.
BODY void sums8(
    int squared, int fused, const float *values, ptrdiff_t d, const int32_t *rows, const int32_t *first, const int32_t *second,
    ptrdiff_t stride, double *out) {
    const float *a[LANES], *b[LANES];
    for (int l = 0; l < LANES; l++) {
        a[l] = values + row_of(rows, first[l * stride]) * d;
        b[l] = values + row_of(rows, second[l * stride]) * d;
    }
    // Pairs in image-pair order mostly share their first row: then its components are broadcast, not
    // transposed (the same values in every lane, so the same sums).
    int shared = 1;
    for (int l = 1; l < LANES; l++) shared &= a[l] == a[0];
    v8d sum = 0;
    ptrdiff_t c0 = 0;
    for (; c0 + 8 <= d; c0 += 8) {
        v8f ca[8], cb[8];
        load_transposed8(b, c0, cb);
        if (shared) {
            for (int j = 0; j < 8; j++) ca[j] = (v8f)(a[0][c0 + j]);
        } else {
            load_transposed8(a, c0, ca);
        }
        for (int j = 0; j < 8; j++) {
            v8d x = __builtin_convertvector(ca[j], v8d), y = __builtin_convertvector(cb[j], v8d);
            if (squared) {
                v8d e = x - y;
                sum = sum + e * e;
            } else if (fused) {
                sum = __builtin_elementwise_fma(x, y, sum);
            } else {
                sum = sum + x * y;
            }
        }
    }
    for (int l = 0; l < LANES; l++) out[l] = add_terms(squared, a[l], b[l], c0, d, sum[l]);
}

BODY void pair_sums(
    int squared, int fused, const float *values, ptrdiff_t d, const int32_t *rows, const int32_t *first, const int32_t *second,
    ptrdiff_t stride, ptrdiff_t count, double *sums) {
    ptrdiff_t k = 0;
    for (; k + LANES <= count; k += LANES) {
        // The second rows of the group AHEAD groups on are fetched now: they are scattered over the
        // matrix, and waited for (with this and the broadcast in sums8, the sums took half the samples
        // in `perf record` of a 50,000-template run).
        if (k + (AHEAD + 1) * LANES <= count) {
            for (int l = 0; l < LANES; l++) {
                const char *row = (const char *)(values + row_of(rows, second[(k + AHEAD * LANES + l) * stride]) * d);
                ptrdiff_t bytes = d * (ptrdiff_t)sizeof(float);
                for (ptrdiff_t byte = 0; byte < bytes; byte += 64) __builtin_prefetch(row + byte);
                if (bytes > 0) __builtin_prefetch(row + bytes - 1);  // a row not on a line boundary ends in one more
            }
        }
        sums8(squared, fused, values, d, rows, first + k * stride, second + k * stride, stride, sums + k);
    }
    for (; k < count; k++) {
        const float *a = values + row_of(rows, first[k * stride]) * d, *b = values + row_of(rows, second[k * stride]) * d;
        sums[k] = add_terms(squared, a, b, 0, d, 0);
    }
}

AVX512 void pair_sums_avx512(
    int squared, const float *values, ptrdiff_t d, const int32_t *rows, const int32_t *first, const int32_t *second, ptrdiff_t stride,
    ptrdiff_t count, double *sums) {
    // Fused for dot products: AVX-512F has fused multiply-adds (the baseline build would call fma()).
    if (squared) {
        pair_sums(1, 0, values, d, rows, first, second, stride, count, sums);
    } else {
        pair_sums(0, 1, values, d, rows, first, second, stride, count, sums);
    }
}

void fa_pair_sums(
    int avx512, int squared_differences, const float *values, ptrdiff_t dimension, const int32_t *rows, const int32_t *first,
    const int32_t *second, ptrdiff_t stride, ptrdiff_t count, double *sums) {
    if (avx512) {
        pair_sums_avx512(squared_differences != 0, values, dimension, rows, first, second, stride, count, sums);
    } else if (squared_differences) {
        pair_sums(1, 0, values, dimension, rows, first, second, stride, count, sums);
    } else {
        pair_sums(0, 0, values, dimension, rows, first, second, stride, count, sums);
    }
}
