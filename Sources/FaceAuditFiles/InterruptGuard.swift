import Foundation
import Synchronization

/// What SIGINT, SIGTERM and SIGHUP do while FaceAudit holds something an interrupt must undo: an output set's
/// staging folder (``OutputSet``), a single file's temporary file (``AtomicFile``), a child process group
/// (FaceAuditSupervision's `ProcessGroups`). Each is registered by ``begin(removing:note:onInterrupt:creating:)``
/// and ended by ``end(_:)``.
///
/// While at least one is registered, a signal ends the process so: first every registered `onInterrupt` action
/// runs (killing child process groups), then every registered path is removed, then one line goes to standard
/// error, `faceaudit: error: interrupted by signal N`, followed by each distinct registered note (`; no outputs
/// were written to out …`), and the process exits with the conventional status 128 + signal (130, 143, 129).
/// So an interrupt leaves neither a staging folder, nor a temporary file, nor a child, and says so once.
///
/// The guarantees, and what they rest on:
/// - **One handler a process.** Signals are process-wide, so this is one shared instance (``shared``). Its
///   handler is an ordinary `sigaction` handler that only writes the signal's number to a pipe; a thread of
///   its own, started on the first registration, reads the pipe and does the work. Nothing depends on
///   libdispatch, which installs its own handler only once a process, so every write is guarded, however
///   many one process makes.
/// - **Guarded without a pipe too.** When no pipe can be made (the process is out of file descriptors), the
///   handler still records the signal's number (an atomic store, async-signal-safe) and the thread looks for
///   it every ``pollInterval`` instead of reading: an interrupt is then noticed up to that much later, but is
///   handled the same. The work itself (removing a folder's contents, writing the line) is not
///   async-signal-safe, so it stays on the thread rather than moving into the handler.
/// - **Installed only while needed.** The handler is installed when the first registration begins and each
///   signal's earlier action is restored when the last one ends: with nothing to undo, a signal takes its
///   ordinary course. A signal whose action is to be ignored when the first registration begins (`nohup`,
///   a background job) stays ignored. A signal the handler passed on after the last registration ended is
///   raised again, so it, too, takes its ordinary course.
/// - **Nothing is made while it is removed.** Making a registered path (``begin(removing:note:onInterrupt:creating:)``'s
///   `creating`) or a file inside a registered folder (``creating(_:)``) holds the guard's lock, which the
///   handler's thread takes before it removes anything and keeps until the process ends: what was made is
///   removed, and nothing is made after.
/// - **A commit finishes first.** ``committing(_:note:_:)`` holds the same lock, so a signal during an output
///   set's renames waits for them; the set is then whole, and the note says so.
public final class InterruptGuard: @unchecked Sendable {
    /// The guard of this process.
    public static let shared = InterruptGuard()

    /// The signals handled.
    public static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// One registered thing an interrupt must undo, from ``begin(removing:note:onInterrupt:creating:)`` to
    /// ``end(_:)``.
    public struct Registration: Hashable, Sendable {
        fileprivate let number: Int
    }

    /// What an interrupt does for one registration.
    private struct Undo {
        var path: String?
        var note: String?
        var action: (@Sendable () -> String?)?
    }

    /// Guards everything below; held by the handler's thread from its first step until the process ends.
    private let lock = NSLock()
    /// The registrations, by number (numbers grow: their order is the order they began).
    private var undos: [Int: Undo] = [:]
    private var nextNumber = 0
    /// Each handled signal's action before the handler was installed; empty while it is not installed.
    private var earlier: [(signal: Int32, action: sigaction)] = []
    /// Whether the handler's thread runs (it is started once, on the first registration).
    private var watching = false
    /// Set by the handler's thread before it removes anything; read under `stateLock` (the handler keeps `lock`).
    private let stateLock = NSLock()
    private var interrupted = false

    private init() {}

    /// How often the handler's thread looks for a signal when it has no pipe to wait on.
    static let pollInterval: useconds_t = 20_000

    /// Registers `path` (a staging folder or temporary file, removed with its contents on an interrupt, if
    /// there) with `note` (said in the interrupt's line; nil: nothing) and `action` (run on an interrupt before
    /// anything is removed, e.g. killing a process group; it must take no lock another thread may hold while it
    /// registers or ends; what it returns, when not nil, is said in place of `note`: what it did, known only
    /// once it has), then runs `creating`, which makes `path`, so that no interrupt comes between them.
    /// - Returns: the registration, for ``end(_:)``, and what `creating` returned.
    /// - Throws: what `creating` throws; the registration has then ended.
    public func begin<T>(
        removing path: String?, note: String? = nil, onInterrupt action: (@Sendable () -> String?)? = nil,
        creating: () throws -> T
    ) rethrows -> (Registration, T) {
        lock.lock()
        defer { lock.unlock() }
        if undos.isEmpty { install() }
        let registration = Registration(number: nextNumber)
        nextNumber += 1
        undos[registration.number] = Undo(path: path, note: note, action: action)
        do {
            return (registration, try creating())
        } catch {
            forget(registration)
            throw error
        }
    }

    /// Ends `registration`: an interrupt no longer undoes it. The last one to end restores each signal's
    /// earlier action. Ending one twice does nothing.
    public func end(_ registration: Registration) {
        lock.lock()
        defer { lock.unlock() }
        forget(registration)
    }

    /// Runs `make`, which makes a file inside a registered folder, so that no interrupt removes the folder
    /// while it does (the file is then removed with it).
    public func creating<T>(_ make: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try make()
    }

