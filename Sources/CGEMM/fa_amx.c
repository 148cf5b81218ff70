// All-pairs products on AMX tiles with split bfloat16 operands (see fa_amx.h).
//
// Layout. With kp = k rounded up to 32, each row of A becomes K = 3·kp bfloat16 values
// [hi(a), mid(a), hi(a)] and each column of Bᵀ [mid(b), hi(b), hi(b)], so one bf16 product of depth K is
// the three partial products in order. A is packed row-major (row stride 2K bytes) and read by tiles of
// 16 rows × 32 values. B is packed in strips of 16 columns; a strip's step t (32 values of K) is one
// tile of 16 rows × 64 bytes in the "VNNI" order the tiles want: row r holds, for each of the 16
// columns, the values 2r and 2r + 1 of that step.
//
// No library function is called while the tiles hold data (between the configuration and the release).
//
// The loop computes 32 × 32 blocks of C in four accumulator tiles (two A tiles, two B tiles), and
// single 16 × 16 tiles at the edges, stored to a scratch tile and copied.

#include "fa_amx.h"

/// k rounded up to a multiple of 32, the tiles' depth step.
static inline ptrdiff_t padded_depth(ptrdiff_t k) { return (k + 31) / 32 * 32; }

/// The three products a key sums (hi·mid, mid·hi, hi·hi; see below), each a third of the packed depth.
enum { PRODUCTS = 3 };

/// PRODUCTS parts of 2 bytes for each of kp values: one formula on every platform.
ptrdiff_t fa_amx_row_bytes(ptrdiff_t k) { return PRODUCTS * padded_depth(k) * 2; }

#if defined(__x86_64__) && defined(__linux__)

#include <cpuid.h>
#include <immintrin.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18 };

static bool available;
static pthread_once_t available_once = PTHREAD_ONCE_INIT;

static uint64_t xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

static void check_available(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !((ecx >> 27) & 1)) return;  // OSXSAVE
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return;
    bool avx512f = (ebx >> 16) & 1, amx_bf16 = (edx >> 22) & 1, amx_tile = (edx >> 24) & 1;
    if (!avx512f || !amx_bf16 || !amx_tile) return;
    uint64_t xcr0 = xgetbv0();
    if ((xcr0 & 0x600E6) != 0x600E6) return;  // AVX-512 state, XTILECFG and XTILEDATA
    // Linux refuses the permission while a thread has an alternate signal stack too small for the tile
    // state (and, once granted, refuses such stacks): the products then stay off the tiles. Swift's
    // runtime installs 64 KB stacks, which are large enough.
    available = syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
}

bool fa_amx_available(void) {
    pthread_once(&available_once, check_available);
    return available;
}

static inline uint16_t to_bf16(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    u += 0x7fff + ((u >> 16) & 1);  // round to nearest even (inputs are finite)
    return (uint16_t)(u >> 16);
}

static inline float from_bf16(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float x;
    memcpy(&x, &u, 4);
    return x;
}


/// The parts a float is split into: hi = bf16(x) and mid = bf16(x − hi), both rounded to nearest
/// (x − hi is exact in float), so that |x − hi − mid| ≤ 2⁻¹⁶|x|.
static inline void split(float x, uint16_t parts[2]) {
    parts[0] = to_bf16(x);
    parts[1] = to_bf16(x - from_bf16(parts[0]));
}

/// The products of parts, in the order they are summed: which part of a (left) and of b (right) each
/// third of the depth holds: hi·mid, mid·hi, then hi·hi. With a = hi + mid + ρ, |ρ| ≤ 2⁻¹⁶|a| (and b
/// alike), what they leave out, mid·mid and the terms of ρ, is at most 3.1·2⁻¹⁶ of |a·b|. The small
/// corrections come first, so that single-precision accumulation over the padded depth kp costs at
/// most about kp·2⁻²⁴·(1 + 3·2⁻⁷) of Σ|a_p·b_p| (hi·hi first made it 3·kp). (All six products down to
/// lo·hi leave 2⁻²³, as single precision does, but take twice as long: no faster than the AVX-512F
/// kernel; they need a third part, lo = bf16(x − hi − mid).)
static const int left_part[PRODUCTS] = {0, 1, 0}, right_part[PRODUCTS] = {1, 0, 0};

uint32_t fa_amx_cpu_signature(void) {
    unsigned eax = 0, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return eax;
}


