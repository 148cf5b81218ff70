// FaceAudit's single-precision GEMM: BLIS-style packing and blocking around one register kernel per ISA
// (and, for a grouped product's last columns, one for one to four columns, and with AVX-512F a 16 × 16 one).
//
// Loops (outermost first): columns of C in blocks of nc, k in blocks of KC (B's block packed into
// NR-wide strips, A's rows packed into MR-tall strips), MR-row strips of A (one strip, MR × KC floats,
// stays in L1), NR-column strips of B (streamed from L2). The register kernel keeps an MR × NR block of C
// in registers and runs one fused multiply-add chain per element over the block's k in order.
//
// The kernels are compiled for their ISA with target attributes (no global compiler flags), and only
// called after fa_gemm_best_kernel has checked CPUID and XGETBV.

#include "fa_gemm.h"

#if defined(__x86_64__)

#include <cpuid.h>
#include <immintrin.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/// k block; column blocks hold about 2¹⁸ packed floats (1 MiB, within L2) and 768–3072 columns.
enum { KC = 256, NC_FLOATS = 1 << 18, NC_MIN = 768, NC_MAX = 3072 };

// MARK: - CPU support

static uint64_t xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

fa_gemm_kernel fa_gemm_best_kernel(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return FA_GEMM_NONE;
    bool fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!osxsave || !avx) return FA_GEMM_NONE;
    uint64_t xcr0 = xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return FA_GEMM_NONE;  // SSE and AVX state
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return FA_GEMM_NONE;
    bool avx2 = (ebx >> 5) & 1, avx512f = (ebx >> 16) & 1;
    if (avx512f && (xcr0 & 0xE6) == 0xE6) return FA_GEMM_AVX512;  // opmask, ZMM0-15 high, ZMM16-31
    if (avx2 && fma) return FA_GEMM_AVX2;
    return FA_GEMM_NONE;
}

// MARK: - Per-thread packing buffers

typedef struct {
    float *a, *b;
    size_t a_count, b_count;
} buffers;

static pthread_key_t buffers_key;
static bool buffers_key_made;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *p) {
    buffers *s = p;
    free(s->a);
    free(s->b);
    free(s);
}

static void make_key(void) { buffers_key_made = pthread_key_create(&buffers_key, free_buffers) == 0; }

static float *grow(float **p, size_t *count, size_t needed) {
    if (*count >= needed) return *p;
    free(*p);
    *p = aligned_alloc(64, ((needed * sizeof(float) + 63) / 64) * 64);
    *count = *p ? needed : 0;
    return *p;
}

static buffers *thread_buffers(void) {
    pthread_once(&buffers_once, make_key);
    if (!buffers_key_made) return NULL;
    buffers *s = pthread_getspecific(buffers_key);
    if (!s) {
        s = calloc(1, sizeof(buffers));
        if (!s || pthread_setspecific(buffers_key, s) != 0) {
            free(s);
            return NULL;
        }
    }
    return s;
}

// MARK: - Packing

/// op(A)[i0 ..< i0+rows][p0 ..< p0+kc] into MR-tall strips, each k-major (MR floats per k), zero-padded.
static void pack_a(
    int mr, bool trans, const float *a, ptrdiff_t lda, ptrdiff_t i0, ptrdiff_t rows, ptrdiff_t p0, ptrdiff_t kc,
    float *to) {
    for (ptrdiff_t s = 0; s < rows; s += mr) {
        ptrdiff_t h = rows - s < mr ? rows - s : mr;
        for (ptrdiff_t p = 0; p < kc; p++) {
            float *t = to + p * mr;
            if (trans) {
                const float *from = a + (p0 + p) * lda + i0 + s;
                for (ptrdiff_t r = 0; r < h; r++) t[r] = from[r];
            } else {
                const float *from = a + (i0 + s) * lda + p0 + p;
                for (ptrdiff_t r = 0; r < h; r++) t[r] = from[r * lda];
            }
            for (ptrdiff_t r = h; r < mr; r++) t[r] = 0;
        }
        to += mr * kc;
    }
}

/// Where op(B) lives: B, or Bᵀ with `trans` (leading dimension ldb).
typedef struct {
    const float *b;
    ptrdiff_t ldb;
    bool trans;
} b_source;

/// op(B)[p0 ..< p0+kc][j0 ..< j0+cols] into NR-wide strips, each k-major (NR floats per k), zero-padded.
static void pack_b(int nr, b_source src, ptrdiff_t p0, ptrdiff_t kc, ptrdiff_t j0, ptrdiff_t cols, float *to) {
    for (ptrdiff_t s = 0; s < cols; s += nr) {
        ptrdiff_t w = cols - s < nr ? cols - s : nr;
        if (src.trans) {
            // B stored n×k: column j of op(B) is row j of B. Read each row once, scatter by k.
            for (ptrdiff_t q = 0; q < w; q++) {
                const float *from = src.b + (j0 + s + q) * src.ldb + p0;
                for (ptrdiff_t p = 0; p < kc; p++) to[p * nr + q] = from[p];
            }
            for (ptrdiff_t q = w; q < nr; q++)
                for (ptrdiff_t p = 0; p < kc; p++) to[p * nr + q] = 0;
        } else {
            for (ptrdiff_t p = 0; p < kc; p++) {
                float *t = to + p * nr;
                memcpy(t, src.b + (p0 + p) * src.ldb + j0 + s, (size_t)w * sizeof(float));
                for (ptrdiff_t q = w; q < nr; q++) t[q] = 0;
            }
        }
        to += nr * kc;
    }
}

