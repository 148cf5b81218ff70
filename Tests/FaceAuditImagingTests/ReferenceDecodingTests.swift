import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditImaging

/// dlib's reference photos must decode to exactly the RGB8 pixels dlib was given (`decoded/*.png`).
@Suite("Pixel-exact decoding of dlib's reference photos")
struct ReferenceDecodingTests {
    static let images: [String] = {
        let folder = TestPaths.dlibReference.appendingPathComponent("images")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }()

    @Test("the reference set is present")
    func present() {
        #expect(Self.images.count == 11, "expected 11 photos in \(TestPaths.dlibReference.path)")
    }

    @Test("decoding matches decoded/*.png byte for byte", arguments: images)
    func pixelExact(name: String) throws {
        let decoder = ImageDecoder()
        let source = try decoder.decode(contentsOf: TestPaths.dlibReference.appendingPathComponent("images/\(name)").path)
        let stem = (name as NSString).deletingPathExtension
        let reference = try decoder.decode(
            contentsOf: TestPaths.dlibReference.appendingPathComponent("decoded/\(stem).png").path)
        #expect(source.image.width == reference.image.width)
        #expect(source.image.height == reference.image.height)
        let mismatches = zip(source.image.pixels, reference.image.pixels).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) }
        #expect(mismatches == 0, "\(name): \(mismatches) of \(reference.image.pixels.count) bytes differ")
    }
}
