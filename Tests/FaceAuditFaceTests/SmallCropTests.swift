import Dispatch
import FaceAuditGEMM
import FaceAuditHashing
import FaceAuditImaging
import FaceAuditNN
import FaceAuditTestSupport
import Foundation
import Synchronization
import Testing

@testable import FaceAuditFace

/// dlib's outputs on one 100×100 crop of `../shared/reference/dlib-small-crops/reference.jsonl`
/// (upsample 1, `num_jitters` 1, padding 0.25).
struct SmallCrop: Decodable, Sendable {
    struct Detection: Decodable, Sendable {
        let left: Int
        let top: Int
        let right: Int
        let bottom: Int
        let confidence: Double
    }

    struct Chip: Decodable, Sendable {
        let rect: [Double]
        let angle: Double
        let rgbSHA256: String

        enum CodingKeys: String, CodingKey {
            case rect, angle
            case rgbSHA256 = "rgb_sha256"
        }
    }

    struct Face: Decodable, Sendable {
        let left: Int
        let top: Int
        let right: Int
        let bottom: Int
        let landmarks: [[Int]]
        let chip: Chip
        let descriptor: [Double]
    }

    let file: String
    let rgbSHA256: String
    let detections: [Detection]
    let faces: [Face]

    enum CodingKeys: String, CodingKey {
        case file, faces
        case rgbSHA256 = "rgb_sha256"
        case detections = "detections_upsample1"
    }