// MARK: - Register kernels
//
// The multiply-add loops are inline assembly, so that they run at full speed in debug builds too (SwiftPM
// compiles C targets at -O0 there, which leaves intrinsics code unoptimised); thin_MR_W, for a product's
// last one to four columns, is the exception. Each loop leaves its
// MR × NR block in `acc` (64-byte aligned); `store` then writes the block's valid part into C.

/// How a kernel's block of C is written: the first k block stores alpha·P (+ beta·C), later ones add.
typedef struct {
    float alpha, beta;
    bool first;
} store_mode;

#define AVX512 __attribute__((target("avx512f,avx2,fma")))
#define AVX2 __attribute__((target("avx2,fma")))

enum { MR512 = 8, NR512 = 48, MR256 = 6, NR256 = 16 };

/// The loops around every register kernel's multiply-adds: for each group g (`groups` of them, B's rows
/// from bs[g]), for each of its kg rows of B (`stride` bytes apart); the body between them advances A.
#define GROUPS_BEGIN                                                                                  \
    "1:\n\t"                                                                                        \
    "movq (%[bs]), %[b]\n\t"                                                                        \
    "addq $8, %[bs]\n\t"                                                                            \
    "movq %[kg], %[kc]\n\t"                                                                         \
    "testq %[kc], %[kc]\n\t"                                                                        \
    "jz 3f\n\t"                                                                                     \
    "2:\n\t"
#define GROUPS_END                                                                                    \
    "addq %[stride], %[b]\n\t"                                                                      \
    "decq %[kc]\n\t"                                                                                \
    "jnz 2b\n\t"                                                                                    \
    "3:\n\t"                                                                                        \
    "decq %[groups]\n\t"                                                                            \
    "jnz 1b\n\t"

#define ZERO512(i) "vpxord %%zmm" #i ", %%zmm" #i ", %%zmm" #i "\n\t"
#define ROW512(offset, t, c0, c1, c2)                      \
    "vbroadcastss " #offset "(%[a]), %%zmm" #t "\n\t"      \
    "vfmadd231ps %%zmm0, %%zmm" #t ", %%zmm" #c0 "\n\t"    \
    "vfmadd231ps %%zmm1, %%zmm" #t ", %%zmm" #c1 "\n\t"    \
    "vfmadd231ps %%zmm2, %%zmm" #t ", %%zmm" #c2 "\n\t"
#define SAVE512(i, offset) "vmovaps %%zmm" #i ", " #offset "(%[acc])\n\t"

/// acc (8 × 48, row-major) = Σ_g Σ_p ap[(g·kg + p)·8 + r] · bs[g][p·stride + j] (stride in bytes), one
/// fused multiply-add chain per element over g, then p, from 0. B is read in place (unaligned loads).
/// Needs groups ≥ 1.
AVX512 static void grouped512(
    ptrdiff_t kg, ptrdiff_t groups, const float *ap, const float *const *bs, ptrdiff_t stride, float *acc) {
    const float *b;
    ptrdiff_t kc;
    __asm__ volatile(
        ZERO512(8) ZERO512(9) ZERO512(10) ZERO512(11) ZERO512(12) ZERO512(13) ZERO512(14) ZERO512(15)
        ZERO512(16) ZERO512(17) ZERO512(18) ZERO512(19) ZERO512(20) ZERO512(21) ZERO512(22) ZERO512(23)
        ZERO512(24) ZERO512(25) ZERO512(26) ZERO512(27) ZERO512(28) ZERO512(29) ZERO512(30) ZERO512(31)
        GROUPS_BEGIN
        "vmovups (%[b]), %%zmm0\n\t"
        "vmovups 64(%[b]), %%zmm1\n\t"
        "vmovups 128(%[b]), %%zmm2\n\t"
        ROW512(0, 3, 8, 9, 10) ROW512(4, 4, 11, 12, 13) ROW512(8, 5, 14, 15, 16) ROW512(12, 6, 17, 18, 19)
        ROW512(16, 7, 20, 21, 22) ROW512(20, 3, 23, 24, 25) ROW512(24, 4, 26, 27, 28) ROW512(28, 5, 29, 30, 31)
        "addq $32, %[a]\n\t"
        GROUPS_END
        SAVE512(8, 0) SAVE512(9, 64) SAVE512(10, 128) SAVE512(11, 192) SAVE512(12, 256) SAVE512(13, 320)
        SAVE512(14, 384) SAVE512(15, 448) SAVE512(16, 512) SAVE512(17, 576) SAVE512(18, 640) SAVE512(19, 704)
        SAVE512(20, 768) SAVE512(21, 832) SAVE512(22, 896) SAVE512(23, 960) SAVE512(24, 1024) SAVE512(25, 1088)
        SAVE512(26, 1152) SAVE512(27, 1216) SAVE512(28, 1280) SAVE512(29, 1344) SAVE512(30, 1408) SAVE512(31, 1472)
        : [a] "+r"(ap), [bs] "+r"(bs), [groups] "+r"(groups), [b] "=&r"(b), [kc] "=&r"(kc)
        : [kg] "r"(kg), [stride] "r"(stride), [acc] "r"(acc)
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
          "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24",
          "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "cc", "memory");
}

/// Writes rows × cols of the 8 × 48 block `acc` into C.
AVX512 static void store512(const float *acc, int rows, int cols, float *c, ptrdiff_t ldc, store_mode mode) {
    __m512 alpha = _mm512_set1_ps(mode.alpha), beta = _mm512_set1_ps(mode.beta);
    for (int v = 0; v < 3 && cols > 16 * v; v++) {
        int left = cols - 16 * v;
        __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        for (int r = 0; r < rows; r++) {
            float *to = c + r * ldc + 16 * v;
            __m512 x = _mm512_load_ps(acc + r * NR512 + 16 * v);
            if (mode.alpha != 1) x = _mm512_mul_ps(alpha, x);
            if (!mode.first || mode.beta == 1) {
                x = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, to), x);
            } else if (mode.beta != 0) {
                x = _mm512_add_ps(_mm512_mul_ps(beta, _mm512_maskz_loadu_ps(mask, to)), x);
            }
            _mm512_mask_storeu_ps(to, mask, x);
        }
    }
}

