import FaceAuditFiles
import Foundation
import Testing

/// The bytes an image's digest is taken of (``InputFile/bytes(_:)``): read with `open` and `pread` as
/// `FileManager` read them.
@Suite("InputFile.bytes: the bytes of a file, an image's digest among others")
struct InputFileBytesTests {
    @Test("a file that reports no size (/proc) is read to its end, like FileManager; empty, missing and FIFO files as before")
    func sizesAndKinds() throws {
        // /proc/self/stat reports size 0 but holds text (the reading process's own, so compared by
        // length of a stable prefix rather than whole: its counters move between two reads).
        let proc = try InputFile.bytes("/proc/self/stat")
        #expect(!proc.isEmpty)
        #expect(String(decoding: proc, as: UTF8.self).hasPrefix("\(getpid()) ("))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("digest-bytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.jpg").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect((try? InputFile.bytes(empty)) == [])
        let file = folder.appendingPathComponent("a.jpg").path
        let data = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        #expect(FileManager.default.createFile(atPath: file, contents: data))
        #expect((try? InputFile.bytes(file)) == [UInt8](data))
        #expect((try? InputFile.bytes(folder.appendingPathComponent("missing.jpg").path)) == nil)
        let fifo = folder.appendingPathComponent("fifo.jpg").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect((try? InputFile.bytes(fifo)) == nil)
        #expect((try? InputFile.bytes(folder.path)) == nil)
    }

    /// A path's folder is missing exactly when `stat` of it fails, whatever came before it in the list
    /// (folders alternate, repeat after others, and one is a file); no folder means the working directory,
    /// and every path whose folder is missing cannot be read.
    @Test("paths in folders that are not there are told apart, folder by folder")
    func missingFolders() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("missing-folders-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a.jpg").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data([1, 2, 3])))
        let gone = folder.appendingPathComponent("gone").path
        let paths = [
            file, gone + "/b.jpg", gone + "/c.jpg", folder.path + "/missing.jpg", gone + "/d.jpg", file + "/e.jpg", "relative.jpg",
            "/root-level.jpg", file,
        ]
        let missing = InputFile.inMissingFolders(paths)
        // A file taken for a folder is there (`stat` succeeds): its path is tried, and fails, as before.
        #expect(missing == [false, true, true, false, true, false, false, false, false])
        #expect((try? InputFile.bytes(file + "/e.jpg")) == nil)
        for (path, isMissing) in zip(paths, missing) where isMissing { #expect((try? InputFile.bytes(path)) == nil) }
        #expect(InputFile.inMissingFolders([]) == [])
    }
}
