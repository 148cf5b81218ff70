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
/// This is the one piece of process-wide state in the supervisor, because signals are process-wide. Each
/// ``SupervisedProcess`` registers a ``Launch`` with FaceAuditFiles' `InterruptGuard`, the process's one
/// interrupt handler, *before* it starts its child (``launching(program:)``), tells it the child's group once
/// the child runs (``started(_:group:)``), and ends it when the child has ended (``ended(_:)``). The guard
/// kills the group (SIGKILL) before it removes any unfinished output and prints its one line, which then says
/// `the process group of PROGRAM was killed`.
///
/// Registering first closes the window between starting a child and registering its group, in which a signal
/// once left the child running: an interrupt that comes while a child is being started waits (at most
/// ``Launch/startWait``) for the start to succeed or fail, then kills the group it started. The line says what
/// happened: the group was killed; nothing (the start failed, or the child had ended); or the program was
/// still being started when the wait ran out and may keep running (FaceAudit cannot know its group, and exits
/// without it rather than hang). Nothing between
/// the start and ``started(_:group:)`` takes the guard's lock, which the handler holds while it waits. Once an
/// interrupt has begun, no child is started: registering waits for the guard's lock until the process ends.
public final class ProcessGroups: @unchecked Sendable {
    /// The groups of this process's supervised children.
    public static let live = ProcessGroups()

    private let lock = NSLock()
    private var groups: Set<Int32> = []

    private init() {}

    #if DEBUG
        /// Tests only: called on the supervising thread with a child's process group as soon as the child runs,
        /// before the supervisor learns of its group, so that a test can interrupt there.
        nonisolated(unsafe) static var startedForTesting: (@Sendable (Int32) -> Void)?
        /// Tests only: called on the supervising thread once a child is registered and before it is started, so
        /// that a test can interrupt while it is being started.
        nonisolated(unsafe) static var launchingForTesting: (@Sendable () -> Void)?
        /// Tests only: called on the supervising thread once a child has ended and been reaped, before its end
        /// is recorded.
        nonisolated(unsafe) static var reapedForTesting: (@Sendable () -> Void)?
    #endif

    /// One child, from just before it is started until it has ended: what an interrupt kills.
    final class Launch: @unchecked Sendable {
        /// How long an interrupt waits for a child being started to run or fail, before it ends FaceAudit
        /// without it: a start takes milliseconds, and an interrupt must never hang.
        #if DEBUG
            /// (Tests shorten it.)
            nonisolated(unsafe) static var startWait: TimeInterval = 5
        #else
            static let startWait: TimeInterval = 5
        #endif

        private enum State {
            case starting
            case running(Int32)
            case over
        }

        /// The program's name, as the interrupt's line gives it.
        let name: String
        private let condition = NSCondition()
        // Guarded by `condition`:
        private var state = State.starting
        private var interrupted = false
        fileprivate var registration: InterruptGuard.Registration?

        init(name: String) { self.name = name }

        /// The interrupt's action (on the guard's thread, with its lock held): waits while the child is being
        /// started, then kills its group, if it runs. Returns what the interrupt's line says of it.
        fileprivate func interrupt() -> String? {
            condition.lock()
            defer { condition.unlock() }
            interrupted = true
            let deadline = Date().addingTimeInterval(Self.startWait)
            while case .starting = state, condition.wait(until: deadline) {}
            switch state {
            case .running(let group):
                // ESRCH: the child has ended and been reaped, and its end is not recorded yet; nothing was killed.
                return kill(-group, SIGKILL) == 0 ? "the process group of \(name) was killed" : nil
            case .starting:
                return "\(name) was still being started after \(Duration.seconds(Self.startWait).formattedSeconds) and may keep running"
            case .over:
                return nil
            }
        }

        /// The child runs in `group`; killed at once if an interrupt has begun (it waited no longer).
        fileprivate func started(_ group: Int32) {
            condition.withLock {
                state = .running(group)
                if interrupted { kill(-group, SIGKILL) }
                condition.broadcast()
            }
        }

        /// The child has ended, or never started: nothing left to kill. Its group, if it had one.
        fileprivate func ended() -> (group: Int32?, registration: InterruptGuard.Registration?) {
            condition.withLock {
                let group: Int32? = if case .running(let group) = state { group } else { nil }
                state = .over
                condition.broadcast()
                return (group, registration)
            }
        }

        fileprivate func registered(_ registration: InterruptGuard.Registration) {
            condition.withLock { self.registration = registration }
        }
    }

    /// Registers the child about to run `program`, before it is started. Waits, without end, while an interrupt
    /// is being handled: the process is then about to exit, and starts nothing more.
    func launching(program: String) -> Launch {
        let launch = Launch(name: (program as NSString).lastPathComponent)
        let (registration, _) = InterruptGuard.shared.begin(removing: nil, onInterrupt: { launch.interrupt() }, creating: {})
        launch.registered(registration)
        #if DEBUG
            ProcessGroups.launchingForTesting?()
        #endif
        return launch
    }

    /// The child of `launch` runs, in its own process group `group`. Takes no lock of the interrupt guard.
    func started(_ launch: Launch, group: Int32) {
        lock.withLock { _ = groups.insert(group) }
        launch.started(group)
    }

    /// The child of `launch` has ended, or never started: an interrupt no longer kills its group.
    func ended(_ launch: Launch) {
        // Said to the launch first: an interrupt waiting for the start stops waiting before `end` waits for it.
        let (group, registration) = launch.ended()
        if let group { lock.withLock { _ = groups.remove(group) } }
        if let registration { InterruptGuard.shared.end(registration) }
    }

    /// The groups alive now.
    public var current: Set<Int32> { lock.withLock { groups } }

    /// Sends SIGKILL to every live group.
    public func killAll() {
        for group in current { kill(-group, SIGKILL) }
    }
}
