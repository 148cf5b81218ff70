#ifndef FA_POOLING_H
#define FA_POOLING_H

#include <stddef.h>

#include "fa_vector_build.h"

/// One output row of a max (`average == 0`) or average pooling over one plane, `iw` floats a row, with
/// dlib's window placement: output column c reads columns c·sx − px …< c·sx − px + ww clipped to
/// [0, iw), and rows top…bottom (inclusive, already clipped). Max visits the window row by row, left to
/// right, keeping `v >= m ? v : m` from −∞ (Swift's `max(m, v)`); average adds from 0 in the same order
/// and divides by the number of cells. Built for baseline x86-64, AVX2 with FMA and AVX-512F, run as
/// `build` says (fa_vector_build.h; call a build only where the CPU has it): the same bits in every build.
void fa_pool_row(
    fa_vector_build build, int average, const float *plane, ptrdiff_t iw, ptrdiff_t top, ptrdiff_t bottom, ptrdiff_t ww, ptrdiff_t sx,
    ptrdiff_t px, float *out, ptrdiff_t ow);

#endif
