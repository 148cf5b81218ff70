/// A score file that cannot be read, with the file and line of the problem.
public struct ScoreFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file.
    public let file: String
    /// 1-based line, or nil for a whole-file problem.
    public let line: Int?
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