/// One register block: the grouped multiply-adds, then the store into C.
AVX512 static void kernel512(
    ptrdiff_t kg, ptrdiff_t groups, const float *ap, const float *const *bs, ptrdiff_t stride, float *c, ptrdiff_t ldc,
    int rows, int cols, store_mode mode) {
    _Alignas(64) float acc[MR512 * NR512];
    grouped512(kg, groups, ap, bs, stride, acc);
    store512(acc, rows, cols, c, ldc, mode);
}

/// Sixteen rows of A against one 16-wide strip of B, for products at most 16 columns wide (the descriptor's
/// deep layers at batch 1), where the 8 × 48 block would compute three to 48 times the columns it keeps:
/// acc (16 × 16, row-major) = rows r < 8 from strip `a0`, rows 8 + r from strip `a1`, each element the
/// same fused multiply-add chain over g, then p, from 0 as in grouped512, so the same bits. Each A value
/// is broadcast from memory into its multiply-add.
#define NARROW512(offset, c) "vfmadd231ps " #offset "(%[a0])%{1to16%}, %%zmm0, %%zmm" #c "\n\t"
#define NARROW512B(offset, c) "vfmadd231ps " #offset "(%[a1])%{1to16%}, %%zmm0, %%zmm" #c "\n\t"
AVX512 static void narrow512(
    ptrdiff_t kg, ptrdiff_t groups, const float *a0, const float *a1, const float *const *bs, ptrdiff_t stride, float *acc) {
    const float *b;
    ptrdiff_t kc;
    __asm__ volatile(
        ZERO512(16) ZERO512(17) ZERO512(18) ZERO512(19) ZERO512(20) ZERO512(21) ZERO512(22) ZERO512(23)
        ZERO512(24) ZERO512(25) ZERO512(26) ZERO512(27) ZERO512(28) ZERO512(29) ZERO512(30) ZERO512(31)
        GROUPS_BEGIN
        "vmovups (%[b]), %%zmm0\n\t"
        NARROW512(0, 16) NARROW512(4, 17) NARROW512(8, 18) NARROW512(12, 19)
        NARROW512(16, 20) NARROW512(20, 21) NARROW512(24, 22) NARROW512(28, 23)
        NARROW512B(0, 24) NARROW512B(4, 25) NARROW512B(8, 26) NARROW512B(12, 27)
        NARROW512B(16, 28) NARROW512B(20, 29) NARROW512B(24, 30) NARROW512B(28, 31)
        "addq $32, %[a0]\n\t"
        "addq $32, %[a1]\n\t"
        GROUPS_END
        SAVE512(16, 0) SAVE512(17, 64) SAVE512(18, 128) SAVE512(19, 192) SAVE512(20, 256) SAVE512(21, 320)
        SAVE512(22, 384) SAVE512(23, 448) SAVE512(24, 512) SAVE512(25, 576) SAVE512(26, 640) SAVE512(27, 704)
        SAVE512(28, 768) SAVE512(29, 832) SAVE512(30, 896) SAVE512(31, 960)
        : [a0] "+r"(a0), [a1] "+r"(a1), [bs] "+r"(bs), [groups] "+r"(groups), [b] "=&r"(b), [kc] "=&r"(kc)
        : [kg] "r"(kg), [stride] "r"(stride), [acc] "r"(acc)
        : "xmm0", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26",
          "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "cc", "memory");
}

/// Writes rows × cols (cols ≤ 16) of the 16 × 16 block `acc` into C (C = the block, as a grouped product
/// writes it).
AVX512 static void store_narrow512(const float *acc, int rows, int cols, float *c, ptrdiff_t ldc) {
    __mmask16 mask = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
    for (int r = 0; r < rows; r++) _mm512_mask_storeu_ps(c + r * ldc, mask, _mm512_load_ps(acc + 16 * r));
}

#define ZERO256(i) "vxorps %%ymm" #i ", %%ymm" #i ", %%ymm" #i "\n\t"
#define ROW256(offset, t, c0, c1)                      \
    "vbroadcastss " #offset "(%[a]), %%ymm" #t "\n\t"  \
    "vfmadd231ps %%ymm0, %%ymm" #t ", %%ymm" #c0 "\n\t" \
    "vfmadd231ps %%ymm1, %%ymm" #t ", %%ymm" #c1 "\n\t"
#define SAVE256(i, offset) "vmovaps %%ymm" #i ", " #offset "(%[acc])\n\t"

/// acc (6 × 16, row-major) = Σ_g Σ_p ap[(g·kg + p)·6 + r] · bs[g][p·stride + j] (stride in bytes), one
/// fused multiply-add chain per element over g, then p, from 0. B is read in place. Needs groups ≥ 1.
AVX2 static void grouped256(
    ptrdiff_t kg, ptrdiff_t groups, const float *ap, const float *const *bs, ptrdiff_t stride, float *acc) {
    const float *b;
    ptrdiff_t kc;
    __asm__ volatile(
        ZERO256(4) ZERO256(5) ZERO256(6) ZERO256(7) ZERO256(8) ZERO256(9) ZERO256(10) ZERO256(11) ZERO256(12)
        ZERO256(13) ZERO256(14) ZERO256(15)
        GROUPS_BEGIN
        "vmovups (%[b]), %%ymm0\n\t"
        "vmovups 32(%[b]), %%ymm1\n\t"
        ROW256(0, 2, 4, 5) ROW256(4, 3, 6, 7) ROW256(8, 2, 8, 9) ROW256(12, 3, 10, 11) ROW256(16, 2, 12, 13)
        ROW256(20, 3, 14, 15)
        "addq $24, %[a]\n\t"
        GROUPS_END
        SAVE256(4, 0) SAVE256(5, 32) SAVE256(6, 64) SAVE256(7, 96) SAVE256(8, 128) SAVE256(9, 160)
        SAVE256(10, 192) SAVE256(11, 224) SAVE256(12, 256) SAVE256(13, 288) SAVE256(14, 320) SAVE256(15, 352)
        : [a] "+r"(ap), [bs] "+r"(bs), [groups] "+r"(groups), [b] "=&r"(b), [kc] "=&r"(kc)
        : [kg] "r"(kg), [stride] "r"(stride), [acc] "r"(acc)
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
          "xmm13", "xmm14", "xmm15", "cc", "memory");
}

/// Writes rows × cols of the 6 × 16 block `acc` into C.
AVX2 static void store256(const float *acc, int rows, int cols, float *c, ptrdiff_t ldc, store_mode mode) {
    const int32_t ramp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    __m256 alpha = _mm256_set1_ps(mode.alpha), beta = _mm256_set1_ps(mode.beta);
    for (int v = 0; v < 2 && cols > 8 * v; v++) {
        __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols - 8 * v), _mm256_loadu_si256((const __m256i *)ramp));
        for (int r = 0; r < rows; r++) {
            float *to = c + r * ldc + 8 * v;
            __m256 x = _mm256_load_ps(acc + r * NR256 + 8 * v);
            if (mode.alpha != 1) x = _mm256_mul_ps(alpha, x);
            if (!mode.first || mode.beta == 1) {
                x = _mm256_add_ps(_mm256_maskload_ps(to, mask), x);
            } else if (mode.beta != 0) {
                x = _mm256_add_ps(_mm256_mul_ps(beta, _mm256_maskload_ps(to, mask)), x);
            }
            // A masked store only for a part of eight: on AMD's Zen 3 a masked store of all eight is far
            // slower than a plain one. A C loop of the all-pairs keys on an AMD EPYC (Zen 3; 20,000
            // templates of 128 dimensions, tiles of 1,024, 64 rows at a time, median of six) took 0.812 s
            // (63 GFLOP/s) with masked stores and 0.696 s (74 GFLOP/s) without.
            if (cols - 8 * v >= 8) {
                _mm256_storeu_ps(to, x);
            } else {
                _mm256_maskstore_ps(to, mask, x);
            }
        }
    }
}

