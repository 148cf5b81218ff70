import FaceAuditHashing
import Foundation

/// A SHA-256 that identifies exactly the data a run measured: the dataset's label file and every image's
/// bytes, under the path the manifest gives it.
///
/// **What is hashed.** A listing in the form `sha256sum` prints, one line per file:
///
/// ```
/// <64 lower-case hex digits of the file's SHA-256><two spaces><path>\n
/// ```
///
/// - one line for the label file the dataset was read from, when it was read from one: the CSV manifest
///   (layout `csv`) or `labels.csv` (layout `london`), under its path relative to the dataset's root
///   (`manifest.csv`, `labels.csv`). UTKFace and LFW folders have none: their labels and subjects are in
///   the image paths, which are hashed;
/// - one line per image record, under its path exactly as the manifest gives it (relative to the root,
///   or absolute with `--allow-outside-paths`). An image listed twice is listed twice. An image that cannot
///   be read has the word `unreadable` where its hash would be;
/// - lines sorted by path, bytewise (UTF-8; as `LC_ALL=C sort -k 2`); a path holding a backslash, a line
///   feed or a carriage return is written as GNU `sha256sum` writes it (the line starts with `\`, and those
///   characters become `\\`, `\n`, `\r`).
///
/// ``value`` is the SHA-256 of that listing's UTF-8 bytes. So, for the London Set, this reproduces it with
/// no FaceAudit at all:
///
/// ```sh
/// cd datasets/london && { sha256sum labels.csv; tail -n +2 labels.csv | cut -d, -f1 | xargs sha256sum; } \
///   | LC_ALL=C sort -k 2 | sha256sum
/// ```
///
/// **What is not hashed:** the dataset card (`card.json`, `--card`: it describes the data, it is not
/// data), files in the folder that the manifest does not list, file names' metadata (times, modes), and
/// the settings of the run (those are in `configuration`). The listing itself names files, so it is never
/// written; only its hash is.
///
/// The same data gives the same value on any machine, in any run, whatever the order of the manifest's
/// rows' files on disk; changing one byte of one listed image, or one byte of the label file (a label),
/// changes it.
public struct DatasetFingerprint: Sendable, Codable, Equatable {
    /// The hash function: `SHA-256`.
    public var algorithm: String
    /// What the hash is taken over, by name and version: ``Scheme``.
    public var scheme: String
    /// 64 lower-case hex digits.
    public var value: String
    /// Files in the listing: label files plus image records.
    public var files: Int
    /// Of ``files``, the label files.
    public var labelFiles: Int
    /// Of ``files``, the images that could not be read (listed as `unreadable`).
    public var unreadable: Int
    /// What the value covers, in words (shown on the report's page).
    public var covers: String

    /// The schemes, each a stable name: a change of what is hashed gets a new name.
    public enum Scheme {
        /// The label file and every image, as described on ``DatasetFingerprint``.
        public static let files = "faceaudit.dataset-files/1"
        /// A score file's bytes (`run --scores`): the listing has its one line, under its file name.
        public static let scoreFile = "faceaudit.score-file/1"
        /// The simulated population: no data, only the settings that generate it.
        public static let simulated = "faceaudit.simulated-population/1"
    }

    enum CodingKeys: String, CodingKey {
        case algorithm, scheme, value, files, covers, unreadable
        case labelFiles = "label_files"
    }

