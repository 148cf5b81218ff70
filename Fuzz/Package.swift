// swift-tools-version: 6.0
import PackageDescription

/// libFuzzer targets for FaceAudit's parsers of untrusted input. A nested package, so that `swift build`
/// and `swift test` of the main package never compile them. Build and run with `scripts/ci/fuzz`.
let package = Package(
    name: "FaceAuditFuzz",
    dependencies: [.package(name: "FaceAudit", path: "../")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "FuzzPNG", dependencies: ["FuzzDriver", .product(name: "FaceAuditImaging", package: "FaceAudit")]),
        .executableTarget(
            name: "FuzzJPEG", dependencies: ["FuzzDriver", .product(name: "FaceAuditImaging", package: "FaceAudit")]),
        .executableTarget(
            name: "FuzzManifest", dependencies: ["FuzzDriver", .product(name: "FaceAuditDatasets", package: "FaceAudit")]),
        .executableTarget(
            name: "FuzzNpy", dependencies: ["FuzzDriver", .product(name: "FaceAuditTemplates", package: "FaceAudit")]),
        .executableTarget(
            name: "FuzzBenchmarkFile", dependencies: ["FuzzDriver", .product(name: "FaceAuditConfiguration", package: "FaceAudit")]),
        .executableTarget(
            name: "FuzzEmbedderReply",
            dependencies: [
                "FuzzDriver", .product(name: "FaceAuditTemplates", package: "FaceAudit"),
                .product(name: "FaceAuditSupervision", package: "FaceAudit"),
            ]),
        .executableTarget(
            name: "FuzzShardPartial",
            dependencies: [
                "FuzzDriver", .product(name: "FaceAuditAllPairs", package: "FaceAudit"),
                .product(name: "FaceAuditBenchmark", package: "FaceAudit"),
                .product(name: "FaceAuditConfiguration", package: "FaceAudit"), .product(name: "FaceAuditHashing", package: "FaceAudit"),
                .product(name: "FaceAuditScoring", package: "FaceAudit"), .product(name: "FaceAuditTemplates", package: "FaceAudit"),
            ]),
    ]
)
