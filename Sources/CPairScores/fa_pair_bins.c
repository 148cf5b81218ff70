#include "fa_pair_bins.h"

#include <string.h>

// Written once and built as CNNKernels' loops are (BODY, AVX512, AVX2_FMA: CVectorBuild's twice.h), three times:
// baseline x86-64, AVX2 with FMA and AVX-512F, chosen by the `build` argument (fa_vector_build.h).
#include "../CVectorBuild/twice.h"

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

/// A vector build's chunk after its vectors have binned columns `begin`…`c − 1` and listed their rare
/// ones from `first` on (`count` listed in all): those columns' increments, the mated ones among them
/// taken back and marked, then the last columns (fewer than a vector) by `bin_chunk` itself, listed
/// after the vectors' (column order). Returns the new count.
BODY ptrdiff_t finish_chunk(
    const float *keys, ptrdiff_t begin, ptrdiff_t c, ptrdiff_t end, float row_norm, const float *column_norm,
    const int32_t *column_subject, int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram,
    int32_t *row_bins, int32_t *rare, ptrdiff_t first, ptrdiff_t count) {
    for (ptrdiff_t q = begin; q < c; q++) histogram[(uint32_t)row_bins[q]] += 1;
    for (ptrdiff_t k = first; k < count; k++) {
        ptrdiff_t m = rare[k];
        if (column_subject[m] == subject) {
            histogram[row_bins[m]] -= 1;
            row_bins[m] = INT32_MAX;
        }
    }
    return c < end ? bin_chunk(
                         keys, c, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram,
                         row_bins, rare, count)
                   : count;
}

/// One build's chunk function (`bin_chunk` or a vector build of it).
typedef ptrdiff_t (*chunk_fn)(
    const float *, ptrdiff_t, ptrdiff_t, float, const float *, const int32_t *, int32_t, float, float, float, int32_t, int64_t *,
    int32_t *, int32_t *, ptrdiff_t);

/// Columns `begin`…`end − 1` of a row, `CHUNK` at a time through `chunk`; returns how many are listed.
BODY ptrdiff_t row_in_chunks(
    chunk_fn chunk, const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm,
    const int32_t *column_subject, int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram,
    int32_t *row_bins, int32_t *rare) {
    ptrdiff_t count = 0;
    for (ptrdiff_t from = begin; from < end; from += CHUNK) {
        ptrdiff_t to = end - from > CHUNK ? from + CHUNK : end;
        count = chunk(
            keys, from, to, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins, rare,
            count);
    }
    return count;
}

BODY ptrdiff_t bin_row(
    const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm, const int32_t *column_subject,
    int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram, int32_t *row_bins,
    int32_t *rare) {
    return row_in_chunks(
        bin_chunk, keys, begin, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins,
        rare);
}

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512_BINS __attribute__((target("avx512f,popcnt")))

