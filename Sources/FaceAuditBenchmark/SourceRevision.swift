import Foundation

/// The git commit of the source the running `faceaudit` sits in, read from the repository's files (no git
/// process).
///
/// How: from the executable's folder (`/proc/self/exe`, resolved), walk up to the first folder that has a
/// `.git` — a folder, or a file `gitdir: …` (a worktree). Read its `HEAD`: a commit hash (detached), or
/// `ref: refs/heads/…`, resolved through the git folder's own refs, then the common folder's (`commondir`,
/// for a worktree), then `packed-refs`. Anything else (no repository, an unreadable file, a ref that is
/// not there, a symbolic ref nested deeper than 5) gives ``unknown``: it never guesses.
///
/// What it is, exactly: the commit checked out **when the run ran**, in the repository holding the
/// executable. A binary built before a later commit or checkout is not told apart, and uncommitted changes
/// are not checked (``workingTree`` says so); an executable copied out of its repository has an unknown
/// commit.
public struct SourceRevision: Sendable, Equatable {
    /// 40 (SHA-1) or 64 (SHA-256) lower-case hex digits, or ``unknown``.
    public var commit: String
    /// The branch `HEAD` names (`refs/heads/main`), if it names one.
    public var ref: String?

    /// What `commit` is when it cannot be read.
    public static let unknown = "unknown"
    /// Whether the working tree had uncommitted changes: not checked (it would need git's index).
    public static let workingTree = "not checked"
    /// How ``commit`` was found, for `summary.json` and the report.
    public static let method =
        "HEAD of the git repository holding the executable, read at run time; a binary built before that commit and uncommitted changes are not detected"

    /// The revision of the running executable's repository.
    public static let current: SourceRevision = {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath
            ?? CommandLine.arguments[0]
        return SourceRevision(lookingUpFrom: URL(fileURLWithPath: executable).deletingLastPathComponent().path)
    }()

    /// The revision of the first repository at or above `folder`.
    public init(lookingUpFrom folder: String) {
        commit = Self.unknown
        ref = nil
        var url = URL(fileURLWithPath: folder).standardizedFileURL
        while true {
            if let gitDirectory = Self.gitDirectory(in: url.path) {
                if let found = Self.resolve(gitDirectory: gitDirectory) { (commit, ref) = found }
                return
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return }
            url = parent
        }
    }

    /// The git folder of `folder`'s `.git`: the folder itself, or the one a `gitdir:` file names.
    static func gitDirectory(in folder: String) -> String? {
        let dotGit = folder + "/.git"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let text = read(dotGit), text.hasPrefix("gitdir:") else { return nil }
        let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
        return path.hasPrefix("/") ? path : folder + "/" + path
    }

    /// `HEAD` resolved to a commit, with the ref it went through.
    static func resolve(gitDirectory: String) -> (commit: String, ref: String?)? {
        let common = read(gitDirectory + "/commondir").map { $0.hasPrefix("/") ? $0 : gitDirectory + "/" + $0 } ?? gitDirectory
        guard var head = read(gitDirectory + "/HEAD") else { return nil }
        var ref: String?
        for _ in 0..<5 {
            if isCommit(head) { return (head, ref) }
            guard head.hasPrefix("ref:") else { return nil }
            let name = head.dropFirst("ref:".count).trimmingCharacters(in: .whitespaces)
            guard name.hasPrefix("refs/"), !name.contains("..") else { return nil }
            ref = ref ?? name
            if let loose = read(gitDirectory + "/" + name) ?? read(common + "/" + name) {
                head = loose
            } else if let packed = packedRef(name, in: common) {
                head = packed
            } else {
                return nil
            }
        }
        return nil
    }

    /// A ref's commit in `packed-refs` (`<hash> <name>` lines; `#` and `^` lines skipped).
    static func packedRef(_ name: String, in gitDirectory: String) -> String? {
        guard let text = read(gitDirectory + "/packed-refs", limit: 1 << 28) else { return nil }
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("^") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[1] == name, isCommit(String(parts[0])) { return String(parts[0]) }
        }
        return nil
    }

    /// 40 or 64 lower-case hex digits.
    static func isCommit(_ text: String) -> Bool {
        (text.count == 40 || text.count == 64) && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// A file's text (up to `limit` bytes), trimmed; nil when it cannot be read.
    static func read(_ path: String, limit: Int = 1 << 20) -> String? {
        guard let data = FileManager.default.contents(atPath: path), data.count < limit, let text = String(data: data, encoding: .utf8)
        else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
