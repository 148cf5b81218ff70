#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads an image file for ``ImageDecoder/decode(contentsOf:)``: regular files only, the header judged
/// before the rest is read, the bytes read once into one array.
enum ImageFile {
    /// How many leading bytes are read first and judged on their own (PNG chunks before IDAT and JPEG
    /// segments before SOS normally fit; when they do not, the whole file is read and decoded).
    static let headerLength = 1 << 16

    /// The bytes of the regular file at `path`.
    ///
    /// The path is checked with `stat` and opened with `O_NONBLOCK`, and the opened file is checked
    /// again with `fstat`, so a FIFO, a device or a directory is refused without blocking and without
    /// reading (``ImageDecodingError/Code-swift.struct/notRegularFile``). When the file is longer than
    /// ``headerLength``, its first ``headerLength`` bytes are given to `judge` first, which throws to
    /// refuse the file before the rest is read. Then the file is read whole, once, into one array.
    static func read(_ path: String, judge: ([UInt8]) throws(ImageDecodingError) -> Void) throws(ImageDecodingError) -> [UInt8] {
        var status = stat()
        guard stat(path, &status) == 0 else { throw failure(path, errno) }
        try requireRegularFile(status, path)
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path, errno) }
        defer { close(descriptor) }
        guard fstat(descriptor, &status) == 0 else { throw failure(path, errno) }
        try requireRegularFile(status, path)
        let size = Int(status.st_size)
        if size > headerLength { try judge(try read(descriptor, count: headerLength, path)) }
        return try read(descriptor, count: size, path)
    }

    /// Up to `count` bytes from the start of the file (fewer when it has shrunk since `fstat`).
    private static func read(_ descriptor: CInt, count: Int, _ path: String) throws(ImageDecodingError) -> [UInt8] {
        var error: CInt = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while initialized < count {
                let n = pread(descriptor, buffer.baseAddress! + initialized, count - initialized, off_t(initialized))
                if n > 0 {
                    initialized += n
                } else if n == 0 {
                    break
                } else if errno != EINTR {
                    error = errno
                    break
                }
            }
        }
        guard error == 0 else { throw failure(path, error) }
        return bytes
    }

    private static func requireRegularFile(_ status: stat, _ path: String) throws(ImageDecodingError) {
        let kind: String
        switch status.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "of an unknown kind"
        }
        throw ImageDecodingError(code: .notRegularFile, file: path, reason: "not a regular file (\(kind))")
    }

    private static func failure(_ path: String, _ number: CInt) -> ImageDecodingError {
        let reason =
            switch number {
            case ENOENT, ENOTDIR: "no such file"
            case EACCES, EPERM: "permission denied"
            case ELOOP: "a symbolic link loop (too many levels of symbolic links)"
            default: String(cString: strerror(number))
            }
        return ImageDecodingError(code: .unreadable, file: path, reason: reason)
    }
}
