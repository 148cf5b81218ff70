import Dispatch
import Foundation
import Subprocess

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process that answers one line for each line it is sent, supervised so that nothing it does can
/// hang, flood or outlive FaceAudit.
///
/// Built on swift-subprocess, which drains standard output and standard error concurrently:
/// - the child runs in its own process group; the whole group is killed (SIGKILL) on a timeout, an
///   over-long reply, ``terminate(grace:)``, deinitialization, or an interrupt of FaceAudit (``ProcessGroups``);
/// - standard error is read continuously into a ``ByteRing`` of ``Limits/standardErrorBytes``, shown in
///   every ``ProcessFailure``;
/// - a reply line longer than ``Limits/replyBytes`` is refused before it is buffered whole;
/// - ``exchange(_:timeout:)`` waits at most its timeout.
///
/// One caller at a time: ``exchange(_:timeout:)`` is not meant to be called from two threads at once.
public final class SupervisedProcess: Sendable {
    private let channel: Channel

    /// The program and its arguments.
    public var command: [String] { channel.command }

    /// Starts `command` (the program, searched in PATH when it has no `/`, then its arguments; no shell).
    /// - Throws: ``ProcessFailure`` (``ProcessFailure/Code/emptyCommand``); a program that cannot be started
    ///   is reported by the first ``exchange(_:timeout:)`` as ``ProcessFailure/Code/cannotStart``.
    public init(command: [String], limits: Limits = Limits()) throws(ProcessFailure) {
        channel = try Channel(command: command, limits: limits)
    }

    deinit {
        channel.terminate(grace: .seconds(2))
    }

    /// Sends `line` (a newline is added) and waits for the next reply line.
    ///
    /// On a timeout the process group is killed: a process that missed one reply cannot be trusted to be
    /// in step. Every failure after the first is the same failure.
    /// - Returns: The reply without its newline.
    /// - Throws: ``ProcessFailure``: ``ProcessFailure/Code/exited``, ``ProcessFailure/Code/timedOut``,
    ///   ``ProcessFailure/Code/replyTooLong`` or ``ProcessFailure/Code/cannotStart``.
    public func exchange(_ line: [UInt8], timeout: Duration) throws(ProcessFailure) -> [UInt8] {
        try channel.exchange(line, timeout: timeout)
    }

    /// What the process wrote to standard error last (at most ``Limits/standardErrorBytes``).
    public var standardErrorTail: String { channel.standardErrorTail }

    /// Closes the child's input, waits up to `grace` for it to end, then kills its process group and waits
    /// (at most 10 s more) for it to be reaped. Safe to call more than once.
    public func terminate(grace: Duration) { channel.terminate(grace: grace) }

    /// Bounds on what the child may send.
    public struct Limits: Sendable, Hashable {
        /// The longest reply line, in bytes (default 16 MiB).
        public var replyBytes: Int
        /// How much of standard error is kept for messages (default 64 KiB).
        public var standardErrorBytes: Int

        /// Creates limits.
        public init(replyBytes: Int = 16 << 20, standardErrorBytes: Int = 64 << 10) {
            self.replyBytes = replyBytes
            self.standardErrorBytes = standardErrorBytes
        }
    }

}

/// The state shared by a ``SupervisedProcess`` and the task that supervises its child.
private final class Channel: @unchecked Sendable {
    let command: [String]
    private let limits: SupervisedProcess.Limits
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var replies: [[UInt8]] = []
    private var outputEnded = false
    private var failure: ProcessFailure?
    private var group: Int32?
    private var termination: String?
    private var standardError: ByteRing
    private var finished = false
    private var errorClosed = false

    private let requests: AsyncStream<[UInt8]>.Continuation
    private let stream: AsyncStream<[UInt8]>

