/// The demographic and capture labels of one image. Every field is optional: a missing label becomes
/// the explicit `unknown` cohort downstream, never a silent drop.
public struct Labels: Sendable, Hashable, Codable {
    /// The fields, in one box shared by copies until one of them changes a field (copy on write): passes
    /// over a manifest's records copy their labels (`records.map(\.labels)`, a record's `labels`), and
    /// a copy of seven strings and a dictionary took a reference count each.
    private final class Storage: @unchecked Sendable {
        // Written only while uniquely referenced (``Labels/storageForWriting``), so never shared while written.
        var age: Double?
        var ageBand: String?
        var gender: String?
        var ethnicity: String?
        var skinTone: SkinTone?
        var captureDate: String?
        var session: String?
        var extra: [String: String]

        init(
            age: Double?, ageBand: String?, gender: String?, ethnicity: String?, skinTone: SkinTone?, captureDate: String?,
            session: String?, extra: [String: String]
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

        func copy() -> Storage {
            Storage(
                age: age, ageBand: ageBand, gender: gender, ethnicity: ethnicity, skinTone: skinTone, captureDate: captureDate,
                session: session, extra: extra)
        }
    }

    private var storage: Storage

    /// The box, made this value's own first when another value shares it.
    private var storageForWriting: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    /// Age in years at capture.
    public var age: Double? {
        get { storage.age }
        set { storageForWriting.age = newValue }
    }
    /// Age band at capture as the dataset labels it (trimmed, lower-cased), e.g. `0-12`, `65+` or
    /// `child photo`, for datasets that give bands rather than ages. When ``age`` is known it wins;
    /// FaceAuditCohorts' `AgeBandLabel` says what a band means (its ages, whether it is under 18).
    public var ageBand: String? {
        get { storage.ageBand }
        set { storageForWriting.ageBand = newValue }
    }
    /// Gender or sex, as labeled (lower-cased).
    public var gender: String? {
        get { storage.gender }
        set { storageForWriting.gender = newValue }
    }
    /// Ethnicity or race, as labeled (lower-cased).
    public var ethnicity: String? {
        get { storage.ethnicity }
        set { storageForWriting.ethnicity = newValue }
    }
    /// Skin tone on a named instrument.
    public var skinTone: SkinTone? {
        get { storage.skinTone }
        set { storageForWriting.skinTone = newValue }
    }
    /// Capture date, ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a CSV manifest refuses anything else;
    /// see ``CaptureDate``).
    public var captureDate: String? {
        get { storage.captureDate }
        set { storageForWriting.captureDate = newValue }
    }
    /// Capture session identifier.
    public var session: String? {
        get { storage.session }
        set { storageForWriting.session = newValue }
    }
    /// Any further attributes, by column name.
    public var extra: [String: String] {
        get { storage.extra }
        set { storageForWriting.extra = newValue }
    }

    /// The capture date, parsed; nil when missing or not one of the ISO 8601 forms ``CaptureDate`` reads.
    public var parsedCaptureDate: CaptureDate? { captureDate.flatMap(CaptureDate.init(parsing:)) }

    /// Creates labels.
    public init(
        age: Double? = nil, ageBand: String? = nil, gender: String? = nil, ethnicity: String? = nil, skinTone: SkinTone? = nil,
        captureDate: String? = nil, session: String? = nil, extra: [String: String] = [:]
    ) {
        storage = Storage(
            age: age, ageBand: ageBand, gender: gender, ethnicity: ethnicity, skinTone: skinTone, captureDate: captureDate,
            session: session, extra: extra)
    }

    /// Labels are equal when every field is.
    public static func == (a: Labels, b: Labels) -> Bool {
        if a.storage === b.storage { return true }
        let (x, y) = (a.storage, b.storage)
        return x.age == y.age && x.ageBand == y.ageBand && x.gender == y.gender && x.ethnicity == y.ethnicity
            && x.skinTone == y.skinTone && x.captureDate == y.captureDate && x.session == y.session && x.extra == y.extra
    }

    /// Hashes every field, in declaration order.
    public func hash(into hasher: inout Hasher) {
        let x = storage
        hasher.combine(x.age)
        hasher.combine(x.ageBand)
        hasher.combine(x.gender)
        hasher.combine(x.ethnicity)
        hasher.combine(x.skinTone)
        hasher.combine(x.captureDate)
        hasher.combine(x.session)
        hasher.combine(x.extra)
    }

    enum CodingKeys: String, CodingKey {
        case age, ageBand, gender, ethnicity, skinTone, captureDate, session, extra
    }

    /// Decodes every field (optional ones may be absent), as synthesized decoding of the fields does.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            age: try c.decodeIfPresent(Double.self, forKey: .age), ageBand: try c.decodeIfPresent(String.self, forKey: .ageBand),
            gender: try c.decodeIfPresent(String.self, forKey: .gender),
            ethnicity: try c.decodeIfPresent(String.self, forKey: .ethnicity),
            skinTone: try c.decodeIfPresent(SkinTone.self, forKey: .skinTone),
            captureDate: try c.decodeIfPresent(String.self, forKey: .captureDate),
            session: try c.decodeIfPresent(String.self, forKey: .session), extra: try c.decode([String: String].self, forKey: .extra))
    }

    /// Encodes every field (nil ones left out), as synthesized encoding of the fields does.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let x = storage
        try c.encodeIfPresent(x.age, forKey: .age)
        try c.encodeIfPresent(x.ageBand, forKey: .ageBand)
        try c.encodeIfPresent(x.gender, forKey: .gender)
        try c.encodeIfPresent(x.ethnicity, forKey: .ethnicity)
        try c.encodeIfPresent(x.skinTone, forKey: .skinTone)
        try c.encodeIfPresent(x.captureDate, forKey: .captureDate)
        try c.encodeIfPresent(x.session, forKey: .session)
        try c.encode(x.extra, forKey: .extra)
    }
}