AVX2 static void kernel256(
    ptrdiff_t kg, ptrdiff_t groups, const float *ap, const float *const *bs, ptrdiff_t stride, float *c, ptrdiff_t ldc,
    int rows, int cols, store_mode mode) {
    _Alignas(64) float acc[MR256 * NR256];
    grouped256(kg, groups, ap, bs, stride, acc);
    store256(acc, rows, cols, c, ldc, mode);
}

/// The last 1–4 columns of a product (n = 1 on the descriptor's 1×1 maps at batch 1, 4 on a 2×2 map, the
/// last of 81 tiles), where the 6 × 16 (AVX2) or 16 × 16 (AVX-512F) block would compute 16 columns to keep
/// them: c[(i0 + r)·ldc + q], i0 = MR·(first + s), for rows r of the packed A's MR-row strips first + s,
/// s < count (count ≤ S), rows below m only, and columns q < W of `bv` (k rows of W floats).
/// Each load takes a strip's MR rows at one k in 8 lanes: with MR = 6 (AVX2) the last two lanes hold the
/// next k's first rows, which are not used, and the last k loads 6 lanes only, so no read passes the
/// packed A. Each of its W products goes to its own chain: S = 8, 4, 3, 2 strips for W = 1, 2, 3, 4, at
/// least eight chains, which the compiler keeps in the 16 YMM registers with the loads and broadcasts
/// without spilling (checked with objdump; more strips spilled a chain to the stack; one column: one
/// broadcast, the loads folded into the multiply-adds). Each element is one fused multiply-add chain from
/// 0 over k in order, as grouped256 and grouped512 run it, so the same bits. Intrinsics, not assembly: a
/// debug (-O0) build runs them slower than the blocks would.
#define THIN(ISA, MR, W, S)                                                                                            \
    ISA static void thin_##MR##_##W(                                                                                   \
        ptrdiff_t k, const float *ap, ptrdiff_t first, ptrdiff_t count, ptrdiff_t m, const float *bv, float *c,        \
        ptrdiff_t ldc) {                                                                                               \
        __m256 acc[S][W];                                                                                              \
        const float *strip[S];                                                                                         \
        for (int s = 0; s < S; s++) {                                                                                  \
            for (int q = 0; q < W; q++) acc[s][q] = _mm256_setzero_ps();                                               \
            strip[s] = ap + (first + (s < count ? s : 0)) * MR * k;                                                    \
        }                                                                                                              \
        const __m256i rows_only = _mm256_cmpgt_epi32(_mm256_set1_epi32(MR), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)); \
        for (ptrdiff_t p = 0; p < k; p++) {                                                                            \
            const int whole = MR == 8 || p + 1 < k;                                                                    \
            if (W == 1 && whole) {                                                                                     \
                __m256 b = _mm256_broadcast_ss(bv + p);                                                                \
                for (int s = 0; s < S; s++) acc[s][0] = _mm256_fmadd_ps(_mm256_loadu_ps(strip[s] + p * MR), b, acc[s][0]); \
                continue;                                                                                              \
            }                                                                                                          \
            __m256 a[S];                                                                                               \
            for (int s = 0; s < S; s++)                                                                                \
                a[s] = whole ? _mm256_loadu_ps(strip[s] + p * MR) : _mm256_maskload_ps(strip[s] + p * MR, rows_only);  \
            for (int q = 0; q < W; q++) {                                                                              \
                __m256 b = _mm256_broadcast_ss(bv + p * W + q);                                                        \
                for (int s = 0; s < S; s++) acc[s][q] = _mm256_fmadd_ps(a[s], b, acc[s][q]);                           \
            }                                                                                                          \
        }                                                                                                              \
        for (int s = 0; s < count; s++) {                                                                              \
            ptrdiff_t i0 = (first + s) * MR;                                                                           \
            for (int q = 0; q < W; q++) {                                                                              \
                _Alignas(32) float rows[8];                                                                            \
                _mm256_store_ps(rows, acc[s][q]);                                                                      \
                for (ptrdiff_t r = 0; r < MR && i0 + r < m; r++) c[(i0 + r) * ldc + q] = rows[r];                      \
            }                                                                                                          \
        }                                                                                                              \
    }
