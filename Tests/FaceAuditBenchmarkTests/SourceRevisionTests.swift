import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditBenchmark

/// The commit read from the repository's files, checked against git itself, and "unknown" when there is
/// none to read.
@Suite("source revision")
struct SourceRevisionTests {
    @Test("this repository's commit, read from its files, is what git rev-parse HEAD says; the test binary finds it too")
    func matchesGit() throws {
        let root = TestPaths.repositoryRoot
        let head = try #require(Git.run(["rev-parse", "HEAD"], in: root), "git is needed for this test")
        #expect(SourceRevision(lookingUpFrom: root.appendingPathComponent("Sources/FaceAuditBenchmark").path).commit == head)
        // The test binary sits under .build in the same repository, as the faceaudit executable does.
        #expect(SourceRevision.current.commit == head)
    }

    @Test("a branch in packed-refs, a detached HEAD and a worktree's gitdir file are followed")
    func layouts() throws {
        let folder = try TestPaths.temporaryDirectory("revision")
        defer { try? FileManager.default.removeItem(at: folder) }
        let commit = String(repeating: "ab", count: 20)
        let git = folder.appendingPathComponent("repo/.git")
        try FileManager.default.createDirectory(at: git.appendingPathComponent("refs/heads"), withIntermediateDirectories: true)
        try "ref: refs/heads/main\n".write(to: git.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        try "# pack-refs with: peeled fully-peeled sorted\n\(commit) refs/heads/main\n^\(String(repeating: "cd", count: 20))\n".write(
            to: git.appendingPathComponent("packed-refs"), atomically: true, encoding: .utf8)
        let deep = folder.appendingPathComponent("repo/a/b")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        let packed = SourceRevision(lookingUpFrom: deep.path)
        #expect(packed.commit == commit && packed.ref == "refs/heads/main")
        // A loose ref wins over packed-refs.
        let loose = String(repeating: "12", count: 20)
        try "\(loose)\n".write(to: git.appendingPathComponent("refs/heads/main"), atomically: true, encoding: .utf8)
        #expect(SourceRevision(lookingUpFrom: deep.path).commit == loose)
        // A worktree: .git is a file naming its git folder, whose commondir holds the refs.
        let worktreeGit = git.appendingPathComponent("worktrees/wt")
        try FileManager.default.createDirectory(at: worktreeGit, withIntermediateDirectories: true)
        try "ref: refs/heads/main\n".write(to: worktreeGit.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        try "../..\n".write(to: worktreeGit.appendingPathComponent("commondir"), atomically: true, encoding: .utf8)
        let worktree = folder.appendingPathComponent("wt")
        try FileManager.default.createDirectory(at: worktree, withIntermediateDirectories: true)
        try "gitdir: \(worktreeGit.path)\n".write(to: worktree.appendingPathComponent(".git"), atomically: true, encoding: .utf8)
        #expect(SourceRevision(lookingUpFrom: worktree.path).commit == loose)
        // Detached.
        try "\(commit)\n".write(to: worktreeGit.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        let detached = SourceRevision(lookingUpFrom: worktree.path)
        #expect(detached.commit == commit && detached.ref == nil)
    }

    @Test("no repository, a missing ref or a malformed HEAD give unknown, never a guess")
    func unknown() throws {
        let folder = try TestPaths.temporaryDirectory("revision")
        defer { try? FileManager.default.removeItem(at: folder) }
        // /tmp has no repository above it.
        #expect(SourceRevision(lookingUpFrom: folder.path).commit == SourceRevision.unknown)
        let git = folder.appendingPathComponent(".git")
        try FileManager.default.createDirectory(at: git, withIntermediateDirectories: true)
        try "ref: refs/heads/gone\n".write(to: git.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        #expect(SourceRevision(lookingUpFrom: folder.path).commit == SourceRevision.unknown)
        try "not a commit\n".write(to: git.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        #expect(SourceRevision(lookingUpFrom: folder.path).commit == SourceRevision.unknown)
        try "ref: refs/../../etc/passwd\n".write(to: git.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        #expect(SourceRevision(lookingUpFrom: folder.path).commit == SourceRevision.unknown)
    }
}
