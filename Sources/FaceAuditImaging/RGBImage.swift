/// An 8-bit RGB raster: rows top to bottom, pixels left to right, three bytes per pixel, no padding.
///
/// Every decoder in FaceAudit produces this one format, whatever the file stored (gray, palette,
/// 16-bit, CMYK). Later stages (detection, alignment, skin-tone measurement) read nothing else.
public struct RGBImage: Sendable, Hashable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width × height × 3` bytes: R, G, B for each pixel in row-major order.
    public var pixels: [UInt8]

    /// Wraps a pixel buffer.
    ///
    /// - Precondition: `pixels.count == width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3, "RGB8 buffer size mismatch")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The R, G, B bytes of the pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}
