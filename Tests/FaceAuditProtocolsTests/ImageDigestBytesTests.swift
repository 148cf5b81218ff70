import Foundation
import Testing

@testable import FaceAuditTemplates

/// The bytes an image's digest is taken of: read with `open` and `pread` as `FileManager` read them.
@Suite("the bytes of an image's digest")
struct ImageDigestBytesTests {
    typealias Extraction = TemplateExtraction<EmbeddingResult>

    @Test("a file that reports no size (/proc) is read to its end, like FileManager; empty, missing and FIFO files as before")
    func sizesAndKinds() throws {
        // /proc/self/stat reports size 0 but holds text (the reading process's own, so compared by
        // length of a stable prefix rather than whole: its counters move between two reads).
        let proc = try #require(Extraction.bytes(at: "/proc/self/stat"))
        #expect(!proc.isEmpty)
        #expect(String(decoding: proc, as: UTF8.self).hasPrefix("\(getpid()) ("))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("digest-bytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.jpg").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(Extraction.bytes(at: empty) == [])
        let file = folder.appendingPathComponent("a.jpg").path
        let data = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        #expect(FileManager.default.createFile(atPath: file, contents: data))
        #expect(Extraction.bytes(at: file) == [UInt8](data))
        #expect(Extraction.bytes(at: folder.appendingPathComponent("missing.jpg").path) == nil)
        let fifo = folder.appendingPathComponent("fifo.jpg").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(Extraction.bytes(at: fifo) == nil)
        #expect(Extraction.bytes(at: folder.path) == nil)
    }
}
