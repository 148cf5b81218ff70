import Foundation

/// One file of an ``OutputSet``: its name inside the output folder, its mode, and how to make its bytes.
public struct OutputFile: Sendable {
    /// The file's name inside the output folder (one path component, no `/`).
    public var name: String
    /// Its POSIX mode once written (0644 for shared outputs, 0600 for one that names images).
    public var permissions: Int
    /// Hands the file's bytes, in order, to the function it is given, which writes each piece straight to
    /// the file; called once, while the set is written. A throw, here or by a write, abandons the whole
    /// set. A file made whole is one piece.
    public var pieces: @Sendable (_ write: (Data) throws -> Void) throws -> Void

    /// Creates a file whose bytes `contents` makes.
    public init(name: String, permissions: Int = 0o644, contents: @escaping @Sendable () throws -> Data) {
        self.init(name: name, permissions: permissions) { write in try write(contents()) }
    }

    /// Creates a file too large to hold whole: `pieces` hands its bytes, piece after piece, to the
    /// function it is given, and the set writes each to the file as it comes, so that only a piece is in
    /// memory at a time.
    public init(name: String, permissions: Int = 0o644, pieces: @escaping @Sendable (_ write: (Data) throws -> Void) throws -> Void) {
        self.name = name
        self.permissions = permissions
        self.pieces = pieces
    }

    /// The file's bytes, its pieces joined.
    public func contents() throws -> Data {
        var whole = Data()
        try pieces { whole.append($0) }
        return whole
    }

    /// Creates a text file.
    public init(name: String, permissions: Int = 0o644, text: @escaping @Sendable () throws -> String) {
        self.init(name: name, permissions: permissions) { Data(try text().utf8) }
    }
}

/// The files a run writes into its output folder, which readers see whole or not at all.
///
/// ``write(to:)`` makes every file in a staging folder inside the output folder, `.staging-UUID` (mode 0700,
/// each file 0600 until complete, then its own mode, flushed to disk), then moves them into place:
/// 1. the earlier set's marker (`summary.json`) is removed, so from now on the folder holds no complete set;
/// 2. every other new file is renamed over its old one, and the earlier set's files that this set does not
///    have are removed;
/// 3. the marker is renamed in last, and the folder is flushed.
///
/// So the folder holds the earlier complete set until step 1 and the new complete set after step 3; only
/// during the renames (microseconds) or after a crash in them is there a folder without a marker, which every
/// reader refuses as incomplete. A crash while the files are being made leaves the earlier set untouched and
/// a staging folder that the next write removes. A writer holds a lock (`flock`) on its staging folder, so a
/// concurrent writer removes only folders whose writer died. SIGINT, SIGTERM or SIGHUP during the write remove
/// the staging folder and end the process with 128 + the signal after one line (after the commit, if it had
/// begun), so an interrupt leaves no staging folder either, in every write of a process (``InterruptGuard``). Nothing else in the folder (shard partials, Slurm folders,
/// other files) is touched.
///
/// A folder with no marker is not an earlier set: a file in it named as a member (a user's `quality.csv`
/// or `scores.csv`) is never replaced or removed; the write is refused instead (``OutputSetError``), as it is
/// when one of the run's inputs is a file the set would replace (`--scores out/scores.csv --out out`).
public struct OutputSet: Sendable {
    /// The files (``write(to:inputs:)`` makes the marker first, then the others in this order).
    public var files: [OutputFile]
    /// The name of the file that marks a complete set (`summary.json`).
    public var marker: String
    /// Every name a set of this kind may hold: a file of these names that `files` does not list (an earlier
    /// run's `scores.csv` when this run has none) is removed, so the folder never holds one set's files beside
    /// another's.
    public var members: Set<String>

    /// The prefix of staging folders' names.
    public static let stagingPrefix = ".staging-"

    /// Creates a set; `marker` must be one of `files`.
    ///
    /// A set of no files but its marker and `members` is enough for ``check(_:inputs:)``.
    public init(files: [OutputFile], marker: String, members: Set<String>) {
        self.files = files
        self.marker = marker
        self.members = members.union(files.map(\.name))
    }