ptrdiff_t fa_amx_packed_b_bytes(ptrdiff_t n, ptrdiff_t k) {
    if (n <= 0 || k <= 0) return 0;
    return (n + 15) / 16 * 16 * fa_amx_row_bytes(k);
}

void fa_amx_pack_b(ptrdiff_t n, ptrdiff_t k, const float *b, ptrdiff_t ldb, void *bp) {
    if (n <= 0 || k <= 0) return;
    const ptrdiff_t kp = padded_depth(k);
    uint16_t *out = bp;
    // Each value of a strip is split once, its parts kept value-major (parts[which][p][col]), so that a
    // tile row (values p and p + 1 of the 16 columns, interleaved) is read from two rows of 16. Padding
    // (columns past n, values past k) is +0, whose parts are 0. (Splitting per product, as the layout
    // reads, split every value three times, through a division per depth: the packing took 93–95
    // samples at 4 kHz in `perf record` of a 20,000-template run, 61–63 since.)
    uint16_t(*parts)[16] = malloc((size_t)(2 * kp) * sizeof *parts);
    if (!parts) abort();
    for (ptrdiff_t j0 = 0; j0 < n; j0 += 16) {
        const ptrdiff_t cols = n - j0 < 16 ? n - j0 : 16;
        for (ptrdiff_t col = 0; col < 16; col++) {
            const float *column = b + (j0 + col) * ldb;
            for (ptrdiff_t p = 0; p < kp; p++) {
                uint16_t two[2];
                split(col < cols && p < k ? column[p] : 0.0f, two);
                parts[p][col] = two[0];
                parts[kp + p][col] = two[1];
            }
        }
        // Depth q of a column is part right_part[q / kp] of its value q % kp; a tile row holds two
        // depths per column.
        for (int third = 0; third < PRODUCTS; third++) {
            const uint16_t(*from)[16] = parts + right_part[third] * kp;
            for (ptrdiff_t p = 0; p < kp; p += 2, out += 32) {
                for (ptrdiff_t col = 0; col < 16; col++) {
                    out[2 * col] = from[p][col];
                    out[2 * col + 1] = from[p + 1][col];
                }
            }
        }
    }
    free(parts);
}

typedef struct {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} tile_config;

__attribute__((target("amx-tile,amx-bf16,avx512f"))) static void configure(void) {
    tile_config config;
    memset(&config, 0, sizeof config);
    config.palette = 1;
    for (int t = 0; t < 8; t++) {
        config.rows[t] = 16;
        config.colsb[t] = 64;
    }
    _tile_loadconfig(&config);
}

/// The first `rows` × `cols` of a stored 16 × 16 tile into C, with masked AVX-512 stores rather than
/// memcpy, so that nothing is called while the tiles hold data.
__attribute__((target("avx512f"))) static inline void store_edge(
    const float *tile, ptrdiff_t rows, ptrdiff_t cols, float *c, ptrdiff_t ldc) {
    const __mmask16 mask = (__mmask16)((1u << cols) - 1);
    for (ptrdiff_t r = 0; r < rows; r++) _mm512_mask_storeu_ps(c + r * ldc, mask, _mm512_load_ps(tile + r * 16));
}

/// The 16 × 16 tiles of C's rows i … i + rows − 1 (rows ≤ 16) and columns j0 … n − 1, one at a time,
/// each through the scratch tile: the edges of `compute`.
__attribute__((target("amx-tile,amx-bf16,avx512f"))) static void single_tiles(
    ptrdiff_t i, ptrdiff_t rows, ptrdiff_t j0, ptrdiff_t n, ptrdiff_t steps, const uint16_t *ap, ptrdiff_t depth,
    const uint16_t *bp, float *c, ptrdiff_t ldc, float *scratch) {
    const uint16_t *a0 = ap + i * depth;
    for (ptrdiff_t j = j0; j < n; j += 16) {
        const uint16_t *b0 = bp + (j / 16) * steps * 512;
        _tile_zero(0);
        for (ptrdiff_t t = 0; t < steps; t++) {
            _tile_loadd(4, a0 + t * 32, depth * 2);
            _tile_loadd(6, b0 + t * 512, 64);
            _tile_dpbf16ps(0, 4, 6);
        }
        _tile_stored(0, scratch, 64);
        store_edge(scratch, rows, n - j < 16 ? n - j : 16, c + i * ldc + j, ldc);
    }
}

