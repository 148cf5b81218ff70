import FaceAuditScoring
import FaceAuditSupervision
import Foundation
import Synchronization

/// Any recognition model as an ``Embedder``: FaceAudit starts `command` once per worker thread (arguments as
/// an array, no shell) and talks JSON lines over its standard input and output (``EmbedderProtocol``).
///
/// The process is supervised (``SupervisedProcess``): it runs in its own process group, its standard error is
/// drained continuously and its last lines shown on failure, a reply longer than ``Settings/replyBytes`` or
/// later than ``Settings/requestTimeout`` (``Settings/startupTimeout`` for a process's first reply) ends it,
/// and the group is killed when FaceAudit finishes or is interrupted.
///
/// In protocol 3 every new process is first sent the hello and must answer it, naming its model, within
/// ``Settings/startupTimeout``; ``greeted()`` does so for the first process, whose `model` then enters
/// ``identity`` (the cache key), and every later process (other threads, restarts) must name the same model.
/// A process that exits or times out before answering the hello stops the extraction at once (no restart).
///
/// What becomes of each image:
/// - `{"embedding": …}` → its template; `{"error": …}` → a failure to acquire, cached like a template;
/// - the process crashed or timed out → restarted and asked again once; if that fails too the image is a
///   failure to acquire of category ``AcquisitionFailure/Category/embedderUnavailable`` that is **not**
///   cached (a rerun asks again);
/// - after ``Settings/maximumConsecutiveFailures`` process failures in a row, or
///   ``Settings/maximumRestarts`` restarts of one worker, the extraction stops (``MeasurementStopped``);
/// - a reply out of step, not JSON, or too long stops the extraction at once: no later reply could be trusted.
public struct ExternalEmbedder: Embedder {
    /// How the embedder process is supervised.
    public struct Settings: Sendable, Hashable {
        /// The longest wait for one reply (default 120 s).
        public var requestTimeout: Duration
        /// The longest wait for a newly started process's first reply, which includes loading its model
        /// (default 600 s).
        public var startupTimeout: Duration
        /// The protocol: 3 (default) starts with the hello; 2 has none; 1 also lets replies leave out the id.
        public var protocolVersion: EmbedderProtocol
        /// The longest reply line in bytes (default 16 MiB).
        public var replyBytes: Int
        /// Process failures in a row (without a reply in between) after which the extraction stops (default 3).
        public var maximumConsecutiveFailures: Int
        /// Restarts of one worker's process after which the extraction stops (default 10).
        public var maximumRestarts: Int

        /// Creates settings; every argument has its documented default.
        public init(
            requestTimeout: Duration = .seconds(120), startupTimeout: Duration = .seconds(600), protocolVersion: EmbedderProtocol = .v3,
            replyBytes: Int = 16 << 20, maximumConsecutiveFailures: Int = 3, maximumRestarts: Int = 10
        ) {
            self.requestTimeout = requestTimeout
            self.startupTimeout = startupTimeout
            self.protocolVersion = protocolVersion
            self.replyBytes = replyBytes
            self.maximumConsecutiveFailures = maximumConsecutiveFailures
            self.maximumRestarts = maximumRestarts
        }
    }

    /// The program and its arguments.
    public let command: [String]
    /// A version string that changes when the model does (part of the cache key), given by the user.
    public let version: String
    /// The model's identity from the first process's hello (protocol 3, after ``greeted()``); nil before and in
    /// protocols 1 and 2.
    public let model: String?
    /// How its templates compare.
    public let comparison: PairMetric
    /// How the process is supervised.
    public let settings: Settings
    /// Receives one line for each restart of the process (what happened, with its standard error).
    public let log: @Sendable (String) -> Void
    /// The greeted first process, until a worker takes it.
    private let greetedProcess: Handoff?

    /// Creates the embedder.
    public init(
        command: [String], version: String, comparison: PairMetric, settings: Settings = Settings(),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.command = command
        self.version = version
        self.comparison = comparison
        self.settings = settings
        self.log = log
        self.model = nil
        self.greetedProcess = nil
    }

    private init(_ embedder: ExternalEmbedder, model: String, process: SupervisedProcess) {
        command = embedder.command
        version = embedder.version
        comparison = embedder.comparison
        settings = embedder.settings
        log = embedder.log
        self.model = model
        greetedProcess = Handoff(process)
    }

    /// The cache identity: the command, `--embedder-version`, and in protocol 3 the model from the hello.
    public var identity: String {
        let model = self.model.map { "model=\($0);" } ?? ""
        return "external;command=\(command.joined(separator: "\u{1F}"));version=\(version);\(model)\(comparison.rawValue)"
    }

    public func makeWorker() throws -> any ImageMeasurer<EmbeddingResult> { Worker(embedder: self, process: greetedProcess?.take()) }

    public func prepared() throws(MeasurementStopped) -> any ImageMeasure<EmbeddingResult> { try greeted() }

    /// In protocol 3, the embedder with its ``model``: starts the first process and sends it the hello (the
    /// process is kept for the first worker). Itself in protocols 1 and 2, or when already greeted.
    /// - Throws: ``MeasurementStopped``: ``MeasurementStopped/Code/unavailable`` when the process cannot start or
    ///   exits or times out before answering; ``MeasurementStopped/Code/protocolViolation`` for a wrong answer.
    public func greeted() throws(MeasurementStopped) -> ExternalEmbedder {
        guard settings.protocolVersion == .v3, model == nil else { return self }
        let process = try Self.start(command, settings: settings)
        let hello = try Self.greet(process, settings: settings)
        return ExternalEmbedder(self, model: hello.model, process: process)
    }

