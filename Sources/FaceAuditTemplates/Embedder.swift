import FaceAuditScoring

/// What a recognition pipeline made of one image: a template, or why it could not make one.
public enum EmbeddingResult: Sendable, Hashable, Codable {
    /// The face template (for the dlib pipeline, the 128-D descriptor of the chosen face).
    case template([Float])
    /// No template: no face found, or the image could not be read. Counts as a failure to acquire.
    case failure(AcquisitionFailure)

    /// The template, if any.
    public var template: [Float]? {
        if case .template(let t) = self { return t }
        return nil
    }

    /// The failure, if any.
    public var failure: AcquisitionFailure? {
        if case .failure(let f) = self { return f }
        return nil
    }

    /// A failure of `category`, with `detail` for the user's eyes only.
    public static func failure(_ category: AcquisitionFailure.Category, _ detail: String) -> Self {
        .failure(AcquisitionFailure(category, detail))
    }
}

/// Why an image has no template: a category from a fixed list, which is all that shared outputs
/// (`summary.json`, the report) ever show, and a free-text detail, which goes only to standard error and to
/// the 0600 template cache — it may name files or echo their bytes.
public struct AcquisitionFailure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The category.
    public var category: Category
    /// What exactly happened (may name the file; never written to shared outputs).
    public var detail: String

    /// Creates a failure.
    public init(_ category: Category, _ detail: String) {
        self.category = category
        self.detail = detail
    }

    public var description: String { "\(category): \(detail)" }

    /// A stable, privacy-safe name for a kind of failure to acquire.
    public struct Category: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

        /// The pipeline found no face.
        public static let noFace = Self(rawValue: "no_face")
        /// The embedder judged the face unusable (blur, pose, occlusion).
        public static let lowQuality = Self(rawValue: "low_quality")
        /// The embedder could not read the image.
        public static let imageUnreadable = Self(rawValue: "image_unreadable")
        /// The embedder answered an error of no category it named.
        public static let embedderError = Self(rawValue: "embedder_error")
        /// The embedder's reply for this image was not a usable template (non-finite, empty, wrong length).
        public static let invalidTemplate = Self(rawValue: "invalid_template")
        /// The embedder process crashed or timed out on this image, twice. Never cached: it is not a property
        /// of the image.
        public static let embedderUnavailable = Self(rawValue: "embedder_unavailable")
        /// The precomputed templates have no row for the image.
        public static let noPrecomputedTemplate = Self(rawValue: "no_precomputed_template")
        /// The skin could not be measured (skin-tone runs only).
        public static let skinNotMeasurable = Self(rawValue: "skin_not_measurable")

        /// The decoder's failure of code `code` (for example `image_corrupt`, `image_too_large`).
        public static func image(_ code: String) -> Self { Self(rawValue: "image_" + code) }

        /// The categories an embedder may name in an error reply (`"category": "no_face"`); any other is
        /// recorded as ``embedderError``.
        public static let namedByEmbedders: Set<Self> = [.noFace, .lowQuality, .imageUnreadable]
    }
}

/// Something a pipeline measures in each image (a template, a skin tone), under an identity that
/// names the pipeline, its models and options (part of every cache key). Implementations are used from
/// one thread each; `makeWorker` gives every thread its own.
public protocol ImageMeasure<Measurement>: Sendable {
    /// What one image gives: a value, or why it has none.
    associatedtype Measurement: Sendable & Codable
    /// A stable identifier of the pipeline and its models, part of every cache key.
    var identity: String { get }
    /// Creates the per-thread worker.
    func makeWorker() throws -> any ImageMeasurer<Measurement>
    /// The measure ready to run, its ``identity`` complete: an external embedder of protocol 3 starts its first
    /// process and learns its model from the hello. The default is the measure itself.
    /// - Throws: ``MeasurementStopped`` when it cannot be made ready.
    func prepared() throws(MeasurementStopped) -> any ImageMeasure<Measurement>
}

extension ImageMeasure {
    public func prepared() throws(MeasurementStopped) -> any ImageMeasure<Measurement> { self }
}

/// One image's measurement, and whether it describes the image (and so may be cached) or only what
/// happened to the process that measured it.
public struct MeasuredImage<Measurement> {
    /// The measurement.
    public var measurement: Measurement
    /// False when the result reflects a failure of the measuring process, not of the image: a rerun must
    /// measure the image again.
    public var cacheable: Bool

    /// Creates a result.
    public init(_ measurement: Measurement, cacheable: Bool = true) {
        self.measurement = measurement
        self.cacheable = cacheable
    }
}

/// Why a whole extraction stopped: the measuring process cannot go on (it keeps crashing, broke its
/// protocol, cannot start). Carries a stable code.
public struct MeasurementStopped: Error, Sendable, CustomStringConvertible {
    /// A stable category.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The process could not be started or kept failing after its restarts.
        case unavailable
        /// The process broke the protocol (a reply out of step, not JSON, too long).
        case protocolViolation = "protocol_violation"
        /// The processes of one run announced different models in their hellos (protocol 3).
        case modelMismatch = "model_mismatch"
    }

    /// The category.
    public let code: Code
    /// What happened and what to do, in one line.
    public let message: String

    /// Creates the error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// The per-thread half of an ``ImageMeasure``.
public protocol ImageMeasurer<Measurement> {
    /// What one image gives.
    associatedtype Measurement
    /// The measurement of the image at `path`.
    func measure(path: String) -> Measurement
    /// The measurement of the image at `path` and whether it may be cached; the default is
    /// ``measure(path:)``, cacheable.
    /// - Throws: ``MeasurementStopped`` when no further image can be measured.
    func attempt(path: String) throws(MeasurementStopped) -> MeasuredImage<Measurement>
}

extension ImageMeasurer {
    public func attempt(path: String) throws(MeasurementStopped) -> MeasuredImage<Measurement> { MeasuredImage(measure(path: path)) }
}

/// A recognition pipeline: it turns images into templates, which compare by ``comparison``.
public protocol Embedder: ImageMeasure where Measurement == EmbeddingResult {
    /// How templates compare (a distance: accept when ≤ τ).
    var comparison: PairMetric { get }
}
