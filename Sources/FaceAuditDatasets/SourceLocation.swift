/// A place in a text file: 1-based line and column (columns count Unicode scalars, as editors do).
public struct TextLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file.
    public let file: String
    /// 1-based line number.
    public let line: Int
    /// 1-based column number.
    public let column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form compilers print and editors jump to.
    public var description: String { "\(file):\(line):\(column)" }
}
