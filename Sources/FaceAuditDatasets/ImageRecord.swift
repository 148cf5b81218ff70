/// One image of a dataset: where it is, whom it shows, and its labels.
///
/// An immutable value whose fields live in one shared box, so that a copy is one reference count:
/// every pass over a manifest's records (`for record in records`, `records.map { … }`) copies each
/// record it visits, and a record of four fields, its labels' strings and its origin's file took a
/// reference count per string (17 ms of a 20,000-template run went to copying and destroying records).
/// Equality, hashing and coding are the fields' own (the JSON of a plain struct of them).
public struct ImageRecord: Sendable, Hashable, Codable {
    /// The four fields, as a plain record held them.
    private struct Fields: Sendable, Hashable, Codable {
        let path: String
        let subject: SubjectID
        let labels: Labels
        let origin: TextLocation?
    }

    /// The box the fields live in, never changed once made.
    private final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private let storage: Storage

    /// The path as the manifest gives it, relative to the dataset root unless absolute.
    public var path: String { storage.fields.path }
    /// Whom the image shows.
    public var subject: SubjectID { storage.fields.subject }
    /// Demographic and capture labels.
    public var labels: Labels { storage.fields.labels }
    /// The manifest row the record came from, when it came from a text file.
    public var origin: TextLocation? { storage.fields.origin }

    /// Creates a record.
    public init(path: String, subject: SubjectID, labels: Labels, origin: TextLocation? = nil) {
        storage = Storage(Fields(path: path, subject: subject, labels: labels, origin: origin))
    }

    public static func == (a: ImageRecord, b: ImageRecord) -> Bool { a.storage === b.storage || a.storage.fields == b.storage.fields }

    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

    public init(from decoder: any Decoder) throws { storage = Storage(try Fields(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try storage.fields.encode(to: encoder) }
}
