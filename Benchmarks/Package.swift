// swift-tools-version: 6.1
import PackageDescription

/// FaceAudit's package-benchmark suite. A nested package so that `swift build` and `swift test` of the
/// main package never compile package-benchmark. Run with `scripts/bench/suite`.
let package = Package(
    name: "FaceAuditBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "FaceAudit", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The Swift side of scripts/bench/vs-numpy (a plain executable: it reports phases and peak memory).
        .executableTarget(
            name: "AllPairsBench",
            dependencies: [
                .product(name: "FaceAuditAllPairs", package: "FaceAudit"), .product(name: "FaceAuditGEMM", package: "FaceAudit"),
            ],
            path: "Tools/AllPairsBench"
        ),
        // Per-layer descriptor timings, im2col against Winograd (a plain executable: best-of-N per layer).
        .executableTarget(
            name: "DescriptorLayers",
            dependencies: [
                .product(name: "FaceAuditNN", package: "FaceAudit"),
                .product(name: "FaceAuditGEMM", package: "FaceAudit"),
                .product(name: "FaceAuditDlibFormat", package: "FaceAudit"),
                .product(name: "FaceAuditFace", package: "FaceAudit"),
                .product(name: "FaceAuditImaging", package: "FaceAudit"),
            ],
            path: "Tools/DescriptorLayers"
        ),
        .executableTarget(
            name: "CoreBenchmarks",
            dependencies: [
                .product(name: "FaceAuditImaging", package: "FaceAudit"),
                .product(name: "FaceAuditDatasets", package: "FaceAudit"),
                .product(name: "FaceAuditValidation", package: "FaceAudit"),
                .product(name: "FaceAuditMetrics", package: "FaceAudit"),
                .product(name: "FaceAuditSorting", package: "FaceAudit"),
                .product(name: "FaceAuditScoring", package: "FaceAudit"),
                .product(name: "FaceAuditFace", package: "FaceAudit"),
                .product(name: "FaceAuditModelFiles", package: "FaceAudit"),
                .product(name: "FaceAuditAllPairs", package: "FaceAudit"),
                .product(name: "FaceAuditGEMM", package: "FaceAudit"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
