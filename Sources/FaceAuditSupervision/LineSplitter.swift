/// Splits a byte stream into lines of at most ``maximumLength`` bytes, without ever holding more than
/// that (plus one chunk) in memory.
///
/// A line ends at `\n` (a preceding `\r` is kept; JSON readers ignore it). Bytes after the last
/// newline stay buffered until more arrive. Once a line grows past the limit the splitter stops
/// buffering and reports ``Split/overlong`` forever: the stream can no longer be trusted to be in
/// step, so nothing after it is a reply.
public struct LineSplitter: Sendable {
    /// The longest line accepted, in bytes, without its newline.
    public let maximumLength: Int
    private var pending: [UInt8] = []
    private var failed = false

    /// Creates a splitter accepting lines up to `maximumLength` bytes.
    public init(maximumLength: Int) {
        precondition(maximumLength > 0)
        self.maximumLength = maximumLength
    }

    /// What a chunk of input completed.
    public enum Split: Sendable, Equatable {
        /// Whole lines (possibly none), newline removed, in order.
        case lines([[UInt8]])
        /// A line longer than ``maximumLength``: the lines completed before it, then the failure.
        case overlong(before: [[UInt8]])
    }

    /// Adds `chunk` and returns the lines it completed.
    public mutating func append(_ chunk: some Collection<UInt8>) -> Split {
        guard !failed else { return .overlong(before: []) }
        var lines: [[UInt8]] = []
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: 10) {
            let piece = chunk[start..<newline]
            guard pending.count + piece.count <= maximumLength else {
                failed = true
                pending = []
                return .overlong(before: lines)
            }
            lines.append(pending + piece)
            pending = []
            start = chunk.index(after: newline)
        }
        let rest = chunk[start...]
        guard pending.count + rest.count <= maximumLength else {
            failed = true
            pending = []
            return .overlong(before: lines)
        }
        pending.append(contentsOf: rest)
        return .lines(lines)
    }

    /// Bytes received after the last newline (a reply cut short when the stream ended).
    public var unterminated: [UInt8] { pending }
}
