import FaceAuditScoring
import FaceAuditSupervision
import Foundation

/// Any recognition model as an ``Embedder``: FaceAudit starts `command` once per worker thread (arguments as
/// an array, no shell) and talks JSON lines over its standard input and output (``EmbedderProtocol``).
///
/// The process is supervised (``SupervisedProcess``): it runs in its own process group, its standard error is
/// drained continuously and its last lines shown on failure, a reply longer than ``Settings/replyBytes`` or
/// later than ``Settings/requestTimeout`` (``Settings/startupTimeout`` for a process's first reply) ends it,
/// and the group is killed when FaceAudit finishes or is interrupted.
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
        /// Whether replies must echo the request id (default version 2: yes).
        public var protocolVersion: EmbedderProtocol
        /// The longest reply line in bytes (default 16 MiB).
        public var replyBytes: Int
        /// Process failures in a row (without a reply in between) after which the extraction stops (default 3).
        public var maximumConsecutiveFailures: Int
        /// Restarts of one worker's process after which the extraction stops (default 10).
        public var maximumRestarts: Int

        /// Creates settings; every argument has its documented default.
        public init(
            requestTimeout: Duration = .seconds(120), startupTimeout: Duration = .seconds(600), protocolVersion: EmbedderProtocol = .v2,
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
    /// A version string that changes when the model does (part of the cache key).
    public let version: String
    /// How its templates compare.
    public let comparison: PairMetric
    /// How the process is supervised.
    public let settings: Settings
    /// Receives one line for each restart of the process (what happened, with its standard error).
    public let log: @Sendable (String) -> Void

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
    }

    public var identity: String { "external;command=\(command.joined(separator: "\u{1F}"));version=\(version);\(comparison.rawValue)" }

    public func makeWorker() throws -> any ImageMeasurer<EmbeddingResult> { Worker(embedder: self) }

    final class Worker: ImageMeasurer {
        let embedder: ExternalEmbedder
        private var process: SupervisedProcess?
        private var answered = false
        private var nextID = 1
        private var consecutiveFailures = 0
        private var restarts = 0
        private var dimension: Int?

        init(embedder: ExternalEmbedder) { self.embedder = embedder }

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
            do {
                let started = try SupervisedProcess(command: embedder.command, limits: .init(replyBytes: embedder.settings.replyBytes))
                process = started
                answered = false
                return started
            } catch {
                throw MeasurementStopped(.unavailable, "cannot start the embedder: \(error)")
            }
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
