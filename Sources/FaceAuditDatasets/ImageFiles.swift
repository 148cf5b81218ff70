import Foundation

/// Folder listings shared by the folder-based readers, sorted so that every run sees the same order.
enum ImageFiles {
    static let extensions: Set<String> = ["jpg", "jpeg", "png"]

    static func isImage(_ name: String) -> Bool {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    static func entries(_ folder: String) throws(ManifestError) -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: folder).sorted() } catch {
            throw ManifestError(.unreadable, path: folder, "cannot list the folder: \(error.localizedDescription)")
        }
    }

    /// Image file names directly in `folder`.
    static func list(folder: String) throws(ManifestError) -> [String] {
        try entries(folder).filter(isImage)
    }

    /// Names of the non-hidden sub-folders of `folder`.
    static func subfolders(of folder: String) throws(ManifestError) -> [String] {
        try entries(folder).filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
    }
}
