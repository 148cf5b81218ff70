import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditImaging

@Suite("Decoding failures are typed errors, never crashes")
struct DecodingFailureTests {
    typealias F = Fixture

    static func expectFailure(
        _ bytes: [UInt8], _ code: ImageDecodingError.Code, maxPixels: Int = ImageDecoder.defaultMaxPixels,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let decoded = try ImageDecoder(maxPixels: maxPixels).decode(bytes, file: "probe")
            Issue.record("decoded \(decoded.image.width)×\(decoded.image.height), expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.file == "probe", sourceLocation: sourceLocation)
            #expect(!error.reason.isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test("a zero-byte file is .empty")
    func zeroBytes() {
        Self.expectFailure([], .empty)
    }

    @Test("a text file named .jpg is .unrecognizedFormat, naming the file")
    func wrongExtension() throws {
        let path = try F.url("text_named.jpg").path
        do {
            _ = try ImageDecoder().decode(contentsOf: path)
            Issue.record("a text file decoded")
        } catch {
            #expect(error.code == .unrecognizedFormat)
            #expect(error.description.contains("text_named.jpg"))
        }
    }

    @Test("a missing file is .unreadable, a directory .notRegularFile")
    func unreadable() throws {
        for (path, code) in [
            ("/nonexistent/face.jpg", ImageDecodingError.Code.unreadable), (FileManager.default.temporaryDirectory.path, .notRegularFile),
        ] {
            #expect(throws: ImageDecodingError.self) { try ImageDecoder().decode(contentsOf: path) }
            do { _ = try ImageDecoder().decode(contentsOf: path) } catch { #expect(error.code == code) }
        }
    }

    @Test("every truncation of a PNG fails cleanly", arguments: ["gray8.png", "rgb16.png", "interlaced_rgb8.png"])
    func truncatedPNG(name: String) throws {
        let bytes = try F.bytes(name)
        for length in 1..<bytes.count {
            let prefix = Array(bytes.prefix(length))
            let expected: ImageDecodingError.Code = length < 8 ? .unrecognizedFormat : .truncated
            Self.expectFailure(prefix, expected)
        }
    }

    @Test("a JPEG cut short is .truncated, not gray-filled", arguments: ["baseline.jpg", "progressive.jpg"])
    func truncatedJPEG(name: String) throws {
        let bytes = try F.bytes(name)
        for length in stride(from: 3, to: bytes.count - 2, by: 7) {
            do {
                _ = try ImageDecoder().decode(Array(bytes.prefix(length)), file: "probe")
                Issue.record("a \(length)-byte prefix of \(name) decoded")
            } catch {
                #expect([.truncated, .corrupt].contains(error.code), "\(length): \(error)")
            }
        }
        Self.expectFailure(Array(bytes.prefix(bytes.count / 2)), .truncated)
    }

    @Test("a PNG whose IDAT is garbled is .corrupt")
    func corruptPNG() throws {
        var bytes = try F.bytes("gray8.png")
        let idat = try #require(Self.chunk("IDAT", in: bytes))
        for i in idat.data { bytes[i] ^= 0x5A }
        Self.patchCRC(&bytes, chunk: idat)
        Self.expectFailure(bytes, .corrupt)
    }

    @Test("a PNG with a bad chunk checksum is .corrupt")
    func badCRC() throws {
        var bytes = try F.bytes("gray8.png")
        let ihdr = try #require(Self.chunk("IHDR", in: bytes))
        bytes[ihdr.crc] ^= 0xFF
        Self.expectFailure(bytes, .corrupt)
    }

    @Test("a JPEG with its scan data replaced by noise fails or decodes, but never crashes")
    func noisyJPEG() throws {
        var bytes = try F.bytes("baseline.jpg")
        var state: UInt64 = 42
        for i in (bytes.count / 2)..<(bytes.count - 2) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
        }
        _ = try? ImageDecoder().decode(bytes)
    }

    @Test("a PNG header claiming 2^31 pixels is rejected before allocation")
    func oversizedPNG() throws {
        var bytes = try F.bytes("gray8.png")
        let ihdr = try #require(Self.chunk("IHDR", in: bytes))
        let side: UInt32 = 46_341  // 46,341² > 2^31
        for (offset, value) in [(0, side), (4, side)] {
            for k in 0..<4 { bytes[ihdr.data.lowerBound + offset + k] = UInt8(truncatingIfNeeded: value >> (24 - 8 * k)) }
        }
        Self.patchCRC(&bytes, chunk: ihdr)
        Self.expectFailure(bytes, .tooLarge)
    }

    @Test("a JPEG header claiming 65,000×65,000 is rejected before allocation")
    func oversizedJPEG() throws {
        var bytes = try F.bytes("baseline.jpg")
        let sof = try #require(Self.sofOffset(bytes))
        for offset in [sof + 5, sof + 7] {  // height, then width, big-endian
            bytes[offset] = 0xFD
            bytes[offset + 1] = 0xE8
        }
        Self.expectFailure(bytes, .tooLarge)
    }

    @Test("the pixel limit is configurable and exact")
    func configurableLimit() throws {
        let bytes = try F.bytes("gray8.png")
        Self.expectFailure(bytes, .tooLarge, maxPixels: F.width * F.height - 1)
        #expect(try ImageDecoder(maxPixels: F.width * F.height).decode(bytes).image.width == F.width)
        Self.expectFailure(try F.bytes("baseline.jpg"), .tooLarge, maxPixels: 32 * 16 - 1)
    }

    // MARK: - Helpers to edit files

    struct Chunk {
        let data: Range<Int>
        let crc: Int
        let typeStart: Int
    }

    static func chunk(_ type: String, in bytes: [UInt8]) -> Chunk? {
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let name = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let data = (offset + 8)..<(offset + 8 + length)
            if name == type { return Chunk(data: data, crc: data.upperBound, typeStart: offset + 4) }
            offset = data.upperBound + 4
        }
        return nil
    }

    static func patchCRC(_ bytes: inout [UInt8], chunk: Chunk) {
        let crc = CRC32.checksum(bytes[chunk.typeStart..<chunk.data.upperBound])
        for k in 0..<4 { bytes[chunk.crc + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(k))) }
    }

    /// Offset of the first SOF0/SOF2 marker.
    static func sofOffset(_ bytes: [UInt8]) -> Int? {
        var offset = 2
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            if marker == 0xC0 || marker == 0xC2 { return offset }
            offset += 2 + (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]))
        }
        return nil
    }
}
