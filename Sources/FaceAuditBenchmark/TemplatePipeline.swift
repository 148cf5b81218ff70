import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditFiles
import FaceAuditGEMM
import FaceAuditImaging
import FaceAuditModelFiles
import FaceAuditNN
import FaceAuditProtocols
import FaceAuditReport
import FaceAuditScoring
import FaceAuditTemplates

/// The embedder a configuration asks for (dlib, external or precomputed), with what `summary.json`
/// says of it.
struct TemplatePipeline {
    /// Makes the templates.
    private(set) var embedder: any Embedder
    /// The pipeline part of `summary.json`.
    private(set) var info: RunSummary.PipelineInfo
    /// Whether the templates are read from a file (then they are never cached).
    let isPrecomputed: Bool

    /// Builds the embedder of `configuration` for `manifest` (precomputed templates are matched to its records).
    /// - Throws: ``RunError``: usage for a bad command, data for a bad embeddings file, configuration for missing models.
    init(configuration: RunConfiguration, manifest: Manifest, log: @escaping @Sendable (String) -> Void = { _ in }) throws(RunError) {
        let comparison: PairMetric = configuration.comparison == .euclidean ? .euclideanDistance : .cosineSimilarity
        var models: [String: String] = [:]
        switch configuration.resolvedPipeline {
        case .external:
            guard let command = configuration.embedderCommand, !command.isEmpty else {
                throw RunError(.usage, "--embedder-command must be a JSON array of strings, e.g. '[\"python3\", \"embedder.py\"]'")
            }
            let settings = ExternalEmbedder.Settings(
                requestTimeout: .milliseconds(Int64(configuration.embedderTimeout * 1000)),
                startupTimeout: .milliseconds(Int64(configuration.embedderStartupTimeout * 1000)),
                protocolVersion: EmbedderProtocol(rawValue: configuration.embedderProtocol) ?? .v3)
            embedder = ExternalEmbedder(
                command: command, version: configuration.embedderVersion, comparison: comparison, settings: settings, log: log)
        case .precomputed:
            guard let file = configuration.embeddings else { throw RunError(.usage, "pipeline \"precomputed\" needs embeddings") }
            do { embedder = try PrecomputedEmbeddings(file: file, manifest: manifest, comparison: comparison) } catch let error
                as InputFileError
            {
                throw RunError(.noInput, error.description)
            } catch {
                throw RunError(.dataError, "\(error)")
            }
        case .dlib:
            let directory = ModelDirectory.resolve(explicit: configuration.models)
            do { try directory.verifyAll() } catch { throw RunError(.configuration, "\(error)") }
            BLAS.setThreads(1)
            embedder = DlibEmbedder(
                detector: directory.url(of: .detector).path, landmarks: directory.url(of: .landmarks5).path,
                descriptor: directory.url(of: .descriptor).path, modelHashes: ModelFile.required.map(\.sha256),
                upsample: configuration.upsample, policy: configuration.facePolicy, maxPixels: ImageDecoder.defaultMaxPixels)
            models = Dictionary(uniqueKeysWithValues: ModelFile.required.map { ($0.name, $0.sha256) })
        }
        let name = configuration.resolvedPipeline.rawValue
        info = RunSummary.PipelineInfo(
            name: name, identity: embedder.identity, models: models, comparison: embedder.comparison.rawValue,
            blas: name == "dlib" ? BLAS.description : "not used")
        isPrecomputed = configuration.resolvedPipeline == .precomputed
    }

    /// Sends an external embedder of protocol 3 its hello, so that its model enters the identity (the cache key)
    /// and `summary.json` (`pipeline` → `model_identity`); nothing for other pipelines.
    /// - Throws: ``RunError``: unavailable when the embedder cannot start or answer, data for a wrong answer.
    mutating func greet() throws(RunError) {
        guard let external = embedder as? ExternalEmbedder else { return }
        let greeted: ExternalEmbedder
        do { greeted = try external.greeted() } catch {
            throw RunError(error.code == .unavailable ? .unavailable : .dataError, error.message)
        }
        embedder = greeted
        info.identity = greeted.identity
        info.modelIdentity = greeted.model
    }

    /// What the shards' embedder named itself (a merge greets none): `summary.json` names the same model
    /// as a single run's would.
    mutating func adopt(_ names: ShardPartial.ModelNames) {
        info.identity = names.identity
        info.modelIdentity = names.model
    }

    /// What a greeted embedder named itself, for a shard's partial; nil when none was greeted.
    var modelNames: ShardPartial.ModelNames? {
        info.modelIdentity.map { ShardPartial.ModelNames(identity: info.identity, model: $0) }
    }
}