_Static_assert(MR256 == 6 && MR512 == 8, "the thin kernels are named and built for 6- and 8-row strips");
THIN(AVX2, 6, 1, 8)
THIN(AVX2, 6, 2, 4)
THIN(AVX2, 6, 3, 3)
THIN(AVX2, 6, 4, 2)
THIN(AVX512, 8, 1, 8)
THIN(AVX512, 8, 2, 4)
THIN(AVX512, 8, 3, 3)
THIN(AVX512, 8, 4, 2)

/// The strips per call of thin_MR_W.
static const int thin_strips[5] = {0, 8, 4, 3, 2};

typedef void (*thin_fn)(ptrdiff_t, const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *, float *, ptrdiff_t);

/// thin_MR_W by W (1–4), for AVX2's 6-row strips (row 0) and AVX-512F's 8-row ones (row 1).
static const thin_fn thin_kernels[2][5] = {
    {0, thin_6_1, thin_6_2, thin_6_3, thin_6_4},
    {0, thin_8_1, thin_8_2, thin_8_3, thin_8_4},
};

/// A register kernel: kg·groups multiply-adds per element of an MR × NR block (B strips at bs[g], rows
/// `stride` bytes apart), then the block's rows × cols written into C as `mode` says.
typedef void (*kernel_fn)(
    ptrdiff_t, ptrdiff_t, const float *, const float *const *, ptrdiff_t, float *, ptrdiff_t, int, int, store_mode);

// MARK: - The product

static void scale(ptrdiff_t m, ptrdiff_t n, float beta, float *c, ptrdiff_t ldc) {
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
}

/// C ← alpha·op(A)·op(B) + beta·C when nothing is to be multiplied (m, n or k is 0, or alpha is 0):
/// returns true when it has done so, false when there are products to compute.
static bool without_products(
    ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, float beta, float *c, ptrdiff_t ldc) {
    if (m <= 0 || n <= 0) return true;
    if (k <= 0 || alpha == 0) {
        if (beta != 1) scale(m, n, beta, c, ldc);
        return true;
    }
    return false;
}

