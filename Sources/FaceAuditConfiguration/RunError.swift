/// Why a run could not produce results, with a stable code that decides the exit status.
///
/// ```
/// faceaudit: error: bench.toml:3:1: unknown key "tagret_fmr" (did you mean "target_fmr"?)
/// ```
public struct RunError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable category; each maps to one exit status (BSD sysexits).
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        /// The settings contradict each other or are out of range (exit 64, EX_USAGE).
        case usage
        /// The input data is unusable (exit 65, EX_DATAERR).
        case dataError = "data_error"
        /// An input file or folder does not exist or cannot be read (exit 66, EX_NOINPUT).
        case noInput = "no_input"
        /// A program the run depends on (the external embedder) cannot be started or keeps failing (exit 69,
        /// EX_UNAVAILABLE).
        case unavailable
        /// Something that should not happen did (exit 70, EX_SOFTWARE).
        case `internal`
        /// An output could not be written (exit 74, EX_IOERR).
        case ioError = "io_error"
        /// A benchmark file, model or other installed file is wrong or missing (exit 78, EX_CONFIG).
        case configuration

        /// The exit status of this code.
        public var exitStatus: Int32 {
            switch self {
            case .usage: 64
            case .dataError: 65
            case .noInput: 66
            case .unavailable: 69
            case .internal: 70
            case .ioError: 74
            case .configuration: 78
            }
        }
    }

    /// The category.
    public let code: Code
    /// What is wrong and, where it helps, how to fix it (already naming the file, line and column).
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
