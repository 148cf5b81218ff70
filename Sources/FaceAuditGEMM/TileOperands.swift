import CGEMM

/// A matrix's rows split and packed once for products of any two ranges of them on AMX tiles,
/// C = alpha · A[rows] · A[columns]ᵀ: the all-pairs keys where ``BLAS/amx`` holds.
///
/// Every float is split into two bfloat16 parts (`Sources/CGEMM/include/fa_amx.h`), and a product is
/// three bfloat16 products summed in single precision by the tiles. The result is not the bits of
/// `BLAS.gemm`, and may differ between CPU models: each element is within
/// ``errorBound(dimension:)`` · Σ|a_p·b_p| of the exact sum (on 1,031 × 1,000 random unit vectors at
/// k = 128, a·b was within 2.2e-6). As on the own kernels, an element depends on its own row and
/// column only, never on the ranges, so any split of a product gives the same bits.
///
/// Both packings are made once, for the whole matrix: 6 · k bytes a row for each (k rounded up to
/// 32), 1.5 KB a template for 128 dimensions.
public final class TileOperands: @unchecked Sendable {
    /// Rows of the matrix.
    public let rows: Int
    /// Values of a row.
    public let k: Int
    /// The rows as left operands (scaled by alpha), and as right operands in strips of 16.
    private let left: UnsafeMutableRawPointer
    private let right: UnsafeMutableRawPointer

    /// Packs `rows` rows of `k` floats (leading dimension `lda`); nil where ``BLAS/amx`` does not hold.
    public init?(values: UnsafePointer<Float>, rows: Int, k: Int, lda: Int, alpha: Float) {
        guard BLAS.amx, rows > 0, k > 0 else { return nil }
        self.rows = rows
        self.k = k
        left = UnsafeMutableRawPointer.allocate(byteCount: fa_amx_packed_a_bytes(rows, k), alignment: 64)
        right = UnsafeMutableRawPointer.allocate(byteCount: fa_amx_packed_b_bytes(rows, k), alignment: 64)
        fa_amx_pack_a(rows, k, alpha, values, lda, left)
        fa_amx_pack_b(rows, k, values, lda, right)
    }

    /// The bound of an element's error, as a share of Σ|a_p·b_p| at `dimension` values:
    /// 3.1·2⁻¹⁶ for the parts the split leaves out, and 1.03·kp·2⁻²⁴ for single-precision
    /// accumulation over kp (`dimension` rounded up to 32) values, the small corrections summed first
    /// (`Sources/CGEMM/fa_amx.c`). 5.4e-5 at 128 dimensions, 7.7e-5 at 512.
    public static func errorBound(dimension: Int) -> Double {
        let kp = Double((dimension + 31) / 32 * 32)
        return 3.1 * 0x1p-16 + 1.03 * kp * 0x1p-24
    }

    /// CPUID leaf 1's EAX (family, model, stepping) of this CPU.
    public static var cpuSignature: UInt32 { fa_amx_cpu_signature() }

    deinit {
        left.deallocate()
        right.deallocate()
    }

    /// C = alpha · A[rows] · A[columns]ᵀ, row-major with leading dimension `ldc`, written, not read.
    /// `columns` start at a multiple of 16 (the right operands are packed in strips of 16).
    public func product(rows: Range<Int>, columns: Range<Int>, c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(rows.lowerBound >= 0 && columns.lowerBound >= 0, "ranges within the matrix")
        precondition(rows.upperBound <= self.rows && columns.upperBound <= self.rows, "ranges within the matrix")
        precondition(columns.lowerBound % 16 == 0, "columns start at a strip of 16")
        guard !rows.isEmpty, !columns.isEmpty else { return }
        let a = left + rows.lowerBound * fa_amx_row_bytes(k)
        let b = right + columns.lowerBound / 16 * fa_amx_strip_bytes(k)
        let done = fa_amx_product(rows.count, columns.count, k, a, b, c, ldc)
        precondition(done, "AMX products were available when the operands were packed")
    }
}
