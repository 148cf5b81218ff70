import FaceAuditDlibFormat
import FaceAuditImaging

/// One face found in an image: where, how sure, its landmarks, and (when asked) its descriptor.
public struct DetectedFace: Sendable {
    /// The detector's rectangle (inclusive, may extend past the image).
    public let detection: FaceDetection
    /// The five landmarks (integer pixels): outer/inner corner of the image-right eye, outer/inner
    /// corner of the image-left eye, base of the nose.
    public let landmarks: [(x: Int, y: Int)]
    /// The 128-D descriptor, when computed.
    public var descriptor: [Float]?
}

/// The whole dlib pipeline: detect → 5 landmarks → aligned 150×150 chip → 128-D descriptor.
///
/// Holds the three models and their working buffers; not thread-safe, so use one per thread.
public final class FacePipeline {
    /// The detector.
    public let detector: FaceDetector
    /// The landmark predictor.
    public let predictor: ShapePredictor
    /// The descriptor network.
    public let descriptors: FaceDescriptorNetwork

    /// Loads the three model files.
    public init(detector: String, landmarks: String, descriptor: String) throws(ModelFormatError) {
        self.detector = try FaceDetector(contentsOf: detector)
        self.predictor = try ShapePredictor(contentsOf: landmarks)
        self.descriptors = try FaceDescriptorNetwork(contentsOf: descriptor)
    }

    /// Detects faces (highest confidence first) and their landmarks; with `describe`, also their
    /// descriptors, computed as one batch.
    public func analyze(_ image: RGBImage, upsample: Int = 0, describe: Bool = true, jitters: Int = 0) -> [DetectedFace] {
        let detections = detector.detect(image, upsample: upsample)
        guard !detections.isEmpty else { return [] }
        let gray = GrayImage(image)
        var faces = detections.map { d in
            DetectedFace(detection: d, landmarks: predictor.landmarks(gray, box: (d.left, d.top, d.right, d.bottom)), descriptor: nil)
        }
        if describe {
            let chips = faces.map { chip(of: $0, in: image) }
            let vectors = jitters > 1 ? chips.map { describeJittered($0, count: jitters) } : descriptors.descriptors(chips)
            for i in faces.indices { faces[i].descriptor = vectors[i] }
        }
        return faces
    }

    /// The aligned 150×150 chip of a detected face (dlib's `get_face_chip_details` + `extract_image_chip`).
    public func chip(of face: DetectedFace, in image: RGBImage) -> RGBImage {
        ChipExtractor.extract(image, ChipDetails.face(landmarks: face.landmarks.map { Point(Double($0.x), Double($0.y)) }))
    }

    /// The descriptor of an already aligned 150×150 chip (`jitters` > 1: mean over jittered copies).
    public func describe(chip: RGBImage, jitters: Int = 0) -> [Float] {
        jitters > 1 ? describeJittered(chip, count: jitters) : descriptors.descriptors([chip])[0]
    }

    /// dlib's `num_jitters`: the mean descriptor of `count` randomly jittered copies, drawn from a fresh
    /// dlib::rand for every call (so results do not depend on call history).
    func describeJittered(_ chip: RGBImage, count: Int) -> [Float] {
        var rng = DlibRandom()
        let copies = (0..<count).map { _ in Jitter.apply(chip, rng: &rng) }
        let all = descriptors.descriptors(copies)
        var mean = [Float](repeating: 0, count: all[0].count)
        for v in all { for i in mean.indices { mean[i] += v[i] } }
        return mean.map { $0 / Float(count) }
    }
}
