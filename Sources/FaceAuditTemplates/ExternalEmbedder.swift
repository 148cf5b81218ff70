import FaceAuditScoring
import Foundation

/// Any recognition model as an ``Embedder``: FaceAudit starts `command` once per worker (arguments as
/// an array, no shell) and talks JSON lines over its standard input and output.
///
/// Protocol, one line each way per image:
/// ```
/// → {"path": "/data/img001.jpg"}
/// ← {"embedding": [0.12, -0.4, …]}      or      ← {"error": "no face"}
/// ```
/// The process ends when its standard input closes. Anything it writes to standard error is kept for
/// error messages. An `error` reply is a failure to acquire for that image.
public struct ExternalEmbedder: Embedder {
    /// The program and its arguments.
    public let command: [String]
    /// A version string that changes when the model does (part of the cache key).
    public let version: String
    /// How its templates compare.
    public let comparison: PairMetric

    /// Creates the embedder.
    public init(command: [String], version: String, comparison: PairMetric) {
        self.command = command
        self.version = version
        self.comparison = comparison
    }

    public var identity: String { "external;command=\(command.joined(separator: "\u{1F}"));version=\(version);\(comparison.rawValue)" }

    public func makeWorker() throws -> any ImageMeasurer<EmbeddingResult> { try Worker(command: command) }

    /// A failure of the embedder process itself (not of one image), with a stable code.
    public struct ProcessError: Error, CustomStringConvertible {
        /// A stable category.
        public enum Code: String, Sendable, Hashable, CaseIterable {
            /// The command is empty.
            case emptyCommand = "empty_command"
            /// The process could not be started.
            case cannotStart = "cannot_start"
        }

        /// The category.
        public let code: Code
        /// What happened.
        public let message: String
        public var description: String { message }
    }

    final class Worker: ImageMeasurer {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        var buffer = Data()

        init(command: [String]) throws {
            guard let program = command.first else { throw ProcessError(code: .emptyCommand, message: "the embedder command is empty") }
            process.executableURL = URL(fileURLWithPath: program.contains("/") ? program : Self.which(program) ?? program)
            process.arguments = Array(command.dropFirst())
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            // A child that exits early must make writes fail with EPIPE, not kill FaceAudit with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            do { try process.run() } catch {
                throw ProcessError(
                    code: .cannotStart,
                    message: "cannot start the embedder \(command.joined(separator: " ")): \(error.localizedDescription)")
            }
        }

        deinit {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }

        static func which(_ name: String) -> String? {
            for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            return nil
        }

        func measure(path: String) -> EmbeddingResult {
            guard process.isRunning else { return .failure("embedder exited: \(stderrTail())") }
            do {
                let request = try JSONSerialization.data(withJSONObject: ["path": path]) + Data("\n".utf8)
                try input.fileHandleForWriting.write(contentsOf: request)
            } catch {
                return .failure("embedder exited: \(stderrTail())")  // the pipe closed under us
            }
            guard let line = readLine() else { return .failure("embedder exited: \(stderrTail())") }
            guard let reply = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                return .failure("embedder reply is not a JSON object: \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
            if let message = reply["error"] as? String { return .failure(message) }
            guard let values = reply["embedding"] as? [NSNumber], !values.isEmpty else {
                return .failure("embedder reply has neither \"embedding\" nor \"error\"")
            }
            let embedding = values.map { Float(truncating: $0) }
            guard embedding.allSatisfy(\.isFinite) else { return .failure("embedder returned a non-finite value") }
            return .template(embedding)
        }

        private func readLine() -> Data? {
            while true {
                if let newline = buffer.firstIndex(of: 10) {
                    let line = buffer[buffer.startIndex..<newline]
                    buffer = Data(buffer[(newline + 1)...])
                    return Data(line)
                }
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return nil }  // end of file: the process exited
                buffer.append(chunk)
            }
        }

        private func stderrTail() -> String {
            try? input.fileHandleForWriting.close()
            let data = (try? errors.fileHandleForReading.readToEnd()) ?? Data()
            let text = String(decoding: data.suffix(400), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? "no message on standard error" : text
        }
    }
}
