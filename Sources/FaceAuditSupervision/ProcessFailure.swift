/// Why a supervised child process could not answer, with a stable code (the way swift-subprocess names its
/// errors) and the tail of its standard error.
public struct ProcessFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable category.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The command is empty.
        case emptyCommand = "empty_command"
        /// The program could not be started (not found, not executable).
        case cannotStart = "cannot_start"
        /// The process ended (exit status or signal) while a reply was awaited, or had ended before.
        case exited
        /// No reply came within the time allowed; the process group was killed.
        case timedOut = "timed_out"
        /// A reply line was longer than allowed; the process group was killed.
        case replyTooLong = "reply_too_long"
    }

    /// The category.
    public let code: Code
    /// What happened, in one line, without the standard error.
    public let message: String
    /// The last lines the process wrote to its standard error ("" when it wrote none).
    public let standardError: String

    /// Creates a failure.
    public init(_ code: Code, _ message: String, standardError: String = "") {
        self.code = code
        self.message = message
        self.standardError = standardError
    }

    /// The message and, after it, what the process last wrote to standard error.
    public var description: String {
        standardError.isEmpty
            ? message + " (nothing on its standard error)"
            : message + "; its standard error ends: " + standardError.replacingNewlines()
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" ? " | " : String($0) }.joined())
    }
}