    /// Every line of the reference file, in file order.
    static func all() throws -> [SmallCrop] {
        let text = try String(contentsOf: TestPaths.dlibSmallCrops.appendingPathComponent("reference.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(SmallCrop.self, from: Data($0.utf8)) }
    }
}

/// How the port's pipeline compared with dlib on one crop.
struct SmallCropOutcome: Sendable {
    let file: String
    /// Problems that break the tolerances of `../shared/reference/dlib` (empty when the crop matches).
    var failures: [String] = []
    /// Detections whose rectangle differs from dlib's (0 or more).
    var differingRectangles = 0
    /// Largest |confidence − dlib's| over matched detections.
    var confidenceDifference = 0.0
    /// Faces whose landmarks differ.
    var differingLandmarks = 0
    /// Faces whose chip is not bit-identical.
    var differingChips = 0
    /// Largest |chip rect or angle − dlib's| over faces.
    var chipGeometryDifference = 0.0
    /// Euclidean distance from dlib's descriptor, per face.
    var descriptorDistances: [Double] = []
    /// Largest per-component |descriptor − dlib's| over faces.
    var descriptorComponentDifference: Float = 0
}

@Suite("dlib parity on 204 small crops at upsample 1", .serialized)
struct SmallCropTests {
    /// Runs the whole pipeline (detect at upsample 1 → landmarks → chip → descriptor), each stage on
    /// the port's own output of the stage before, as `faceaudit` does, and compares every stage.
    static func compare(_ crop: SmallCrop, pipeline: FacePipeline) -> SmallCropOutcome {
        var outcome = SmallCropOutcome(file: crop.file)
        let image: RGBImage
        do {
            image = try ImageDecoder().decode(contentsOf: TestPaths.dlibSmallCrops.appendingPathComponent("images/\(crop.file)").path).image
        } catch {
            outcome.failures.append("cannot decode: \(error)")
            return outcome
        }
        if SHA256Digest(of: image.pixels).hex != crop.rgbSHA256 {
            outcome.failures.append("decoded pixels are not the ones dlib was given")
            return outcome
        }
        let faces = pipeline.analyze(image, upsample: 1, describe: false)
        if faces.count != crop.detections.count {
            outcome.failures.append("\(faces.count) detections, dlib \(crop.detections.count)")
        }
        for (face, expected) in zip(faces, crop.detections) {
            let d = face.detection
            if (d.left, d.top, d.right, d.bottom) != (expected.left, expected.top, expected.right, expected.bottom) {
                outcome.differingRectangles += 1
                outcome.failures.append(
                    "rectangle (\(d.left), \(d.top), \(d.right), \(d.bottom)), dlib (\(expected.left), \(expected.top), \(expected.right), \(expected.bottom))"
                )
            }
            let gap = abs(d.confidence - expected.confidence)
            outcome.confidenceDifference = max(outcome.confidenceDifference, gap)
            if gap > 1e-4 { outcome.failures.append("confidence \(d.confidence), dlib \(expected.confidence)") }
        }
        for (face, expected) in zip(faces, crop.faces) {
            let landmarks = face.landmarks.map { [$0.x, $0.y] }
            if landmarks != expected.landmarks {
                outcome.differingLandmarks += 1
                outcome.failures.append("landmarks \(landmarks), dlib \(expected.landmarks)")
            }
            let details = ChipDetails.face(landmarks: face.landmarks.map { Point(Double($0.x), Double($0.y)) })
            let geometry = [details.rect.left, details.rect.top, details.rect.right, details.rect.bottom, details.angle]
            for (ours, theirs) in zip(geometry, expected.chip.rect + [expected.chip.angle]) {
                outcome.chipGeometryDifference = max(outcome.chipGeometryDifference, abs(ours - theirs))
            }
            let chip = pipeline.chip(of: face, in: image)
            if SHA256Digest(of: chip.pixels).hex != expected.chip.rgbSHA256 {
                outcome.differingChips += 1
                outcome.failures.append("chip differs from dlib's")
            }
            let descriptor = pipeline.describe(chip: chip)
            let reference = expected.descriptor.map(Float.init)
            let distance = Double(zip(descriptor, reference).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot())
            let component = zip(descriptor, reference).map { abs($0 - $1) }.max() ?? .infinity
            outcome.descriptorDistances.append(distance)
            outcome.descriptorComponentDifference = max(outcome.descriptorComponentDifference, component)
            if distance >= 1e-3 || component > 1e-4 {
                outcome.failures.append("descriptor distance \(distance), max |diff| \(component)")
            }
        }
        return outcome
    }

    /// Every crop, on two threads, each with its own pipeline (the models keep working buffers).
    static func compareAll(threads: Int = 2) throws -> [SmallCropOutcome] {
        let crops = try SmallCrop.all()
        let outcomes = Mutex([SmallCropOutcome?](repeating: nil, count: crops.count))
        let next = Atomic<Int>(0)
        let failedToLoad = Atomic<Bool>(false)
        BLAS.setThreads(1)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            guard
                let pipeline = try? FacePipeline(
                    detector: ModelFiles.mmod, landmarks: ModelFiles.shapePredictor, descriptor: ModelFiles.resnet)
            else {
                failedToLoad.store(true, ordering: .relaxed)
                return
            }
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < crops.count else { return }
                let outcome = compare(crops[i], pipeline: pipeline)
                outcomes.withLock { $0[i] = outcome }
            }
        }
        let loaded = !failedToLoad.load(ordering: .relaxed)
        #expect(loaded, "the dlib models did not load")
        return outcomes.withLock { $0.compactMap { $0 } }
    }

    @Test("rectangles exact, confidence ±1e-4, landmarks exact, chips bit-exact, descriptors within 1e-4 and 1e-3 on every crop")
    func everyCrop() throws {
        let outcomes = try Self.compareAll()
        #expect(outcomes.count == 204)
        let distances = outcomes.flatMap(\.descriptorDistances)
        let summary = """
            small crops: \(outcomes.count) images, \(distances.count) faces; \
            rectangles differing \(outcomes.map(\.differingRectangles).reduce(0, +)), \
            landmarks differing \(outcomes.map(\.differingLandmarks).reduce(0, +)), \
            chips differing \(outcomes.map(\.differingChips).reduce(0, +)), \
            descriptors moved > 1e-3: \(distances.filter { $0 > 1e-3 }.count) (max \(distances.max() ?? 0)), \
            max component diff \(outcomes.map(\.descriptorComponentDifference).max() ?? 0), \
            max confidence diff \(outcomes.map(\.confidenceDifference).max() ?? 0), \
            max chip geometry diff \(outcomes.map(\.chipGeometryDifference).max() ?? 0)
            """
        print(summary)
        for outcome in outcomes where !outcome.failures.isEmpty {
            Issue.record("\(outcome.file): \(outcome.failures.joined(separator: "; "))")
        }
    }
}
