// Every build the CPU has of every CNNKernels loop, of CPairScores' pair sums and pair bins (baseline, AVX2+FMA, AVX-512F) and of CResample's resize rows (against their formula), compiled as the release build compiles them (-O2, vectorised), on random rows of many widths: the outputs must be the same bits. Run by scripts/ci/nn-kernel-builds.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#include "fa_pair_bins.h"
#include "fa_pair_sums.h"
#include "fa_pooling.h"
#include "fa_resample.h"
#include "fa_sample.h"
#include "fa_winograd.h"

static unsigned long long state = 1;
static float next(int special) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    unsigned r = (unsigned)(state >> 33);
    switch (r % 13) {
    case 3: return -0.0f;
    case 7: return 0.0f;
    case 9: return special ? __builtin_nanf("") : 1.0f;
    default: return (float)(r % 100000) / 25000.0f - 2.0f;
    }
}

static void fill(float *x, long n, int special) {
    for (long i = 0; i < n; i++) x[i] = next(special);
}

static int failures = 0, cases = 0;
static void same(const void *a, const void *b, size_t bytes, const char *what, long w) {
    cases++;
    if (memcmp(a, b, bytes) != 0) {
        failures++;
        fprintf(stderr, "nn-kernel-builds: %s differs between the builds at width %ld\n", what, w);
    }
}

/// One output row of the pyramid's resize (CResample) by its formula, every product rounded before it is
/// added: ((tlf·T[l] + trf·T[l+1]) + blf·B[l]) + brf·B[l+1].
static float resize_formula(const float *top, const float *bottom, int32_t l, float lr, float inv_lr, float tb, float inv_tb) {
#pragma clang fp contract(off)
    float tlf = inv_tb * inv_lr, trf = inv_tb * lr, blf = tb * inv_lr, brf = tb * lr;
    return tlf * top[l] + trf * top[l + 1] + blf * bottom[l] + brf * bottom[l + 1];
}

/// The resize rows' vector builds against the formula, at scales from a 5× upscale to a 2.2× downscale
/// (the pyramid's is 5/6) and row widths of 2–600: every column a build writes must be the formula's
/// bits. Returns the columns the builds wrote (so a build that writes nothing is seen).
static long check_resize(const fa_vector_build *builds, int build_count) {
    static float top[600], bottom[600], out[3000];
    static int32_t left[3000];
    static float lr[3000], inv[3000];
    const float scales[] = {0.2f, 0.5f, 0.83333f, 1.0f, 1.2f, 1.9f, 2.2f};
    long written = 0;
    for (long w = 2; w <= 600; w += 7) {
        fill(top, w, 0);
        fill(bottom, w, 0);
        for (int si = 0; si < (int)(sizeof scales / sizeof scales[0]); si++) {
            long count = 0;
            for (long c = 0; c < 3000; c++) {
                float x = (float)c * scales[si];
                int32_t l = (int32_t)x;
                if (l + 1 > w - 1) break;
                left[c] = l, lr[c] = x - (float)l, inv[c] = 1.0f - lr[c], count++;
            }
            for (int b = 0; b < build_count; b++) {
                if (builds[b] == FA_BUILD_BASELINE) continue;
                memset(out, 0, sizeof out);
                ptrdiff_t done = fa_resample_row(builds[b], left, lr, inv, count, 0.375f, 0.625f, top, bottom, w, out);
                written += done;
                int differ = 0;
                for (long c = 0; c < done; c++) {
                    float want = resize_formula(top, bottom, left[c], lr[c], inv[c], 0.375f, 0.625f);
                    if (memcmp(&want, out + c, sizeof want) != 0) differ = 1;
                }
                same(&differ, &(int){0}, sizeof differ, "resize row (against its formula)", w);
            }
        }
    }
    return written;
}

enum { MAXW = 160, BIG = 36 * 3 * 160 };
static float d[12 * MAXW], zero[MAXW], q[3][18 * (MAXW + 2)], out[3][BIG], m[BIG], res[12 * MAXW], work[3][36 * (MAXW + 2)];

