/// Why an image could not be decoded, with the file it came from.
///
/// The ``code`` is stable and meant for programs (a failure-to-acquire table groups by it); the
/// ``reason`` is the library's own words and meant for people.
public struct ImageDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable category of decoding failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible, Codable {
        /// A short machine-readable name, e.g. `truncated`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The file could not be read (missing, no permission, a symbolic link loop).
        public static let unreadable = Code("unreadable")
        /// The path names a directory, a FIFO, a device or a socket: refused without reading or blocking.
        public static let notRegularFile = Code("not_regular_file")
        /// The file has zero bytes.
        public static let empty = Code("empty")
        /// The leading bytes are neither PNG nor JPEG.
        public static let unrecognizedFormat = Code("unrecognized_format")
        /// The codec reported invalid data.
        public static let corrupt = Code("corrupt")
        /// The data ends before the image does.
        public static let truncated = Code("truncated")
        /// The header declares more pixels than the configured limit (a decompression bomb guard).
        public static let tooLarge = Code("too_large")
        /// Memory for the pixels could not be allocated.
        public static let outOfMemory = Code("out_of_memory")

        /// Every code, for documentation and exhaustive tests.
        public static let all: [Code] = [
            .unreadable, .notRegularFile, .empty, .unrecognizedFormat, .corrupt, .truncated, .tooLarge, .outOfMemory,
        ]

        public var description: String { rawValue }
    }

    /// The category of failure.
    public let code: Code
    /// The file name, when the bytes came from a file.
    public let file: String?
    /// What went wrong, in the codec's or our own words.
    public let reason: String

    /// Creates an error.
    public init(code: Code, file: String?, reason: String) {
        self.code = code
        self.file = file
        self.reason = reason
    }

    /// One line: `file: cannot decode image (code): reason`.
    public var description: String {
        "\(file ?? "<memory>"): cannot decode image (\(code)): \(reason)"
    }
}
