import FaceAuditDatasets
import FaceAuditTestSupport
import Foundation
import Testing

/// Issue 13, item 17: a manifest is a recipe for which files FaceAudit opens; one naming files outside the
/// dataset's folder (`/etc/shadow`, `../../home/…`) is refused unless allowed.
@Suite("Manifest paths outside the dataset")
struct OutsidePathsTests {
    static func manifest(_ paths: [String]) throws -> (URL, String) {
        let folder = try TestPaths.temporaryDirectory("outside")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("data/sub"), withIntermediateDirectories: true)
        let lines = ["path,subject_id"] + paths.enumerated().map { "\($1),p\($0)" }
        let file = folder.appendingPathComponent("data/manifest.csv")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        return (folder, file.path)
    }

    @Test(
        "absolute paths elsewhere and .. climbing out are refused at their line",
        arguments: ["/etc/shadow", "../secret.jpg", "sub/../../secret.jpg", "./sub/../../data2/x.jpg"])
    func refused(_ path: String) throws {
        let (folder, file) = try Self.manifest(["a.jpg", path])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            _ = try DatasetReader().read(path: file)
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.code == .outsidePath && error.location?.line == 3 && error.message.contains("--allow-outside-paths")
        }
        #expect(try DatasetReader(allowOutsidePaths: true).read(path: file).records.count == 2)
    }

    @Test("paths inside the folder pass, however written", arguments: ["sub/x.jpg", "./sub/../y.jpg", "sub//z.jpg"])
    func inside(_ path: String) throws {
        let (folder, file) = try Self.manifest([path])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try DatasetReader().read(path: file).records.count == 1)
        // An absolute path under the folder is inside too.
        let (other, absolute) = try Self.manifest([URL(fileURLWithPath: file).deletingLastPathComponent().path + "/" + path])
        defer { try? FileManager.default.removeItem(at: other) }
        #expect(throws: ManifestError.self) { _ = try DatasetReader().read(path: absolute) }  // it names the *other* folder
    }
}
