/// A model file that is missing, unreadable or not the published one, with the command that fixes it.
public struct ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable category.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A short machine-readable name.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// The file is not in the models folder.
        public static let missing = Code("missing")
        /// The file exists but cannot be read.
        public static let unreadable = Code("unreadable")
        /// The size or SHA-256 differs from the published file.
        public static let corrupt = Code("corrupt")
        public var description: String { rawValue }
    }

    /// The category.
    public let code: Code
    /// Which model.
    public let file: ModelFile
    /// Where it was looked for.
    public let path: String
    /// What was found.
    public let detail: String

    /// Creates an error.
    public init(code: Code, file: ModelFile, path: String, detail: String) {
        self.code = code
        self.file = file
        self.path = path
        self.detail = detail
    }

    public var description: String {
        "model \(file.name) (\(file.role)) is \(code) at \(path): \(detail). "
            + "Run `\(ModelDirectory.fixCommand)` to download and verify the models, "
            + "or point --models / FACEAUDIT_MODELS at a folder that holds them."
    }
}
