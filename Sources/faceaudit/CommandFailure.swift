import ArgumentParser
import FaceAuditConfiguration
import FaceAuditFiles
import Foundation

/// What `faceaudit` prints and exits with when a command fails: one line on standard error,
/// `faceaudit: error: <what is wrong>`, with, for a usage error, where to read more on the same line
/// (`(see faceaudit run --help)`).
///
/// - Usage errors (an unknown option, a missing or malformed value, a failed check of the options) exit 64.
/// - A ``RunError`` exits with its code's status.
/// - An ``ExitCode`` was thrown after its line was printed (`fail(_:_:)`), so nothing more is printed.
/// - Any other error is a defect (70), still printed on one line.
/// - `--help`, `--version` and `help` are not failures: ArgumentParser prints them and exits 0.
struct CommandFailure: Equatable {
    /// The line to print on standard error, or nil when it was printed already.
    var line: String?
    /// The exit status.
    var status: Int32

    /// The failure of `error`, thrown while parsing or running `arguments` (the command line without the program).
    init(_ error: any Error, arguments: [String]) {
        if let code = error as? ExitCode {
            self.init(line: nil, status: code.rawValue)
        } else if let error = error as? RunError {
            let hint = error.code == .usage ? Self.hint(arguments) : ""
            self.init(line: Self.format(error.message) + hint, status: error.code.exitStatus)
        } else {
            let status = FaceAuditCommand.exitCode(for: error).rawValue
            if status == ExitCode.validationFailure.rawValue {
                self.init(line: Self.format(FaceAuditCommand.message(for: error)) + Self.hint(arguments), status: ExitStatus.usage.rawValue)
            } else {
                self.init(line: Self.format(ErrorText.line(error)), status: ExitStatus.internal.rawValue)
            }
        }
    }

    /// Creates a failure.
    init(line: String?, status: Int32) {
        self.line = line
        self.status = status
    }

    /// Whether ArgumentParser should handle `error` itself: help and version requests, which exit 0.
    static func isRequestForText(_ error: any Error) -> Bool {
        FaceAuditCommand.exitCode(for: error) == .success
    }

    /// `faceaudit: error: ` and the first line of `message`, its first letter lowered unless the word is in
    /// capitals (ArgumentParser's messages begin with a capital; FaceAudit's do not).
    static func format(_ message: String) -> String {
        var text = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        text = text.replacingOccurrences(of: "Error: ", with: "", options: .anchored).trimmingCharacters(in: .whitespaces)
        if let first = text.first, first.isUppercase, text.dropFirst().first?.isLowercase ?? false {
            text = first.lowercased() + text.dropFirst()
        }
        return "faceaudit: error: " + ErrorText.printable(text)
    }

    /// ` (see faceaudit SUBCOMMAND… --help)`: the help of the deepest subcommand that `arguments` name.
    static func hint(_ arguments: [String]) -> String {
        var command: any ParsableCommand.Type = FaceAuditCommand.self
        var path = ["faceaudit"]
        for argument in arguments {
            guard
                let sub = command.configuration.subcommands.first(where: {
                    $0._commandName == argument
                })
            else { break }
            command = sub
            path.append(argument)
        }
        return " (see \(path.joined(separator: " ")) --help)"
    }

    /// `arguments` with every negative number that follows an option joined to it (`--jitters -1` →
    /// `--jitters=-1`), so that ArgumentParser reads it as the option's value instead of as an unknown option
    /// `-1`. No FaceAudit option is a dash and a digit, so no other meaning is lost.
    static func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
        var joined: [String] = []
        for argument in arguments {
            if let last = joined.last, last.hasPrefix("--"), !last.contains("="), last != "--", Self.isNegativeNumber(argument) {
                joined[joined.count - 1] = last + "=" + argument
            } else {
                joined.append(argument)
            }
        }
        return joined
    }

    /// Whether `text` is a negative number: `-` then a digit or `.` and a digit (`-1`, `-0.5`, `-1e-3`, `-.5`),
    /// or `-inf`, `-infinity`, `-nan` in any case.
    static func isNegativeNumber(_ text: String) -> Bool {
        guard text.hasPrefix("-"), !text.hasPrefix("--") else { return false }
        let rest = text.dropFirst()
        if ["inf", "infinity", "nan"].contains(rest.lowercased()) { return true }
        guard let first = rest.first else { return false }
        return first.isASCII && (first.isNumber || (first == "." && (rest.dropFirst().first?.isNumber ?? false)))
    }
}
