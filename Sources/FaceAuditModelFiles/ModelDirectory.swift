import FaceAuditHashing
import Foundation

/// The folder that holds the dlib model files, and the checks that they are there and intact.
///
/// Resolution order: an explicit `--models DIR`, then `$FACEAUDIT_MODELS`, then
/// `$XDG_DATA_HOME/faceaudit/models` (default `~/.local/share/faceaudit/models`), which is where
/// `scripts/bootstrap` installs them.
public struct ModelDirectory: Sendable, Hashable {
    /// The command that downloads, verifies and installs the models.
    public static let fixCommand = "scripts/bootstrap"

    /// The folder.
    public let path: String

    /// Wraps a folder path.
    public init(path: String) {
        self.path = path
    }

    /// Resolves the folder from an explicit path, the environment, or the default.
    public static func resolve(
        explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> ModelDirectory
    {
        if let explicit, !explicit.isEmpty { return ModelDirectory(path: explicit) }
        if let fromEnvironment = environment["FACEAUDIT_MODELS"], !fromEnvironment.isEmpty {
            return ModelDirectory(path: fromEnvironment)
        }
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            dataHome = xdg
        } else {
            dataHome = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        }
        return ModelDirectory(path: dataHome + "/faceaudit/models")
    }

    /// The full path of one model file.
    public func url(of file: ModelFile) -> URL {
        URL(fileURLWithPath: path).appendingPathComponent(file.name)
    }

    /// Checks one file's presence, size and SHA-256; returns its path when intact.
    public func verify(_ file: ModelFile) throws(ModelError) -> URL {
        let url = url(of: file)
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw ModelError(code: .missing, file: file, path: url.path, detail: "not found")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        guard size == file.size else {
            throw ModelError(code: .corrupt, file: file, path: url.path, detail: "\(size) bytes, expected \(file.size)")
        }
        let digest: SHA256Digest
        do {
            digest = try SHA256Digest(ofFileAt: url.path)
        } catch {
            throw ModelError(code: .unreadable, file: file, path: url.path, detail: "\(error.localizedDescription)")
        }
        guard digest.hex == file.sha256 else {
            throw ModelError(code: .corrupt, file: file, path: url.path, detail: "SHA-256 \(digest.hex), expected \(file.sha256)")
        }
        return url
    }

    /// Verifies every file in `files`, stopping at the first problem.
    public func verifyAll(_ files: [ModelFile] = ModelFile.required) throws(ModelError) {
        for file in files { _ = try verify(file) }
    }
}
