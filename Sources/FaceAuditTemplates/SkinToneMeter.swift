import FaceAuditScoring
import FaceAuditSkinTone

/// Measures the skin tone of the face the dlib pipeline picks in each image, through the same
/// parallel, cached ``TemplateExtraction`` as templates.
///
/// Its "template" is the measured mean colour `[L*, a*, b*, pixels]`; an image whose skin cannot be
/// measured (no face, grayscale, clipped) is a failure carrying the reason. Its identity differs from
/// the embedder's, so the two never share cache entries.
public struct SkinToneMeter: Embedder {
    /// The face finding and alignment to use (models, upsampling, face choice).
    public let faces: DlibEmbedder

    /// Measures the faces `faces` would embed.
    public init(faces: DlibEmbedder) {
        self.faces = faces
    }

    public var identity: String { "skintone-ita-v1;" + faces.identity }
    public var comparison: PairMetric { .euclideanDistance }

    public func makeWorker() throws -> any EmbedderWorker {
        try DlibEmbedder.ChipWorker(faces: faces) { _, chip in
            do {
                let e = try SkinToneEstimate(chip: chip)
                return .template([Float(e.l), Float(e.a), Float(e.b), Float(e.pixels)])
            } catch {
                return .failure("\(error)")
            }
        }
    }

    /// The estimate stored in a measurement result, or `nil` for a failure.
    public static func estimate(_ result: EmbeddingResult) -> SkinToneEstimate? {
        guard let v = result.template, v.count == 4 else { return nil }
        return SkinToneEstimate(mean: CIELab(l: Double(v[0]), a: Double(v[1]), b: Double(v[2])), pixels: Int(v[3]))
    }
}
