import Benchmark
import FaceAuditDatasets
import FaceAuditHashing
import FaceAuditImaging
import Foundation

/// Input-side throughput: decoding a London photo, parsing its manifest, hashing an image.
/// Inputs are read from ../shared in place (the folder beside the clone, or $FACEAUDIT_SHARED).
let benchmarks: @Sendable () -> Void = {
    let shared =
        ProcessInfo.processInfo.environment["FACEAUDIT_SHARED"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared").path
    let london = shared + "/datasets/london"
    guard let jpeg = FileManager.default.contents(atPath: london + "/neutral_front/001_03.jpg"),
        let manifest = try? String(contentsOfFile: london + "/labels.csv", encoding: .utf8)
    else {
        fatalError("benchmarks need the London set at \(london); set FACEAUDIT_SHARED")
    }
    let bytes = [UInt8](jpeg)
    let thresholds: [BenchmarkMetric: BenchmarkThresholds] = [
        .wallClock: .init(relative: [.p90: 50]), .mallocCountTotal: .init(absolute: [.p90: 0]),
    ]
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(3),
        thresholds: thresholds)

    Benchmark("DecodeJPEG_1350x1350", configuration: configuration) { benchmark in
        let decoder = ImageDecoder()
        for _ in benchmark.scaledIterations { blackHole(try decoder.decode(bytes)) }
    }
    Benchmark("ParseManifest_London_204rows", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try CSVManifestReader().parse(text: manifest, file: "labels.csv")) }
    }
    Benchmark("SHA256_LondonJPEG", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(SHA256Digest(of: bytes)) }
    }
    faceBenchmarks(shared: shared)
    metricsBenchmarks(
        Benchmark.Configuration(
            metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(10), maxIterations: 5,
            thresholds: [.wallClock: .init(relative: [.p90: 50])]))
    comparisonBenchmarks(
        Benchmark.Configuration(
            metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(10), maxIterations: 5,
            thresholds: [.wallClock: .init(relative: [.p90: 50])]))
    sortingBenchmarks(
        Benchmark.Configuration(
            metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 15, thresholds: [.wallClock: .init(relative: [.p90: 50])]))
    scoringBenchmarks(
        Benchmark.Configuration(
            metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 15, thresholds: [.wallClock: .init(relative: [.p90: 50])]))
}
