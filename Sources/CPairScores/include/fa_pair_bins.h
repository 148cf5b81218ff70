#ifndef FA_PAIR_BINS_H
#define FA_PAIR_BINS_H

#include <stddef.h>
#include <stdint.h>

#include "fa_vector_build.h"

/// Bins the columns `begin`…`end − 1` of one tile row, all of one cell pair (`histogram` is that cell
/// pair's). For column c:
///
///     key = keys[c] − (row_norm + column_norm[c])
///     t   = (key − lower) · scale;  t = (0 ≥ t) ? 0 : t;  t = (top < t) ? top : t
///     bin = bits(t + 2²³) & 0x7FFFFF
///
/// each operation rounded on its own, exactly as `StatisticsLayout.bin` computes it (Swift's `max` and
/// `min` select as written here, so a NaN key lands where Swift puts it). A mated column
/// (`column_subject[c] == subject`) gets `row_bins[c] = INT32_MAX` and is not counted; every other
/// column gets its bin in `row_bins[c]` and adds 1 to `histogram[bin]`. The columns that are mated or
/// whose bin is at least `tail_bin` are listed in `rare`, in column order (room for `end − begin`;
/// slots past the count may be written); returns how many. `build`: baseline
/// x86-64, AVX2 with FMA or AVX-512F (call one only where the CPU has it); the same results in each,
/// except where both norms are NaNs with different payloads (the sum's payload, which the bin is read
/// from, may differ between builds; a run's templates are finite, `TemplateMatrix`).
ptrdiff_t fa_bin_row(
    fa_vector_build build, const float *keys, ptrdiff_t begin, ptrdiff_t end, float row_norm, const float *column_norm,
    const int32_t *column_subject, int32_t subject, float lower, float scale, float top, int32_t tail_bin, int64_t *histogram,
    int32_t *row_bins, int32_t *rare);

#endif
