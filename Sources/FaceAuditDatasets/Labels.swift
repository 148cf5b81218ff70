/// The demographic and capture labels of one image. Every field is optional: a missing label becomes
/// the explicit `unknown` cohort downstream, never a silent drop.
public struct Labels: Sendable, Hashable, Codable {
    /// Age in years at capture.
    public var age: Double?
    /// Gender or sex, as labeled (lower-cased).
    public var gender: String?
    /// Ethnicity or race, as labeled (lower-cased).
    public var ethnicity: String?
    /// Skin tone on a named instrument.
    public var skinTone: SkinTone?
    /// Capture date as written (ISO 8601 recommended).
    public var captureDate: String?
    /// Capture session identifier.
    public var session: String?
    /// Any further attributes, by column name.
    public var extra: [String: String]

    /// Creates labels.
    public init(
        age: Double? = nil, gender: String? = nil, ethnicity: String? = nil, skinTone: SkinTone? = nil,
        captureDate: String? = nil, session: String? = nil, extra: [String: String] = [:]
    ) {
        self.age = age
        self.gender = gender
        self.ethnicity = ethnicity
        self.skinTone = skinTone
        self.captureDate = captureDate
        self.session = session
        self.extra = extra
    }
}
