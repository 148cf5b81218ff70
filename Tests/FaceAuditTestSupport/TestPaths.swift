import Foundation

/// Where tests find the repository and the read-only shared material (`../shared` beside the clone).
public enum TestPaths {
    /// The repository root, found from this file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared`, or `$FACEAUDIT_SHARED` when set.
    public static let shared: URL = {
        if let override = ProcessInfo.processInfo.environment["FACEAUDIT_SHARED"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// The London set in shared/.
    public static var london: URL { shared.appendingPathComponent("datasets/london") }

    /// dlib's reference outputs in shared/.
    public static var dlibReference: URL { shared.appendingPathComponent("reference/dlib") }

    /// dlib's outputs on 204 small (100×100) London crops at upsample 1, in shared/.
    public static var dlibSmallCrops: URL { shared.appendingPathComponent("reference/dlib-small-crops") }

    /// A fresh temporary directory, removed by the caller when done.
    public static func temporaryDirectory(_ label: String = "faceaudit-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
