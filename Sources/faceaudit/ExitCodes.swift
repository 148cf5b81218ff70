import ArgumentParser
import Foundation

/// Exit statuses, following BSD sysexits where one fits so that scripts can tell failures apart.
enum ExitStatus {
    /// The input data is unusable (EX_DATAERR).
    static let dataError = ExitCode(65)
    /// An input file or folder does not exist or cannot be read (EX_NOINPUT).
    static let noInput = ExitCode(66)
    /// A required model or other installed file is missing or corrupt (EX_CONFIG).
    static let configuration = ExitCode(78)
}

/// Prints one line to standard error, `faceaudit: error: …`, and returns the exit code to throw.
func fail(_ message: any CustomStringConvertible, _ code: ExitCode) -> ExitCode {
    FileHandle.standardError.write(Data("faceaudit: error: \(message)\n".utf8))
    return code
}

/// Writes text to standard output followed by a newline.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
