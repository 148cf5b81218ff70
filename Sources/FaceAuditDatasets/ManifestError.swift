/// A manifest or dataset layout that cannot be read, with the exact place of the problem.
///
/// ```
/// data/manifest.csv:14:22: age "twelve" is not a number of years
/// ```
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable category.
    public struct Code: Hashable, Sendable, CustomStringConvertible, Codable {
        /// A short machine-readable name.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The file or folder cannot be read.
        public static let unreadable = Code("unreadable")
        /// Not valid UTF-8 text.
        public static let encoding = Code("encoding")
        /// A quoted field is never closed.
        public static let unterminatedQuote = Code("unterminated_quote")
        /// Characters after a closing quote.
        public static let strayQuote = Code("stray_quote")
        /// A row has more or fewer fields than the header.
        public static let fieldCount = Code("field_count")
        /// The header lacks a required column, or names one twice.
        public static let header = Code("header")
        /// A required value is empty.
        public static let missingValue = Code("missing_value")
        /// A value does not parse (an age that is not a number, an unknown skin-tone scale).
        public static let invalidValue = Code("invalid_value")
        /// The same image path appears twice.
        public static let duplicatePath = Code("duplicate_path")
        /// Two subject ids or image paths are different bytes but the same text in Unicode (NFC and NFD
        /// spellings of é), which Swift compares equal.
        public static let unicodeNormalization = Code("unicode_normalization")
        /// The dataset has no images.
        public static let empty = Code("empty")
        /// The layout is none that FaceAudit recognises.
        public static let unknownLayout = Code("unknown_layout")
        /// A manifest names an image outside the dataset's folder.
        public static let outsidePath = Code("outside_path")

        public var description: String { rawValue }
    }

    /// The category.
    public let code: Code
    /// Where: a file, line and column when the problem is in text; otherwise the file or folder.
    public let location: TextLocation?
    /// The file or folder when there is no line to point at.
    public let path: String?
    /// What is wrong and, where it helps, how to fix it.
    public let message: String

    /// An error at a place in a text file.
    public init(_ code: Code, at location: TextLocation, _ message: String) {
        self.code = code
        self.location = location
        self.path = location.file
        self.message = message
    }

    /// An error about a whole file or folder.
    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.location = nil
        self.path = path
        self.message = message
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        if let path { return "\(path): \(message)" }
        return message
    }
}
