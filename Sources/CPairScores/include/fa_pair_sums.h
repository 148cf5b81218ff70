#ifndef FA_PAIR_SUMS_H
#define FA_PAIR_SUMS_H

#include <stddef.h>
#include <stdint.h>

#include "fa_vector_build.h"

/// The double-precision sums behind the scores of `count` pairs of one template matrix (`values`, row
/// i at `values + i·dimension`: single-precision templates, widened to double): for pair k, templates
/// a = `first[k · stride]` and b = `second[k · stride]` (`stride` 1 for two arrays of indices; 3 for the
/// two index fields of 12-byte pair records), each held in row `rows[index]` of the matrix (with `rows`
/// NULL, in row `index`), starting from 0 and adding component after component in order,
/// `sum += a[c] · b[c]` (dot products) or, with `squared_differences`, `d = a[c] − b[c]; sum += d · d`;
/// every operation rounded on its own (the AVX2 and AVX-512F builds fuse a dot product's multiply and
/// add, which gives the same bits: a product of two floats is exact in double). Sixteen pairs run side
/// by side, one per lane of two vectors, so each pair keeps that order. `build`:
/// baseline x86-64, AVX2 with FMA or AVX-512F (call one only where the CPU has it); the same bits in each
/// (NaN payloads aside: a run's templates are finite, `TemplateMatrix`).
void fa_pair_sums(
    fa_vector_build build, int squared_differences, const double *values, ptrdiff_t dimension, const int32_t *rows, const int32_t *first,
    const int32_t *second, ptrdiff_t stride, ptrdiff_t count, double *sums);

#endif