/// One k block of kc for rows × cols of C: every MR-row strip of packed A (`ap`) against every NR-wide
/// strip of packed B (`bp`), written as `mode` says. Row strips outermost (`columns_outer` false: one
/// strip of A stays in L1 while B's strips stream from L2), or column strips outermost (one strip of B
/// stays in L1 while A's strips, a few rows only, stream past it). Each element's chain is the same
/// either way.
static void block_product(
    kernel_fn run, int mr, int nr, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t kc, const float *ap, const float *bp, float *c,
    ptrdiff_t ldc, store_mode mode, bool columns_outer) {
    if (columns_outer) {
        for (ptrdiff_t j = 0; j < cols; j += nr) {
            int w = cols - j < nr ? (int)(cols - j) : nr;
            const float *strip = bp + (j / nr) * nr * kc;
            for (ptrdiff_t i = 0; i < rows; i += mr) {
                int h = rows - i < mr ? (int)(rows - i) : mr;
                run(kc, 1, ap + (i / mr) * mr * kc, &strip, nr * (ptrdiff_t)sizeof(float), c + i * ldc + j, ldc, h, w, mode);
            }
        }
        return;
    }
    for (ptrdiff_t i = 0; i < rows; i += mr) {
        int h = rows - i < mr ? (int)(rows - i) : mr;
        const float *a_strip = ap + (i / mr) * mr * kc;
        for (ptrdiff_t j = 0; j < cols; j += nr) {
            int w = cols - j < nr ? (int)(cols - j) : nr;
            const float *strip = bp + (j / nr) * nr * kc;  // one group of packed rows, NR floats apart
            run(kc, 1, a_strip, &strip, nr * (ptrdiff_t)sizeof(float), c + i * ldc + j, ldc, h, w, mode);
        }
    }
}

static bool product(
    fa_gemm_kernel kernel, bool trans_a, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a,
    ptrdiff_t lda, b_source b, float beta, float *c, ptrdiff_t ldc) {
    if (without_products(m, n, k, alpha, beta, c, ldc)) return true;
    const int mr = kernel == FA_GEMM_AVX512 ? MR512 : MR256;
    const int nr = kernel == FA_GEMM_AVX512 ? NR512 : NR256;
    const kernel_fn run = kernel == FA_GEMM_AVX512 ? kernel512 : kernel256;
    const ptrdiff_t kb = k < KC ? k : KC;
    ptrdiff_t nc = NC_FLOATS / kb;
    nc = (nc < NC_MIN ? NC_MIN : nc > NC_MAX ? NC_MAX : nc) / nr * nr;
    const ptrdiff_t nb = n < nc ? n : nc;
    buffers *s = thread_buffers();
    if (!s) return false;
    float *ap = grow(&s->a, &s->a_count, (size_t)((m + mr - 1) / mr) * mr * kb);
    float *bp = grow(&s->b, &s->b_count, (size_t)((nb + nr - 1) / nr) * nr * kb);
    if (!ap || !bp) return false;
    for (ptrdiff_t j0 = 0; j0 < n; j0 += nc) {
        ptrdiff_t cols = n - j0 < nc ? n - j0 : nc;
        for (ptrdiff_t p0 = 0; p0 < k; p0 += KC) {
            ptrdiff_t kc = k - p0 < KC ? k - p0 : KC;
            store_mode mode = {alpha, beta, p0 == 0};
            pack_b(nr, b, p0, kc, j0, cols, bp);
            pack_a(mr, trans_a, a, lda, 0, m, p0, kc, ap);
            block_product(run, mr, nr, m, cols, kc, ap, bp, c + j0, ldc, mode, false);
        }
    }
    return true;
}

bool fa_sgemm(
    fa_gemm_kernel kernel, bool trans_a, bool trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
    const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) {
    b_source source = {b, ldb, trans_b};
    return product(kernel, trans_a, m, n, k, alpha, a, lda, source, beta, c, ldc);
}

// MARK: - Products with B packed once

ptrdiff_t fa_sgemm_packed_b_count(fa_gemm_kernel kernel, ptrdiff_t n, ptrdiff_t k) {
    if (kernel == FA_GEMM_NONE || n <= 0 || k <= 0) return 0;
    const int nr = kernel == FA_GEMM_AVX512 ? NR512 : NR256;
    return (n + nr - 1) / nr * nr * k;
}

void fa_sgemm_pack_b(fa_gemm_kernel kernel, bool trans_b, ptrdiff_t n, ptrdiff_t k, const float *b, ptrdiff_t ldb, float *bp) {
    if (kernel == FA_GEMM_NONE || n <= 0 || k <= 0) return;
    const int nr = kernel == FA_GEMM_AVX512 ? NR512 : NR256;
    const ptrdiff_t width = (n + nr - 1) / nr * nr;
    b_source source = {b, ldb, trans_b};
    // Each k block's strips one after another: block p0 starts at p0 · width.
    for (ptrdiff_t p0 = 0; p0 < k; p0 += KC) pack_b(nr, source, p0, k - p0 < KC ? k - p0 : KC, 0, n, bp + p0 * width);
}

bool fa_sgemm_packed_b(
    fa_gemm_kernel kernel, bool trans_a, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda,
    const float *bp, float beta, float *c, ptrdiff_t ldc) {
    if (without_products(m, n, k, alpha, beta, c, ldc)) return true;
    const int mr = kernel == FA_GEMM_AVX512 ? MR512 : MR256;
    const int nr = kernel == FA_GEMM_AVX512 ? NR512 : NR256;
    const kernel_fn run = kernel == FA_GEMM_AVX512 ? kernel512 : kernel256;
    const ptrdiff_t width = (n + nr - 1) / nr * nr;
    buffers *s = thread_buffers();
    if (!s) return false;
    float *ap = grow(&s->a, &s->a_count, (size_t)((m + mr - 1) / mr) * mr * (k < KC ? k : KC));
    if (!ap) return false;
    // fa_sgemm's loops without its column blocks, which do not change an element's chain. With AVX2 the
    // column strips go outermost: the all-pairs keys put 64 rows against a tile's 1,024 packed columns
    // (512 KB, as large as a Zen 3 core's L2). In the C loop described at store256 the keys took 0.696 s
    // with row strips outermost and 0.667 s (77 GFLOP/s) with column strips outermost; twelve
    // independent FMA chains peak at 87–91 GFLOP/s there. AVX-512F keeps the order it was measured
    // with on Intel cores.
    for (ptrdiff_t p0 = 0; p0 < k; p0 += KC) {
        ptrdiff_t kc = k - p0 < KC ? k - p0 : KC;
        store_mode mode = {alpha, beta, p0 == 0};
        pack_a(mr, trans_a, a, lda, 0, m, p0, kc, ap);
        block_product(run, mr, nr, m, n, kc, ap, bp + p0 * width, c, ldc, mode, kernel == FA_GEMM_AVX2);
    }
    return true;
}

