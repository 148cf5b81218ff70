import Testing

@testable import FaceAuditImaging

@Suite("PNG decoding")
struct PNGDecodingTests {
    typealias F = Fixture

    @Test("8-bit gray expands to equal R, G, B")
    func gray8() throws {
        let decoded = try F.decode("gray8.png")
        #expect(decoded.format == .png)
        #expect(decoded.sourceColorModel == .gray)
        #expect(decoded.sourceBitDepth == 8)
        for y in 0..<F.height {
            for x in 0..<F.width {
                let v = UInt8(F.ramp(x, y, 0, 255))
                #expect(decoded.image[x, y] == (v, v, v))
            }
        }
    }

    @Test("16-bit gray scales with rounding, no gamma")
    func gray16() throws {
        let decoded = try F.decode("gray16.png")
        #expect(decoded.sourceBitDepth == 16)
        for y in 0..<F.height {
            for x in 0..<F.width {
                let v = F.scale16(F.ramp(x, y, 0, 65535))
                #expect(decoded.image[x, y] == (v, v, v))
            }
        }
    }

    @Test("1-bit gray expands 0/1 to 0/255")
    func gray1() throws {
        let decoded = try F.decode("gray1.png")
        #expect(decoded.sourceBitDepth == 1)
        for y in 0..<F.height {
            for x in 0..<F.width {
                let v: UInt8 = (x + y) % 2 == 1 ? 255 : 0
                #expect(decoded.image[x, y] == (v, v, v))
            }
        }
    }

    @Test("gray+alpha drops alpha instead of compositing it")
    func grayAlpha() throws {
        let decoded = try F.decode("gray_alpha.png")
        #expect(decoded.sourceColorModel == .grayAlpha)
        for y in 0..<F.height {
            for x in 0..<F.width {
                let v = UInt8(F.ramp(x, y, 0, 255))
                #expect(decoded.image[x, y] == (v, v, v))
            }
        }
    }

    @Test("16-bit RGB scales each channel with rounding")
    func rgb16() throws {
        let decoded = try F.decode("rgb16.png")
        #expect(decoded.sourceColorModel == .rgb)
        for y in 0..<F.height {
            for x in 0..<F.width {
                let p = decoded.image[x, y]
                #expect(p.r == F.scale16(F.ramp(x, y, 0, 65535)))
                #expect(p.g == F.scale16(F.ramp(x, y, 1, 65535)))
                #expect(p.b == F.scale16(F.ramp(x, y, 2, 65535)))
            }
        }
    }

    @Test("RGBA keeps the colour samples as stored", arguments: ["rgba8.png"])
    func rgba(name: String) throws {
        let decoded = try F.decode(name)
        #expect(decoded.sourceColorModel == .rgba)
        #expect(decoded.sourceChannels == 4)
        for y in 0..<F.height {
            for x in 0..<F.width {
                let p = decoded.image[x, y]
                #expect([p.r, p.g, p.b] == (0..<3).map { UInt8(F.ramp(x, y, $0, 255)) })
            }
        }
    }

    @Test("palette with tRNS expands to the palette colours")
    func palette() throws {
        let decoded = try F.decode("palette_trns.png")
        #expect(decoded.sourceColorModel == .palette)
        for y in 0..<F.height {
            for x in 0..<F.width {
                let index = (x + 2 * y) % 8
                let p = decoded.image[x, y]
                #expect([p.r, p.g, p.b] == (0..<3).map { UInt8(F.ramp(index, 0, $0, 255)) })
            }
        }
    }

    @Test("Adam7 interlaced PNG decodes to the same pixels as stored")
    func interlaced() throws {
        let decoded = try F.decode("interlaced_rgb8.png")
        #expect(decoded.progressive)
        for y in 0..<F.height {
            for x in 0..<F.width {
                let p = decoded.image[x, y]
                #expect([p.r, p.g, p.b] == (0..<3).map { UInt8(F.ramp(x, y, $0, 255)) })
            }
        }
    }

    @Test("a PNG named .jpg decodes by content")
    func pngNamedJPEG() throws {
        let decoded = try F.decode("png_named.jpg")
        #expect(decoded.format == .png)
        #expect(ImageFormat.fromExtension(of: "png_named.jpg") == .jpeg)
    }
}
