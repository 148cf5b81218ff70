import FaceAuditFiles
import FaceAuditTestSupport
import Foundation
import Testing

/// A run's outputs are one set: a reader finds the previous complete set or the new one, never a mix.
@Suite("output sets")
struct OutputSetTests {
    struct Interrupted: Error {}

    /// A set of `names` (the last is the marker) whose files hold `tag`; the file at `failing` throws instead.
    static func set(_ names: [String], tag: String, failing: Int? = nil) -> OutputSet {
        let files = names.enumerated().map { index, name in
            OutputFile(name: name, permissions: name == "scores.csv" ? 0o600 : 0o644) {
                if index == failing { throw Interrupted() }
                return "\(tag) \(name)\n"
            }
        }
        return OutputSet(files: files, marker: names.last!, members: ["a.csv", "b.csv", "scores.csv", "report.html", "summary.json"])
    }

    /// The folder's entries and their texts.
    static func contents(_ folder: URL) throws -> [String: String] {
        var found: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            var isFolder: ObjCBool = false
            let path = folder.appendingPathComponent(name).path
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            found[name] = isFolder.boolValue ? "<folder>" : try String(contentsOfFile: path, encoding: .utf8)
        }
        return found
    }

    static let names = ["a.csv", "b.csv", "report.html", "summary.json"]

    /// From a hostile-input review: a run into a folder that never held one removed the user's
    /// `quality.csv` and `watchlist.csv` as an earlier set's leftovers, and `--scores out/scores.csv --out
    /// out` removed its own input; all with exit 0.
    @Test("a folder without a marker keeps its member-named files, and no input is replaced")
    func userFilesAreKept() throws {
        let folder = try TestPaths.temporaryDirectory("output-set")
        defer { try? FileManager.default.removeItem(at: folder) }
        try "notes\n".write(to: folder.appendingPathComponent("scores.csv"), atomically: true, encoding: .utf8)
        let error = try #require(throws: OutputSetError.self) { try Self.set(Self.names, tag: "new").write(to: folder.path) }
        #expect(error.message.hasPrefix("holds scores.csv but no summary.json"))
        #expect(try Self.contents(folder) == ["scores.csv": "notes\n"])

        // With a set in place: an input named as one of its files is refused; another input is fine.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("scores.csv"))
        try Self.set(Self.names, tag: "old").write(to: folder.path)
        let input = folder.appendingPathComponent("a.csv").path
        #expect(throws: OutputSetError.self) { try Self.set(Self.names, tag: "new").write(to: folder.path, inputs: [input]) }
        #expect(try Self.contents(folder)["a.csv"] == "old a.csv\n")
        try Self.set(Self.names, tag: "new").write(to: folder.path, inputs: [folder.appendingPathComponent("other.csv").path])
        #expect(try Self.contents(folder)["a.csv"] == "new a.csv\n")
    }

    @Test("a write that fails after some files leaves the previous complete set, and nothing else")
    func interruptedWrite() throws {
        let folder = try TestPaths.temporaryDirectory("output-set")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.set(Self.names, tag: "old").write(to: folder.path)
        let old = try Self.contents(folder)
        #expect(old.count == 4 && old["report.html"] == "old report.html\n")
        for failing in 0..<Self.names.count {
            #expect(throws: Interrupted.self) { try Self.set(Self.names, tag: "new", failing: failing).write(to: folder.path) }
            #expect(try Self.contents(folder) == old, "failing at file \(failing)")
        }
        try Self.set(Self.names, tag: "new").write(to: folder.path)
        #expect(try Self.contents(folder) == Dictionary(uniqueKeysWithValues: Self.names.map { ($0, "new \($0)\n") }))
    }

    /// `subjects.json` is written piece by piece (444 MB at 50,000 templates; held whole, it made a default
    /// run's peak memory).
    @Test("a file made in pieces is written as their concatenation; a piece that throws leaves the previous set")
    func filesInPieces() throws {
        let folder = try TestPaths.temporaryDirectory("output-set")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.set(Self.names, tag: "old").write(to: folder.path)
        let old = try Self.contents(folder)
        /// `report.html` in three pieces (an empty one among them), the second throwing when `failing`.
        func pieced(failing: Bool) -> OutputSet {
            var files = Self.set(Self.names, tag: "new").files
            files[2] = OutputFile(name: "report.html", permissions: 0o600) { write in
                try write(Data("new ".utf8))
                if failing { throw Interrupted() }
                try write(Data())
                try write(Data("report.html in pieces\n".utf8))
            }
            return OutputSet(
                files: files, marker: "summary.json", members: ["a.csv", "b.csv", "scores.csv", "report.html", "summary.json"])
        }
        #expect(throws: Interrupted.self) { try pieced(failing: true).write(to: folder.path) }
        #expect(try Self.contents(folder) == old)
        let set = pieced(failing: false)
        try set.write(to: folder.path)
        #expect(try Self.contents(folder)["report.html"] == "new report.html in pieces\n")
        #expect(try set.files[2].contents() == Data("new report.html in pieces\n".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("report.html").path)[.posixPermissions]
        #expect(mode as? Int == 0o600)
    }

    @Test("a staging folder a killed writer left is removed by the next write; other folders and files stay")
    func killedWriter() throws {
        let folder = try TestPaths.temporaryDirectory("output-set-killed")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.set(Self.names, tag: "old").write(to: folder.path)
        // What kill -9 in the middle of a write leaves: a staging folder holding some of the new files.
        let staging = folder.appendingPathComponent(".staging-0F1E2D3C-0000-0000-0000-000000000000")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        try "new a.csv\n".write(to: staging.appendingPathComponent("a.csv"), atomically: false, encoding: .utf8)
        let shard = folder.appendingPathComponent("shard-0-of-2")
        try FileManager.default.createDirectory(at: shard, withIntermediateDirectories: false)
        try "notes".write(to: folder.appendingPathComponent("notes.txt"), atomically: false, encoding: .utf8)
        try Self.set(Self.names, tag: "new").write(to: folder.path)
        var expected = Dictionary(uniqueKeysWithValues: Self.names.map { ($0, "new \($0)\n") })
        expected["shard-0-of-2"] = "<folder>"
        expected["notes.txt"] = "notes"
        #expect(try Self.contents(folder) == expected)
    }

    @Test("a file of the earlier set that the new set does not have is removed, not kept beside the new set")
    func earlierMembers() throws {
        let folder = try TestPaths.temporaryDirectory("output-set-members")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.set(["a.csv", "scores.csv", "summary.json"], tag: "old").write(to: folder.path)
        let scores = folder.appendingPathComponent("scores.csv").path
        #expect((try FileManager.default.attributesOfItem(atPath: scores)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        try Self.set(["a.csv", "summary.json"], tag: "new").write(to: folder.path)
        #expect(try Self.contents(folder) == ["a.csv": "new a.csv\n", "summary.json": "new summary.json\n"])
        let a = folder.appendingPathComponent("a.csv").path
        #expect((try FileManager.default.attributesOfItem(atPath: a)[.posixPermissions] as? NSNumber)?.intValue == 0o644)
    }

    @Test("the staging folder of a writer still running is left alone")
    func liveWriter() throws {
        let folder = try TestPaths.temporaryDirectory("output-set-live")
        defer { try? FileManager.default.removeItem(at: folder) }
        let staging = folder.appendingPathComponent(".staging-0F1E2D3C-0000-0000-0000-000000000001")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        let descriptor = open(staging.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        try Self.set(Self.names, tag: "new").write(to: folder.path)
        #expect(FileManager.default.fileExists(atPath: staging.path))
    }
}
