import FaceAuditFace

/// The dlib pipeline's templates and each face's quality covariates (``FaceQuality``), measured in one
/// face-finding pass: the face is detected, its landmarks predicted and its chip aligned once, then the chip
/// goes to the descriptor network and, with the landmarks, to ``FaceQuality``.
///
/// Cached under its own identity (the quality measure's version, then the embedder's), so its entries never
/// mix with templates cached without quality; the templates are those ``DlibEmbedder`` gives.
public struct DlibFaceMeasure: ImageMeasure {
    /// The embedder whose templates are measured.
    public let faces: DlibEmbedder

    /// The version of the quality measure, part of the identity: change it whenever ``FaceQuality`` measures
    /// differently.
    public static let qualityVersion = "face-quality-v1"

    /// Measures what `faces` would embed.
    public init(faces: DlibEmbedder) {
        self.faces = faces
    }

    public var identity: String { Self.qualityVersion + ";" + faces.identity }

    public func makeWorker() throws -> any ImageMeasurer<DlibFaceMeasurement> {
        try DlibEmbedder.ChipWorker(faces: faces, failure: { DlibFaceMeasurement(template: .failure($0), quality: nil) }) {
            pipeline, face, chip in
            let quality = try? FaceQuality(landmarks: face.landmarks.map { Point(Double($0.x), Double($0.y)) }, chip: chip)
            return DlibFaceMeasurement(template: .template(pipeline.describe(chip: chip)), quality: quality)
        }
    }
}

/// One image's template and, when its face was found and measurable, its quality covariates.
public struct DlibFaceMeasurement: Sendable, Hashable, Codable {
    /// The template, or why there is none.
    public var template: EmbeddingResult
    /// The face's quality covariates (nil: no face, or not measurable).
    public var quality: FaceQuality?

    /// Creates a measurement.
    public init(template: EmbeddingResult, quality: FaceQuality?) {
        self.template = template
        self.quality = quality
    }
}
