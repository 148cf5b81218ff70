#ifndef FA_RESAMPLE_H
#define FA_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "fa_vector_build.h"

/// One output row of dlib's float bilinear resize over its column blocks, 16 columns at a time with
/// AVX-512F (call only where the CPU has it).
///
/// Column c (from 0) gets ((tlf·T[l] + trf·T[l+1]) + blf·B[l]) + brf·B[l+1] with l = left[c],
/// tlf = inv_tb·inverse[c], trf = inv_tb·fraction[c], blf = tb·inverse[c], brf = tb·fraction[c]: every
/// product and sum one float operation in that order, without fused multiply-add, so the value is the
/// scalar formula's bit for bit. T and B are the top and bottom input rows, in_width floats each; no read
/// goes beyond them. Stops before the first block of 16 whose inputs span more than 32 floats, or that
/// would pass `count`; returns the columns written (the caller computes the rest).
ptrdiff_t fa_resample_row_avx512(
    const int32_t *left, const float *fraction, const float *inverse, ptrdiff_t count, float tb, float inv_tb,
    const float *top, const float *bottom, ptrdiff_t in_width, float *out);

/// fa_resample_row_avx512 with AVX2, 8 columns at a time: the same values bit for bit (every product
/// rounded before it is added). Stops before the first block of 8 whose inputs span more than 16 floats,
/// or that would pass `count`; returns the columns written. Call only where the CPU has AVX2.
ptrdiff_t fa_resample_row_avx2(
    const int32_t *left, const float *fraction, const float *inverse, ptrdiff_t count, float tb, float inv_tb,
    const float *top, const float *bottom, ptrdiff_t in_width, float *out);

/// The block columns of one output row in `build`'s kernel: fa_resample_row_avx512 or fa_resample_row_avx2
/// (the same values); the baseline build has none and returns 0. Call a build only where the CPU has it.
ptrdiff_t fa_resample_row(
    fa_vector_build build, const int32_t *left, const float *fraction, const float *inverse, ptrdiff_t count, float tb,
    float inv_tb, const float *top, const float *bottom, ptrdiff_t in_width, float *out);

#endif
