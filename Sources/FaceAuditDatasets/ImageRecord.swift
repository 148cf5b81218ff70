/// One image of a dataset: where it is, whom it shows, and its labels.
public struct ImageRecord: Sendable, Hashable, Codable {
    /// The path as the manifest gives it, relative to the dataset root unless absolute.
    public let path: String
    /// Whom the image shows.
    public let subject: SubjectID
    /// Demographic and capture labels.
    public let labels: Labels
    /// The manifest row the record came from, when it came from a text file.
    public let origin: TextLocation?

    /// Creates a record.
    public init(path: String, subject: SubjectID, labels: Labels, origin: TextLocation? = nil) {
        self.path = path
        self.subject = subject
        self.labels = labels
        self.origin = origin
    }
}
