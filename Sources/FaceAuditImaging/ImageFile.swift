import FaceAuditFiles

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
    /// The file is opened and checked as every input is (``InputFile/openRegular(_:)``), so a FIFO, a device
    /// or a directory is refused without blocking and without reading
    /// (``ImageDecodingError/Code-swift.struct/notRegularFile``). When the file is longer than
    /// ``headerLength``, its first ``headerLength`` bytes are given to `judge` first, which throws to
    /// refuse the file before the rest is read. Then the file is read whole, once, into one array.
    static func read(_ path: String, judge: ([UInt8]) throws(ImageDecodingError) -> Void) throws(ImageDecodingError) -> [UInt8] {
        let opened: (descriptor: CInt, size: Int)
        do { opened = try InputFile.openRegular(path) } catch { throw failure(error) }
        defer { close(opened.descriptor) }
        if opened.size > headerLength {
            let header: [UInt8]
            do { header = try InputFile.read(opened.descriptor, count: headerLength, path: path) } catch { throw failure(error) }
            try judge(header)
        }
        do { return try InputFile.read(opened.descriptor, count: opened.size, path: path) } catch { throw failure(error) }
    }

    /// The decoder's error for an input that cannot be read.
    private static func failure(_ error: InputFileError) -> ImageDecodingError {
        ImageDecodingError(code: error.code == .notRegularFile ? .notRegularFile : .unreadable, file: error.path, reason: error.reason)
    }
}
