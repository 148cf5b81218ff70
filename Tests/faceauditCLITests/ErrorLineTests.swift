import FaceAuditTestSupport
import Foundation
import Testing

/// From a hostile-input review: an output that cannot be written printed "The operation could not be
/// completed. (NSCocoaErrorDomain error 512.)" or "File exists" instead of what is in the way, and an embedder
/// that cannot be started a Swift value.
@Suite("error lines in words, not Swift values")
struct ErrorLineTests {
    static let baseline = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/summary.json").path

    /// One line, `faceaudit: error: `, that names `path` and says `says`, never a Foundation placeholder.
    static func expectOneLine(
        _ result: CommandResult, status: Int32, path: String, says: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("faceaudit: error: \(path)"), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(says), "\(result.stderr)", sourceLocation: sourceLocation)
        for placeholder in ["NSCocoaErrorDomain", "could not be completed", "File exists", "Optional("] {
            #expect(!result.stderr.contains(placeholder), "\(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test("--junit at a folder or under a file, report --out and run --cache at a file, say what is in the way")
    func blocked() throws {
        let folder = try TestPaths.temporaryDirectory("write-errors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("file").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        let atFolder = try CommandRunner.faceaudit(["compare", Self.baseline, Self.baseline, "--junit", folder.path])
        Self.expectOneLine(atFolder, status: 74, path: folder.path, says: "cannot write the JUnit file (Is a directory)")
        let underFile = try CommandRunner.faceaudit(["compare", Self.baseline, Self.baseline, "--junit", file + "/junit.xml"])
        Self.expectOneLine(underFile, status: 74, path: file + "/junit.xml", says: "cannot write the JUnit file (Not a directory)")
        // FileManager said only "File exists".
        let run = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib").path
        let report = try CommandRunner.faceaudit(["report", run, run, "--out", file, "--allow-different-data"])
        Self.expectOneLine(report, status: 74, path: file, says: "cannot write the outputs there (Not a directory)")
        // The run went on without caching anything, and said nothing.
        let cache = try CommandRunner.faceaudit(try Self.twoImages(in: folder) + ["--cache", file])
        Self.expectOneLine(cache, status: 74, path: file, says: "cannot keep the template cache there (Not a directory)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    /// A manifest of two London images of two people in `folder`, and the arguments that run it into `folder/out`.
    static func twoImages(in folder: URL) throws -> [String] {
        let manifest = folder.appendingPathComponent("manifest.csv")
        let image = TestPaths.london.appendingPathComponent("neutral_front/001_03.jpg").path
        try "path,subject_id\n\(image),a\n\(image.replacingOccurrences(of: "001_03", with: "002_03")),b\n".write(
            to: manifest, atomically: true, encoding: .utf8)
        return ["run", "--dataset", manifest.path, "--allow-outside-paths", "--quiet", "--out", folder.appendingPathComponent("out").path]
    }

    @Test("an embedder that cannot be started says why in words")
    func embedderMissing() throws {
        let folder = try TestPaths.temporaryDirectory("write-errors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.faceaudit(
            try Self.twoImages(in: folder) + ["--no-cache", "--embedder-command", "[\"/nonexistent/embedder\"]"])
        Self.expectOneLine(result, status: 69, path: "", says: "cannot start /nonexistent/embedder: no such program")
        #expect(!result.stderr.contains("Code(") && !result.stderr.contains("Subprocess."), "\(result.stderr)")
    }
}
