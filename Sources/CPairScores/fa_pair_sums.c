#include "fa_pair_sums.h"

#include <string.h>

// Written once and built as CNNKernels' loops are (BODY, AVX512, AVX2_FMA: CVectorBuild's twice.h), three times:
// baseline x86-64, AVX2 with FMA and AVX-512F, chosen by the `build` argument (fa_vector_build.h).
#include "../CVectorBuild/twice.h"

#pragma clang fp contract(off)

enum { LANES = 8 };

typedef double v8d __attribute__((ext_vector_type(8)));
typedef double v4d __attribute__((ext_vector_type(4)));
typedef int64_t v8l __attribute__((ext_vector_type(8)));

/// `sum` plus the terms of components `from`…`to − 1` of rows `a` and `b`, added in order.
BODY double add_terms(int squared, const double *a, const double *b, ptrdiff_t from, ptrdiff_t to, double sum) {
    for (ptrdiff_t c = from; c < to; c++) {
        if (squared) {
            double e = a[c] - b[c];
            sum = sum + e * e;
        } else {
            sum = sum + a[c] * b[c];
        }
    }
    return sum;
}

/// Components c…c+3 of eight rows, transposed: `out[j]` holds component c+j of rows 0…7. Each vector
/// starts as the 256-bit pieces of two rows (l and l + 4: a load and an insert from memory, no
/// shuffle); two rounds of four shuffles finish the four.
BODY void load_transposed4(const double *const rows[8], ptrdiff_t c, v8d out[4]) {
    v8d t[4];
    for (int l = 0; l < 4; l++) {
        v4d low, high;
        memcpy(&low, rows[l] + c, sizeof low);
        memcpy(&high, rows[l + 4] + c, sizeof high);
        // t[l]: components c…c+3 of rows l and l + 4.
        t[l] = __builtin_shufflevector(low, high, 0, 1, 2, 3, 4, 5, 6, 7);
    }
    // Rows 0–3 in the low halves, 4–7 in the high ones: interleave pairs of rows, then pairs of pairs.
    v8d u0 = __builtin_shufflevector(t[0], t[1], 0, 8, 2, 10, 4, 12, 6, 14);
    v8d u1 = __builtin_shufflevector(t[0], t[1], 1, 9, 3, 11, 5, 13, 7, 15);
    v8d u2 = __builtin_shufflevector(t[2], t[3], 0, 8, 2, 10, 4, 12, 6, 14);
    v8d u3 = __builtin_shufflevector(t[2], t[3], 1, 9, 3, 11, 5, 13, 7, 15);
    out[0] = __builtin_shufflevector(u0, u2, 0, 1, 8, 9, 4, 5, 12, 13);
    out[1] = __builtin_shufflevector(u1, u3, 0, 1, 8, 9, 4, 5, 12, 13);
    out[2] = __builtin_shufflevector(u0, u2, 2, 3, 10, 11, 6, 7, 14, 15);
    out[3] = __builtin_shufflevector(u1, u3, 2, 3, 10, 11, 6, 7, 14, 15);
}

/// Components c…c+3 of a group's first rows. Pairs in image-pair order mostly share their first row,
/// or change it once within eight: with `two`, every lane's row is `p` or `q` (`q` where `take_q` is
/// all ones), and its components are broadcast and selected (the same values in every lane, so the
/// same sums), no shuffle; else they are transposed as the second rows are.
BODY void load_first(
    int two, const double *const rows[8], const double *p, const double *q, const int64_t take_q[8], ptrdiff_t c, v8d out[4]) {
    if (two) {
        v8l mask;
        memcpy(&mask, take_q, sizeof mask);
        for (int j = 0; j < 4; j++) {
            v8l x = (v8l)(v8d)(p[c + j]), y = (v8l)(v8d)(q[c + j]);
            out[j] = (v8d)((x & ~mask) | (y & mask));
        }
    } else {
        load_transposed4(rows, c, out);
    }
}

/// `sum` plus the term of one component, in place: `x · y` (fused with `fused`, the same bits: the
/// product of two floats is exact in double), or `(x − y)²`.
BODY void add_term(int squared, int fused, v8d *sum, const v8d *x, const v8d *y) {
    if (squared) {
        v8d e = *x - *y;
        *sum = *sum + e * e;
    } else {
        *sum = fused ? __builtin_elementwise_fma(*x, *y, *sum) : *sum + *x * *y;
    }
}

/// The row of the matrix that holds template `index`: `rows[index]`, or `index` itself without `rows`.
static inline ptrdiff_t row_of(const int32_t *rows, int32_t index) { return rows ? (ptrdiff_t)rows[index] : (ptrdiff_t)index; }

