/// How the samples were stored in the file before conversion to RGB8.
public enum SourceColorModel: String, Sendable, Codable {
    /// One gray channel.
    case gray
    /// Gray plus alpha (alpha is dropped, not composited).
    case grayAlpha = "gray+alpha"
    /// Red, green, blue.
    case rgb
    /// Red, green, blue plus alpha (alpha is dropped, not composited).
    case rgba
    /// Indices into a PNG palette.
    case palette
    /// JPEG's usual luma/chroma encoding.
    case ycbcr
    /// Cyan, magenta, yellow, black (Adobe files store it inverted).
    case cmyk
    /// CMYK with the CMY part as YCbCr (Adobe transform 2).
    case ycck
    /// Anything the library did not name.
    case unknown
}
