import Foundation

/// Writes files so that a crash never leaves a half-written one: a temporary file in the same folder,
/// flushed, then renamed over the target.
public enum AtomicFile {
    /// Writes `data` to `path` atomically with the given permissions.
    public static func write(_ data: Data, to path: String, permissions: Int = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: permissions]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(temporary, path) != 0 { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Writes text atomically.
    public static func write(_ text: String, to path: String, permissions: Int = 0o644) throws {
        try write(Data(text.utf8), to: path, permissions: permissions)
    }
}
