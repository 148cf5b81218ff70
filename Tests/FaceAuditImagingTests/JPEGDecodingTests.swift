import Testing

@testable import FaceAuditImaging

@Suite("JPEG decoding")
struct JPEGDecodingTests {
    typealias F = Fixture

    /// The two 16×16 blocks the generator painted, and a point well inside each.
    static let blocks: [(x: Int, rgb: [Int])] = [(8, [200, 40, 40]), (24, [40, 180, 60])]

    static func expectNear(_ pixel: (r: UInt8, g: UInt8, b: UInt8), _ rgb: [Int], tolerance: Int) {
        let got = [Int(pixel.r), Int(pixel.g), Int(pixel.b)]
        #expect(zip(got, rgb).allSatisfy { abs($0 - $1) <= tolerance }, "got \(got), expected \(rgb) ± \(tolerance)")
    }

    @Test("baseline and progressive JPEG decode to the painted colours", arguments: ["baseline.jpg", "progressive.jpg"])
    func colour(name: String) throws {
        let decoded = try F.decode(name)
        #expect(decoded.format == .jpeg)
        #expect(decoded.sourceColorModel == .ycbcr)
        #expect(decoded.progressive == (name == "progressive.jpg"))
        #expect(decoded.image.width == 32 && decoded.image.height == 16)
        for block in Self.blocks { Self.expectNear(decoded.image[block.x, 8], block.rgb, tolerance: 4) }
    }

    @Test("baseline and progressive encodings of one picture decode alike")
    func progressiveMatchesBaseline() throws {
        let a = try F.decode("baseline.jpg").image
        let b = try F.decode("progressive.jpg").image
        #expect(zip(a.pixels, b.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 2 })
    }

    @Test("gray JPEG expands to equal R, G, B")
    func gray() throws {
        let decoded = try F.decode("gray.jpg")
        #expect(decoded.sourceColorModel == .gray)
        #expect(decoded.sourceChannels == 1)
        for i in stride(from: 0, to: decoded.image.pixels.count, by: 3) {
            #expect(decoded.image.pixels[i] == decoded.image.pixels[i + 1])
            #expect(decoded.image.pixels[i] == decoded.image.pixels[i + 2])
        }
        // ITU-R BT.601 luma of the painted colours.
        for block in Self.blocks {
            let luma = Int((0.299 * Double(block.rgb[0]) + 0.587 * Double(block.rgb[1]) + 0.114 * Double(block.rgb[2])).rounded())
            Self.expectNear(decoded.image[block.x, 8], [luma, luma, luma], tolerance: 3)
        }
    }

    @Test("Adobe CMYK JPEG converts to RGB with the inverted-ink convention")
    func cmyk() throws {
        let decoded = try F.decode("cmyk_adobe.jpg")
        #expect(decoded.sourceColorModel == .cmyk)
        #expect(decoded.sourceChannels == 4)
        Self.expectNear(decoded.image[8, 8], [255, 0, 0], tolerance: 4)  // C0 M255 Y255 K0
        Self.expectNear(decoded.image[24, 8], [0, 191, 0], tolerance: 4)  // C255 M0 Y255 K64
    }

    @Test("Exif orientation is reported and not applied")
    func orientation() throws {
        let decoded = try F.decode("orientation6.jpg")
        #expect(decoded.exifOrientation == .rightTop)
        #expect(decoded.image.width == 32 && decoded.image.height == 16)
        Self.expectNear(decoded.image[8, 8], Self.blocks[0].rgb, tolerance: 4)
        #expect(try F.decode("baseline.jpg").exifOrientation == nil)
    }
}
