import Foundation

/// File-existence checks, kept in one place so the validator stays free of Foundation details.
enum FileManagerProbe {
    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
