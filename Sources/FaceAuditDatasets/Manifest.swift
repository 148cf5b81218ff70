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
    /// `rootURL.path`, with a `/` after it unless it is `/` itself: the prefix ``absolutePath(of:)``
    /// puts before a plain relative path.
    private let rootPrefix: String

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
        let rootPath = rootURL.path
        rootPrefix = rootPath.hasSuffix("/") ? rootPath : rootPath + "/"
    }

    /// The file system path of a record's image: an absolute path as written; a relative one as
    /// `URL.appendingPathComponent` joins it to ``root``. A plain relative path (``isPlain(_:)``) is
    /// joined as text, which gives the same string without a URL per image (a URL each was 1.8 % of a
    /// 20,000-image run).
    public func absolutePath(of record: ImageRecord) -> String {
        if record.path.hasPrefix("/") { return record.path }
        if Self.isPlain(record.path) { return rootPrefix + record.path }
        return rootURL.appendingPathComponent(record.path).path
    }

    /// Whether `path` is a plain relative path: not empty; only ASCII letters, digits, `_`, `-`, `.`,
    /// `/` and spaces; no empty, `.` or `..` component; no `/` at the start or the end.
    static func isPlain(_ path: String) -> Bool {
        // Read where the bytes lie (a native string's are contiguous): through the view's iterator, twice
        // per image (the templates and their extraction), this took 0.3% of a 20,000-template run.
        path.utf8.withContiguousStorageIfAvailable(isPlain) ?? isPlain(path.utf8)
    }

    /// ``isPlain(_:)`` of the UTF-8 bytes of a path.
    private static func isPlain<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        var componentLength = 0
        var onlyDots = true
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: " "):
                componentLength += 1
                onlyDots = false
            case UInt8(ascii: "."):
                componentLength += 1
            case UInt8(ascii: "/"):
                // An empty component (`//`, a leading `/`) or one of dots only (`.`, `..`, `...`).
                if componentLength == 0 || onlyDots { return false }
                componentLength = 0
                onlyDots = true
            default:
                return false
            }
        }
        // The last component: not empty (a `/` at the end) and not dots only.
        return componentLength > 0 && !onlyDots
    }

    /// Record indices grouped by subject, subjects in sorted order.
    public var imagesBySubject: [(subject: SubjectID, images: [Int])] {
        Dictionary(grouping: records.indices, by: { records[$0].subject })
            .map { (subject: $0.key, images: $0.value) }
            .sorted { $0.subject < $1.subject }
    }
}
