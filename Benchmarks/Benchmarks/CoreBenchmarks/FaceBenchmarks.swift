import Benchmark
import FaceAuditFace
import FaceAuditGEMM
import FaceAuditImaging
import FaceAuditModelFiles
import FaceAuditNN
import Foundation

/// The native dlib pipeline on dlib's reference photos: descriptor per chip at batch 1 and 32, detection
/// on a 1920×1080 photo (2.07 MP), landmarks. Threads follow OPENBLAS_NUM_THREADS; the BLAS in use is
/// printed once.
func faceBenchmarks(shared: String) {
    let models = ModelDirectory.resolve(explicit: nil)
    guard
        let pipeline = try? FacePipeline(
            detector: models.url(of: .detector).path, landmarks: models.url(of: .landmarks5).path,
            descriptor: models.url(of: .descriptor).path)
    else { fatalError("benchmarks need the models: run scripts/bootstrap") }
    let reference = shared + "/reference/dlib"
    let decoder = ImageDecoder()
    guard let chip = try? decoder.decode(contentsOf: reference + "/chips/obama_0.png").image,
        let photo = try? decoder.decode(contentsOf: reference + "/images/obama-1080p.jpg").image
    else { fatalError("benchmarks need ../shared/reference/dlib") }
    FileHandle.standardError.write(Data("benchmarks: BLAS \(BLAS.description)\n".utf8))
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(10), maxIterations: 20,
        thresholds: [.wallClock: .init(relative: [.p90: 50])])
    let gray = GrayImage(photo)
    let faces = pipeline.detector.detect(photo)

    Benchmark("Descriptor_batch1", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(pipeline.descriptors.descriptors([chip])) }
    }
    Benchmark("Descriptor_batch32", configuration: configuration) { benchmark in
        let batch = [RGBImage](repeating: chip, count: 32)
        for _ in benchmark.scaledIterations { blackHole(pipeline.descriptors.descriptors(batch)) }
    }
    Benchmark("Detect_1920x1080", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(pipeline.detector.detect(photo)) }
    }
    Benchmark("Landmarks5", configuration: configuration) { benchmark in
        let d = faces[0]
        for _ in benchmark.scaledIterations { blackHole(pipeline.predictor.landmarks(gray, box: (d.left, d.top, d.right, d.bottom))) }
    }
}