// MARK: - Grouped products, B read in place

ptrdiff_t fa_sgemm_packed_a_count(fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t kg, ptrdiff_t groups) {
    if (kernel == FA_GEMM_NONE || m <= 0 || kg <= 0 || groups <= 0) return 0;
    const int mr = kernel == FA_GEMM_AVX512 ? MR512 : MR256;
    return (m + mr - 1) / mr * mr * kg * groups;
}

void fa_sgemm_pack_grouped_a(
    fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t kg, ptrdiff_t groups, const float *a, ptrdiff_t lda, ptrdiff_t a_group_stride,
    float *ap) {
    if (kernel == FA_GEMM_NONE || m <= 0 || kg <= 0 || groups <= 0) return;
    const int mr = kernel == FA_GEMM_AVX512 ? MR512 : MR256;
    const ptrdiff_t k = kg * groups;
    // MR-tall strips, k-major over (g, p): each strip holds its groups one after another.
    for (ptrdiff_t strip = 0; strip < (m + mr - 1) / mr; strip++) {
        ptrdiff_t i0 = strip * mr, h = m - i0 < mr ? m - i0 : mr;
        for (ptrdiff_t g = 0; g < groups; g++)
            pack_a(mr, false, a + g * a_group_stride, lda, i0, h, 0, kg, ap + (strip * k + g * kg) * mr);
    }
}

/// The `width`-wide panel of B's columns j ..< j + w (w ≤ width) for each group, in `rows_at`: w = width
/// columns are read where they lie (never beyond column n), fewer are packed into a zero-padded panel in
/// `bp`, so no read passes column n. Returns the panel's row stride in bytes.
static ptrdiff_t panel(
    int width, const float *b, const ptrdiff_t *b_offsets, ptrdiff_t ldb, ptrdiff_t kg, ptrdiff_t groups, ptrdiff_t j, ptrdiff_t w,
    float *bp, const float **rows_at) {
    if (w == width) {
        for (ptrdiff_t g = 0; g < groups; g++) rows_at[g] = b + b_offsets[g] + j;
        return ldb * (ptrdiff_t)sizeof(float);
    }
    for (ptrdiff_t g = 0; g < groups; g++) {
        b_source source = {b + b_offsets[g], ldb, false};
        pack_b(width, source, 0, kg, j, w, bp + g * kg * width);
        rows_at[g] = bp + g * kg * width;
    }
    return width * (ptrdiff_t)sizeof(float);
}

bool fa_sgemm_grouped_packed(
    fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t n, ptrdiff_t kg, ptrdiff_t groups, const float *ap, const float *b,
    const ptrdiff_t *b_offsets, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    if (groups > FA_GEMM_MAX_GROUPS) return false;
    if (m <= 0 || n <= 0) return true;
    if (kg <= 0 || groups <= 0) {
        scale(m, n, 0, c, ldc);
        return true;
    }
    const int mr = kernel == FA_GEMM_AVX512 ? MR512 : MR256;
    const int nr = kernel == FA_GEMM_AVX512 ? NR512 : NR256;
    const kernel_fn run = kernel == FA_GEMM_AVX512 ? kernel512 : kernel256;
    const store_mode write = {1, 0, true};
    const ptrdiff_t k = kg * groups;
    const ptrdiff_t strips = (m + mr - 1) / mr;
    buffers *s = thread_buffers();
    if (!s) return false;
    float *bp = grow(&s->b, &s->b_count, (size_t)(nr * k));
    if (!bp) return false;
    const float *rows_at[FA_GEMM_MAX_GROUPS];
    for (ptrdiff_t j = 0, w; j < n; j += w) {
        w = n - j < nr ? n - j : nr;
        // With AVX-512F a last strip of 17–36 columns (33 after 48 of 81 tiles) runs as a 16-wide panel and
        // what is left (a thin 1–4, a padded 5–15 or a whole 16, then a thin 1–4): 16 + 16 + 1 columns
        // computed for 33, rather than one 48-wide block.
        if (kernel == FA_GEMM_AVX512 && w > 16 && w <= 36) w = 16;
        if (w <= 4) {
            // One to four columns: B's columns made contiguous (k rows of w), against a few strips of A at a
            // time.
            for (ptrdiff_t g = 0; g < groups; g++)
                for (ptrdiff_t p = 0; p < kg; p++)
                    for (ptrdiff_t q = 0; q < w; q++) bp[(g * kg + p) * w + q] = b[b_offsets[g] + p * ldb + j + q];
            const thin_fn thin = thin_kernels[kernel == FA_GEMM_AVX512][w];
            const int per = thin_strips[w];
            for (ptrdiff_t strip = 0; strip < strips; strip += per)
                thin(k, ap, strip, strips - strip < per ? strips - strip : per, m, bp, c + j, ldc);
            continue;
        }
        if (kernel == FA_GEMM_AVX512 && w <= 16) {
            // At most 16 columns left: a 16-wide panel, two 8-row strips at a time.
            ptrdiff_t stride = panel(16, b, b_offsets, ldb, kg, groups, j, w, bp, rows_at);
            _Alignas(64) float acc[16 * 16];
            for (ptrdiff_t strip = 0; strip < strips; strip += 2) {
                const float *a0 = ap + strip * mr * k, *a1 = strip + 1 < strips ? a0 + mr * k : a0;
                ptrdiff_t i0 = strip * mr;
                int h = m - i0 < 2 * mr ? (int)(m - i0) : 2 * mr;
                narrow512(kg, groups, a0, a1, rows_at, stride, acc);
                store_narrow512(acc, h, (int)w, c + i0 * ldc + j, ldc);
            }
            continue;
        }
        ptrdiff_t stride = panel(nr, b, b_offsets, ldb, kg, groups, j, w, bp, rows_at);
        for (ptrdiff_t strip = 0; strip < strips; strip++) {
            ptrdiff_t i0 = strip * mr;
            int h = m - i0 < mr ? (int)(m - i0) : mr;
            run(kg, groups, ap + strip * mr * k, rows_at, stride, c + i0 * ldc + j, ldc, h, (int)w, write);
        }
    }
    return true;
}

