#ifndef FA_WINOGRAD_H
#define FA_WINOGRAD_H

#include <stddef.h>

/// The tile transforms of Winograd's F(2×2, 3×3) and F(4×4, 3×3) convolutions (Lavin & Gray 2016), one
/// channel (input) or one filter (output) and one row of tiles per call.
///
/// Every function exists once, in plain C, and is compiled twice: for baseline x86-64 (`avx512 == 0`)
/// and with AVX-512F (`avx512 != 0`; call it only where the CPU has it: FaceAudit asks
/// `BLAS.hasAVX512`). Contraction is off and nothing is reassociated, so both give the same bits: every
/// value is the same float additions, subtractions and multiplications by small constants, in the order
/// the formulas below are written.

/// F(2×2) input, one channel and one tile row. `d0`…`d3` are the four input rows under the tile row (a
/// row of zeros where it lies outside the map), `w` floats each. With Bᵀ = [1 0 −1 0; 0 1 1 0;
/// 0 −1 1 0; 0 1 0 −1], it forms the rows of Bᵀ·d in `q` (4 rows of `padded` = 2·tiles_x + 2 floats:
/// column −1, the map, zeros) and writes (Bᵀ·d·B)_ξ of tile t to `out[ξ·stride + t]`, ξ = 4·i + j.
void fa_winograd2_input(
    int avx512, const float *d0, const float *d1, const float *d2, const float *d3, ptrdiff_t w, ptrdiff_t tiles_x,
    float *q, float *out, ptrdiff_t stride);

/// F(2×2) output, one filter and one tile row: M_ξ of tile t is `m[ξ·stride + t]`. With
/// Aᵀ = [1 1 1 0; 0 1 −1 −1] it forms the two output rows Aᵀ·M·A in `work` (2 rows of 2·tiles_x), then
/// writes `rows` (1 or 2) rows of `w` floats to `out + r·w`: y = (line + bias) [+ residual], then
/// `floor >= y ? floor : y` (Swift's `max(y, floor)`; floor is 0 for a ReLU, −∞ otherwise).
/// `residual` (nullable) is read at `residual + r·w`.
void fa_winograd2_output(
    int avx512, const float *m, ptrdiff_t stride, ptrdiff_t tiles_x, float *work, float bias, float floor,
    const float *residual, float *out, ptrdiff_t w, ptrdiff_t rows);

/// F(4×4) input: as `fa_winograd2_input` with six rows `d0`…`d5`, `q` of 6 rows of
/// `padded` = 4·tiles_x + 2, ξ = 6·i + j, and Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0;
/// 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1].
void fa_winograd4_input(
    int avx512, const float *d0, const float *d1, const float *d2, const float *d3, const float *d4,
    const float *d5, ptrdiff_t w, ptrdiff_t tiles_x, float *q, float *out, ptrdiff_t stride);

/// F(4×4) output: as `fa_winograd2_output` with 36 positions, Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0;
/// 0 1 1 4 4 0; 0 1 −1 8 −8 1], `work` of 28 rows of `padded` = 4·tiles_x + 2, and `rows` ≤ 4.
void fa_winograd4_output(
    int avx512, const float *m, ptrdiff_t stride, ptrdiff_t tiles_x, float *work, float bias, float floor,
    const float *residual, float *out, ptrdiff_t w, ptrdiff_t rows);

#endif
