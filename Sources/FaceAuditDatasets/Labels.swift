/// The demographic and capture labels of one image. Every field is optional: a missing label becomes
/// the explicit `unknown` cohort downstream, never a silent drop.
public struct Labels: Sendable, Hashable, Codable {
    /// Age in years at capture.
    public var age: Double?
    /// Age band at capture as the dataset labels it (trimmed, lower-cased), e.g. `0-12`, `65+` or
    /// `child photo`, for datasets that give bands rather than ages. When ``age`` is known it wins;
    /// FaceAuditCohorts' `AgeBandLabel` says what a band means (its ages, whether it is under 18).
    public var ageBand: String?
    /// Gender or sex, as labeled (lower-cased).
    public var gender: String?
    /// Ethnicity or race, as labeled (lower-cased).
    public var ethnicity: String?
    /// Skin tone on a named instrument.
    public var skinTone: SkinTone?
    /// Capture date, ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a CSV manifest refuses anything else;
    /// see ``CaptureDate``).
    public var captureDate: String?
    /// Capture session identifier.
    public var session: String?
    /// Any further attributes, by column name.
    public var extra: [String: String]

    /// The capture date, parsed; nil when missing or not one of the ISO 8601 forms ``CaptureDate`` reads.
    public var parsedCaptureDate: CaptureDate? { captureDate.flatMap(CaptureDate.init(parsing:)) }

    /// Creates labels.
    public init(
        age: Double? = nil, ageBand: String? = nil, gender: String? = nil, ethnicity: String? = nil, skinTone: SkinTone? = nil,
        captureDate: String? = nil, session: String? = nil, extra: [String: String] = [:]
    ) {
        self.age = age
        self.ageBand = ageBand
        self.gender = gender
        self.ethnicity = ethnicity
        self.skinTone = skinTone
        self.captureDate = captureDate
        self.session = session
        self.extra = extra
    }
}
