/// A decoded image together with what the file said about itself.
public struct DecodedImage: Sendable, Hashable {
    /// The pixels, always RGB8.
    public let image: RGBImage
    /// The container format found in the bytes.
    public let format: ImageFormat
    /// How the file stored its samples.
    public let sourceColorModel: SourceColorModel
    /// Channels stored in the file.
    public let sourceChannels: Int
    /// Bits per sample in the file.
    public let sourceBitDepth: Int
    /// Progressive JPEG or interlaced PNG.
    public let progressive: Bool
    /// The Exif orientation tag, reported and never applied; `nil` when absent.
    public let exifOrientation: ExifOrientation?
    /// Recoverable problems the codec reported and worked around.
    public let warnings: Int

    /// Creates a decoded image record.
    public init(
        image: RGBImage, format: ImageFormat, sourceColorModel: SourceColorModel, sourceChannels: Int,
        sourceBitDepth: Int, progressive: Bool, exifOrientation: ExifOrientation?, warnings: Int
    ) {
        self.image = image
        self.format = format
        self.sourceColorModel = sourceColorModel
        self.sourceChannels = sourceChannels
        self.sourceBitDepth = sourceBitDepth
        self.progressive = progressive
        self.exifOrientation = exifOrientation
        self.warnings = warnings
    }
}
