import CImageCodecs
import Foundation

/// Decodes PNG and JPEG files to ``RGBImage`` through the system's libpng and libjpeg.
///
/// The format is taken from the file's leading bytes, so a PNG named `.jpg` still decodes; a file
/// that is neither fails with ``ImageDecodingError/Code-swift.struct/unrecognizedFormat``. No input
/// can crash the process or make it exit: every failure is an ``ImageDecodingError``.
///
/// ```swift
/// let decoder = ImageDecoder(maxPixels: 50_000_000)
/// let decoded = try decoder.decode(contentsOf: "faces/001.jpg")
/// print(decoded.image.width, decoded.image.height)
/// ```
public struct ImageDecoder: Sendable {
    /// The default pixel limit: 100 megapixels.
    public static let defaultMaxPixels = 100_000_000

    /// Images whose header declares more than this many pixels are rejected before any pixel
    /// memory is allocated.
    public var maxPixels: Int

    /// Creates a decoder with a pixel limit.
    public init(maxPixels: Int = ImageDecoder.defaultMaxPixels) {
        self.maxPixels = maxPixels
    }

    /// Reads and decodes the file at `path`.
    ///
    /// Only a regular file is read: a FIFO, a device or a directory is refused as
    /// ``ImageDecodingError/Code-swift.struct/notRegularFile`` without blocking on it. A file longer than
    /// 64 KiB is judged by its first 64 KiB before the rest is read: when they are not PNG or JPEG
    /// (``ImageDecodingError/Code-swift.struct/unrecognizedFormat``) or the header they hold declares more
    /// than ``maxPixels`` (``ImageDecodingError/Code-swift.struct/tooLarge``), the file is refused with the
    /// error decoding all of it would give. Otherwise the file is read once into one array and decoded by
    /// ``decode(_:file:)``, so the pixels are those of decoding the same bytes from memory.
    public func decode(contentsOf path: String) throws(ImageDecodingError) -> DecodedImage {
        let bytes = try ImageFile.read(path) { (head: [UInt8]) throws(ImageDecodingError) in try judgeHeader(head, file: path) }
        return try decode(bytes, file: path)
    }

    /// Refuses the first bytes of a longer file when they are not PNG or JPEG, or when the header they
    /// hold declares more than ``maxPixels``; returns when they pass or do not hold the whole header.
    private func judgeHeader(_ head: [UInt8], file: String) throws(ImageDecodingError) {
        let (status, _, reason) = codec(head, format: try Self.format(of: head, file: file), headerOnly: true)
        guard status != FA_ERR_TOO_LARGE else { throw ImageDecodingError(code: .tooLarge, file: file, reason: reason) }
    }

    /// Runs the C decoder of `format` over `bytes` (with `headerOnly`, only up to its pixel limit check):
    /// its status, its image (pixels from malloc, or nil) and its message.
    private func codec(_ bytes: [UInt8], format: ImageFormat, headerOnly: Bool) -> (fa_status, fa_image, String) {
        var raw = fa_image()
        var message = [CChar](repeating: 0, count: 512)
        let limit = UInt64(max(0, maxPixels))
        let status = bytes.withUnsafeBufferPointer { buffer in
            message.withUnsafeMutableBufferPointer { text in
                let (data, size, text, length) = (buffer.baseAddress, buffer.count, text.baseAddress, text.count)
                return switch (format, headerOnly) {
                case (.png, false): fa_png_decode(data, size, limit, &raw, text, length)
                case (.png, true): fa_png_check_header(data, size, limit, &raw, text, length)
                case (.jpeg, false): fa_jpeg_decode(data, size, limit, &raw, text, length)
                case (.jpeg, true): fa_jpeg_check_header(data, size, limit, &raw, text, length)
                }
            }
        }
        return (status, raw, String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// The format sniffed from the leading bytes, or the error naming them.
    private static func format(of bytes: [UInt8], file: String?) throws(ImageDecodingError) -> ImageFormat {
        guard let format = ImageFormat.sniff(bytes) else {
            throw ImageDecodingError(
                code: .unrecognizedFormat, file: file,
                reason: "not a PNG or JPEG file (starts with \(Self.hexPrefix(bytes)))")
        }
        return format
    }

    /// Decodes an image held in memory. `file` only labels errors.
    public func decode(_ bytes: [UInt8], file: String? = nil) throws(ImageDecodingError) -> DecodedImage {
        guard !bytes.isEmpty else {
            throw ImageDecodingError(code: .empty, file: file, reason: "the file is empty (0 bytes)")
        }
        let format = try Self.format(of: bytes, file: file)
        let (status, raw, reason) = codec(bytes, format: format, headerOnly: false)
        guard status == FA_OK, let pointer = raw.pixels else {
            fa_free(raw.pixels)
            throw ImageDecodingError(code: Self.code(for: status), file: file, reason: reason)
        }
        defer { fa_free(pointer) }
        let width = Int(raw.width)
        let height = Int(raw.height)
        let pixels = [UInt8](UnsafeBufferPointer(start: pointer, count: width * height * 3))
        return DecodedImage(
            image: RGBImage(width: width, height: height, pixels: pixels),
            format: format,
            sourceColorModel: Self.colorModel(raw.source_color_model),
            sourceChannels: Int(raw.source_channels),
            sourceBitDepth: Int(raw.source_bit_depth),
            progressive: raw.progressive != 0,
            exifOrientation: format == .jpeg ? ExifOrientation.read(fromJPEG: bytes) : nil,
            warnings: Int(raw.warnings)
        )
    }

    private static func code(for status: fa_status) -> ImageDecodingError.Code {
        switch status {
        case FA_ERR_FORMAT: .unrecognizedFormat
        case FA_ERR_TRUNCATED: .truncated
        case FA_ERR_TOO_LARGE: .tooLarge
        case FA_ERR_NO_MEMORY: .outOfMemory
        default: .corrupt
        }
    }

    private static func colorModel(_ value: UInt32) -> SourceColorModel {
        switch fa_color_model(rawValue: value) {
        case FA_COLOR_GRAY: .gray
        case FA_COLOR_GRAY_ALPHA: .grayAlpha
        case FA_COLOR_RGB: .rgb
        case FA_COLOR_RGBA: .rgba
        case FA_COLOR_PALETTE: .palette
        case FA_COLOR_YCBCR: .ycbcr
        case FA_COLOR_CMYK: .cmyk
        case FA_COLOR_YCCK: .ycck
        default: .unknown
        }
    }

    private static func hexPrefix(_ bytes: [UInt8]) -> String {
        bytes.prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: " ")
    }
}
