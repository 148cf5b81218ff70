import FaceAuditHashing
import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditDatasets

/// The dataset fingerprint: stable across runs and machines, changed by one image byte or one label.
@Suite("dataset fingerprint")
struct DatasetFingerprintTests {
    /// A two-image CSV dataset in a fresh folder; rows out of path order, images in a subfolder.
    static func dataset(in folder: URL, label: String = "female", firstImage: String = "first image\n") throws -> URL {
        let images = folder.appendingPathComponent("img")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try Data(firstImage.utf8).write(to: images.appendingPathComponent("a.png"))
        try Data("second image\n".utf8).write(to: images.appendingPathComponent("b.png"))
        let manifest = folder.appendingPathComponent("manifest.csv")
        try "path,subject_id,gender\nimg/b.png,s2,male\nimg/a.png,s1,\(label)\n".write(to: manifest, atomically: true, encoding: .utf8)
        return manifest
    }

    static func fingerprint(label: String = "female", firstImage: String = "first image\n") throws -> DatasetFingerprint {
        let folder = try TestPaths.temporaryDirectory("fingerprint")
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try DatasetReader().read(path: try dataset(in: folder, label: label, firstImage: firstImage).path)
        return DatasetFingerprint(manifest: manifest)
    }

    @Test("the value is the SHA-256 of the sorted sha256sum listing, the same in any folder, on any machine")
    func stable() throws {
        // Computed once with coreutils, independently of FaceAudit:
        // { sha256sum manifest.csv; sha256sum img/b.png img/a.png; } | LC_ALL=C sort -k 2 | sha256sum
        let expected = "6d8155a2784c15da87f345036195039600405d8dbdfc0a04f798e9ab03f4a337"
        let first = try Self.fingerprint()
        let second = try Self.fingerprint()  // another temporary folder, another absolute path
        #expect(first.value == expected)
        #expect(second == first)
        #expect(first.files == 3 && first.labelFiles == 1 && first.unreadable == 0 && first.algorithm == "SHA-256")
        #expect(first.scheme == DatasetFingerprint.Scheme.files)
    }

    @Test("one changed byte of one image changes the value")
    func imageByte() throws {
        #expect(try Self.fingerprint(firstImage: "first imagE\n").value != Self.fingerprint().value)
    }

    @Test("one changed label changes the value")
    func label() throws {
        #expect(try Self.fingerprint(label: "male").value != Self.fingerprint().value)
    }

    @Test("digests from a pass that already read the images give the same value; an unreadable image is counted")
    func digests() throws {
        let folder = try TestPaths.temporaryDirectory("fingerprint")
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try DatasetReader().read(path: try Self.dataset(in: folder).path)
        let read = manifest.records.map { try? SHA256Digest(ofFileAt: manifest.absolutePath(of: $0)) }
        #expect(DatasetFingerprint(manifest: manifest, imageDigests: read) == DatasetFingerprint(manifest: manifest))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("img/a.png"))
        let missing = DatasetFingerprint(manifest: manifest)
        #expect(missing.unreadable == 1 && missing.value != DatasetFingerprint(manifest: manifest, imageDigests: read).value)
    }

    @Test("paths with a backslash or a line feed are listed as GNU sha256sum lists them")
    func escaping() throws {
        let digest = SHA256Digest(of: Data())
        let listing = DatasetFingerprint.listing([("b\\c\nd", digest), ("a", nil)])
        #expect(listing == "unreadable  a\n\\\(digest.hex)  b\\\\c\\nd\n")
    }

    /// GNU sha256sum escapes by bytes: a backslash followed by a combining mark is one Swift Character,
    /// yet its bytes hold a backslash (the listing used to be checked by Character, and missed it).
    @Test("a backslash joined to a combining mark is escaped too, and paths sort by their bytes")
    func escapingByBytes() {
        let digest = SHA256Digest(of: Data())
        let listing = DatasetFingerprint.listing([("\u{E9}.jpg", nil), ("x\\\u{301}.jpg", digest), ("e\u{301}.jpg", nil)])
        // Compared as bytes: String == would take é and e + U+0301 as equal.
        let expected = "unreadable  e\u{301}.jpg\n\\\(digest.hex)  x\\\\\u{301}.jpg\nunreadable  \u{E9}.jpg\n"
        #expect(Array(listing.utf8) == Array(expected.utf8))
    }

    @Test("the simulated population's fingerprint depends on its settings only, and says it is simulated")
    func simulated() {
        let a = DatasetFingerprint(simulatedSubjects: 600, seed: 1)
        #expect(a == DatasetFingerprint(simulatedSubjects: 600, seed: 1))
        #expect(a.value != DatasetFingerprint(simulatedSubjects: 600, seed: 2).value)
        #expect(a.covers.hasPrefix("SIMULATED") && a.files == 0)
    }
}
