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
    public func decode(contentsOf path: String) throws(ImageDecodingError) -> DecodedImage {
        let bytes: [UInt8]
        do {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImageDecodingError(code: .unreadable, file: path, reason: "no such file")
            }
            guard !isDirectory.boolValue else {
                throw ImageDecodingError(code: .unreadable, file: path, reason: "is a directory")
            }
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as ImageDecodingError {
            throw error
        } catch {
            throw ImageDecodingError(code: .unreadable, file: path, reason: error.localizedDescription)
        }
        return try decode(bytes, file: path)
    }

    /// Decodes an image held in memory. `file` only labels errors.
    public func decode(_ bytes: [UInt8], file: String? = nil) throws(ImageDecodingError) -> DecodedImage {
        guard !bytes.isEmpty else {
            throw ImageDecodingError(code: .empty, file: file, reason: "the file is empty (0 bytes)")
        }
        guard let format = ImageFormat.sniff(bytes) else {
            throw ImageDecodingError(
                code: .unrecognizedFormat, file: file,
                reason: "not a PNG or JPEG file (starts with \(Self.hexPrefix(bytes)))")
        }
        var raw = fa_image()
        var message = [CChar](repeating: 0, count: 512)
        let limit = UInt64(max(0, maxPixels))
        let status = bytes.withUnsafeBufferPointer { buffer in
            message.withUnsafeMutableBufferPointer { text in
                switch format {
                case .png: fa_png_decode(buffer.baseAddress, buffer.count, limit, &raw, text.baseAddress, text.count)
                case .jpeg: fa_jpeg_decode(buffer.baseAddress, buffer.count, limit, &raw, text.baseAddress, text.count)
                }
            }
        }
        let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
