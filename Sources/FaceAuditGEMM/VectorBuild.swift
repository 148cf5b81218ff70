import CGEMM
import CVectorBuild

/// Which build of FaceAudit's C vector loops runs: `CNNKernels` (Winograd tile transforms, pooling
/// windows, strided row copies), `CPairScores` (the exact pair sums, the all-pairs binning) and
/// `CResample` (the pyramid's resize rows). The first two write each loop once and build it for baseline
/// x86-64, for AVX2 with FMA and for AVX-512F; CResample has AVX2 and AVX-512F kernels and leaves the
/// baseline to its caller's scalar loop. Every build gives the same bits.
///
/// A process runs the build that matches its products' kernel (``BLAS/kernel``: the best the CPU has,
/// unless `FACEAUDIT_GEMM` asks for `blas` or `avx2`): AVX-512F with the AVX-512F kernel, AVX2 with the
/// AVX2+FMA one, baseline otherwise. One switch holds every vector path of a process back together.
public enum VectorBuild {
    /// The build this process runs. Chosen once, as ``BLAS/kernel`` is (the binning asks for it on every
    /// run of a tile row).
    public static let current: fa_vector_build =
        switch BLAS.kernel {
        case FA_GEMM_AVX512: FA_BUILD_AVX512
        case FA_GEMM_AVX2: FA_BUILD_AVX2
        default: FA_BUILD_BASELINE
        }

    /// Every build up to ``current``, baseline first: the builds a test can compare on this CPU.
    public static var available: [fa_vector_build] {
        [FA_BUILD_BASELINE, FA_BUILD_AVX2, FA_BUILD_AVX512].filter { $0.rawValue <= current.rawValue }
    }

    /// A build's name, for messages: "baseline", "AVX2+FMA" or "AVX-512F".
    public static func name(_ build: fa_vector_build) -> String { String(cString: fa_vector_build_name(build)) }
}
