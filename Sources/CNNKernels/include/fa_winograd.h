#ifndef FA_WINOGRAD_H
#define FA_WINOGRAD_H

#include <stddef.h>

#include "fa_vector_build.h"

/// The tile transforms of Winograd's F(2×2, 3×3) and F(4×4, 3×3) convolutions (Lavin & Gray 2016), for
/// one channel (input) or one filter (output) over `tile_rows` rows of tiles, `tiles_x` tiles each;
/// m = `tile` (2 or 4), α = m + 2, padded = m·tiles_x + 2.
///
/// Built for baseline x86-64, for AVX2 with FMA and for AVX-512F, run as `build` says (fa_vector_build.h;
/// call a build only where the CPU has it: FaceAudit follows `BLAS.kernel`). Contraction is off and
/// nothing is reassociated, so every build gives the same bits: every value is the same float additions, subtractions and multiplications by
/// small constants, in the order the formulas below are written.
///
/// Each function first does its first step for every tile row, then its second: a row written by the
/// first step is read back long after the stores, never while they are still in flight (reading it
/// at once stalled store forwarding on small maps).

/// Input transform of one channel. Input row r (< α) of tile row i is `plane + row_offsets[α·i + r]`,
/// or `zero` (`width` zeros) where that offset is negative (outside the map). Bᵀ·d is formed in `q` (α rows
/// of `padded` per tile row): column −1 is 0, column j (0 ≤ j < `count`) is the row's value at
/// `column_stride`·j + `column_offset`, 0 where that lies outside [0, `width`), and the rest up to the
/// last tile's reach (`padded`) is 0; columns j ≥ padded − 1 are not read. A map read as it is stored
/// has stride 1, offset 0 and count = width; the detector's stride-2 layers read one phase of their
/// input's columns in place with stride 2 (never with masked lanes). Then (Bᵀ·d·B)_ξ of tile t of tile
/// row i is written to `out[ξ·stride + i·tiles_x + t]`, ξ = α·row + column of the α×α transform.
/// `column_stride` is 1 or 2 (any other value is taken as 2); a negative `count` reads nothing.
///   F(2×2): Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
///   F(4×4): Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
void fa_winograd_input(
    fa_vector_build build, int tile, int column_stride, const float *plane, const ptrdiff_t *row_offsets, ptrdiff_t tile_rows,
    ptrdiff_t column_offset, ptrdiff_t count, ptrdiff_t width, ptrdiff_t tiles_x, const float *zero, float *q, float *out,
    ptrdiff_t stride);

/// Output transform of one filter. M_ξ of tile t of tile row i is `m[ξ·stride + i·tiles_x + t]`. The m
/// output rows Aᵀ·M·A of every tile row are formed in `work` (tile_rows·m rows of `padded`, then 24
/// rows of `padded` for F(4×4)'s Aᵀ·M), then the first `out_rows[i]` (≤ m) of tile row i are written,
/// `w` floats each from the line's column `first` on, to `out + out_offsets[i] + r·w`: y = (line + bias) [+ residual], where `residual`
/// (nullable) is read at the same offsets, then `floor >= y ? floor : y` (Swift's `max(y, floor)`;
/// floor is 0 for a ReLU, −∞ otherwise).
///   F(2×2): Aᵀ = [1 1 1 0; 0 1 −1 −1]
///   F(4×4): Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
void fa_winograd_output(
    fa_vector_build build, int tile, const float *m, ptrdiff_t stride, ptrdiff_t tile_rows, ptrdiff_t tiles_x, float *work, float bias,
    float floor, const float *residual, float *out, const ptrdiff_t *out_offsets, const ptrdiff_t *out_rows, ptrdiff_t first, ptrdiff_t w);

/// fa_winograd_input for every channel of a chunk at once, AVX-512F only (call it only where the CPU has
/// it), 16 tiles at a time across rows of tiles: the same bits as fa_winograd_input. The chunk is the
/// tile rows first_row ..< first_row + tile_rows of the batch (row g = b·tiles_y + ty; n = tile_rows·tiles_x
/// tiles, t = (g − first_row)·tiles_x + tx). Channel c of sample b is the h×w map at
/// `src + c·plane + b·h·w`; (Bᵀ·d·B)_ξ of channel c and tile t is written to `v[ξ·channels·n + c·n + t]`.
/// Offsets within a channel's plane are 32-bit: call it only where plane + 8·w + 8 < 2³¹.
void fa_winograd_input_gather(
    int tile, const float *src, ptrdiff_t plane, ptrdiff_t channels, ptrdiff_t h, ptrdiff_t w, ptrdiff_t tiles_y, ptrdiff_t tiles_x,
    ptrdiff_t first_row, ptrdiff_t tile_rows, float *v);
/// fa_winograd_output for every filter of a chunk at once, AVX-512F only: M_ξ of filter f and tile t is
/// `m[ξ·filters·n + f·n + t]` (the chunk as in fa_winograd_input_gather); output (i, j) of the tile's
/// m×m block, where it is inside the map, becomes y = (Aᵀ·M·A)_ij + bias[f] [+ residual], then
/// `floor >= y ? floor : y`, at `dst + f·plane + (b·h + m·ty + i)·w + m·tx + j` (`residual`, nullable,
/// read at the same offset). The same bits as fa_winograd_output.
void fa_winograd_output_scatter(
    int tile, const float *m, ptrdiff_t filters, ptrdiff_t h, ptrdiff_t w, ptrdiff_t tiles_y, ptrdiff_t tiles_x, ptrdiff_t first_row,
    ptrdiff_t tile_rows, const float *bias, float floor, const float *residual, float *dst, ptrdiff_t plane);
/// Winograd F(2, 5) and F(4, 5) along one row (the MMOD detector's 5-wide kernels; `tile` = 2 or 4
/// outputs per tile, α = tile + 4 points): Bᵀ on every tile t of the zero-padded input row, whose inputs
/// are `padded[tile·t ..< tile·t + α]`; point ξ of tile t is written to `target[ξ·point_stride + t]`.
///   F(2, 5): Bᵀ = [4 0 −5 0 1 0; 0 4 4 −1 −1 0; 0 −4 4 1 −1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
///   F(4, 5): Bᵀ = [4 0 −21 0 21 0 −4 0; 0 −4 −4 17 17 −4 −4 0; 0 4 −4 −17 17 4 −4 0; 0 2 1 −10 −5 8 4 0;
///                  0 −2 1 10 −5 −8 4 0; 0 64 128 −80 −160 16 32 0; 0 −64 128 80 −160 −16 32 0; 0 −4 0 21 0 −21 0 4]
/// (the formulas in fa_winograd.c fix the order of the operations).
void fa_winograd_row_input(fa_vector_build build, int tile, const float *padded, ptrdiff_t tiles, float *target, ptrdiff_t point_stride);

/// Aᵀ on every tile of one row: outputs tile·t ..< tile·t + tile from the points `m[ξ·point_stride + t]`,
/// `count` outputs in all (the last tile may be cut short).
///   F(2, 5): Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 1]
///   F(4, 5): Aᵀ = [1 1 1 1 1 1 1 0; 0 1 −1 2 −2 1/2 −1/2 0; 0 1 1 4 4 1/4 1/4 0; 0 1 −1 8 −8 1/8 −1/8 1]
void fa_winograd_row_output(
    fa_vector_build build, int tile, const float *m, ptrdiff_t point_stride, ptrdiff_t tiles, float *out, ptrdiff_t count);

#endif
