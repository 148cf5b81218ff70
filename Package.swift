// swift-tools-version: 6.0
import PackageDescription

/// FaceAudit: measures how accurate a face recognition system is, and for whom it fails.
///
/// Data flows one way and so do the dependencies:
/// image → face → template → comparison → rates → report.
/// Codecs know nothing of datasets; datasets know nothing of metrics; the CLI only wires.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
/// No target uses `unsafeFlags`: they would make the package unusable as a versioned dependency. The numeric
/// kernels used to be built with `-O` even in debug; without it the whole `swift test` takes 3 min 30 s here
/// instead of 1–1.5 min, which the test command accepts.

let package = Package(
    name: "FaceAudit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "faceaudit", targets: ["faceaudit"]),
        .library(name: "FaceAuditImaging", targets: ["FaceAuditImaging"]),
        .library(name: "FaceAuditDatasets", targets: ["FaceAuditDatasets"]),
        .library(name: "FaceAuditCohorts", targets: ["FaceAuditCohorts"]),
        .library(name: "FaceAuditValidation", targets: ["FaceAuditValidation"]),
        .library(name: "FaceAuditModelFiles", targets: ["FaceAuditModelFiles"]),
        .library(name: "FaceAuditMetrics", targets: ["FaceAuditMetrics"]),
        .library(name: "FaceAuditSorting", targets: ["FaceAuditSorting"]),
        .library(name: "FaceAuditScoreFiles", targets: ["FaceAuditScoreFiles"]),
        .library(name: "FaceAuditFace", targets: ["FaceAuditFace"]),
        .library(name: "FaceAuditNN", targets: ["FaceAuditNN"]),
        .library(name: "FaceAuditGEMM", targets: ["FaceAuditGEMM"]),
        .library(name: "FaceAuditDlibFormat", targets: ["FaceAuditDlibFormat"]),
        .library(name: "FaceAuditAllPairs", targets: ["FaceAuditAllPairs"]),
        .library(name: "FaceAuditConfiguration", targets: ["FaceAuditConfiguration"]),
        .library(name: "FaceAuditBenchmark", targets: ["FaceAuditBenchmark"]),
        .library(name: "FaceAuditScoring", targets: ["FaceAuditScoring"]),
        .library(name: "FaceAuditTemplates", targets: ["FaceAuditTemplates"]),
        .library(name: "FaceAuditProtocols", targets: ["FaceAuditProtocols"]),
        .library(name: "FaceAuditReport", targets: ["FaceAuditReport"]),
        .library(name: "FaceAuditFiles", targets: ["FaceAuditFiles"]),
        .library(name: "FaceAuditSupervision", targets: ["FaceAuditSupervision"]),
        .library(name: "FaceAuditHashing", targets: ["FaceAuditHashing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Benchmark files: YAML through Yams (libyaml), TOML through TOMLKit (toml++); each adds about 12 s to a
        // cold debug build here and replaces a hand-written reader.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        // The external embedder's child process: concurrent pipe draining, process groups, termination. About 16 s of a
        // cold debug build (with swift-system), instead of more hand-written Foundation.Process code that deadlocked.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // System C libraries, each behind a module map and a shim header.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev", "libblas-dev"])]),
        // glibc's allocator settings (mallopt), for the command's process.
        .systemLibrary(name: "CMalloc"),
        // C code of our own: setjmp/longjmp error recovery for libpng and libjpeg,
        // whose default error handlers abort or exit the process.
        .target(name: "CImageCodecs", dependencies: ["CPNG", "CJPEG"]),
        // Our own single-precision GEMM register kernels (AVX-512F, AVX2+FMA), chosen from CPUID at run time.
        .target(name: "CGEMM"),
        // Which build (baseline, AVX2+FMA, AVX-512F) of the C vector loops below runs, and how a loop is written once and
        // built three times (twice.h).
        .target(name: "CVectorBuild"),
        // Our own AVX-512F and AVX2 kernels for the image pyramid's bilinear resize rows (bit-identical to the scalar formula).
        .target(name: "CResample", dependencies: ["CVectorBuild"]),
        // FaceAuditNN's inner loops in plain C (Winograd tile transforms, pooling windows, strided row copies), each
        // built for baseline x86-64, AVX2+FMA and AVX-512F, which give the same bits.
        .target(name: "CNNKernels", dependencies: ["CVectorBuild"]),

        // Image bytes → RGB8 pixels. Knows nothing of faces or datasets.
        .target(name: "FaceAuditImaging", dependencies: ["CImageCodecs", "FaceAuditFiles"], swiftSettings: strict),
        // SHA-256 of files and buffers (content hashes, model checksums).
        .target(name: "FaceAuditHashing", dependencies: ["CCrypto"], swiftSettings: strict),
        // Manifests, labels, dataset cards, the loaders for each dataset layout and the dataset fingerprint.
        .target(name: "FaceAuditDatasets", dependencies: ["FaceAuditFiles", "FaceAuditHashing"], swiftSettings: strict),
        // Age bands, skin-tone groups, cohort keys and their intersections.
        .target(name: "FaceAuditCohorts", dependencies: ["FaceAuditDatasets"], swiftSettings: strict),
        // `faceaudit validate`: is a dataset usable for a demographic evaluation?
        .target(
            name: "FaceAuditValidation",
            dependencies: [
                "FaceAuditDatasets", "FaceAuditCohorts", "FaceAuditImaging", "FaceAuditHashing", "FaceAuditMetrics", "FaceAuditParallel",
            ],
            swiftSettings: strict
        ),
        // How two templates become a score and which way it points (PairMetric, ScorePolarity): one vocabulary for every layer.
        .target(name: "CPairScores", dependencies: ["CVectorBuild"]),
        .target(name: "FaceAuditScoring", dependencies: ["CPairScores", "FaceAuditGEMM"], swiftSettings: strict),
        // Work spread over threads with results in index order (no knowledge of what the work is).
        .target(name: "FaceAuditParallel", swiftSettings: strict),
        // Sorting large arrays of scores and packed keys in linear time (radix sorts), for the metrics and the
        // all-pairs pass alike.
        .target(name: "FaceAuditSorting", swiftSettings: strict),
        // Pure statistics: scores and labels in, rates, intervals and inequity measures out.
        .target(
            name: "FaceAuditMetrics", dependencies: ["FaceAuditParallel", "FaceAuditScoring", "FaceAuditSorting"], swiftSettings: strict),
        // Score files (genuine/impostor lists, bob 4/5-column, CSV) → score tables.
        .target(
            name: "FaceAuditScoreFiles", dependencies: ["FaceAuditDatasets", "FaceAuditFiles", "FaceAuditMetrics"], swiftSettings: strict),
        // Writing files so that a crash never leaves a half-written one, nor a mixed set of outputs.
        .target(name: "FaceAuditFiles", swiftSettings: strict),
        // A child process answering one line per line sent: its own process group, timeouts, bounded replies, standard
        // error kept in a ring, killed on interrupt. Knows nothing of faces.
        .target(
            name: "FaceAuditSupervision", dependencies: ["FaceAuditFiles", .product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: strict),
        // Images → templates: the Embedder protocol; the dlib, external and precomputed embedders; the 0600 template
        // cache; parallel, cached extraction; skin tone measured through the same path.
        .target(
            name: "FaceAuditTemplates",
            dependencies: [
                "FaceAuditDatasets", "FaceAuditFace", "FaceAuditImaging", "FaceAuditHashing", "FaceAuditSkinTone", "FaceAuditFiles",
                "FaceAuditMetrics", "FaceAuditScoring", "FaceAuditSupervision",
            ],
            swiftSettings: strict
        ),
        // The evaluation protocols (in NIST's sense): which pairs and searches are compared and how they become rates —
        // all-pairs verification (exact or streamed), the watchlist (1:N), labeled score files, the simulated population, and
        // the regression check of `faceaudit compare`.
        .target(
            name: "FaceAuditProtocols",
            dependencies: [
                "FaceAuditAllPairs", "FaceAuditCohorts", "FaceAuditConfiguration", "FaceAuditDatasets", "FaceAuditFiles",
                "FaceAuditHashing", "FaceAuditMetrics", "FaceAuditReport", "FaceAuditScoreFiles", "FaceAuditScoring", "FaceAuditTemplates",
            ],
            swiftSettings: strict
        ),
        // Every setting of a run (RunConfiguration) and the benchmark files (TOML, YAML, JSON) that decode into it.
        .target(
            name: "FaceAuditConfiguration",
            dependencies: [
                "FaceAuditCohorts", "FaceAuditDatasets", "FaceAuditFace", "FaceAuditFiles", "FaceAuditScoreFiles",
                .product(name: "Yams", package: "Yams"), .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),
        // One benchmark run, the whole path: dataset → templates → all-pairs statistics → analysis → watchlist → outputs;
        // shard partials and their merge.
        .target(
            name: "FaceAuditBenchmark",
            dependencies: [
                "FaceAuditAllPairs", "FaceAuditCohorts", "FaceAuditConfiguration", "FaceAuditDatasets", "FaceAuditFace", "FaceAuditFiles",
                "FaceAuditHashing", "FaceAuditImaging", "FaceAuditMetrics",
                "FaceAuditGEMM", "FaceAuditModelFiles", "FaceAuditNN", "FaceAuditProtocols", "FaceAuditReport", "FaceAuditScoreFiles",
                "FaceAuditScoring",
                "FaceAuditTemplates",
            ],
            swiftSettings: strict
        ),
        // All-pairs comparison: templates in one matrix, matrix-product tiles (FaceAuditGEMM) streamed into mergeable
        // per-(cell × cell) histograms plus exact mated and most-similar pairs. Knows nothing of datasets.
        // The partials' binary form carries a SHA-256 of its payload (FaceAuditHashing).
        .target(
            name: "FaceAuditAllPairs",
            dependencies: ["CPairScores", "FaceAuditGEMM", "FaceAuditHashing", "FaceAuditScoring", "FaceAuditSorting"],
            swiftSettings: strict),
        // Sharded runs on a Slurm cluster: batch scripts, submission, and judging each task by state and marker.
        .target(name: "FaceAuditSlurm", dependencies: ["FaceAuditFiles"], swiftSettings: strict),
        // dlib's serialization format: model files → typed layer records.
        .target(name: "FaceAuditDlibFormat", swiftSettings: strict),
        // Matrix products: our own kernels where the CPU has them, CBLAS otherwise; the BLAS's name and threads.
        .target(name: "FaceAuditGEMM", dependencies: ["CBLAS", "CGEMM", "CVectorBuild"], swiftSettings: strict),
        // A small neural-network engine over FaceAuditGEMM: convolution, pooling, residual add, fc.
        .target(
            name: "FaceAuditNN", dependencies: ["CNNKernels", "CVectorBuild", "FaceAuditGEMM", "FaceAuditDlibFormat"],
            swiftSettings: strict),
        // dlib's face models: MMOD detector, 5-point shape predictor, face chips, ResNet descriptor.
        .target(
            name: "FaceAuditFace",
            dependencies: ["CResample", "CVectorBuild", "FaceAuditGEMM", "FaceAuditNN", "FaceAuditDlibFormat", "FaceAuditImaging"],
            swiftSettings: strict),
        // A run's outputs: summary.json (RunSummary), the tidy CSV tables, watchlist.csv and report.html (one self-contained
        // page), written from typed results.
        .target(
            name: "FaceAuditReport",
            dependencies: ["FaceAuditMetrics", "FaceAuditCohorts", "FaceAuditDatasets", "FaceAuditConfiguration", "FaceAuditFiles"],
            swiftSettings: strict),
        // Skin tone measured from aligned chips (ITA, Monk), always marked as estimated.
        .target(name: "FaceAuditSkinTone", dependencies: ["FaceAuditImaging"], swiftSettings: strict),
        // Where the dlib model files live and whether they are intact.
        .target(name: "FaceAuditModelFiles", dependencies: ["FaceAuditHashing"], swiftSettings: strict),

        // The command line: argument parsing and wiring only.
        .executableTarget(
            name: "faceaudit",
            dependencies: [
                "FaceAuditBenchmark", "FaceAuditCohorts", "FaceAuditConfiguration", "FaceAuditDatasets", "FaceAuditFace", "FaceAuditFiles",
                "FaceAuditGEMM", "FaceAuditImaging", "FaceAuditMetrics", "FaceAuditModelFiles", "FaceAuditNN", "FaceAuditProtocols",
                "FaceAuditReport",
                "FaceAuditScoreFiles", "FaceAuditScoring", "FaceAuditSkinTone", "FaceAuditSlurm", "FaceAuditSupervision",
                "FaceAuditValidation", "CMalloc", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),

        .target(
            name: "FaceAuditTestSupport", dependencies: ["FaceAuditMetrics"], path: "Tests/FaceAuditTestSupport",
            swiftSettings: strict),
        .testTarget(
            name: "FaceAuditImagingTests",
            dependencies: ["FaceAuditImaging", "FaceAuditTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditDatasetsTests",
            dependencies: ["FaceAuditDatasets", "FaceAuditHashing", "FaceAuditTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditCohortsTests",
            dependencies: ["FaceAuditCohorts", "FaceAuditDatasets"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditValidationTests",
            dependencies: ["FaceAuditValidation", "FaceAuditDatasets", "FaceAuditTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditModelFilesTests",
            dependencies: ["FaceAuditModelFiles", "FaceAuditHashing", "FaceAuditTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditMetricsTests",
            dependencies: [
                "FaceAuditMetrics", "FaceAuditScoreFiles", "FaceAuditProtocols", "FaceAuditCohorts", "FaceAuditTestSupport",
                "FaceAuditScoring", "FaceAuditSorting",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditFaceTests",
            dependencies: [
                "CGEMM", "CNNKernels", "CResample", "CVectorBuild", "FaceAuditFace", "FaceAuditDlibFormat", "FaceAuditGEMM",
                "FaceAuditNN", "FaceAuditImaging", "FaceAuditModelFiles",
                "FaceAuditTestSupport",
                "FaceAuditHashing",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditProtocolsTests",
            dependencies: [
                "FaceAuditProtocols", "FaceAuditDatasets", "FaceAuditCohorts", "FaceAuditMetrics", "FaceAuditTestSupport",
                "FaceAuditSkinTone", "FaceAuditTemplates", "FaceAuditFiles", "FaceAuditReport", "FaceAuditScoring", "FaceAuditGEMM",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditConfigurationTests",
            dependencies: ["FaceAuditConfiguration", "FaceAuditCohorts", "FaceAuditTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditBenchmarkTests",
            dependencies: [
                "FaceAuditBenchmark", "FaceAuditConfiguration", "FaceAuditProtocols", "FaceAuditReport", "FaceAuditTestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditFilesTests",
            dependencies: ["FaceAuditFiles", "FaceAuditTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditReportTests",
            dependencies: ["FaceAuditReport", "FaceAuditProtocols", "FaceAuditMetrics", "FaceAuditTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditAllPairsTests",
            dependencies: ["CPairScores", "FaceAuditAllPairs", "FaceAuditGEMM", "FaceAuditHashing", "FaceAuditScoring"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditGEMMTests",
            dependencies: ["FaceAuditGEMM", "CGEMM", "CBLAS"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditSupervisionTests",
            dependencies: ["FaceAuditSupervision"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditSlurmTests",
            dependencies: ["FaceAuditSlurm"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FaceAuditSkinToneTests",
            dependencies: ["FaceAuditSkinTone", "FaceAuditImaging"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "faceauditCLITests",
            dependencies: ["faceaudit", "FaceAuditTestSupport"],
            swiftSettings: strict
        ),
    ]
)