    /// Writes every file into `folder` (created if missing) as described above; `inputs` are the paths the
    /// run read, none of which the set may replace.
    /// - Throws: ``OutputSetError`` before anything is written when `folder` holds member-named files but no
    ///   marker, or an input is one of the set's files; what making a file throws, or a `CocoaError` naming
    ///   the path that could not be written; the earlier set is then left as it was (unless the failure was
    ///   in the renames themselves).
    public func write(to folder: String, inputs: [String] = []) throws {
        precondition(files.contains { $0.name == marker } && files.allSatisfy { !$0.name.contains("/") && !$0.name.hasPrefix(".") })
        try check(folder, inputs: inputs)
        let manager = FileManager.default
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        Self.removeStaleStaging(in: folder)
        let staging = folder + "/" + Self.stagingPrefix + UUID().uuidString
        let interrupts = InterruptGuard.shared
        // From here an interrupt removes the staging folder and ends the process, or waits for the commit.
        let (registration, lock) = try interrupts.begin(
            removing: staging, note: "no outputs were written to \(folder) (an earlier complete set there is kept)"
        ) { () throws -> Int32 in
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            return open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        defer {
            try? manager.removeItem(atPath: staging)
            if lock >= 0 { close(lock) }
            interrupts.end(registration)
        }
        guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else { throw AtomicFile.error(staging) }
        do {
            // Every file is made and its writing to disk started before any is flushed, the marker (a run's
            // largest file) first, so that the disk writes each file while the next ones are made: flushed
            // one after another as they were made, a 20,000-template run waited 7–10 ms in `fsync`.
            var made: [(descriptor: Int32, path: String, permissions: Int)] = []
            defer { for file in made { close(file.descriptor) } }
            for file in files.filter({ $0.name == marker }) + files.filter({ $0.name != marker }) {
                let path = staging + "/" + file.name
                let descriptor = try interrupts.creating { try AtomicFile.openNew(path) }
                made.append((descriptor, path, file.permissions))
                try file.pieces { try AtomicFile.append($0, to: descriptor, path: path) }
                AtomicFile.startWriting(descriptor)
            }
            for file in made { try AtomicFile.finish(file.descriptor, path: file.path, permissions: file.permissions) }
            guard fsync(lock) == 0 else { throw AtomicFile.error(staging) }
        } catch {
            // An interrupt's handler removing the staging folder makes the next file fail; it reports that itself.
            interrupts.waitIfInterrupted()
            throw error
        }
        try interrupts.committing(registration, note: "the outputs in \(folder) were written completely first") {
            try commit(from: staging, to: folder)
        }
    }

    /// Moves the made files from `staging` into `folder`: the marker out, the others in, the earlier set's
    /// leftovers out, the marker in, the folder flushed.
    private func commit(from staging: String, to folder: String) throws {
        let markerPath = folder + "/" + marker
        guard unlink(markerPath) == 0 || errno == ENOENT else { throw AtomicFile.error(markerPath) }
        let names = Set(files.map(\.name))
        for file in files where file.name != marker {
            guard rename(staging + "/" + file.name, folder + "/" + file.name) == 0 else { throw AtomicFile.error(folder + "/" + file.name) }
        }
        for name in members.subtracting(names).sorted() {
            guard unlink(folder + "/" + name) == 0 || errno == ENOENT else { throw AtomicFile.error(folder + "/" + name) }
        }
        guard rename(staging + "/" + marker, markerPath) == 0 else { throw AtomicFile.error(markerPath) }
        let parent = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if parent >= 0 {
            fsync(parent)
            close(parent)
        }
    }

    /// Refuses a write that would replace a file the set does not own: a member-named file in a folder
    /// without a marker, or an input. ``write(to:inputs:)`` checks so; a caller checks before its work too,
    /// so that a refusal comes before the work rather than after it.
    public func check(_ folder: String, inputs: [String]) throws(OutputSetError) {
        for input in inputs where members.contains(where: { InputFile.samePath(input, folder + "/" + $0) }) {
            throw OutputSetError(folder: folder, message: "would replace the input \(input); write the outputs to another folder")
        }
        var status = stat()
        guard lstat(folder + "/" + marker, &status) != 0 else { return }
        for name in members.sorted() where lstat(folder + "/" + name, &status) == 0 {
            throw OutputSetError(
                folder: folder,
                message:
                    "holds \(name) but no \(marker), so it is not a FaceAudit output folder (or its last write was interrupted); choose another output folder, or move \(name) away"
            )
        }
    }

    /// Removes the staging folders that writers which died (kill -9, power loss) left in `folder`: those whose
    /// lock can be taken. A live writer's folder is locked and stays.
    public static func removeStaleStaging(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(stagingPrefix) {
            let path = folder + "/" + name
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { try? FileManager.default.removeItem(atPath: path) }
            close(descriptor)
        }
    }

}

/// A write refused because it would replace a file the output set does not own.
public struct OutputSetError: Error, Sendable, CustomStringConvertible {
    /// The output folder.
    public let folder: String
    /// Why, as the end of a sentence that starts with the folder.
    public let message: String

    /// `folder message`.
    public var description: String { "\(folder) \(message)" }
}
