import CGEMM
import CPairScores
import FaceAuditGEMM

/// Which build of the C pair loops (`fa_pair_sums`, `fa_bin_row`, in `Sources/CPairScores`) runs.
///
/// Each loop is written once and built for baseline x86-64, for AVX2 with FMA and for AVX-512F; every
/// build gives the same bits. A process runs the build that matches its products' kernel
/// (``BLAS/kernel``, which `FACEAUDIT_GEMM` can hold back), as FaceAudit's other vector loops do.
public enum PairLoopBuild {
    /// The build this process runs: AVX-512F with the AVX-512F product kernel, AVX2 with the AVX2+FMA
    /// one, else baseline. Chosen once, as ``BLAS/kernel`` is (the binning asks for it on every run of
    /// a tile row).
    public static let current: fa_pairs_build =
        switch BLAS.kernel {
        case FA_GEMM_AVX512: FA_PAIRS_AVX512
        case FA_GEMM_AVX2: FA_PAIRS_AVX2
        default: FA_PAIRS_BASELINE
        }

    /// Every build up to ``current``, baseline first: the builds a test can compare on this CPU.
    public static var available: [fa_pairs_build] {
        [FA_PAIRS_BASELINE, FA_PAIRS_AVX2, FA_PAIRS_AVX512].filter { $0.rawValue <= current.rawValue }
    }

    /// A build's name, for test messages.
    public static func name(_ build: fa_pairs_build) -> String {
        switch build {
        case FA_PAIRS_AVX512: "AVX-512F"
        case FA_PAIRS_AVX2: "AVX2+FMA"
        default: "baseline"
        }
    }
}
