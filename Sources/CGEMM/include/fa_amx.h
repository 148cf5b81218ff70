#ifndef FA_AMX_H
#define FA_AMX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Products C = alpha · A · Bᵀ on Intel AMX tiles (AMX-TILE and AMX-BF16), for the all-pairs keys.
///
/// Each float x is split into bfloat16 parts, hi = bf16(x) and mid = bf16(x − hi) (round to nearest
/// even; x − hi is exact in float), and each element of C is one chain of TDPBF16PS over
///   hi(a)·mid(b), then mid(a)·hi(b), then hi(a)·hi(b)
/// for every k (k padded to kp, a multiple of 32, with zeros), in that order, accumulated in single
/// precision by the tiles. An element differs from the exact sum by at most about
/// (3.1·2⁻¹⁶ + 1.03·kp·2⁻²⁴) · Σ|a_p·b_p| (see fa_amx.c; 2e-6 to 3e-6 measured on random unit vectors
/// at k = 77 and 128, against bins of 1.2e-4). The bits differ from fa_sgemm's, and the tiles' rounding may
/// differ between CPU models; as on the own kernels, an element depends on its own row of A and column
/// of B only: never on m, n, where it lies in C, or how a caller splits C.

/// Whether this CPU and operating system run AMX-BF16 products: CPUID (AMX-TILE, AMX-BF16, and
/// AVX-512F for the packing), XCR0's tile state, and Linux's permission for the tile data
/// (arch_prctl ARCH_REQ_XCOMP_PERM), asked once per process. False off x86-64 Linux.
bool fa_amx_available(void);

/// Bytes `fa_amx_pack_b` writes for n columns of depth k.
ptrdiff_t fa_amx_packed_b_bytes(ptrdiff_t n, ptrdiff_t k);

/// Bᵀ's columns, that is B's n rows of k floats (leading dimension ldb), split and packed into `bp`
/// (`fa_amx_packed_b_bytes` bytes, 64-byte aligned) as the tiles read them.
void fa_amx_pack_b(ptrdiff_t n, ptrdiff_t k, const float *b, ptrdiff_t ldb, void *bp);

/// Bytes `fa_amx_pack_a` writes for m rows of depth k (16 rows more than m rounded up to 16, so that
/// products may start at any row and read whole tiles).
ptrdiff_t fa_amx_packed_a_bytes(ptrdiff_t m, ptrdiff_t k);

/// A's m rows of k floats (leading dimension lda), each scaled by alpha in single precision, split and
/// packed into `ap` (`fa_amx_packed_a_bytes` bytes, 64-byte aligned); row i starts at byte
/// i · fa_amx_row_bytes(k).
void fa_amx_pack_a(ptrdiff_t m, ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda, void *ap);

/// Bytes of one packed row of depth k (three parts of 2 bytes for each of k values padded to 32).
ptrdiff_t fa_amx_row_bytes(ptrdiff_t k);

/// CPUID leaf 1's EAX (family, model and stepping), naming the CPU whose tiles computed keys; 0 off
/// x86-64 Linux.
uint32_t fa_amx_cpu_signature(void);

/// Bytes of one packed strip of 16 columns of depth k; columns j0 … start at byte (j0 / 16) · this
/// when j0 is a multiple of 16.
static inline ptrdiff_t fa_amx_strip_bytes(ptrdiff_t k) { return 16 * fa_amx_row_bytes(k); }

/// C(m × n) = A · Bᵀ: `ap` at a packed row of `fa_amx_pack_a` (rows up to 15 past the m-th are read,
/// not used), `bp` at a packed strip of `fa_amx_pack_b`, for the same k; C row-major with leading
/// dimension ldc, written, not read. Single-threaded, thread-safe. Returns false (C unchanged) when
/// AMX is not available.
bool fa_amx_product(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const void *ap, const void *bp, float *c, ptrdiff_t ldc);

#endif
