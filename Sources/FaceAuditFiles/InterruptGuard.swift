import Foundation

/// While an ``OutputSet`` is written: SIGINT, SIGTERM or SIGHUP remove its staging folder and end the process
/// with the conventional status 128 + signal (130, 143, 129) after one line on standard error, so that an
/// interrupt leaves neither debris nor a partial set. A signal that arrives during the commit (the renames)
/// waits for it to finish, so the folder then holds the whole new set.
///
/// A signal ignored when the write begins (`nohup`, a background job) stays ignored. ``end()`` restores each
/// signal's earlier action and this thread's signal mask; a signal that came in between then takes its
/// ordinary course. A staging folder that an interrupt still leaves (a second write in one process, where
/// libdispatch does not install its handler again) is removed by the next write
/// (``OutputSet/removeStaleStaging(in:)``).
final class InterruptGuard: @unchecked Sendable {
    /// The signals handled.
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    private let lock = NSLock()
    private var committed = false
    /// Set by a signal's handler before it removes the staging folder; read under `stateLock`, since the
    /// handler holds `lock` until the process ends.
    private let stateLock = NSLock()
    private var interrupted = false
    private var sources: [any DispatchSourceSignal] = []
    private var earlier: [(signal: Int32, action: sigaction)] = []
    private var earlierMask = sigset_t()

    /// Starts guarding `staging`, the staging folder of a write into `folder`.
    init(staging: String, folder: String) {
        pthread_sigmask(SIG_SETMASK, nil, &earlierMask)
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for number in Self.signals {
            var action = sigaction()
            guard sigaction(number, nil, &action) == 0, !Self.isIgnored(action) else { continue }
            earlier.append((number, action))
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [lock, weak self] in
                // Held by the writer during the commit: a commit under way finishes first. Never released: the
                // process ends here.
                lock.lock()
                self?.markInterrupted()
                try? FileManager.default.removeItem(atPath: staging)
                let what =
                    self?.committed ?? false
                    ? "the outputs in \(folder) were written completely first"
                    : "no outputs were written to \(folder) (an earlier complete set there is kept)"
                let line = ErrorText.printable("interrupted by signal \(number); \(what)")
                FileHandle.standardError.write(Data("faceaudit: error: \(line)\n".utf8))
                // `_exit`: the writer may be returning to its caller, whose own `exit` must not run at once.
                _exit(128 + number)
            }
            // Registration is asynchronous; a signal before it ends the process as before, when no staging
            // folder exists yet.
            let registered = DispatchSemaphore(value: 0)
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            _ = registered.wait(timeout: .now() + 5)
            sources.append(source)
            #if !os(Linux)
                // kqueue reports a signal whose action is to be ignored; the default action would end the process first.
                signal(number, SIG_IGN)
            #endif
            sigaddset(&blocked, number)
        }
        // On Linux libdispatch reads signals from a signalfd, which sees only blocked ones (its handler blocks them in
        // a thread that receives one and passes it on); the writing thread blocks them from the start.
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
    }

    /// Runs `commit` (the renames that make the new set visible) so that an interrupt waits for it to end.
    func committing<T>(_ commit: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        let value = try commit()
        committed = true
        return value
    }

    /// Called by the writer when making a file failed: if a signal's handler has begun removing the staging
    /// folder, the failure is that removal, and the handler is about to print its line and end the process, so
    /// this waits for it instead of letting the writer print a second, misleading error. Otherwise returns.
    func waitIfInterrupted() {
        stateLock.lock()
        let ending = interrupted
        stateLock.unlock()
        guard ending else { return }
        while true { sleep(60) }
    }

    private func markInterrupted() {
        stateLock.lock()
        interrupted = true
        stateLock.unlock()
    }

    /// Stops guarding: the signals do what they did before.
    func end() {
        for source in sources { source.cancel() }
        for (number, action) in earlier {
            var action = action
            sigaction(number, &action, nil)
        }
        pthread_sigmask(SIG_SETMASK, &earlierMask, nil)
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
