/// How a label was obtained. Reports print it beside every cohort, because a self-reported ethnicity,
/// an annotator's Fitzpatrick rating and a skin tone measured from pixels are different things.
public enum LabelProvenance: String, Sendable, Hashable, Codable, CaseIterable {
    /// The person stated it.
    case selfReported = "self-reported"
    /// A human annotator judged it from the image.
    case annotator
    /// Derived from other data (e.g. a name, a country, a model's prediction).
    case inferred
    /// Measured from pixels by FaceAudit (e.g. ITA skin tone).
    case estimated = "estimated (ITA from pixels)"
    /// Not known.
    case unknown
}
