import Foundation

/// Why an input file (a manifest, a score file, a benchmark file, an embeddings file, a summary) cannot be
/// read, with a stable code.
///
/// ```
/// scores.txt: not a regular file (a FIFO)
/// ```
public struct InputFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable category. Every one is "an input cannot be read" (exit 66, EX_NOINPUT).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Nothing is at the path (or a folder on the way is missing).
        case missing
        /// The path is a folder, FIFO, socket or device (`/dev/zero`), not a file.
        case notRegularFile = "not_regular_file"
        /// Symbolic links at the path point at each other.
        case symlinkLoop = "symlink_loop"
        /// The file exists but this user may not read it.
        case permissionDenied = "permission_denied"
        /// Reading failed otherwise (an I/O error).
        case unreadable
    }

    /// The category.
    public let code: Code
    /// The path as given.
    public let path: String
    /// What is wrong, in words.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, path: String, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}

/// Reads whole input files, refusing what is not a regular file before reading a byte: a FIFO would block
/// forever and `/dev/zero` would never end.
public enum InputFile {
    /// The bytes of the regular file at `path` (symbolic links followed).
    /// - Throws: ``InputFileError``: `missing`, `notRegularFile` (with its kind), `symlinkLoop`,
    ///   `permissionDenied` or `unreadable`.
    public static func read(_ path: String) throws(InputFileError) -> Data {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw error(errno, path) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw error(errno, path) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw InputFileError(.notRegularFile, path: path, reason: "not a regular file (\(kind(status.st_mode)))")
        }
        do { return try handle.readToEnd() ?? Data() } catch {
            throw InputFileError(.unreadable, path: path, reason: "cannot read the file (\(ErrorText.line(error)))")
        }
    }

    /// Fails as ``read(_:)`` would, without reading: the path must name a regular file (links followed).
    public static func check(_ path: String) throws(InputFileError) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw error(errno, path) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw InputFileError(.notRegularFile, path: path, reason: "not a regular file (\(kind(status.st_mode)))")
        }
    }

    /// The error for `open` or `stat` failing with `number`.
    static func error(_ number: Int32, _ path: String) -> InputFileError {
        switch number {
        case ENOENT, ENOTDIR: InputFileError(.missing, path: path, reason: "no such file")
        case ELOOP: InputFileError(.symlinkLoop, path: path, reason: "too many levels of symbolic links (a link loop)")
        case EACCES, EPERM: InputFileError(.permissionDenied, path: path, reason: "permission denied")
        default: InputFileError(.unreadable, path: path, reason: "cannot read the file (\(String(cString: strerror(number))))")
        }
    }

    /// What a file of `mode` is, in words.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "not a file"
        }
    }
}
