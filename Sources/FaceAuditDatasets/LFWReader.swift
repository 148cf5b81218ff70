import Foundation

/// Reads an LFW-style tree: one folder per subject (`Jane_Doe/Jane_Doe_0001.jpg`). There are no
/// demographic labels; join them with a CSV manifest when you have them. Two subject folders, or two images in
/// one, whose names are the same text in two Unicode normalizations (two on disk, one to Swift) are refused
/// (``ManifestError/Code/unicodeNormalization``).
public struct LFWReader: Sendable {
    /// Creates a reader.
    public init() {}

    /// Reads every subject folder of `folder`.
    public func read(folder: String, card: DatasetCard? = nil) throws(ManifestError) -> Manifest {
        let subjects = try ImageFiles.subfolders(of: folder)
        var records: [ImageRecord] = []
        var subjectNames = Spellings(of: "subject folder")
        var paths = Spellings(of: "image")
        for subject in subjects {
            _ = try subjectNames.record(subject, at: .path(folder + "/" + subject))
            for name in try ImageFiles.list(folder: folder + "/" + subject) {
                _ = try paths.record(subject + "/" + name, at: .path(folder + "/" + subject + "/" + name))
                records.append(ImageRecord(path: subject + "/" + name, subject: SubjectID(subject), labels: Labels()))
            }
        }
        guard !records.isEmpty else {
            throw ManifestError(.empty, path: folder, "no images in subject folders (expected name/image.jpg)")
        }
        return Manifest(
            layout: .lfw, root: folder, source: folder,
            card: card ?? .unknown(name: URL(fileURLWithPath: folder).lastPathComponent), records: records)
    }
}
