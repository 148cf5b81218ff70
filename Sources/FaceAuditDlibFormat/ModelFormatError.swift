/// A model file that does not parse, with the file and the byte offset where parsing stopped.
public struct ModelFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file.
    public let file: String
    /// Byte offset of the problem.
    public let offset: Int
    /// What was expected or found.
    public let message: String

    /// Creates an error.
    public init(file: String, offset: Int, _ message: String) {
        self.file = file
        self.offset = offset
        self.message = message
    }

    public var description: String {
        "\(file): byte \(offset): \(message) (the model file is truncated or corrupt; run scripts/bootstrap to reinstall it)"
    }
}
