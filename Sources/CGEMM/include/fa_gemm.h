#ifndef FA_GEMM_H
#define FA_GEMM_H

#include <stdbool.h>
#include <stddef.h>

/// Single-precision matrix products with FaceAudit's own register kernels, chosen at run time from what
/// the CPU and operating system support (AVX-512F, or AVX2 with FMA). Row-major throughout.

/// The kernels fa_sgemm can use.
typedef enum {
    /// None: fa_sgemm declines and the caller uses its BLAS.
    FA_GEMM_NONE = 0,
    /// 6 rows × 16 columns of C per step, AVX2 and FMA; in the grouped products, the last one to four
    /// columns against two to eight 6-row strips at a time (the same multiply-add chains, so the same bits).
    FA_GEMM_AVX2 = 1,
    /// 8 rows × 48 columns of C per step, AVX-512F; in the grouped products, a last strip of 17–36 columns
    /// as 16-wide panels and a rest, the last 5–16 columns 16 rows × 16 columns per step, and the last one
    /// to four against two to eight 8-row strips at a time (the same multiply-add chains, so the same bits).
    FA_GEMM_AVX512 = 2,
} fa_gemm_kernel;

/// The best kernel this CPU and operating system support (CPUID, and XGETBV for the register state);
/// FA_GEMM_NONE off x86-64.
fa_gemm_kernel fa_gemm_best_kernel(void);

/// C(m×n) = alpha · op(A)(m×k) · op(B)(k×n) + beta · C, row-major, with `kernel` (which must be one the
/// CPU supports and not FA_GEMM_NONE).
///
/// op(A) is A (stored m×k, leading dimension lda) or, with trans_a, Aᵀ (A stored k×m); op(B) likewise.
/// When beta is 0, C is not read (it may hold NaN). k is cut into blocks of 256; each element gets
///   P₁ = one fused multiply-add chain over the first block's k in increasing order, C ← alpha·P₁ + beta·C,
///   then C ← C + alpha·P_b for each further block b,
/// so it depends on its own row of op(A), column of op(B), k, alpha and beta only: never on m, n, where
/// the element lies in C, or how a caller splits C into parts. Single-threaded; thread-safe (each thread
/// packs into its own buffers, kept for the thread's lifetime). Returns false only when a packing buffer
/// cannot be allocated, or off x86-64 (C is then unchanged).
bool fa_sgemm(
    fa_gemm_kernel kernel, bool trans_a, bool trans_b, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
    const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc);

/// How many floats `fa_sgemm_pack_b` writes for op(B) of k × n with `kernel` (0 for FA_GEMM_NONE or
/// off x86-64).
ptrdiff_t fa_sgemm_packed_b_count(fa_gemm_kernel kernel, ptrdiff_t n, ptrdiff_t k);
/// op(B) (k × n: B, or with trans_b Bᵀ of B stored n × k; leading dimension ldb) packed into `bp`
/// (`fa_sgemm_packed_b_count` floats; 64-byte aligned for speed, any alignment is correct) as fa_sgemm
/// packs it, for products that use the same B with many row blocks of A.
void fa_sgemm_pack_b(fa_gemm_kernel kernel, bool trans_b, ptrdiff_t n, ptrdiff_t k, const float *b, ptrdiff_t ldb, float *bp);
/// `fa_sgemm` with op(B) already packed by `fa_sgemm_pack_b` for the same kernel, n and k: the same
/// bits (each element the same chains, so any split of C's rows gives the bits of one call), without
/// packing B again. Returns false (C unchanged) when A's packing buffer cannot be allocated, or off
/// x86-64.
bool fa_sgemm_packed_b(
    fa_gemm_kernel kernel, bool trans_a, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda,
    const float *bp, float beta, float *c, ptrdiff_t ldc);
/// The most groups fa_sgemm_grouped takes.
enum { FA_GEMM_MAX_GROUPS = 64 };

/// C(m×n) = Σ_{g < groups} A_g(m×kg) · B_g(kg×n), with `kernel` (which must be one the CPU supports and
/// not FA_GEMM_NONE), row-major, for convolutions whose im2col matrix is a few
/// shifted views of one buffer: A_g's element (i, p) is a[g·a_group_stride + i·lda + p], B_g's element
/// (p, j) is b[b_offsets[g] + p·ldb + j]. B is read where it lies, never copied (except the last strip of
/// fewer than NR columns) and never read beyond column n of a row.
///
/// C is written, not read. Each element is one fused multiply-add chain from 0 over g, then p, in
/// order: it depends on its row of the A_g and column of the B_g only, not on m, n or where the element
/// lies, so any split of C's columns gives the same bits, with either kernel. Returns false (C
/// unchanged) when a buffer cannot be allocated, when groups exceeds FA_GEMM_MAX_GROUPS, or off x86-64.
bool fa_sgemm_grouped(
    fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t n, ptrdiff_t kg, ptrdiff_t groups, const float *a, ptrdiff_t lda,
    ptrdiff_t a_group_stride, const float *b, const ptrdiff_t *b_offsets, ptrdiff_t ldb, float *c, ptrdiff_t ldc);

/// How many floats `fa_sgemm_pack_grouped_a` writes for m rows and kg·groups columns of A with
/// `kernel` (0 for FA_GEMM_NONE or off x86-64).
ptrdiff_t fa_sgemm_packed_a_count(fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t kg, ptrdiff_t groups);

/// The A_g of `fa_sgemm_grouped` packed as it packs them, into `ap` (fa_sgemm_packed_a_count floats),
/// for products that use the same A many times (a layer's weights).
void fa_sgemm_pack_grouped_a(
    fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t kg, ptrdiff_t groups, const float *a, ptrdiff_t lda, ptrdiff_t a_group_stride,
    float *ap);

/// `fa_sgemm_grouped` with A already packed by `fa_sgemm_pack_grouped_a` for the same kernel, m, kg and
/// groups: the same bits, without packing A again.
bool fa_sgemm_grouped_packed(
    fa_gemm_kernel kernel, ptrdiff_t m, ptrdiff_t n, ptrdiff_t kg, ptrdiff_t groups, const float *ap, const float *b,
    const ptrdiff_t *b_offsets, ptrdiff_t ldb, float *c, ptrdiff_t ldc);

#include "fa_amx.h"

#endif