/// `bin_chunk` written out for AVX-512F, the same operations in the same order (so the same bins, NaN
/// included: each select is the comparison `bin_chunk` writes, false for NaN). The rare columns are
/// found 16 at a time and their indices written with one compress and one store, so the increment loop
/// does nothing else (`bin_chunk` lists branch-free, a store for every column). In `perf record` of a
/// 50,000-template run (`faceaudit run --threads 1 --bootstrap 0`), the binning fell from 2,310 samples
/// at 999 Hz with `bin_chunk` to 1,519 with this.
AVX512_BINS static ptrdiff_t bin_chunk_avx512(
    const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm, const int32_t *column_subject,
    int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram, int32_t *row_bins,
    int32_t *rare, ptrdiff_t count) {
    const ptrdiff_t first = count;
    const __m512 norm = _mm512_set1_ps(row_norm), low = _mm512_set1_ps(lower), factor = _mm512_set1_ps(scale);
    const __m512 highest = _mm512_set1_ps(top), zero = _mm512_setzero_ps(), shift = _mm512_set1_ps(8388608.0f);
    const __m512i mantissa = _mm512_set1_epi32(0x7FFFFF), own = _mm512_set1_epi32(subject), tail = _mm512_set1_epi32(tail_bin);
    const __m512i sixteen = _mm512_set1_epi32(16);
    __m512i index = _mm512_add_epi32(_mm512_set1_epi32((int32_t)begin), _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    ptrdiff_t c = begin;
    for (; c + 16 <= end; c += 16) {
        __m512 key = _mm512_sub_ps(_mm512_loadu_ps(keys + c), _mm512_add_ps(norm, _mm512_loadu_ps(column_norm + c)));
        __m512 t = _mm512_mul_ps(_mm512_sub_ps(key, low), factor);
        t = _mm512_mask_mov_ps(t, _mm512_cmp_ps_mask(zero, t, _CMP_GE_OQ), zero);
        t = _mm512_mask_mov_ps(t, _mm512_cmp_ps_mask(highest, t, _CMP_LT_OQ), highest);
        __m512i bin = _mm512_and_si512(_mm512_castps_si512(_mm512_add_ps(t, shift)), mantissa);
        _mm512_storeu_si512(row_bins + c, bin);
        __mmask16 wanted =
            _mm512_cmpeq_epi32_mask(_mm512_loadu_si512(column_subject + c), own) | _mm512_cmpge_epu32_mask(bin, tail);
        // Compressed in a register and stored whole (a compressing store to memory is microcoded on
        // Intel cores): the 16 slots written lie within the room for end − begin, since no more than
        // c − begin columns before these were listed.
        _mm512_storeu_si512(rare + count, _mm512_maskz_compress_epi32(wanted, index));
        count += __builtin_popcount(wanted);
        index = _mm512_add_epi32(index, sixteen);
    }
    return finish_chunk(
        keys, begin, c, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins, rare,
        first, count);
}

AVX512_BINS static ptrdiff_t bin_row_avx512(
    const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm, const int32_t *column_subject,
    int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram, int32_t *row_bins,
    int32_t *rare) {
    return row_in_chunks(
        bin_chunk_avx512, keys, begin, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram,
        row_bins, rare);
}
#define AVX2_BINS __attribute__((target("avx2,fma")))

/// `bin_chunk` written out for AVX2, the same operations in the same order as `bin_chunk_avx512`, eight
/// columns at a time. AVX2 has no compress: the rare columns of each eight (about one eight in ten
/// holds one at a run's tail of 1.1 %) are listed from the comparison's bit mask, lowest bit first. (A
/// branch-free list, eight indices permuted by a table of the 256 masks and stored whole, was no
/// faster in a C loop of the binning on an AMD EPYC, Zen 3.) In `perf record` of a 20,000-template
/// `faceaudit run --threads 1 --bootstrap 0` there, the binning took about 0.35 s as `bin_chunk`'s
/// baseline build and 0.22 s as this.
AVX2_BINS static ptrdiff_t bin_chunk_avx2(
    const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm, const int32_t *column_subject,
    int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram, int32_t *row_bins,
    int32_t *rare, ptrdiff_t count) {
    const ptrdiff_t first = count;
    const __m256 norm = _mm256_set1_ps(row_norm), low = _mm256_set1_ps(lower), factor = _mm256_set1_ps(scale);
    const __m256 highest = _mm256_set1_ps(top), zero = _mm256_setzero_ps(), shift = _mm256_set1_ps(8388608.0f);
    const __m256i mantissa = _mm256_set1_epi32(0x7FFFFF), own = _mm256_set1_epi32(subject), tail = _mm256_set1_epi32(tail_bin);
    ptrdiff_t c = begin;
    for (; c + 8 <= end; c += 8) {
        __m256 key = _mm256_sub_ps(_mm256_loadu_ps(keys + c), _mm256_add_ps(norm, _mm256_loadu_ps(column_norm + c)));
        __m256 t = _mm256_mul_ps(_mm256_sub_ps(key, low), factor);
        t = _mm256_blendv_ps(t, zero, _mm256_cmp_ps(zero, t, _CMP_GE_OQ));
        t = _mm256_blendv_ps(t, highest, _mm256_cmp_ps(highest, t, _CMP_LT_OQ));
        __m256i bin = _mm256_and_si256(_mm256_castps_si256(_mm256_add_ps(t, shift)), mantissa);
        _mm256_storeu_si256((__m256i *)(row_bins + c), bin);
        // bin ≥ tail_bin as unsigned numbers, as bin_chunk compares: max(bin, tail) == bin.
        __m256i wanted = _mm256_or_si256(
            _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(column_subject + c)), own),
            _mm256_cmpeq_epi32(_mm256_max_epu32(bin, tail), bin));
        unsigned mask = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(wanted));
        while (mask) {
            rare[count++] = (int32_t)(c + __builtin_ctz(mask));
            mask &= mask - 1;
        }
    }
    return finish_chunk(
        keys, begin, c, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins, rare,
        first, count);
}

AVX2_BINS static ptrdiff_t bin_row_avx2(
    const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm, const int32_t *column_subject,
    int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram, int32_t *row_bins,
    int32_t *rare) {
    return row_in_chunks(
        bin_chunk_avx2, keys, begin, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram,
        row_bins, rare);
}
#else
// Off x86-64 every build is the baseline one.
#define bin_row_avx512 bin_row
#define bin_row_avx2 bin_row
#endif

ptrdiff_t fa_bin_row(
    fa_vector_build build, const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm,
    const int32_t *column_subject, int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram,
    int32_t *row_bins, int32_t *rare) {
    if (build >= FA_BUILD_AVX512) {
        return bin_row_avx512(
            keys, begin, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins, rare);
    }
    if (build == FA_BUILD_AVX2) {
        return bin_row_avx2(
            keys, begin, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins, rare);
    }
    return bin_row(
        keys, begin, end, row_norm, column_norm, column_subject, subject, lower, scale, top, tail_bin, histogram, row_bins, rare);
}
