import FaceAuditSkinTone

/// Measures the skin tone of the face the dlib pipeline picks in each image, through the same
/// parallel, cached ``TemplateExtraction`` as templates.
///
/// An image whose skin cannot be measured (no face, grayscale, clipped) is a failure carrying the
/// reason. Its identity differs from the embedder's, so the two never share cache entries.
public struct SkinToneMeter: ImageMeasure {
    /// The face finding and alignment to use (models, upsampling, face choice).
    public let faces: DlibEmbedder

    /// Measures the faces `faces` would embed.
    public init(faces: DlibEmbedder) {
        self.faces = faces
    }

    public var identity: String { "skintone-ita-v1;" + faces.identity }

    public func makeWorker() throws -> any ImageMeasurer<SkinToneMeasurement> {
        try DlibEmbedder.ChipWorker(faces: faces, failure: { .failure($0.description) }) { _, _, chip in
            do { return SkinToneMeasurement(try SkinToneEstimate(chip: chip)) } catch { return .failure("\(error)") }
        }
    }
}

/// One image's skin-tone measurement as the cache keeps it: the mean CIELAB colour of its skin pixels
/// (single precision, as measured runs have always kept it) and how many pixels, or why none could be
/// measured.
public enum SkinToneMeasurement: Sendable, Hashable, Codable {
    /// The mean colour and the pixel count.
    case measured(l: Float, a: Float, b: Float, pixels: Int)
    /// No measurement: no face, grayscale, too few skin pixels.
    case failure(String)

    /// Keeps an estimate's mean colour and pixel count.
    public init(_ estimate: SkinToneEstimate) {
        self = .measured(l: Float(estimate.l), a: Float(estimate.a), b: Float(estimate.b), pixels: estimate.pixels)
    }

    /// The estimate, or nil for a failure.
    public var estimate: SkinToneEstimate? {
        guard case .measured(let l, let a, let b, let pixels) = self else { return nil }
        return SkinToneEstimate(mean: CIELab(l: Double(l), a: Double(a), b: Double(b)), pixels: pixels)
    }
}