    init(command: [String], limits: SupervisedProcess.Limits) throws(ProcessFailure) {
        guard let program = command.first, !program.isEmpty else {
            throw ProcessFailure(.emptyCommand, "the command is empty")
        }
        self.command = command
        self.limits = limits
        self.standardError = ByteRing(capacity: limits.standardErrorBytes)
        (stream, requests) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .unbounded)
        // A child that exits early must make our writes fail with EPIPE, not kill FaceAudit with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let executable: Executable = program.contains("/") ? .path(.init(program)) : .name(program)
        var options = PlatformOptions()
        options.processGroupID = 0  // its own group, whose id is its pid
        let arguments = Arguments(Array(command.dropFirst()))
        let stream = self.stream
        let executor = ThreadExecutor(name: "faceaudit-supervisor")
        Task.detached(executorPreference: executor) { [self] in
            defer { executor.stop() }
            // Registered before the child is started, so that no interrupt comes between the two.
            let launch = ProcessGroups.live.launching(program: command[0])
            do {
                let result = try await Subprocess.run(
                    executable, arguments: arguments, platformOptions: options, input: .inputWriter, output: .sequence,
                    error: .sequence
                ) { execution in
                    self.started(group: execution.processIdentifier.value, launch: launch)
                    let writer = execution.standardInputWriter
                    await withTaskGroup(of: Void.self) { tasks in
                        tasks.addTask {
                            do {
                                for await request in stream { _ = try await writer.write(request) }
                            } catch {}  // the child closed its input; the reader sees the end
                            try? await writer.finish()
                        }
                        tasks.addTask {
                            var splitter = LineSplitter(maximumLength: limits.replyBytes)
                            do {
                                for try await chunk in execution.standardOutput {
                                    let split = chunk.withUnsafeBytes { splitter.append($0) }
                                    if !self.received(split) { break }
                                }
                            } catch {}
                            self.outputClosed()
                        }
                        tasks.addTask {
                            do {
                                for try await chunk in execution.standardError {
                                    chunk.withUnsafeBytes { bytes in self.condition.withLock { self.standardError.append(bytes) } }
                                }
                            } catch {}
                            self.condition.withLock {
                                self.errorClosed = true
                                self.condition.broadcast()
                            }
                        }
                    }
                }
                #if DEBUG
                    ProcessGroups.reapedForTesting?()
                #endif
                self.ended(status: "\(result.terminationStatus)", launch: launch)
            } catch {
                self.ended(startError: error, launch: launch)
            }
        }
    }

    func exchange(_ line: [UInt8], timeout: Duration) throws(ProcessFailure) -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        requests.yield(line + [10])
        while replies.isEmpty {
            if let failure { throw failure }
            if outputEnded {
                // Wait briefly for the exit status, so the message can say how it ended.
                let statusDeadline = Date().addingTimeInterval(10)
                while termination == nil && failure == nil && condition.wait(until: statusDeadline) {}
                if let failure { throw failure }
                let how = termination.map { " (\($0))" } ?? ""
                let failure = ProcessFailure(.exited, "it ended\(how) without answering", standardError: standardError.text())
                self.failure = failure
                throw failure
            }
            if !condition.wait(until: deadline) && replies.isEmpty {
                killGroup()
                // What it wrote before hanging may still be in the pipe: read to its end (at most 2 s) so the
                // message shows it.
                let drained = Date().addingTimeInterval(2)
                while !errorClosed && condition.wait(until: drained) {}
                let failure = ProcessFailure(
                    .timedOut, "no reply within \(timeout.formattedSeconds); its process group was killed",
                    standardError: standardError.text())
                self.failure = failure
                throw failure
            }
        }
        return replies.removeFirst()
    }

    var standardErrorTail: String { condition.withLock { standardError.text() } }

    func terminate(grace: Duration) {
        requests.finish()
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(grace.seconds)
        while !finished && condition.wait(until: deadline) {}
        guard !finished else { return }
        killGroup()
        let reaped = Date().addingTimeInterval(10)
        while !finished && condition.wait(until: reaped) {}
    }

    // MARK: Events from the supervising task

    private func started(group: Int32, launch: ProcessGroups.Launch) {
        #if DEBUG
            ProcessGroups.startedForTesting?(group)
        #endif
        condition.withLock { self.group = group }
        ProcessGroups.live.started(launch, group: group)
    }

    /// Queues the completed lines; false when the reply was too long (the group is then killed).
    private func received(_ split: LineSplitter.Split) -> Bool {
        condition.withLock {
            defer { condition.broadcast() }
            switch split {
            case .lines(let lines):
                replies += lines
                return true
            case .overlong(let before):
                replies += before
                if failure == nil {
                    failure = ProcessFailure(
                        .replyTooLong, "a reply line is longer than \(limits.replyBytes) bytes; its process group was killed",
                        standardError: standardError.text())
                }
                killGroup()
                return false
            }
        }
    }

    private func outputClosed() {
        condition.withLock {
            outputEnded = true
            condition.broadcast()
        }
        requests.finish()
    }

    private func ended(status: String, launch: ProcessGroups.Launch) {
        condition.withLock {
            termination = status
            finished = true
            outputEnded = true
            ProcessGroups.live.ended(launch)
            condition.broadcast()
        }
    }

    private func ended(startError: any Error, launch: ProcessGroups.Launch) {
        condition.withLock {
            if group == nil {
                failure = ProcessFailure(.cannotStart, "cannot start \(command.joined(separator: " ")): \(Self.describe(startError))")
            } else if failure == nil {
                termination = "supervision failed: \(startError)"
            }
            finished = true
            outputEnded = true
            ProcessGroups.live.ended(launch)
            condition.broadcast()
        }
    }

    /// Kills the child's process group. Call with `condition` held.
    private func killGroup() {
        guard let group, !finished else { return }
        kill(-group, SIGKILL)
    }

    /// A start failure in words (printing `error.code` showed a Swift value,
    /// `Code(storage: Subprocess.SubprocessError.Code.Storage.executableNotFound)`).
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? SubprocessError else { return "\(error)" }
        let what =
            switch error.code {
            case .executableNotFound: "no such program, or it may not be run"
            case .failedToChangeWorkingDirectory: "cannot change to its working folder"
            case .spawnFailed: "the system would not start it"
            default: error.description.split(whereSeparator: \.isNewline).first.map(String.init) ?? "it failed"
            }
        return error.underlyingError.map { "\(what) (\($0))" } ?? what
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }

    /// "120 s", "0.5 s".
    var formattedSeconds: String {
        let s = seconds
        return s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }
}
