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
        Data(try bytes(path))
    }

    /// For each path, whether its folder (the text before its last `/`, or the working directory) cannot
    /// be looked up, asked of the file system once per distinct folder (`stat`, links followed). Such a
    /// file cannot be opened either, so a caller that only reads files it can open need not try each:
    /// a manifest of 20,000 images that are not on disk (templates computed elsewhere) cost 20,000
    /// failed `open` calls.
    public static func inMissingFolders(_ paths: [String]) -> [Bool] {
        var known: [Substring: Bool] = [:]
        var previous: (folder: Substring, missing: Bool)?
        return paths.map { path in
            // The last `/` found in the UTF-8 bytes: `String.lastIndex(of:)` walks characters back one by
            // one (a grapheme break check each), 1 ms of a 20,000-image manifest.
            let folder = path[..<(path.utf8.lastIndex(of: UInt8(ascii: "/")) ?? path.startIndex)]
            // Manifests list a folder's images together: the previous path's folder first, no hashing.
            if let previous, previous.folder == folder { return previous.missing }
            let missing: Bool
            if let seen = known[folder] {
                missing = seen
            } else {
                var status = stat()
                missing = stat(folder.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : String(folder), &status) != 0
                known[folder] = missing
            }
            previous = (folder, missing)
            return missing
        }
    }

    /// ``read(_:)``'s bytes in one array, with no copy into `Data`. A file that reports no size (in
    /// `/proc` and some FUSE file systems, which have contents all the same) is read to its end.
    /// - Throws: ``InputFileError`` as ``read(_:)``.
    public static func bytes(_ path: String) throws(InputFileError) -> [UInt8] {
        let (descriptor, size) = try openRegular(path)
        defer { close(descriptor) }
        guard size == 0 else { return try read(descriptor, count: size, path: path) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes += chunk[0..<n]
            } else if n == 0 {
                return bytes
            } else if errno != EINTR {
                throw error(errno, path)
            }
        }
    }

    /// Opens the regular file at `path` for reading (links followed) and returns its descriptor, which the
    /// caller closes, and its size. It is opened with `O_NONBLOCK`, so a FIFO is refused without waiting for
    /// a writer, and checked with `fstat` before a byte is read.
    /// - Throws: ``InputFileError`` as ``read(_:)``.
    public static func openRegular(_ path: String) throws(InputFileError) -> (descriptor: CInt, size: Int) {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw error(errno, path) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let number = errno
            close(descriptor)
            throw error(number, path)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw InputFileError(.notRegularFile, path: path, reason: "not a regular file (\(kind(status.st_mode)))")
        }
        return (descriptor, Int(status.st_size))
    }

    /// Up to `count` bytes from the start of the open file `descriptor` (fewer when it has shrunk since it
    /// was opened), read with `pread` into one array; `path` names it in errors.
    /// - Throws: ``InputFileError`` (`unreadable`) when a read fails.
    public static func read(_ descriptor: CInt, count: Int, path: String) throws(InputFileError) -> [UInt8] {
        var failure: CInt = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while initialized < count {
                let n = pread(descriptor, buffer.baseAddress! + initialized, count - initialized, off_t(initialized))
                if n > 0 {
                    initialized += n
                } else if n == 0 {
                    break
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
        }
        guard failure == 0 else { throw error(failure, path) }
        return bytes
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

    /// Whether `a` and `b` name the same file: compared standardized, with symbolic links resolved (a
    /// path that does not exist yet is compared as written).
    public static func samePath(_ a: String, _ b: String) -> Bool {
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        return resolved(a) == resolved(b)
    }
}
