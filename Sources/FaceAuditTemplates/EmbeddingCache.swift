import FaceAuditFiles
import FaceAuditHashing
import Foundation

/// Templates on disk, keyed by the image's content and the pipeline's identity, so an interrupted run
/// resumes where it stopped and a rerun only reads files. Entries are written atomically (temporary
/// file, then rename) with mode 0600: templates are biometric data.
public struct EmbeddingCache: Sendable {
    /// The folder (created 0700 on first use).
    public let folder: String

    /// Uses `folder`.
    public init(folder: String) {
        self.folder = folder
    }

    /// The default folder: `$XDG_CACHE_HOME/faceaudit/templates` (`~/.cache/faceaudit/templates`).
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.cache")
        return base + "/faceaudit/templates"
    }

    /// The key of an image's bytes under a pipeline identity.
    public static func key(content: SHA256Digest, identity: String) -> String {
        SHA256Digest(of: Data((content.hex + "|" + identity).utf8)).hex
    }

    private func path(_ key: String) -> String { folder + "/" + key.prefix(2) + "/" + key + ".json" }

    /// The cached result, if any (an unreadable entry counts as absent).
    public func load<Measurement: Decodable>(_ key: String) -> Measurement? {
        guard let data = FileManager.default.contents(atPath: path(key)) else { return nil }
        return try? JSONDecoder().decode(Measurement.self, from: data)
    }

    /// Stores a result atomically with permissions 0600.
    public func store<Measurement: Encodable>(_ result: Measurement, key: String) throws {
        let target = path(key)
        let directory = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(try JSONEncoder().encode(result), to: target, permissions: 0o600)
    }
}