    private static func start(_ command: [String], settings: Settings) throws(MeasurementStopped) -> SupervisedProcess {
        do { return try SupervisedProcess(command: command, limits: .init(replyBytes: settings.replyBytes)) } catch {
            throw MeasurementStopped(.unavailable, "cannot start the embedder: \(error)")
        }
    }

    /// Sends the hello to a new process and reads its answer; on any failure the process is ended.
    private static func greet(_ process: SupervisedProcess, settings: Settings) throws(MeasurementStopped) -> EmbedderHello {
        let line: [UInt8]
        do { line = try process.exchange(EmbedderProtocol.hello(), timeout: settings.startupTimeout) } catch {
            process.terminate(grace: .zero)
            let code: MeasurementStopped.Code = error.code == .replyTooLong ? .protocolViolation : .unavailable
            throw MeasurementStopped(
                code,
                "the embedder did not answer the protocol 3 hello: \(error) (an embedder written for protocol 2 cannot: pass "
                    + "--embedder-protocol 2, or make it answer the hello, docs/embedders.md)")
        }
        do { return try EmbedderHello.parse(line) } catch {
            process.terminate(grace: .zero)
            throw MeasurementStopped(.protocolViolation, "the embedder broke its protocol: \(error.message)")
        }
    }

    /// A process passed from ``greeted()`` to the first worker.
    private final class Handoff: Sendable {
        private let process: Mutex<SupervisedProcess?>
        init(_ process: SupervisedProcess) { self.process = Mutex(process) }
        func take() -> SupervisedProcess? { process.withLock { $0.take() } }
    }

    final class Worker: ImageMeasurer {
        let embedder: ExternalEmbedder
        private var process: SupervisedProcess?
        private var answered = false
        private var nextID = 1
        private var consecutiveFailures = 0
        private var restarts = 0
        private var dimension: Int?

        init(embedder: ExternalEmbedder, process: SupervisedProcess?) {
            self.embedder = embedder
            self.process = process
            // A greeted process has answered the hello: its model is loaded.
            answered = process != nil
        }

        func measure(path: String) -> EmbeddingResult {
            do { return try attempt(path: path).measurement } catch { return .failure(.embedderUnavailable, error.message) }
        }

        func attempt(path: String) throws(MeasurementStopped) -> MeasuredImage<EmbeddingResult> {
            let settings = embedder.settings
            var tries = 0
            while true {
                let process = try running()
                let id = nextID
                nextID += 1
                let line: [UInt8]
                do {
                    line = try process.exchange(
                        EmbedderProtocol.request(id: id, path: path), timeout: answered ? settings.requestTimeout : settings.startupTimeout)
                } catch {
                    tries += 1
                    try failed(error)
                    if tries < 2 { continue }
                    return MeasuredImage(
                        .failure(.embedderUnavailable, "the embedder failed on this image twice: \(error)"), cacheable: false)
                }
                answered = true
                consecutiveFailures = 0
                let reply: EmbedderReply
                do { reply = try EmbedderReply.parse(line, id: id, version: settings.protocolVersion, dimension: dimension) } catch {
                    stop()
                    throw MeasurementStopped(.protocolViolation, "the embedder broke its protocol: \(error.message)")
                }
                switch reply {
                case .embedding(let template):
                    dimension = dimension ?? template.count
                    return MeasuredImage(.template(template))
                case .imageFailure(let failure):
                    return MeasuredImage(.failure(failure))
                case .invalidTemplate(let why):
                    return MeasuredImage(.failure(.invalidTemplate, why), cacheable: false)
                }
            }
        }

        /// The live process, started if there is none.
        private func running() throws(MeasurementStopped) -> SupervisedProcess {
            if let process { return process }
            let settings = embedder.settings
            let started = try ExternalEmbedder.start(embedder.command, settings: settings)
            answered = false
            if settings.protocolVersion == .v3 {
                let hello = try ExternalEmbedder.greet(started, settings: settings)
                if let expected = embedder.model, hello.model != expected {
                    started.terminate(grace: .zero)
                    throw MeasurementStopped(
                        .modelMismatch,
                        "the embedder's processes name different models: the first said \"\(expected.prefix(200))\" in its hello, "
                            + "a later one \"\(hello.model.prefix(200))\"; templates of two models cannot be compared (did the model "
                            + "change during the run?)")
                }
                answered = true
            }
            process = started
            return started
        }

        /// Ends the failed process and decides whether another may be started.
        private func failed(_ failure: ProcessFailure) throws(MeasurementStopped) {
            stop()
            consecutiveFailures += 1
            let command = embedder.command.joined(separator: " ")
            switch failure.code {
            case .emptyCommand, .cannotStart:
                throw MeasurementStopped(.unavailable, "the embedder \(command): \(failure)")
            case .replyTooLong:
                throw MeasurementStopped(.protocolViolation, "the embedder broke its protocol: \(failure)")
            case .exited, .timedOut:
                break
            }
            let settings = embedder.settings
            if consecutiveFailures > settings.maximumConsecutiveFailures || restarts >= settings.maximumRestarts {
                let why =
                    consecutiveFailures > settings.maximumConsecutiveFailures
                    ? "failed \(consecutiveFailures) times in a row" : "was restarted \(restarts) times"
                throw MeasurementStopped(.unavailable, "the embedder \(why); last: \(failure)")
            }
            restarts += 1
            embedder.log("the embedder process is restarted (\(restarts) of at most \(settings.maximumRestarts)): \(failure)")
        }

        private func stop() {
            process?.terminate(grace: .zero)
            process = nil
        }
    }
}