    /// Runs `commit` (the renames that make an output set visible) so that an interrupt waits for it to end;
    /// once it has, `registration`'s note becomes `note`.
    public func committing<T>(_ registration: Registration, note: String?, _ commit: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        let value = try commit()
        undos[registration.number]?.note = note
        return value
    }

    /// Called by a writer when making a file failed: if the handler has begun undoing, the failure is its
    /// removal of the file or folder, and the handler is about to print its line and end the process, so this
    /// waits for it instead of letting the writer print a second, misleading error. Otherwise returns.
    public func waitIfInterrupted() {
        stateLock.lock()
        let ending = interrupted
        stateLock.unlock()
        guard ending else { return }
        while true { sleep(60) }
    }

    /// Removes `registration`; restores the earlier actions when none is left. Call with `lock` held.
    private func forget(_ registration: Registration) {
        guard undos.removeValue(forKey: registration.number) != nil, undos.isEmpty else { return }
        for (number, action) in earlier {
            var action = action
            sigaction(number, &action, nil)
        }
        earlier = []
    }

    /// Installs the handler for every signal not ignored, starting its thread the first time. Call with `lock`
    /// held.
    private func install() {
        if !watching {
            watching = true
            // Without a pipe (no file descriptor left), the thread polls for the signal: an interrupt must still
            // remove what it would have left (this once returned here, and the handler was never installed).
            var ends: [Int32] = [-1, -1]
            let made = pipe(&ends) == 0
            if made {
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
                interruptPipeInput = ends[1]
            }
            let input = made ? ends[0] : nil
            let thread = Thread { [self] in
                if let input { watch(input) } else { poll() }
            }
            thread.name = "faceaudit-interrupts"
            thread.start()
        }
        var handled = sigset_t()
        sigemptyset(&handled)
        for number in Self.signals { sigaddset(&handled, number) }
        for number in Self.signals {
            var action = sigaction()
            guard sigaction(number, nil, &action) == 0, !Self.isIgnored(action) else { continue }
            var handler = sigaction()
            #if os(Linux)
                handler.__sigaction_handler.sa_handler = passOn
            #else
                handler.__sigaction_u.__sa_handler = passOn
            #endif
            handler.sa_mask = handled
            handler.sa_flags = Int32(SA_RESTART)
            guard sigaction(number, &handler, nil) == 0 else { continue }
            earlier.append((number, action))
        }
    }

    /// The handler's thread: reads each signal's number from the pipe and handles it.
    private func watch(_ input: Int32) {
        while true {
            var byte: UInt8 = 0
            let count = read(input, &byte, 1)
            if count == 1 {
                handle(Int32(byte))
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// The handler's thread without a pipe: looks for a recorded signal every ``pollInterval`` and handles it.
    private func poll() {
        while true {
            let signal = pendingSignal.exchange(0, ordering: .acquiringAndReleasing)
            if signal != 0 { handle(signal) } else { usleep(Self.pollInterval) }
        }
    }

    /// Undoes every registration, prints the line and ends the process; with none (the last ended after the
    /// signal came), raises the signal again for its restored action.
    private func handle(_ signal: Int32) {
        // Held until the process ends: a commit under way finishes first, and nothing is made from here on.
        lock.lock()
        guard !undos.isEmpty else {
            lock.unlock()
            kill(getpid(), signal)
            return
        }
        stateLock.lock()
        interrupted = true
        stateLock.unlock()
        let ordered = undos.sorted { $0.key < $1.key }.map(\.value)
        let said = ordered.map { $0.action?() }
        var notes: [String] = []
        for (undo, said) in zip(ordered, said) {
            if let path = undo.path { try? FileManager.default.removeItem(atPath: path) }
            if let note = said ?? undo.note, !notes.contains(note) { notes.append(note) }
        }
        let line = ErrorText.printable((["interrupted by signal \(signal)"] + notes).joined(separator: "; "))
        FileHandle.standardError.write(Data("faceaudit: error: \(line)\n".utf8))
        // `_exit`: a writer may be returning to its caller, whose own `exit` must not run at once.
        _exit(128 + signal)
    }

    /// Whether `action` ignores its signal.
    private static func isIgnored(_ action: sigaction) -> Bool {
        #if os(Linux)
            let handler = action.__sigaction_handler.sa_handler
        #else
            let handler = action.__sigaction_u.__sa_handler
        #endif
        guard let handler else { return false }
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}

/// The write end of ``InterruptGuard``'s pipe (non-blocking), set once before the handler is first installed.
/// Process-wide, as signals are; a global because a signal handler is a C function that can capture nothing.
nonisolated(unsafe) private var interruptPipeInput: Int32 = -1

/// The signal the handler last passed on to a guard's thread that has no pipe (0: none), which that thread
/// takes. Lock-free, so the handler may store it.
private let pendingSignal = Atomic<Int32>(0)

/// The signal handler: passes the signal's number to the guard's thread, through the pipe or, without one,
/// ``pendingSignal``. Only `write` and an atomic store, which are async-signal-safe; `errno` is kept for the
/// interrupted code.
private func passOn(_ signal: Int32) {
    let saved = errno
    if interruptPipeInput >= 0 {
        var byte = UInt8(truncatingIfNeeded: signal)
        _ = write(interruptPipeInput, &byte, 1)
    } else {
        pendingSignal.store(signal, ordering: .releasing)
    }
    errno = saved
}
