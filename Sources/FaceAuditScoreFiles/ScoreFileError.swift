/// A score file that cannot be read, with the file and line of the problem.
public struct ScoreFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable category.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The file is missing, not a regular file, a link loop, or not readable (exit 66, EX_NOINPUT).
        case unreadable
        /// A line or value in it is malformed (exit 65, EX_DATAERR).
        case malformed
    }

    /// The category.
    public let code: Code
    /// The file.
    public let file: String
    /// 1-based line, or nil for a whole-file problem.
    public let line: Int?
    /// 1-based column (in Unicode scalars) of the field at fault, or nil when the whole line is.
    public let column: Int?
    /// What is wrong.
    public let message: String

    /// Creates an error of `code` (by default a malformed line or value).
    public init(file: String, line: Int?, column: Int? = nil, _ message: String, code: Code = .malformed) {
        self.code = code
        self.file = file
        self.line = line
        self.column = line == nil ? nil : column
        self.message = message
    }

    /// `file:line:column: message`, `file:line: message` or `file: message`.
    public var description: String {
        guard let line else { return "\(file): \(message)" }
        return column.map { "\(file):\(line):\($0): \(message)" } ?? "\(file):\(line): \(message)"
    }
}