/// The chunk transforms 16 tiles at a time (fa_winograd_input_gather, fa_winograd_output_scatter) against
/// the baseline build's row-at-a-time ones, over 3 channels and filters of `batch` h×w maps, tile rows
/// first_row … of the batch: the same bits, and nothing written outside the map.
static void gathered(long batch, long h, long w, int tile, long first_row) {
    const long tiles_x = (w + tile - 1) / tile, tiles_y = (h + tile - 1) / tile, alpha = tile + 2, padded = tile * tiles_x + 2;
    const long rows = batch * tiles_y - first_row, n = rows * tiles_x, C = 3, plane = batch * h * w;
    if (rows <= 0) return;
    float *src = malloc(C * plane * 4), *v[2], *mm = malloc(alpha * alpha * C * n * 4), *res = malloc(C * plane * 4);
    float *o[2], *q = malloc(rows * alpha * padded * 4), *zeros = calloc(w, 4), *wk = malloc((rows * tile + 24) * padded * 4);
    ptrdiff_t *offsets = malloc(alpha * rows * sizeof(ptrdiff_t)), *out_offsets = malloc(rows * sizeof(ptrdiff_t));
    ptrdiff_t *out_rows = malloc(rows * sizeof(ptrdiff_t));
    // 64 floats of slack after V and after the outputs, compared too: a write past either shows.
    const long vsize = (alpha * alpha * C * n + 64) * 4, osize = (C * plane + 64) * 4;
    for (int b = 0; b < 2; b++) {
        v[b] = malloc(vsize);
        o[b] = malloc(osize);
        memset(v[b], 0x55, vsize);
    }
    fill(src, C * plane, 1);
    for (long i = 0; i < rows; i++) {
        long g = first_row + i, b = g / tiles_y, ty = g - b * tiles_y, top = tile * ty - 1;
        for (long r = 0; r < alpha; r++) offsets[alpha * i + r] = top + r >= 0 && top + r < h ? (b * h + top + r) * w : -1;
        out_offsets[i] = (b * h + tile * ty) * w;
        out_rows[i] = h - tile * ty < tile ? h - tile * ty : tile;
    }
    for (long c = 0; c < C; c++) fa_winograd_input(FA_BUILD_BASELINE, tile, 1, src + c * plane, offsets, rows, 0, w, w, tiles_x, zeros, q, v[0] + c * n, C * n);
    fa_winograd_input_gather(tile, src, plane, C, h, w, tiles_y, tiles_x, first_row, rows, v[1]);
    same(v[0], v[1], vsize, "Winograd input, 16 tiles at a time", w);
    fill(mm, alpha * alpha * C * n, 1);
    fill(res, C * plane, 1);
    const float bias[3] = {0.25f, -0.5f, 1.0f};
    for (int relu = 0; relu < 2; relu++) {
        for (int withResidual = 0; withResidual < 2; withResidual++) {
            float floor = relu ? 0.0f : -__builtin_inff();
            memset(o[0], 0x55, osize);
            memset(o[1], 0x55, osize);
            for (long f = 0; f < C; f++)
                fa_winograd_output(
                    FA_BUILD_BASELINE, tile, mm + f * n, C * n, rows, tiles_x, wk, bias[f], floor, withResidual ? res + f * plane : 0, o[0] + f * plane,
                    out_offsets, out_rows, 0, w);
            fa_winograd_output_scatter(tile, mm, C, h, w, tiles_y, tiles_x, first_row, rows, bias, floor, withResidual ? res : 0, o[1], plane);
            same(o[0], o[1], osize, "Winograd output, 16 tiles at a time", w);
        }
    }
    free(src), free(mm), free(res), free(q), free(zeros), free(wk), free(offsets), free(out_offsets), free(out_rows);
    for (int b = 0; b < 2; b++) free(v[b]), free(o[b]);
}

