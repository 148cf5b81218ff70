import FaceAuditFiles
import Foundation

/// Opens a dataset from a path, finding its layout and card.
///
/// - A `.csv` file is a CSV manifest; a folder with `manifest.csv` likewise.
/// - A folder with `labels.csv` and `london_info.csv` is the London Set.
/// - A folder of images named `age_gender_race_…` is UTKFace-style.
/// - A folder of sub-folders of images is LFW-style.
///
/// The card is the one passed in, else `card.json` beside the manifest or in the folder, else the
/// built-in card of a known dataset, else a card that says every provenance is unknown.
public struct DatasetReader: Sendable {
    /// Whether a CSV manifest may name images outside its dataset's folder (``Manifest/firstOutsideRecord``).
    public var allowOutsidePaths: Bool

    /// Creates a reader; by default a manifest naming images outside the dataset's folder is refused.
    public init(allowOutsidePaths: Bool = false) {
        self.allowOutsidePaths = allowOutsidePaths
    }

    /// Reads the dataset at `path`.
    ///
    /// - Parameters:
    ///   - layout: force a layout instead of detecting it.
    ///   - root: the folder image paths in a CSV manifest are relative to.
    ///   - cardPath: a dataset card JSON file.
    public func read(
        path: String, layout: DatasetLayout? = nil, root: String? = nil, cardPath: String? = nil
    )
        throws(ManifestError) -> Manifest
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            var reason = "no such file or folder"
            do { try InputFile.check(path) } catch { if error.code != .missing { reason = error.reason } }
            throw ManifestError(.unreadable, path: path, reason)
        }
        if !isDirectory.boolValue {
            // A FIFO or a device is neither a manifest nor a folder.
            do { try InputFile.check(path) } catch { throw ManifestError(.unreadable, path: path, error.reason) }
        }
        let folder = isDirectory.boolValue ? path : URL(fileURLWithPath: path).deletingLastPathComponent().path
        let chosen: DatasetLayout
        if let layout { chosen = layout } else { chosen = try detect(path: path, isDirectory: isDirectory.boolValue) }
        var card: DatasetCard?
        if let cardPath {
            card = try DatasetCard.load(from: cardPath)
        } else if FileManager.default.fileExists(atPath: folder + "/card.json") {
            card = try DatasetCard.load(from: folder + "/card.json")
        }
        switch chosen {
        case .csv:
            let file = isDirectory.boolValue ? path + "/manifest.csv" : path
            let manifest = try CSVManifestReader().read(file: file, root: root, card: card)
            if !allowOutsidePaths, let outside = manifest.firstOutsideRecord {
                let message =
                    "image path \"\(outside.path)\" is outside the dataset folder \(manifest.root); "
                    + "move the images under it or pass --allow-outside-paths"
                if let origin = outside.origin { throw ManifestError(.outsidePath, at: origin, message) }
                throw ManifestError(.outsidePath, path: file, message)
            }
            return manifest
        case .london:
            return try LondonSet.read(folder: folder, card: card)
        case .utkface:
            return try UTKFaceReader().read(folder: folder, card: card)
        case .lfw:
            return try LFWReader().read(folder: folder, card: card)
        }
    }

    /// Finds the layout of `path`.
    public func detect(path: String, isDirectory: Bool) throws(ManifestError) -> DatasetLayout {
        if !isDirectory {
            guard path.lowercased().hasSuffix(".csv") else {
                throw ManifestError(.unknownLayout, path: path, "a dataset file must be a .csv manifest")
            }
            return .csv
        }
        if LondonSet.matches(folder: path) { return .london }
        if FileManager.default.fileExists(atPath: path + "/manifest.csv") { return .csv }
        let images = try ImageFiles.list(folder: path)
        if !images.isEmpty {
            let utkLike = images.filter { UTKFaceReader.labels(fromName: $0).1 == nil }.count
            if utkLike * 2 >= images.count { return .utkface }
        }
        if !(try ImageFiles.subfolders(of: path)).isEmpty, images.isEmpty { return .lfw }
        throw ManifestError(
            .unknownLayout, path: path,
            "cannot tell the dataset layout: give a manifest.csv, a folder of age_gender_race_*.jpg images, "
                + "or a folder of subject folders (or pass --layout)")
    }
}
