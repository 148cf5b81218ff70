#include "fa_pair_bins.h"

#include <string.h>

// Written once and built twice as CNNKernels' loops are (BODY, AVX512: one definition, in its twice.h).
#include "../CNNKernels/twice.h"

#pragma clang fp contract(off)

enum { CHUNK = 1024 };

/// Columns `begin`…`end − 1` (at most `CHUNK`), appending the rare ones to `rare + count`; returns the
/// new count. Three loops. First every column's bin and whether it is rare (mated, or at or above the
/// tail bin) as a byte (vectorised: 16 lanes with AVX-512F). Then the increments, every column's, with
/// no branch: each column is also written to `rare`, and the count advances past the rare ones only.
/// Last the mated columns among the rare ones: their increment is taken back and they are marked.
/// (Keeping the bin and the flag in separate arrays matters: a first version with one array holding a
/// marked bin, read back and tested in the increment loop, was no faster than the Swift loop it
/// replaced in `AllPairsBench engine`.)
BODY ptrdiff_t bin_chunk(
    const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm, const int32_t *column_subject,
    int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram, int32_t *row_bins,
    int32_t *rare, ptrdiff_t count) {
    uint8_t flags[CHUNK];
    for (ptrdiff_t c = begin; c < end; c++) {
        float t = ((keys[c] - (row_norm + column_norm[c])) - lower) * scale;
        t = (0.0f >= t) ? 0.0f : t;
        t = (top < t) ? top : t;
        float u = t + 8388608.0f;
        uint32_t bits;
        memcpy(&bits, &u, sizeof bits);
        uint32_t bin = bits & 0x7FFFFFu;
        row_bins[c] = (int32_t)bin;
        flags[c - begin] = (uint8_t)((column_subject[c] == subject) | (bin >= (uint32_t)tail_bin));
    }
    const ptrdiff_t first = count;
    for (ptrdiff_t c = begin; c < end; c++) {
        histogram[(uint32_t)row_bins[c]] += 1;
        rare[count] = (int32_t)c;
        count += flags[c - begin];
    }
    for (ptrdiff_t k = first; k < count; k++) {
        ptrdiff_t c = rare[k];
        if (column_subject[c] == subject) {
            histogram[row_bins[c]] -= 1;
            row_bins[c] = INT32_MAX;
        }
    }
    return count;
}

BODY ptrdiff_t bin_row(
    const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm, const int32_t *column_subject,
    int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram, int32_t *row_bins,
    int32_t *rare) {
    ptrdiff_t count = 0;
    for (ptrdiff_t from = begin; from < end; from += CHUNK) {
        ptrdiff_t to = end - from > CHUNK ? from + CHUNK : end;
        count = bin_chunk(
            keys, from, to, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins, rare,
            count);
    }
    return count;
}

AVX512 ptrdiff_t bin_row_avx512(
    const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm, const int32_t *column_subject,
    int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram, int32_t *row_bins,
    int32_t *rare) {
    return bin_row(
        keys, begin, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins, rare);
}

ptrdiff_t fa_bin_row(
    int avx512, const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm,
    const int32_t *column_subject, int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram,
    int32_t *row_bins, int32_t *rare) {
    if (avx512) {
        return bin_row_avx512(
            keys, begin, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins, rare);
    }
    return bin_row(
        keys, begin, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins, rare);
}