    /// The fingerprint of `manifest`'s label file and images.
    ///
    /// - Parameter imageDigests: each record's image digest, in manifest order, when a pass that already
    ///   read every image computed them (nil for an image it could not read); nil: the images are read and
    ///   hashed here, in 1 MiB blocks.
    public init(manifest: Manifest, imageDigests: [SHA256Digest?]? = nil) {
        precondition(imageDigests == nil || imageDigests?.count == manifest.records.count, "one digest per record")
        var entries: [(path: String, digest: SHA256Digest?)] = []
        let labelFile = Self.labelFile(of: manifest)
        if let labelFile { entries.append((labelFile.name, try? SHA256Digest(ofFileAt: labelFile.path))) }
        for (i, record) in manifest.records.enumerated() {
            let digest = imageDigests.map { $0[i] } ?? (try? SHA256Digest(ofFileAt: manifest.absolutePath(of: record)))
            entries.append((record.path, digest))
        }
        self.init(
            scheme: Scheme.files, entries: entries, labelFiles: labelFile == nil ? 0 : 1,
            covers:
                "SHA-256 of a sha256sum-style listing of the \(labelFile == nil ? "" : "label file and the ")\(manifest.records.count) images the manifest lists, sorted by path; not the dataset card, not files the manifest does not list"
        )
    }

    /// The fingerprint of one file read whole (a score file), listed under `name`.
    public init(file path: String, name: String) {
        self.init(
            scheme: Scheme.scoreFile, entries: [(name, try? SHA256Digest(ofFileAt: path))], labelFiles: 0,
            covers: "SHA-256 of a sha256sum-style listing of the score file; the images behind the scores are not covered")
    }

    /// The simulated population's fingerprint: the SHA-256 of `simulated-population subjects=<n> seed=<s>`.
    /// There is no data; the same settings give the same population with the same tool version and commit.
    public init(simulatedSubjects subjects: Int, seed: UInt64) {
        let text = "simulated-population subjects=\(subjects) seed=\(seed)\n"
        self.algorithm = "SHA-256"
        self.scheme = Scheme.simulated
        self.value = SHA256Digest(of: Data(text.utf8)).hex
        self.files = 0
        self.labelFiles = 0
        self.unreadable = 0
        self.covers =
            "SIMULATED: no data was read. SHA-256 of the settings that generate the population (\(subjects) people, seed \(seed)); the same settings give the same population with the same tool version and commit"
    }

    private init(scheme: String, entries: [(path: String, digest: SHA256Digest?)], labelFiles: Int, covers: String) {
        let listing = Self.listing(entries)
        self.algorithm = "SHA-256"
        self.scheme = scheme
        self.value = SHA256Digest(of: Data(listing.utf8)).hex
        self.files = entries.count
        self.labelFiles = labelFiles
        self.unreadable = entries.filter { $0.digest == nil }.count
        self.covers = covers
    }

    /// The listing that ``value`` hashes (it names files: never write it into an output).
    static func listing(_ entries: [(path: String, digest: SHA256Digest?)]) -> String {
        // Sorted on each path's bytes, taken once (comparing the strings' UTF-8 views pair by pair, and
        // scanning each path by Character, took 1% of a 20,000-template run). A backslash, line feed or
        // carriage return is one byte in UTF-8 and never part of another scalar's bytes (though a
        // backslash may begin a Character with a combining mark: it is escaped, as GNU sha256sum does).
        let bytes = entries.map { Array($0.path.utf8) }
        let order = entries.indices.sorted { bytes[$0].lexicographicallyPrecedes(bytes[$1]) }
        return order.map { k in
            let entry = entries[k]
            let hash = entry.digest?.hex ?? "unreadable"
            let special = bytes[k].contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
            guard special else { return "\(hash)  \(entry.path)\n" }
            var escaped = ""
            for scalar in entry.path.unicodeScalars {
                switch scalar {
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return "\\\(hash)  \(escaped)\n"
        }.joined()
    }

    /// The file the records were read from, with its path relative to the root (its file name when it lies
    /// elsewhere); nil when the dataset was read from a folder's file names.
    static func labelFile(of manifest: Manifest) -> (path: String, name: String)? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: manifest.source, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        let file = URL(fileURLWithPath: manifest.source).standardizedFileURL.path
        let root = URL(fileURLWithPath: manifest.root).standardizedFileURL.path
        let prefix = root.hasSuffix("/") ? root : root + "/"
        let name = file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : URL(fileURLWithPath: file).lastPathComponent
        return (manifest.source, name)
    }
}
