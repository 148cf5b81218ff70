// Strided row copies for im2col and the detector's shifted inputs, written once as plain loops and built
// three times (twice.h); with AVX-512F the stride-2 reads become loads and permutes.

#include "fa_sample.h"

#include <string.h>

#include "../CVectorBuild/twice.h"

/// The outputs i in [*first, *last) whose input index i·stride + offset lies in [0, reach_width).
BODY void inside(ptrdiff_t width, ptrdiff_t stride, ptrdiff_t offset, ptrdiff_t count, ptrdiff_t *first, ptrdiff_t *last) {
    ptrdiff_t f = offset >= 0 ? 0 : (stride - 1 - offset) / stride;
    if (f > count) f = count;
    ptrdiff_t reach = width - 1 - offset;
    ptrdiff_t l = reach < 0 ? f : reach / stride + 1;
    if (l > count) l = count;
    if (l < f) l = f;
    *first = f;
    *last = l;
}

BODY void sample_row(const float *line, ptrdiff_t width, ptrdiff_t stride, ptrdiff_t offset, float *restrict target, ptrdiff_t count) {
    ptrdiff_t first, last;
    inside(width, stride, offset, count, &first, &last);
    for (ptrdiff_t i = 0; i < first; i++) target[i] = 0;
    const float *restrict from = line + first * stride + offset;
    float *restrict to = target + first;
    ptrdiff_t n = last - first;
    if (stride == 1) {
        memcpy(to, from, (size_t)n * sizeof(float));
    } else if (stride == 2) {
        STRIDED_LOOP
        for (ptrdiff_t i = 0; i < n; i++) to[i] = from[2 * i];
    } else {
        
        for (ptrdiff_t i = 0; i < n; i++) to[i] = from[i * stride];
    }
    for (ptrdiff_t i = last; i < count; i++) target[i] = 0;
}

BODY void sample_pair(const float *line, ptrdiff_t width, ptrdiff_t offset, float *restrict even, float *restrict odd, ptrdiff_t count) {
    // Outputs whose two inputs both lie inside the line: 2i + offset ≥ 0 and 2i + offset + 1 < width.
    ptrdiff_t first, last;
    inside(width - 1, 2, offset, count, &first, &last);
    for (ptrdiff_t i = 0; i < first; i++) {
        ptrdiff_t x = 2 * i + offset;
        even[i] = x >= 0 && x < width ? line[x] : 0;
        odd[i] = x + 1 >= 0 && x + 1 < width ? line[x + 1] : 0;
    }
    const float *restrict from = line + 2 * first + offset;
    for (ptrdiff_t i = 0; i < last - first; i++) {
        even[first + i] = from[2 * i];
        odd[first + i] = from[2 * i + 1];
    }
    for (ptrdiff_t i = last; i < count; i++) {
        ptrdiff_t x = 2 * i + offset;
        even[i] = x >= 0 && x < width ? line[x] : 0;
        odd[i] = x + 1 >= 0 && x + 1 < width ? line[x + 1] : 0;
    }
}

AVX512 void sample_row_avx512(
    const float *line, ptrdiff_t width, ptrdiff_t stride, ptrdiff_t offset, float *target, ptrdiff_t count) {
    sample_row(line, width, stride, offset, target, count);
}

AVX512 void sample_pair_avx512(const float *line, ptrdiff_t width, ptrdiff_t offset, float *even, float *odd, ptrdiff_t count) {
    sample_pair(line, width, offset, even, odd, count);
}

AVX2_FMA void sample_row_avx2(const float *line, ptrdiff_t width, ptrdiff_t stride, ptrdiff_t offset, float *target, ptrdiff_t count) {
    sample_row(line, width, stride, offset, target, count);
}

AVX2_FMA void sample_pair_avx2(const float *line, ptrdiff_t width, ptrdiff_t offset, float *even, float *odd, ptrdiff_t count) {
    sample_pair(line, width, offset, even, odd, count);
}

void fa_sample_row(
    fa_vector_build build, const float *line, ptrdiff_t width, ptrdiff_t stride, ptrdiff_t offset, float *target, ptrdiff_t count) {
    if (build >= FA_BUILD_AVX512) sample_row_avx512(line, width, stride, offset, target, count);
    else if (build == FA_BUILD_AVX2) sample_row_avx2(line, width, stride, offset, target, count);
    else sample_row(line, width, stride, offset, target, count);
}

void fa_sample_pair(fa_vector_build build, const float *line, ptrdiff_t width, ptrdiff_t offset, float *even, float *odd, ptrdiff_t count) {
    if (build >= FA_BUILD_AVX512) sample_pair_avx512(line, width, offset, even, odd, count);
    else if (build == FA_BUILD_AVX2) sample_pair_avx2(line, width, offset, even, odd, count);
    else sample_pair(line, width, offset, even, odd, count);
}

void fa_gather_taps(
    const float *src, ptrdiff_t channel_stride, ptrdiff_t channels, const int32_t *table, ptrdiff_t taps, float *out) {
    for (ptrdiff_t c = 0; c < channels; c++) {
        const float *restrict from = src + c * channel_stride;
        float *restrict to = out + c * taps;
        for (ptrdiff_t t = 0; t < taps; t++) to[t] = table[t] < 0 ? 0 : from[table[t]];
    }
}
