import FaceAuditDatasets
import FaceAuditScoring
import FaceAuditTemplates
import FaceAuditTestSupport
import Foundation
import Testing

/// Precomputed template files that are malformed are refused with one line, never a crash or a misreading.
@Suite("precomputed templates: malformed files")
struct PrecomputedEmbeddingsFormatTests {
    static func manifest(_ n: Int) -> Manifest {
        Manifest(
            layout: .csv, root: "/", source: "t", card: .unknown(name: "t"),
            records: (0..<n).map { ImageRecord(path: "/i\($0).jpg", subject: SubjectID("s\($0 / 2)"), labels: Labels()) })
    }

    /// A version-1 .npy file with `header` (padded as numpy pads it) and `payload` bytes of data.
    static func npy(_ header: String, payload: Int) -> Data {
        var text = header
        while (10 + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)]
        bytes += Array(text.utf8) + [UInt8](repeating: 0, count: payload)
        return Data(bytes)
    }

    @Test(
        "a .npy header is read as the dict it is",
        arguments: [
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (-8, 2), }", 64, "2-D shape"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", 64, "needs more bytes"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), 'note': '<f4'}", 64, "only little-endian float32"),
            ("{'descr': '<f4', 'fortran_order': True, 'shape': (4, 2), }", 32, "only little-endian float32"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (4, junk, 2), }", 32, "2-D shape"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }", 40, "holds 40"),
        ] as [(String, Int, String)])
    func npyHeaders(header: String, payload: Int, message: String) throws {
        let folder = try TestPaths.temporaryDirectory("npy-headers")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("t.npy")
        try Self.npy(header, payload: payload).write(to: file)
        do {
            _ = try PrecomputedEmbeddings(file: file.path, manifest: Self.manifest(4), comparison: .cosineSimilarity)
            Issue.record("accepted \(header)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
        // The well-formed header with the right amount of data reads.
        try Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }", payload: 32).write(to: file)
        #expect(throws: Never.self) {
            _ = try PrecomputedEmbeddings(file: file.path, manifest: Self.manifest(4), comparison: .cosineSimilarity)
        }
    }

    @Test(
        "a .npy preamble cut short or of an unknown version is refused, never read past its end (fuzz finding)",
        arguments: [
            [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x11, 0x6F, 0x20, 0x72, 0x3F],  // FuzzNpy: version 0x11, 11 bytes
            [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x02, 0x00, 0x10, 0x00, 0x00],  // version 2, its 4-byte length cut short
            [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],  // version 0
        ] as [[UInt8]])
    func npyPreamble(bytes: [UInt8]) {
        do {
            _ = try PrecomputedEmbeddings.npy(bytes, file: "t.npy")
            Issue.record("accepted \(bytes)")
        } catch {
            #expect("\(error)".hasPrefix("t.npy: "), "\(error)")
        }
    }

    @Test("a path listed twice in a CSV is refused with both lines; rows for other images are counted")
    func csvDuplicates() throws {
        let folder = try TestPaths.temporaryDirectory("csv-duplicates")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("t.csv")
        try "/i0.jpg,1,2\n/i1.jpg,3,4\n/i0.jpg,5,6\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try PrecomputedEmbeddings(file: file.path, manifest: Self.manifest(2), comparison: .cosineSimilarity)
            Issue.record("accepted a duplicate")
        } catch {
            #expect("\(error)".contains(":3: /i0.jpg is listed twice (lines 1 and 3)"), "\(error)")
        }
        try "/i0.jpg,1,2\n/i1.jpg,3,4\n/other.jpg,5,6\n".write(to: file, atomically: true, encoding: .utf8)
        let read = try PrecomputedEmbeddings(file: file.path, manifest: Self.manifest(2), comparison: .cosineSimilarity)
        #expect(read.unusedRows == 1)
    }
}
