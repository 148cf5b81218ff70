import Foundation

/// A dataset as FaceAudit sees it: its images with subjects and labels, its card, and any warnings
/// raised while reading it.
public struct Manifest: Sendable {
    /// The layout it was read from.
    public let layout: DatasetLayout
    /// The folder relative image paths are resolved against.
    public let root: String
    /// The manifest file or folder that was read.
    public let source: String
    /// What the dataset is and how its labels were obtained.
    public var card: DatasetCard
    /// Every image, in manifest order.
    public let records: [ImageRecord]
    /// Problems that did not stop reading (e.g. a UTKFace file name whose labels do not parse).
    public let warnings: [ManifestError]
    /// ``root`` as a file URL, made once rather than per image (`URL(fileURLWithPath:)` asks the file
    /// system whether the path is a folder; the answer does not change the paths ``absolutePath(of:)``
    /// joins).
    private let rootURL: URL

    /// Creates a manifest.
    public init(
        layout: DatasetLayout, root: String, source: String, card: DatasetCard, records: [ImageRecord],
        warnings: [ManifestError] = []
    ) {
        self.layout = layout
        self.root = root
        self.source = source
        self.card = card
        self.records = records
        self.warnings = warnings
        rootURL = URL(fileURLWithPath: root)
    }

    /// The file system path of a record's image.
    public func absolutePath(of record: ImageRecord) -> String {
        record.path.hasPrefix("/") ? record.path : rootURL.appendingPathComponent(record.path).path
    }

    /// Record indices grouped by subject, subjects in sorted order.
    public var imagesBySubject: [(subject: SubjectID, images: [Int])] {
        Dictionary(grouping: records.indices, by: { records[$0].subject })
            .map { (subject: $0.key, images: $0.value) }
            .sorted { $0.subject < $1.subject }
    }
}