__attribute__((target("amx-tile,amx-bf16,avx512f"))) static void compute(
    ptrdiff_t m, ptrdiff_t n, ptrdiff_t steps, const uint16_t *ap, ptrdiff_t depth, const uint16_t *bp, float *c, ptrdiff_t ldc) {
    const ptrdiff_t astride = depth * 2;
    float scratch[256] __attribute__((aligned(64)));
    configure();
    ptrdiff_t i = 0;
    for (; i + 32 <= m; i += 32) {
        const uint16_t *a0 = ap + i * depth, *a1 = ap + (i + 16) * depth;
        ptrdiff_t j = 0;
        for (; j + 32 <= n; j += 32) {
            const uint16_t *b0 = bp + (j / 16) * steps * 512, *b1 = b0 + steps * 512;
            _tile_zero(0);
            _tile_zero(1);
            _tile_zero(2);
            _tile_zero(3);
            for (ptrdiff_t t = 0; t < steps; t++) {
                _tile_loadd(4, a0 + t * 32, astride);
                _tile_loadd(5, a1 + t * 32, astride);
                _tile_loadd(6, b0 + t * 512, 64);
                _tile_loadd(7, b1 + t * 512, 64);
                _tile_dpbf16ps(0, 4, 6);
                _tile_dpbf16ps(1, 4, 7);
                _tile_dpbf16ps(2, 5, 6);
                _tile_dpbf16ps(3, 5, 7);
            }
            float *c0 = c + i * ldc + j;
            _tile_stored(0, c0, ldc * 4);
            _tile_stored(1, c0 + 16, ldc * 4);
            _tile_stored(2, c0 + 16 * ldc, ldc * 4);
            _tile_stored(3, c0 + 16 * ldc + 16, ldc * 4);
        }
        // The last columns (fewer than 32) of these rows.
        single_tiles(i, 16, j, n, steps, ap, depth, bp, c, ldc, scratch);
        single_tiles(i + 16, 16, j, n, steps, ap, depth, bp, c, ldc, scratch);
    }
    // The last rows (fewer than 32), 16 at a time (rows past m are read, not stored).
    for (; i < m; i += 16) single_tiles(i, m - i < 16 ? m - i : 16, 0, n, steps, ap, depth, bp, c, ldc, scratch);
    _tile_release();
}

ptrdiff_t fa_amx_packed_a_bytes(ptrdiff_t m, ptrdiff_t k) {
    if (m <= 0 || k <= 0) return 0;
    return ((m + 15) / 16 * 16 + 16) * fa_amx_row_bytes(k);
}

void fa_amx_pack_a(ptrdiff_t m, ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda, void *ap) {
    if (m <= 0 || k <= 0) return;
    const ptrdiff_t kp = padded_depth(k), depth = PRODUCTS * kp;
    uint16_t *out = ap;
    memset(out, 0, (size_t)fa_amx_packed_a_bytes(m, k));
    for (ptrdiff_t i = 0; i < m; i++) {
        uint16_t *row = out + i * depth;
        for (ptrdiff_t p = 0; p < k; p++) {
            uint16_t parts[2];
            split(alpha * a[i * lda + p], parts);
            for (int q = 0; q < PRODUCTS; q++) row[q * kp + p] = parts[left_part[q]];
        }
    }
}

bool fa_amx_product(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const void *ap, const void *bp, float *c, ptrdiff_t ldc) {
    if (m <= 0 || n <= 0) return true;
    if (!fa_amx_available() || k <= 0) return false;
    const ptrdiff_t depth = PRODUCTS * padded_depth(k);
    compute(m, n, depth / 32, ap, depth, bp, c, ldc);
    return true;
}

#else

bool fa_amx_available(void) { return false; }
uint32_t fa_amx_cpu_signature(void) { return 0; }
ptrdiff_t fa_amx_packed_b_bytes(ptrdiff_t n, ptrdiff_t k) {
    (void)n, (void)k;
    return 0;
}
void fa_amx_pack_b(ptrdiff_t n, ptrdiff_t k, const float *b, ptrdiff_t ldb, void *bp) { (void)n, (void)k, (void)b, (void)ldb, (void)bp; }
ptrdiff_t fa_amx_packed_a_bytes(ptrdiff_t m, ptrdiff_t k) {
    (void)m, (void)k;
    return 0;
}
void fa_amx_pack_a(ptrdiff_t m, ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda, void *ap) {
    (void)m, (void)k, (void)alpha, (void)a, (void)lda, (void)ap;
}
bool fa_amx_product(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const void *ap, const void *bp, float *c, ptrdiff_t ldc) {
    (void)m, (void)n, (void)k, (void)ap, (void)bp, (void)c, (void)ldc;
    return false;
}

#endif
