import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditDatasets

/// From a hostile-input review: "Jos\u{E9}" (NFC) and "Jose\u{301}" (NFD) are different bytes that Swift
/// compares equal, so a manifest's two subjects became one, silently.
@Suite("Unicode normalization in manifests")
struct NormalizationTests {
    /// The message of the error that parsing `text` throws ("" when it parses).
    static func message(_ text: String) -> String {
        do { _ = try ManifestReaderTests.parse(text) } catch { return error.message }
        return ""
    }

    @Test("two subject ids that differ only in normalization are refused, naming both lines and the column")
    func subjects() {
        let text = "path,subject_id\na.jpg,Jos\u{E9}\nb.jpg,Jos\u{E9}\nc.jpg,Jose\u{301}\n"
        ManifestReaderTests.expectError(text, .unicodeNormalization, line: 4, column: 7)
        #expect(Self.message(text).contains("line 2, column 7 differ only in Unicode normalization"), "\(Self.message(text))")
    }

    @Test("two image paths that differ only in normalization are refused as such, not as the same path listed twice")
    func paths() {
        let text = "path,subject_id\nJos\u{E9}.jpg,a\nJose\u{301}.jpg,b\n"
        ManifestReaderTests.expectError(text, .unicodeNormalization, line: 3, column: 1)
        #expect(Self.message(text).contains("line 2, column 1"), "\(Self.message(text))")
    }

    /// Cohort labels are read once per text (the reader keeps each accepted text's label): a text in
    /// another normalization, which a dictionary takes as the same key, is still read from its own bytes.
    @Test("each row's cohort label keeps its own bytes, whichever normalization an earlier row wrote it in")
    func labelBytes() throws {
        let text = "path,subject_id,gender,ethnicity\na.jpg,a,Jos\u{E9},Female\nb.jpg,b,Jose\u{301},female\nc.jpg,c,Jos\u{E9},FEMALE\n"
        let records = try ManifestReaderTests.parse(text)
        #expect(records.map { Array(($0.labels.gender ?? "").utf8) } == ["jos\u{E9}", "jose\u{301}", "jos\u{E9}"].map { Array($0.utf8) })
        #expect(records.map(\.labels.ethnicity) == ["female", "female", "female"])
        // A refused text is refused at every row that writes it, the first included.
        ManifestReaderTests.expectError("path,subject_id,gender\na.jpg,a,x\nb.jpg,b,a;b\n", .invalidValue, line: 3, column: 9)
    }

    @Test("the same spelling throughout is one subject")
    func sameSpelling() throws {
        let records = try ManifestReaderTests.parse("path,subject_id\na.jpg,Jose\u{301}\nb.jpg,Jose\u{301}\n")
        #expect(Set(records.map(\.subject)).count == 1)
    }

    /// Writes a tiny generated image (a few bytes; the readers do not decode) at `path`, making its folder.
    static func image(_ path: URL) throws {
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47, UInt8(path.path.utf8.count & 0xFF)]).write(to: path)
    }

    /// Reads the dataset at `folder` and returns the normalization error's path and message ("" when it reads).
    static func refusal(_ folder: URL, layout: DatasetLayout) -> (path: String?, message: String) {
        do {
            let manifest = try DatasetReader().read(path: folder.path, layout: layout)
            Issue.record("read \(manifest.records.count) images of \(Set(manifest.records.map(\.subject)).count) subjects")
        } catch {
            #expect(error.code == .unicodeNormalization, "\(error)")
            return (error.path, error.message)
        }
        return (nil, "")
    }

    /// From a review: only the CSV reader checked; two UTKFace files named in two normalizations became one
    /// subject (each image is its own person there), so two people made a mated pair.
    @Test("UTKFace: two file names that differ only in normalization are refused, naming both files")
    func utkface() throws {
        let folder = try TestPaths.temporaryDirectory("normalization-utkface")
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["25_0_1_Jos\u{E9}.jpg", "25_0_1_Jose\u{301}.jpg", "30_1_2_20170101.jpg"] {
            try Self.image(folder.appendingPathComponent(name))
        }
        try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 3)
        let (path, message) = Self.refusal(folder, layout: .utkface)
        #expect(path?.hasPrefix(folder.path + "/25_0_1_Jos") == true, "\(path ?? "")")
        #expect(message.contains("differ only in Unicode normalization"), "\(message)")
        #expect(message.contains(folder.path + "/25_0_1_Jos"), "\(message)")
    }

    /// From a review: two LFW subject folders named in two normalizations became one person.
    @Test("LFW: two subject folders, or two files in one, that differ only in normalization are refused")
    func lfw() throws {
        let folders = try TestPaths.temporaryDirectory("normalization-lfw")
        defer { try? FileManager.default.removeItem(at: folders) }
        let subjects = folders.appendingPathComponent("subjects")
        for name in ["Jos\u{E9}/1.jpg", "Jose\u{301}/1.jpg", "Ada/1.jpg"] { try Self.image(subjects.appendingPathComponent(name)) }
        try #require(try FileManager.default.contentsOfDirectory(atPath: subjects.path).count == 3)
        let (path, message) = Self.refusal(subjects, layout: .lfw)
        #expect(path?.hasPrefix(subjects.path + "/Jos") == true, "\(path ?? "")")
        #expect(message.contains("subject folder") && message.contains("differ only in Unicode normalization"), "\(message)")
        let files = folders.appendingPathComponent("files")
        for name in ["Ada/Jos\u{E9}.jpg", "Ada/Jose\u{301}.jpg", "Bob/1.jpg"] { try Self.image(files.appendingPathComponent(name)) }
        try #require(try FileManager.default.contentsOfDirectory(atPath: files.appendingPathComponent("Ada").path).count == 2)
        let (filePath, fileMessage) = Self.refusal(files, layout: .lfw)
        #expect(filePath?.hasPrefix(files.path + "/Ada/Jos") == true, "\(filePath ?? "")")
        #expect(fileMessage.contains("differ only in Unicode normalization"), "\(fileMessage)")
    }

    @Test("the London Set: two identities in labels.csv that differ only in normalization are refused at their place")
    func london() throws {
        let folder = try TestPaths.temporaryDirectory("normalization-london")
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["001_03.jpg", "002_03.jpg"] { try Self.image(folder.appendingPathComponent(name)) }
        try "file,identity,age,gender,ethnicity\n001_03.jpg,Jos\u{E9},30,female,white\n002_03.jpg,Jose\u{301},31,male,white\n".write(
            to: folder.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
        try "id,age\n".write(to: folder.appendingPathComponent("london_info.csv"), atomically: true, encoding: .utf8)
        do {
            let manifest = try DatasetReader().read(path: folder.path)
            Issue.record("read \(manifest.records.count) images as \(manifest.layout)")
        } catch {
            #expect(error.code == .unicodeNormalization, "\(error)")
            #expect(error.location?.line == 3 && error.location?.column == 12, "\(error)")
        }
    }
}