/// Two groups of eight pairs (`a0`/`b0` and `a1`/`b1`, a pair per lane), their sums side by side: each
/// lane adds its pair's terms one component after another, and the two groups' additions interleave,
/// so that neither waits on the other's latency. `two0`, `two1`: whether the group's first rows are at
/// most two (see `load_first`; constants where this is called, so each case is built on its own).
BODY void sums16(
    int two0, int two1, int squared, int fused, const double *const a0[8], const double *const b0[8], const double *const a1[8],
    const double *const b1[8], const int64_t q0[8], const int64_t q1[8], ptrdiff_t d, double *out) {
    v8d s0 = 0, s1 = 0;
    ptrdiff_t c0 = 0;
    for (; c0 + 4 <= d; c0 += 4) {
        v8d x0[4], y0[4], x1[4], y1[4];
        load_transposed4(b0, c0, y0);
        load_transposed4(b1, c0, y1);
        load_first(two0, a0, a0[0], a0[LANES - 1], q0, c0, x0);
        load_first(two1, a1, a1[0], a1[LANES - 1], q1, c0, x1);
        for (int j = 0; j < 4; j++) {
            add_term(squared, fused, &s0, &x0[j], &y0[j]);
            add_term(squared, fused, &s1, &x1[j], &y1[j]);
        }
    }
    // The last d mod 4 components lane by lane, in order.
    for (int l = 0; l < LANES; l++) out[l] = add_terms(squared, a0[l], b0[l], c0, d, s0[l]);
    for (int l = 0; l < LANES; l++) out[LANES + l] = add_terms(squared, a1[l], b1[l], c0, d, s1[l]);
}

BODY void pair_sums(
    int squared, int fused, const double *values, ptrdiff_t d, const int32_t *rows, const int32_t *first, const int32_t *second,
    ptrdiff_t stride, ptrdiff_t count, double *sums) {
    ptrdiff_t k = 0;
    // No prefetching: the rows of a run's kept pairs, scored tile by tile, are mostly in cache, and
    // fetching every line of the second rows two groups ahead made the sums slower, not faster (real
    // kept pairs of 20,000 and 50,000 templates in a C harness: 38 against 35 ns a pair, 43 against 37).
    for (; k + 2 * LANES <= count; k += 2 * LANES) {
        const double *a[2][LANES], *b[2][LANES];
        int two[2];
        int64_t q[2][LANES];
        for (int g = 0; g < 2; g++) {
            for (int l = 0; l < LANES; l++) {
                a[g][l] = values + row_of(rows, first[(k + g * LANES + l) * stride]) * d;
                b[g][l] = values + row_of(rows, second[(k + g * LANES + l) * stride]) * d;
            }
            two[g] = 1;
            for (int l = 0; l < LANES; l++) {
                two[g] &= a[g][l] == a[g][0] || a[g][l] == a[g][LANES - 1];
                q[g][l] = a[g][l] == a[g][LANES - 1] ? -1 : 0;
            }
        }
        double *out = sums + k;
        if (two[0] && two[1]) {
            sums16(1, 1, squared, fused, a[0], b[0], a[1], b[1], q[0], q[1], d, out);
        } else if (two[0]) {
            sums16(1, 0, squared, fused, a[0], b[0], a[1], b[1], q[0], q[1], d, out);
        } else if (two[1]) {
            sums16(0, 1, squared, fused, a[0], b[0], a[1], b[1], q[0], q[1], d, out);
        } else {
            sums16(0, 0, squared, fused, a[0], b[0], a[1], b[1], q[0], q[1], d, out);
        }
    }
    for (; k < count; k++) {
        const double *a = values + row_of(rows, first[k * stride]) * d, *b = values + row_of(rows, second[k * stride]) * d;
        sums[k] = add_terms(squared, a, b, 0, d, 0);
    }
}

/// `pair_sums` with a dot product's multiply and add fused, for the builds whose targets have fused
/// multiply-adds (the baseline build would call fma()).
BODY void fused_pair_sums(
    int squared, const double *values, ptrdiff_t d, const int32_t *rows, const int32_t *first, const int32_t *second, ptrdiff_t stride,
    ptrdiff_t count, double *sums) {
    if (squared) {
        pair_sums(1, 0, values, d, rows, first, second, stride, count, sums);
    } else {
        pair_sums(0, 1, values, d, rows, first, second, stride, count, sums);
    }
}

AVX512 void pair_sums_avx512(
    int squared, const double *values, ptrdiff_t d, const int32_t *rows, const int32_t *first, const int32_t *second, ptrdiff_t stride,
    ptrdiff_t count, double *sums) {
    fused_pair_sums(squared, values, d, rows, first, second, stride, count, sums);
}

/// The same body for AVX2 with FMA: each 8-lane vector is two 256-bit halves. In `perf record` of a
/// 20,000-template `faceaudit run --threads 1 --bootstrap 0` on an AMD EPYC (Zen 3, no AVX-512), the
/// sums took about 0.29 s as the baseline build's two-lane SSE2 code and 0.11 s as this.
AVX2_FMA void pair_sums_avx2(
    int squared, const double *values, ptrdiff_t d, const int32_t *rows, const int32_t *first, const int32_t *second, ptrdiff_t stride,
    ptrdiff_t count, double *sums) {
    fused_pair_sums(squared, values, d, rows, first, second, stride, count, sums);
}

void fa_pair_sums(
    fa_vector_build build, int squared_differences, const double *values, ptrdiff_t dimension, const int32_t *rows, const int32_t *first,
    const int32_t *second, ptrdiff_t stride, ptrdiff_t count, double *sums) {
    if (build >= FA_BUILD_AVX512) {
        pair_sums_avx512(squared_differences != 0, values, dimension, rows, first, second, stride, count, sums);
    } else if (build == FA_BUILD_AVX2) {
        pair_sums_avx2(squared_differences != 0, values, dimension, rows, first, second, stride, count, sums);
    } else if (squared_differences) {
        pair_sums(1, 0, values, dimension, rows, first, second, stride, count, sums);
    } else {
        pair_sums(0, 0, values, dimension, rows, first, second, stride, count, sums);
    }
}
