import FaceAuditFiles
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process groups of the supervised children alive in this process, so that an interrupt
/// (SIGINT, SIGTERM, SIGHUP) kills them before FaceAudit exits.
///
/// This is the one piece of process-wide state in the supervisor, because signals are process-wide:
/// each ``SupervisedProcess`` registers its group when it starts and removes it when it has ended. A live
/// group is registered with FaceAuditFiles' `InterruptGuard`, the process's one interrupt handler, which
/// kills it (SIGKILL) before it removes any unfinished output and prints its one line, which then says
/// `the process group of PROGRAM was killed`.
public final class ProcessGroups: @unchecked Sendable {
    /// The groups of this process's supervised children.
    public static let live = ProcessGroups()

    private let lock = NSLock()
    private var groups: [Int32: InterruptGuard.Registration] = [:]

    private init() {}

    /// Registers `group`, whose leader runs `program`.
    func insert(_ group: Int32, program: String) {
        let name = (program as NSString).lastPathComponent
        let (registration, _) = InterruptGuard.shared.begin(
            removing: nil, note: "the process group of \(name) was killed", onInterrupt: { kill(-group, SIGKILL) }, creating: {})
        lock.withLock { groups[group] = registration }
    }

    func remove(_ group: Int32) {
        guard let registration = lock.withLock({ groups.removeValue(forKey: group) }) else { return }
        InterruptGuard.shared.end(registration)
    }

    /// The groups alive now.
    public var current: Set<Int32> { lock.withLock { Set(groups.keys) } }

    /// Sends SIGKILL to every live group.
    public func killAll() {
        for group in current { kill(-group, SIGKILL) }
    }
}
