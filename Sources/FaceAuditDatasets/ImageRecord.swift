/// One image of a dataset: where it is, whom it shows, and its labels.
///
/// An immutable value whose fields live in one shared box, so that a copy is one reference count:
/// every pass over a manifest's records (`for record in records`, `records.map { … }`) copies each
/// record it visits, and a record of four fields, its labels' strings and its origin's file took a
/// reference count per string (17 ms of a 20,000-template run went to copying and destroying records).
public struct ImageRecord: Sendable, Hashable, Codable {
    /// The fields, never changed once made.
    private final class Storage: Sendable {
        let path: String
        let subject: SubjectID
        let labels: Labels
        let origin: TextLocation?

        init(path: String, subject: SubjectID, labels: Labels, origin: TextLocation?) {
            self.path = path
            self.subject = subject
            self.labels = labels
            self.origin = origin
        }
    }

    private let storage: Storage

    /// The path as the manifest gives it, relative to the dataset root unless absolute.
    public var path: String { storage.path }
    /// Whom the image shows.
    public var subject: SubjectID { storage.subject }
    /// Demographic and capture labels.
    public var labels: Labels { storage.labels }
    /// The manifest row the record came from, when it came from a text file.
    public var origin: TextLocation? { storage.origin }

    /// Creates a record.
    public init(path: String, subject: SubjectID, labels: Labels, origin: TextLocation? = nil) {
        storage = Storage(path: path, subject: subject, labels: labels, origin: origin)
    }

    /// Records are equal when all four fields are.
    public static func == (a: ImageRecord, b: ImageRecord) -> Bool {
        a.storage === b.storage || (a.path == b.path && a.subject == b.subject && a.labels == b.labels && a.origin == b.origin)
    }

    /// Hashes the four fields in order.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(subject)
        hasher.combine(labels)
        hasher.combine(origin)
    }

    enum CodingKeys: String, CodingKey {
        case path, subject, labels, origin
    }

    /// Decodes the four fields (`origin` may be absent), as a memberwise record's synthesized decoding does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            path: try container.decode(String.self, forKey: .path), subject: try container.decode(SubjectID.self, forKey: .subject),
            labels: try container.decode(Labels.self, forKey: .labels),
            origin: try container.decodeIfPresent(TextLocation.self, forKey: .origin))
    }

    /// Encodes the four fields (`origin` left out when nil), as a memberwise record's synthesized encoding does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(subject, forKey: .subject)
        try container.encode(labels, forKey: .labels)
        try container.encodeIfPresent(origin, forKey: .origin)
    }
}
