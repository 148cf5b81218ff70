/// The demographic and capture labels of one image. Every field is optional: a missing label becomes
/// the explicit `unknown` cohort downstream, never a silent drop.
public struct Labels: Sendable, Hashable, Codable {
    /// The fields, as a plain struct of labels held them (equality, hashing and coding are theirs).
    private struct Fields: Sendable, Hashable, Codable {
        var age: Double?
        var ageBand: String?
        var gender: String?
        var ethnicity: String?
        var skinTone: SkinTone?
        var captureDate: String?
        var session: String?
        var extra: [String: String]
    }

    /// The box the fields live in, shared by copies until one of them changes a field (copy on write):
    /// passes over a manifest's records copy their labels (`records.map(\.labels)`, a record's `labels`),
    /// and a copy of seven strings and a dictionary took a reference count each.
    private final class Storage: @unchecked Sendable {
        // Written only while uniquely referenced (``Labels/writable``), so never shared while written.
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    /// The box, made this value's own first when another value shares it.
    private var writable: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
            return storage
        }
    }

    /// Age in years at capture.
    public var age: Double? {
        get { storage.fields.age }
        set { writable.fields.age = newValue }
    }
    /// Age band at capture as the dataset labels it (trimmed, lower-cased), e.g. `0-12`, `65+` or
    /// `child photo`, for datasets that give bands rather than ages. When ``age`` is known it wins;
    /// FaceAuditCohorts' `AgeBandLabel` says what a band means (its ages, whether it is under 18).
    public var ageBand: String? {
        get { storage.fields.ageBand }
        set { writable.fields.ageBand = newValue }
    }
    /// Gender or sex, as labeled (lower-cased).
    public var gender: String? {
        get { storage.fields.gender }
        set { writable.fields.gender = newValue }
    }
    /// Ethnicity or race, as labeled (lower-cased).
    public var ethnicity: String? {
        get { storage.fields.ethnicity }
        set { writable.fields.ethnicity = newValue }
    }
    /// Skin tone on a named instrument.
    public var skinTone: SkinTone? {
        get { storage.fields.skinTone }
        set { writable.fields.skinTone = newValue }
    }
    /// Capture date, ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a CSV manifest refuses anything else;
    /// see ``CaptureDate``).
    public var captureDate: String? {
        get { storage.fields.captureDate }
        set { writable.fields.captureDate = newValue }
    }
    /// Capture session identifier.
    public var session: String? {
        get { storage.fields.session }
        set { writable.fields.session = newValue }
    }
    /// Any further attributes, by column name.
    public var extra: [String: String] {
        get { storage.fields.extra }
        set { writable.fields.extra = newValue }
    }

    /// The capture date, parsed; nil when missing or not one of the ISO 8601 forms ``CaptureDate`` reads.
    public var parsedCaptureDate: CaptureDate? { captureDate.flatMap(CaptureDate.init(parsing:)) }

    /// Creates labels.
    public init(
        age: Double? = nil, ageBand: String? = nil, gender: String? = nil, ethnicity: String? = nil, skinTone: SkinTone? = nil,
        captureDate: String? = nil, session: String? = nil, extra: [String: String] = [:]
    ) {
        storage = Storage(
            Fields(
                age: age, ageBand: ageBand, gender: gender, ethnicity: ethnicity, skinTone: skinTone, captureDate: captureDate,
                session: session, extra: extra))
    }

    public static func == (a: Labels, b: Labels) -> Bool { a.storage === b.storage || a.storage.fields == b.storage.fields }

    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

    public init(from decoder: any Decoder) throws { storage = Storage(try Fields(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try storage.fields.encode(to: encoder) }
}