int main(void) {
    // Every loop has three builds (baseline, AVX2 with FMA, AVX-512F); each build the CPU has is compared
    // with the baseline. The chunk transforms (16 tiles at a time) are AVX-512F only, compared with the
    // baseline's row-at-a-time ones.
    const int has_avx512 = __builtin_cpu_supports("avx512f"), has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    fa_vector_build builds[3];
    int build_count = 0;
    builds[build_count++] = FA_BUILD_BASELINE;
    if (has_avx2) builds[build_count++] = FA_BUILD_AVX2;
    if (has_avx512) builds[build_count++] = FA_BUILD_AVX512;
    if (!has_avx512) printf("nn-kernel-builds: this CPU has no AVX-512F: the chunk transforms are not compared here\n");
    for (long w = 1; w <= 150; w++) {
        for (int tile = 2; tile <= 4; tile += 2) {
            // Three tile rows over a map of 3·m − 1 rows: the first and last reach outside it.
            long tiles = (w + tile - 1) / tile, stride = 3 * tiles + 3, alpha = tile + 2, height = 3 * tile - 1;
            ptrdiff_t offsets[18], out_offsets[3], out_rows[3];
            for (long i = 0; i < 3; i++) {
                for (long r = 0; r < alpha; r++) {
                    long y = tile * i - 1 + r;
                    offsets[alpha * i + r] = y >= 0 && y < height ? y * w : -1;
                }
                out_offsets[i] = tile * i * w;
                out_rows[i] = height - tile * i < tile ? height - tile * i : tile;
            }
            fill(d, height * w, 1);
            for (int b = 0; b < build_count; b++) {
                memset(q[b], 0x55, sizeof q[b]);
                memset(out[b], 0x55, sizeof out[b]);
                fa_winograd_input(builds[b], tile, 1, d, offsets, 3, 0, w, w, tiles, zero, q[b], out[b], stride);
            }
            for (int b = 1; b < build_count; b++) {
                same(q[0], q[b], sizeof q[0], "Winograd input (Bᵀ·d rows)", w);
                same(out[0], out[b], sizeof out[0], "Winograd input", w);
            }
            // One phase of the columns read in place (stride 2, offsets before and after the row's
            // start), as the detector's stride-2 layers read their input: w columns, count ≈ w / 2 + 2.
            for (long offset = -3; offset <= 1; offset++) {
                long count = (w + 1) / 2 + 2, phase_tiles = (count + tile - 1) / tile, phase_stride = 3 * phase_tiles + 3;
                for (int b = 0; b < build_count; b++) {
                    memset(q[b], 0x55, sizeof q[b]);
                    memset(out[b], 0x55, sizeof out[b]);
                    fa_winograd_input(builds[b], tile, 2, d, offsets, 3, offset, count, w, phase_tiles, zero, q[b], out[b], phase_stride);
                }
                for (int b = 1; b < build_count; b++) {
                    same(q[0], q[b], sizeof q[0], "Winograd input at stride 2 (Bᵀ·d rows)", w);
                    same(out[0], out[b], sizeof out[0], "Winograd input at stride 2", w);
                }
            }
            fill(m, alpha * alpha * stride, 1);
            fill(res, height * w, 1);
            for (int relu = 0; relu < 2; relu++) {
                for (int withResidual = 0; withResidual < 2; withResidual++) {
                    for (int b = 0; b < build_count; b++) {
                        memset(out[b], 0x55, sizeof out[b]);
                        float floor = relu ? 0.0f : -__builtin_inff();
                        fa_winograd_output(
                            builds[b], tile, m, stride, 3, tiles, work[b], 0.25f, floor, withResidual ? res : 0, out[b], out_offsets, out_rows,
                            relu, w - relu);  // with the ReLU, from column 1 on, as the phases write
                    }
                    for (int b = 1; b < build_count; b++) same(out[0], out[b], sizeof out[0], "Winograd output", w);
                }
            }
        }
        for (int tile = 2; tile <= 4; tile += 2) {
            long stride = w + 2, points = tile + 4;
            fill(d, tile * w + 4, 1);
            fill(m, points * stride, 1);
            for (int b = 0; b < build_count; b++) {
                memset(out[b], 0x55, sizeof out[b]);
                fa_winograd_row_input(builds[b], tile, d, w, out[b], stride);
                fa_winograd_row_output(builds[b], tile, m, stride, w, out[b] + points * stride, tile * w - 1);
            }
            for (int b = 1; b < build_count; b++) same(out[0], out[b], sizeof out[0], "row Winograd", w);
        }
        fill(d, 4 * w, 1);
        static const long windows[][3] = {{3, 2, 0}, {2, 2, 0}, {3, 1, 1}, {3, 2, 1}, {5, 3, 2}};
        for (int k = 0; k < 5; k++) {
            long ww = windows[k][0], sx = windows[k][1], px = windows[k][2];
            if (ww > w + 2 * px) continue;
            long ow = 1 + (w + 2 * px - ww) / sx;
            for (int average = 0; average < 2; average++) {
                for (int b = 0; b < build_count; b++) {
                    memset(out[b], 0x55, sizeof out[b]);
                    fa_pool_row(builds[b], average, d, w, 1, 3, ww, sx, px, out[b], ow);
                }
                for (int b = 1; b < build_count; b++) same(out[0], out[b], sizeof out[0], average ? "average pooling" : "max pooling", w);
            }
        }
        for (long stride = 1; stride <= 3; stride++) {
            for (long offset = -4; offset <= 4; offset++) {
                long count = w / stride + 3;
                for (int b = 0; b < build_count; b++) {
                    memset(out[b], 0x55, sizeof out[b]);
                    fa_sample_row(builds[b], d, w, stride, offset, out[b], count);
                    if (stride == 2) fa_sample_pair(builds[b], d, w, offset, out[b] + 400, out[b] + 800, count);
                }
                for (int b = 1; b < build_count; b++) same(out[0], out[b], sizeof out[0], "row samples", w);
            }
        }
    }
    // Chunks of every map from 1×1 to 40×40 (and rows up to 150) over 1 and 3 samples, from the first tile
    // row and from the second.
    for (long w = 1; has_avx512 && w <= 150; w = w < 40 ? w + 1 : w + 55) {
        for (long h = 1; h <= 40; h += h < 9 ? 1 : 13) {
            for (int tile = 2; tile <= 4; tile += 2) {
                gathered(1, h, w, tile, 0);
                gathered(3, h, w, tile, 1);
            }
        }
    }
    // Pair sums: 40 pairs of 20 templates of every length 1–150, both metrics (width = length), the
    // templates (floats, widened to double as `PairScorer` stores them) in index order and (rows) stored
    // in reverse order; each build must also give the same sums with the matrix reversed as in index order.
    static float values[20 * 150];
    static double templates[20 * 150], reversed[20 * 150];
    static int32_t first[40], second[40], rows[20];
    static double sums[3][40], moved[40];
    for (int i = 0; i < 20; i++) rows[i] = 19 - i;
    for (long w = 1; w <= 150; w++) {
        fill(values, 20 * w, 0);
        for (long i = 0; i < 20 * w; i++) templates[i] = values[i];
        // Scattered first templates, then runs of 11 and of 5 (groups of eight with one or two first
        // templates, broadcast) and of 3 (three, transposed).
        static const int run_length[] = {0, 11, 5, 3};
        for (int runs = 0; runs < 4; runs++) {
            for (int k = 0; k < 40; k++) {
                first[k] = runs ? (int32_t)((k / run_length[runs] + w) % 20) : (int32_t)((k * 7 + w) % 20);
                second[k] = (int32_t)((k * 13 + 3 * w) % 20);
            }
            for (int squared = 0; squared <= 1; squared++) {
                for (int i = 0; i < build_count; i++) fa_pair_sums(builds[i], squared, templates, w, NULL, first, second, 1, 40, sums[i]);
                for (int i = 1; i < build_count; i++)
                    same(sums[0], sums[i], sizeof sums[0], squared ? "pair sums (squared differences)" : "pair sums (dot products)", w);
                for (int i = 0; i < 20; i++) memcpy(reversed + rows[i] * w, templates + i * w, (size_t)w * sizeof(double));
                for (int i = 0; i < build_count; i++) {
                    fa_pair_sums(builds[i], squared, reversed, w, rows, first, second, 1, 40, moved);
                    same(sums[0], moved, sizeof moved, "pair sums (templates stored in another order)", w);
                }
            }
        }
    }
    // Pair bins: tile rows of every width 1–150 and 2,500 (more than one of the kernel's chunks), keys
    // inside and outside the binned domain, ±0, some columns mated, tail bins from 0 (every column rare)
    // to past the last bin (none rare); counts, bins and rare lists (as far as the count) of every build against the baseline.
    enum { ROW = 2500, BINS = 64 };
    static float keys[ROW], norms[ROW], none[ROW];
    static int32_t subjects[ROW], bins[3][ROW], rare[3][ROW];
    static int64_t histogram[3][BINS];
    for (long w = 1; w <= ROW; w = w < 150 ? w + 1 : w == ROW ? ROW + 1 : ROW) {
        fill(keys, w, 0);
        fill(norms, w, 0);
        for (long c = 0; c < w; c++) subjects[c] = (int32_t)(c % 7);
        for (int32_t tail = 0; tail <= BINS; tail += 16) {
            for (int euclidean = 0; euclidean <= 1; euclidean++) {
                ptrdiff_t count[3];
                for (int b = 0; b < build_count; b++) {
                    memset(histogram[b], 0, sizeof histogram[b]);
                    memset(bins[b], 0, sizeof bins[b]);
                    memset(rare[b], 0, sizeof rare[b]);
                    // Columns from w / 5 on, as a tile row past the diagonal starts.
                    count[b] = fa_bin_row(
                        builds[b], keys, w / 5, w, euclidean ? 0.75f : 0.0f, euclidean ? norms : none, subjects, 3, -1.5f, BINS / 3.0f,
                        BINS - 1, tail, histogram[b], bins[b], rare[b]);
                }
                for (int b = 1; b < build_count; b++) {
                    same(count, count + b, sizeof count[0], "pair bins (rare count)", w);
                    same(histogram[0], histogram[b], sizeof histogram[0], "pair bins (counts)", w);
                    same(bins[0], bins[b], sizeof bins[0], "pair bins (bins)", w);
                    // The listed columns only: slots past the count may be written (the AVX-512F build
                    // stores 16 at a time), as fa_pair_bins.h says.
                    same(rare[0], rare[b], (size_t)(count[0] == count[b] ? count[0] : 0) * sizeof rare[0][0], "pair bins (rare columns)", w);
                }
            }
        }
    }
    long resized = check_resize(builds, build_count);
    if (build_count > 1 && resized == 0) {
        failures++;
        fprintf(stderr, "nn-kernel-builds: the resize rows' vector builds wrote no column\n");
    }
    printf("nn-kernel-builds: %d comparisons, %d differ (%ld resize columns checked)\n", cases, failures, resized);
    return failures ? 1 : 0;
}
