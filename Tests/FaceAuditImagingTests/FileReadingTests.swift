import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditImaging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `decode(contentsOf:)` judges a file by its header and its kind before it reads it whole.
@Suite("Reading image files: the header before the bytes, regular files only")
struct FileReadingTests {
    typealias F = Fixture
    typealias D = DecodingFailureTests

    /// `bytes` written to a new file in `folder`, then extended (sparse, nothing written) to `size` bytes.
    static func write(_ bytes: [UInt8], size: Int, named name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        if size > bytes.count {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.truncate(atOffset: UInt64(size))
        }
        return url.path
    }

    static func expectCode(_ path: String, _ code: ImageDecodingError.Code, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let decoded = try ImageDecoder().decode(contentsOf: path)
            Issue.record("decoded \(decoded.image.width)×\(decoded.image.height), expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.file == path, sourceLocation: sourceLocation)
        }
    }

    @Test(
        "a tiny PNG declaring 100,000×100,000 pixels, padded (sparse) to 2 GiB or 1 TiB, is too large from its header",
        arguments: [2 << 30, 1 << 40])
    func paddedOversizedPNG(size: Int) throws {
        let folder = try TestPaths.temporaryDirectory("imaging-padded-png")
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = try F.bytes("gray8.png")
        let ihdr = try #require(D.chunk("IHDR", in: bytes))
        for offset in [0, 4] {
            for k in 0..<4 { bytes[ihdr.data.lowerBound + offset + k] = UInt8(truncatingIfNeeded: 100_000 >> (24 - 8 * k)) }
        }
        D.patchCRC(&bytes, chunk: ihdr)
        Self.expectCode(try Self.write(bytes, size: size, named: "padded.png", in: folder), .tooLarge)
    }

    @Test("a JPEG declaring 65,000×65,000 pixels, padded (sparse) to 2 GiB, is too large from its header")
    func paddedOversizedJPEG() throws {
        let folder = try TestPaths.temporaryDirectory("imaging-padded-jpeg")
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = try F.bytes("baseline.jpg")
        let sof = try #require(D.sofOffset(bytes))
        for offset in [sof + 5, sof + 7] {
            bytes[offset] = 0xFD
            bytes[offset + 1] = 0xE8
        }
        Self.expectCode(try Self.write(bytes, size: 2 << 30, named: "padded.jpg", in: folder), .tooLarge)
    }

    @Test(
        "an image with trailing bytes past the header read decodes to the fixture's pixels",
        arguments: ["gray8.png", "interlaced_rgb8.png", "baseline.jpg", "progressive.jpg"])
    func legalImageBeyondTheHeader(name: String) throws {
        let folder = try TestPaths.temporaryDirectory("imaging-trailing")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = try F.bytes(name)
        let path = try Self.write(bytes, size: 200_000, named: name, in: folder)
        let fromFile = try ImageDecoder().decode(contentsOf: path)
        let fromMemory = try ImageDecoder().decode(bytes)
        #expect(fromFile.image == fromMemory.image)
    }

    @Test("a FIFO is refused as not a regular file without waiting for a writer")
    func fifo() throws {
        let folder = try TestPaths.temporaryDirectory("imaging-fifo")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("face.png").path
        #expect(mkfifo(path, 0o600) == 0)
        Self.expectCode(path, .notRegularFile)
    }

    @Test("a directory and a character device are not regular files; a missing file is unreadable")
    func otherKinds() throws {
        Self.expectCode(FileManager.default.temporaryDirectory.path, .notRegularFile)
        Self.expectCode("/dev/zero", .notRegularFile)
        Self.expectCode("/nonexistent/face.jpg", .unreadable)
        do { _ = try ImageDecoder().decode(contentsOf: "/dev/zero") } catch { #expect(error.reason.contains("not a regular file")) }
    }
}
