/// The per-image JSON object of `faceaudit detect` and `faceaudit embed`.
public struct ImageFaces: Sendable, Codable {
    /// The image path as given.
    public var image: String
    /// Width in pixels (absent when the image could not be read).
    public var width: Int?
    /// Height in pixels.
    public var height: Int?
    /// The faces, highest confidence first; empty when none was found.
    public var faces: [Face]?
    /// Why the image could not be processed.
    public var error: String?

    /// One face.
    public struct Face: Sendable, Codable {
        /// The detector's rectangle (absent for `embed --chip`).
        public var rect: Rect?
        /// The detector's confidence.
        public var confidence: Double?
        /// Five landmarks as [x, y].
        public var landmarks: [[Int]]?
        /// The 128 descriptor values (`embed` only), float32 values widened to double.
        public var descriptor: [Double]?
    }

    /// An inclusive pixel rectangle.
    public struct Rect: Sendable, Codable, Hashable {
        /// Left edge.
        public var left: Int
        /// Top edge.
        public var top: Int
        /// Right edge (inclusive).
        public var right: Int
        /// Bottom edge (inclusive).
        public var bottom: Int
    }

    /// A successful result.
    public init(image: String, width: Int, height: Int, faces: [DetectedFace]) {
        self.image = image
        self.width = width
        self.height = height
        self.faces = faces.map { f in
            Face(
                rect: Rect(left: f.detection.left, top: f.detection.top, right: f.detection.right, bottom: f.detection.bottom),
                confidence: f.detection.confidence, landmarks: f.landmarks.map { [$0.x, $0.y] },
                descriptor: f.descriptor.map { $0.map(Double.init) })
        }
    }

    /// A chip's descriptor (`embed --chip`).
    public init(image: String, chipDescriptor: [Float], size: Int) {
        self.image = image
        self.width = size
        self.height = size
        self.faces = [Face(rect: nil, confidence: nil, landmarks: nil, descriptor: chipDescriptor.map(Double.init))]
    }

    /// A failure for this image.
    public init(image: String, error: String) {
        self.image = image
        self.error = error
    }
}
