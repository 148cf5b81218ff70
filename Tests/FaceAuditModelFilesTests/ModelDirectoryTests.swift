import FaceAuditHashing
import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditModelFiles

@Suite("Model files")
struct ModelDirectoryTests {
    @Test("resolution order: explicit, FACEAUDIT_MODELS, XDG_DATA_HOME, HOME")
    func resolution() {
        let env = ["FACEAUDIT_MODELS": "/env/models", "XDG_DATA_HOME": "/xdg", "HOME": "/home/u"]
        #expect(ModelDirectory.resolve(explicit: "/cli", environment: env).path == "/cli")
        #expect(ModelDirectory.resolve(explicit: nil, environment: env).path == "/env/models")
        #expect(ModelDirectory.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/xdg"]).path == "/xdg/faceaudit/models")
        #expect(ModelDirectory.resolve(explicit: nil, environment: ["HOME": "/home/u"]).path == "/home/u/.local/share/faceaudit/models")
    }

    @Test("a missing model names the fix command")
    func missing() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try ModelDirectory(path: folder.path).verifyAll()
            Issue.record("an empty folder verified")
        } catch {
            #expect(error.code == .missing)
            #expect(error.description.contains("scripts/bootstrap"))
        }
    }

    @Test("a corrupt model of the right size fails its SHA-256")
    func corrupt() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = ModelFile.detector
        try Data(count: file.size).write(to: folder.appendingPathComponent(file.name))
        do {
            _ = try ModelDirectory(path: folder.path).verify(file)
            Issue.record("zeros verified as the detector")
        } catch {
            #expect(error.code == .corrupt)
            #expect(error.detail.contains("SHA-256"))
        }
    }

    @Test("a truncated model fails on its size")
    func truncated() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(count: 10).write(to: folder.appendingPathComponent(ModelFile.landmarks5.name))
        #expect(throws: ModelError.self) { try ModelDirectory(path: folder.path).verify(.landmarks5) }
    }

    @Test("the installed models verify (scripts/bootstrap installs them)")
    func installed() throws {
        let directory = ModelDirectory.resolve(explicit: nil)
        try directory.verifyAll()
    }
}

@Suite("SHA-256")
struct SHA256Tests {
    @Test("known answers (FIPS 180-2 examples)")
    func knownAnswers() {
        #expect(SHA256Digest(of: Data()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest(of: Data("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let million = Data(repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256Digest(of: million).hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("file digest equals buffer digest across block boundaries")
    func file() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = Data((0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let url = folder.appendingPathComponent("blob")
        try data.write(to: url)
        #expect(try SHA256Digest(ofFileAt: url.path) == SHA256Digest(of: data))
        #expect(SHA256Digest(hex: SHA256Digest(of: data).hex) == SHA256Digest(of: data))
        #expect(SHA256Digest(hex: "xyz") == nil)
    }
}
