import Foundation

/// Writes files so that a crash never leaves a half-written one: a temporary file in the same folder
/// (`.NAME.UUID.tmp`, mode 0600 from its first byte), flushed, given its final mode, then renamed over the
/// target. An interrupt (SIGINT, SIGTERM, SIGHUP) while it is written removes the temporary file and ends the
/// process after one line (``InterruptGuard``); the target is then as it was.
public enum AtomicFile {
    /// Writes `data` to `path` atomically with the given permissions.
    public static func write(_ data: Data, to path: String, permissions: Int = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".\(UUID().uuidString).tmp"
        let interrupts = InterruptGuard.shared
        // From here an interrupt removes the temporary file and ends the process.
        let (registration, descriptor) = try interrupts.begin(removing: temporary) { try openNew(temporary) }
        defer { interrupts.end(registration) }
        do {
            defer { close(descriptor) }
            try fill(descriptor, with: data, path: temporary, permissions: permissions)
            if rename(temporary, path) != 0 { throw error(path) }
        } catch {
            // An interrupt's handler removing the temporary file makes the rename fail; it reports that itself.
            interrupts.waitIfInterrupted()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Creates the file `path` (mode 0600 from its first byte), truncating one already there, and opens it
    /// for writing.
    /// - Returns: its file descriptor, the caller's to close.
    /// - Throws: a `CocoaError` naming `path`, as ``append(_:to:path:)`` does.
    static func openNew(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw error(path) }
        return descriptor
    }

    /// Writes `data` to `descriptor`, the file `path` opened by ``openNew(_:)``, flushes it to disk and gives
    /// it `permissions`: ``append(_:to:path:)``, then ``finish(_:path:permissions:)``.
    static func fill(_ descriptor: Int32, with data: Data, path: String, permissions: Int) throws {
        try append(data, to: descriptor, path: path)
        try finish(descriptor, path: path, permissions: permissions)
    }

    /// Writes all of `data` to `descriptor`, the file `path` opened by ``openNew(_:)``, after what is
    /// there; ``finish(_:path:permissions:)`` ends the file. A file left by a failure is the caller's to
    /// remove.
    /// - Throws: a `CocoaError` naming `path`, with the system's reason (`Not a directory`, `Permission
    ///   denied`, `No space left on device`) as its underlying `POSIXError`.
    static func append(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws in
            var written = 0
            while written < bytes.count {
                let n = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if n > 0 {
                    written += n
                } else if n < 0 && errno != EINTR {
                    throw error(path)
                }
            }
        }
    }

    /// Starts writing what `descriptor` holds to disk without waiting for it (a hint; ``finish(_:path:permissions:)``
    /// still flushes and waits): Linux starts the write-back of a file's dirty pages when told their cached
    /// copy is no longer needed, and drops only the pages already on disk. A 6.5 MB file flushed 12 ms
    /// later then waited 0.8–1.3 ms in `fsync` instead of 2.9–4.5 ms.
    static func startWriting(_ descriptor: Int32) {
        #if os(Linux)
            _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_DONTNEED))
        #endif
    }

    /// Flushes the written file `path` to disk and gives it `permissions`.
    /// - Throws: as ``append(_:to:path:)``.
    static func finish(_ descriptor: Int32, path: String, permissions: Int) throws {
        guard fsync(descriptor) == 0, fchmod(descriptor, mode_t(permissions)) == 0 else { throw error(path) }
    }

    /// The error for a system call on `path` that failed with `errno`: what could not be written, and why.
    static func error(_ path: String) -> CocoaError {
        let underlying = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        return CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: underlying])
    }

    /// Removes the temporary files a killed writer left in `folder` (`.NAME.UUID.tmp` for any `NAME`).
    public static func removeStaleTemporaries(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") && name.split(separator: ".").count >= 3 {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// Fails unless files can be created in `folder` (created if missing, with `permissions` when given, as
    /// its later writer would make it): checked before a long run rather than after it.
    public static func checkWritable(folder: String, permissions: Int? = nil) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: folder, NSUnderlyingErrorKey: POSIXError(.ENOTDIR)])
        }
        let attributes: [FileAttributeKey: Any] = permissions.map { [.posixPermissions: $0] } ?? [:]
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: attributes)
        let probe = folder + "/.faceaudit-write-check.\(UUID().uuidString).tmp"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw error(folder) }
        close(descriptor)
        unlink(probe)
    }

    /// Writes text atomically.
    public static func write(_ text: String, to path: String, permissions: Int = 0o644) throws {
        try write(Data(text.utf8), to: path, permissions: permissions)
    }
}