bool fa_sgemm_grouped(
    fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t n, ptrdiff_t kg, ptrdiff_t groups, const float *a, ptrdiff_t lda,
    ptrdiff_t a_group_stride, const float *b, const ptrdiff_t *b_offsets, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    if (groups > FA_GEMM_MAX_GROUPS) return false;
    if (m <= 0 || n <= 0) return true;
    if (kg <= 0 || groups <= 0) {
        scale(m, n, 0, c, ldc);
        return true;
    }
    buffers *s = thread_buffers();
    if (!s) return false;
    float *ap = grow(&s->a, &s->a_count, (size_t)fa_sgemm_packed_a_count(kernel, m, kg, groups));
    if (!ap) return false;
    fa_sgemm_pack_grouped_a(kernel, m, kg, groups, a, lda, a_group_stride, ap);
    return fa_sgemm_grouped_packed(kernel, m, n, kg, groups, ap, b, b_offsets, ldb, c, ldc);
}

#else

// Not x86-64: no own kernel; callers use their BLAS.
fa_gemm_kernel fa_gemm_best_kernel(void) { return FA_GEMM_NONE; }

bool fa_sgemm(
    fa_gemm_kernel kernel, bool trans_a, bool trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
    const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) {
    (void)kernel, (void)trans_a, (void)trans_b, (void)m, (void)n, (void)k, (void)alpha, (void)a, (void)lda;
    (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
    return false;
}

bool fa_sgemm_grouped(
    fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t n, ptrdiff_t kg, ptrdiff_t groups, const float *a, ptrdiff_t lda,
    ptrdiff_t a_group_stride, const float *b, const ptrdiff_t *b_offsets, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    (void)kernel, (void)m, (void)n, (void)kg, (void)groups, (void)a, (void)lda, (void)a_group_stride, (void)b;
    (void)b_offsets, (void)ldb, (void)c, (void)ldc;
    return false;
}

ptrdiff_t fa_sgemm_packed_b_count(fa_gemm_kernel kernel, ptrdiff_t n, ptrdiff_t k) {
    (void)kernel, (void)n, (void)k;
    return 0;
}

void fa_sgemm_pack_b(fa_gemm_kernel kernel, bool trans_b, ptrdiff_t n, ptrdiff_t k, const float *b, ptrdiff_t ldb, float *bp) {
    (void)kernel, (void)trans_b, (void)n, (void)k, (void)b, (void)ldb, (void)bp;
}

bool fa_sgemm_packed_b(
    fa_gemm_kernel kernel, bool trans_a, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda,
    const float *bp, float beta, float *c, ptrdiff_t ldc) {
    (void)kernel, (void)trans_a, (void)m, (void)n, (void)k, (void)alpha, (void)a, (void)lda, (void)bp, (void)beta, (void)c;
    (void)ldc;
    return false;
}

ptrdiff_t fa_sgemm_packed_a_count(fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t kg, ptrdiff_t groups) {
    (void)kernel, (void)m, (void)kg, (void)groups;
    return 0;
}

void fa_sgemm_pack_grouped_a(
    fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t kg, ptrdiff_t groups, const float *a, ptrdiff_t lda, ptrdiff_t a_group_stride,
    float *ap) {
    (void)kernel, (void)m, (void)kg, (void)groups, (void)a, (void)lda, (void)a_group_stride, (void)ap;
}

bool fa_sgemm_grouped_packed(
    fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t n, ptrdiff_t kg, ptrdiff_t groups, const float *ap, const float *b,
    const ptrdiff_t *b_offsets, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    (void)kernel, (void)m, (void)n, (void)kg, (void)groups, (void)ap, (void)b, (void)b_offsets, (void)ldb, (void)c, (void)ldc;
    return false;
}

#endif
