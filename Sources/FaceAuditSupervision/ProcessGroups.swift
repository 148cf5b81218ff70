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
/// each ``SupervisedProcess`` registers its group when it starts and removes it when it has ended.
public final class ProcessGroups: @unchecked Sendable {
    /// The groups of this process's supervised children.
    public static let live = ProcessGroups()

    private let lock = NSLock()
    private var groups: Set<Int32> = []
    private var sources: [any DispatchSourceSignal] = []

    private init() {}

    func insert(_ group: Int32) { _ = lock.withLock { groups.insert(group) } }
    func remove(_ group: Int32) { _ = lock.withLock { groups.remove(group) } }

    /// The groups alive now.
    public var current: Set<Int32> { lock.withLock { groups } }

    /// Sends SIGKILL to every live group.
    public func killAll() {
        for group in current { kill(-group, SIGKILL) }
    }

    /// On SIGINT, SIGTERM or SIGHUP: kill every live group, then end FaceAudit with the conventional
    /// status 128 + signal after printing `message(signal)` to standard error. Call once, at start-up.
    public func killOnInterrupt(message: @escaping @Sendable (Int32) -> String) {
        lock.withLock {
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [weak self] in
                    self?.killAll()
                    FileHandle.standardError.write(Data((message(signalNumber) + "\n").utf8))
                    exit(128 + signalNumber)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
