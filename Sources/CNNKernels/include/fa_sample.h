#ifndef FA_SAMPLE_H
#define FA_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "fa_vector_build.h"

/// `target[i] = line[i·stride + offset]` for i < count, 0 where that index lies outside [0, width): one
/// kernel column's inputs along one row, zero padding included (im2col and shifted copies). Pure copies,
/// so every build (`build`, fa_vector_build.h; only one the CPU has) agrees with the baseline one.
void fa_sample_row(
    fa_vector_build build, const float *line, ptrdiff_t width, ptrdiff_t stride, ptrdiff_t offset, float *target, ptrdiff_t count);

/// `fa_sample_row` at stride 2 for two neighbouring kernel columns: `even[i] = line[2i + offset]` and
/// `odd[i] = line[2i + offset + 1]`, 0 outside [0, width).
void fa_sample_pair(fa_vector_build build, const float *line, ptrdiff_t width, ptrdiff_t offset, float *even, float *odd, ptrdiff_t count);

/// `out[c·taps + t] = table[t] < 0 ? 0 : src[c·channel_stride + table[t]]` for c < channels and t < taps:
/// im2col of narrow maps through one table of offsets within a channel, shared by every channel (one
/// entry per kernel tap and output column; negative where the tap reads the zero padding). Pure copies.
void fa_gather_taps(
    const float *src, ptrdiff_t channel_stride, ptrdiff_t channels, const int32_t *table, ptrdiff_t taps, float *out);

#endif
