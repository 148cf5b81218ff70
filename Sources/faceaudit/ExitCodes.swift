import ArgumentParser
import FaceAuditBenchmark
import FaceAuditConfiguration
import FaceAuditFiles
import Foundation

/// Every exit status of `faceaudit`, in one table (docs/commands.md prints the same).
///
/// | status | meaning |
/// |---|---|
/// | 0 | success (`compare`: no regression; `slurm status`/`wait`: every task succeeded) |
/// | 3 | `compare`: a regression was found (no error path exits 3) |
/// | 4 | `slurm status`/`wait`: a task failed (no error path exits 4) |
/// | 5 | `slurm status`/`wait`: tasks are still queued or running (no error path exits 5) |
/// | 64 | usage: a flag or setting is wrong (EX_USAGE) |
/// | 65 | data: an input is unusable (EX_DATAERR) |
/// | 66 | an input file or folder cannot be read (EX_NOINPUT) |
/// | 69 | the external embedder cannot be started, keeps crashing or timing out (EX_UNAVAILABLE) |
/// | 70 | internal error (EX_SOFTWARE) |
/// | 74 | an output cannot be written (EX_IOERR) |
/// | 78 | configuration: a benchmark file, model or installed file is wrong or missing (EX_CONFIG) |
///
/// | 128 + n | interrupted by signal n (SIGHUP 129, SIGINT 130, SIGTERM 143) while an output folder or file was written
/// (its staging folder or temporary file removed first), or while an external embedder ran (its process group killed
/// first); one line says so (`InterruptGuard`) |
///
/// Swift's runtime traps exit by signal, never with one of these.
enum ExitStatus {
    /// `compare` found a regression.
    static let regression = ExitCode(3)
    /// `slurm status`/`wait`: a task failed.
    static let taskFailed = ExitCode(4)
    /// `slurm status`/`wait`: tasks still wait.
    static let stillWaiting = ExitCode(5)
    /// A flag or setting is wrong (EX_USAGE).
    static let usage = ExitCode(64)
    /// The input data is unusable (EX_DATAERR).
    static let dataError = ExitCode(65)
    /// An input file or folder does not exist or cannot be read (EX_NOINPUT).
    static let noInput = ExitCode(66)
    /// The external embedder cannot be started or keeps failing (EX_UNAVAILABLE).
    static let unavailable = ExitCode(69)
    /// Something that should not happen did (EX_SOFTWARE).
    static let `internal` = ExitCode(70)
    /// An output cannot be written (EX_IOERR).
    static let ioError = ExitCode(74)
    /// A required model or other installed file is missing or corrupt (EX_CONFIG).
    static let configuration = ExitCode(78)
}

/// Prints one line to standard error, `faceaudit: error: …`, and returns the exit code to throw.
func fail(_ message: any CustomStringConvertible, _ code: ExitCode) -> ExitCode {
    FileHandle.standardError.write(Data("faceaudit: error: \(ErrorText.printable("\(message)"))\n".utf8))
    return code
}

/// The error to throw for a run's error: a usage error becomes a `ValidationError`, which
/// `FaceAuditCommand.main` prints as one line with where to read more (exit 64); every other code prints
/// one line and exits with its status.
func fail(_ error: RunError) -> any Error {
    if error.code == .usage { return ValidationError(error.message) }
    return fail(error.message, ExitCode(error.code.exitStatus))
}

/// Writes text to standard output followed by a newline.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
