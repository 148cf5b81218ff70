import FaceAuditAllPairs
import FaceAuditConfiguration
import FaceAuditFace
import FaceAuditFiles
import FaceAuditProtocols
import FaceAuditTemplates
import Foundation

/// What one shard of a run leaves for `faceaudit merge`: the templates of its image range and the
/// statistics of its tiles, plus the run's configuration so the merge can finish the run as one process would.
///
/// A partial is a folder holding `partial.json`, `pairs.bin` and, written last, the marker `COMPLETE`
/// (which holds the fingerprint). A folder without the marker is an unfinished shard.
public struct ShardPartial: Sendable {
    /// Shard index, 0-based.
    public var shard: Int
    /// Number of shards of the run.
    public var shards: Int
    /// The run's settings without the shard (``RunConfiguration/recorded``).
    public var configuration: RunConfiguration
    /// The run's command line without `--shard` and `--phase`, recorded in `summary.json` as provenance
    /// (never parsed again).
    public var commandLine: [String]
    /// The folder the shard ran in: the run's relative paths are relative to it.
    public var workingDirectory: String
    /// The images whose templates this shard extracted.
    public var images: Range<Int>
    /// Their templates, in manifest order.
    public var templates: [EmbeddingResult]
    /// Their quality covariates, in manifest order (the dlib pipeline; nil when not measured).
    public var qualities: [FaceQuality?]?
    /// The statistics of this shard's tiles.
    public var statistics: PairStatistics
    /// The pipeline's identity and the model an external embedder named in its hello (protocol 3), as the
    /// shard saw them; nil when the shard greeted no embedder. The merge checks every shard names the same
    /// and puts them in `summary.json`, which then names the model as a single run's does.
    public var model: ModelNames?

    /// What a greeted embedder called itself: `summary.json`'s `pipeline.identity` and `model_identity`.
    public struct ModelNames: Sendable, Codable, Equatable {
        /// The pipeline's identity, the model included (the cache key).
        public var identity: String
        /// The model's own identity from the hello.
        public var model: String?

        /// Creates the names.
        public init(identity: String, model: String?) {
            self.identity = identity
            self.model = model
        }
    }

    /// The marker file, written after everything else.
    public static let marker = "COMPLETE"

    /// Creates a partial.
    public init(
        shard: Int, shards: Int, configuration: RunConfiguration, commandLine: [String],
        workingDirectory: String = FileManager.default.currentDirectoryPath, images: Range<Int>, templates: [EmbeddingResult],
        qualities: [FaceQuality?]? = nil, statistics: PairStatistics, model: ModelNames? = nil
    ) {
        self.qualities = qualities
        self.model = model
        self.workingDirectory = workingDirectory
        self.shard = shard
        self.shards = shards
        self.configuration = configuration.recorded
        self.commandLine = commandLine
        self.images = images
        self.templates = templates
        self.statistics = statistics
    }

    /// The folder name of shard `index` of `count` inside a run's output folder.
    public static func folderName(shard index: Int, of count: Int) -> String { "shard-\(index)-of-\(count)" }

    /// The format this version writes: `faceaudit-shard-2` (configuration as JSON). Version 1 stored argv.
    public static let format = "faceaudit-shard-2"

    private struct Metadata: Codable {
        var format: String
        var shard: Int
        var shards: Int
        var configuration: RunConfiguration
        var commandLine: [String]
        var workingDirectory: String
        var firstImage: Int
        var endImage: Int
        var templates: [EmbeddingResult]
        var qualities: [FaceQuality?]?
        var fingerprint: String
        var model: ModelNames?
    }

    /// Writes the partial into `folder`, each file atomically, the marker last.
    public func write(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: folder + "/" + Self.marker)
        let metadata = Metadata(
            format: Self.format, shard: shard, shards: shards, configuration: configuration, commandLine: commandLine,
            workingDirectory: workingDirectory, firstImage: images.lowerBound,
            endImage: images.upperBound, templates: templates, qualities: qualities, fingerprint: statistics.layout.fingerprint,
            model: model)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(metadata), to: folder + "/partial.json", permissions: 0o600)
        try AtomicFile.write(statistics.serialized(), to: folder + "/pairs.bin", permissions: 0o600)
        try AtomicFile.write(statistics.layout.fingerprint + "\n", to: folder + "/" + Self.marker)
    }

    /// Reads a complete partial.
    /// - Throws: ``RunError`` (data error) naming the folder when it is unfinished, unreadable, inconsistent
    ///   or written by an earlier version.
    public init(folder: String) throws(RunError) {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw RunError(.noInput, "\(folder): no such partial folder (give the <out>/shard-i-of-K folders of `run --shard`)")
        }
        guard let marker = files.contents(atPath: folder + "/" + Self.marker) else {
            throw RunError(.dataError, "\(folder): no \(Self.marker) marker; the shard did not finish (rerun it)")
        }
        guard let json = files.contents(atPath: folder + "/partial.json"), let pairs = files.contents(atPath: folder + "/pairs.bin")
        else { throw RunError(.dataError, "\(folder): partial.json or pairs.bin is missing") }
        try self.init(folder: folder, partialJSON: json, pairs: pairs, marker: marker)
    }

    /// Reads a partial from the contents of its three files, as ``init(folder:)`` does once it has read
    /// them; `folder` only names the files in errors. Reads no file: a pure function of its arguments.
    /// - Throws: ``RunError`` (data error) when the contents are not one complete, consistent partial of
    ///   this version.
    public init(folder: String, partialJSON json: Data, pairs: Data, marker: Data) throws(RunError) {
        // One look at the raw document: its format (an earlier version's is refused with what to do), and its
        // settings' keys, checked as a benchmark file's are. Then one typed decode.
        let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any]
        if let format = object?["format"] as? String, format != Self.format {
            throw RunError(
                .dataError,
                "\(folder): a partial of format \(format), written by an earlier FaceAudit; this version reads \(Self.format) "
                    + "(the run's settings as JSON); rerun the shards with this version")
        }
        // Only an object is re-serialized: JSONSerialization.data(withJSONObject:) traps on a bare number or string
        // (a fuzz finding), where a typed decode below gives the located error.
        if let settings = object?["configuration"] as? [String: Any], JSONSerialization.isValidJSONObject(settings),
            let text = try? JSONSerialization.data(withJSONObject: settings)
        {
            do {
                _ = try RunConfiguration.decode(String(decoding: text, as: UTF8.self), format: .json, file: folder + "/partial.json")
            } catch {
                throw RunError(.dataError, error.message)
            }
        }
        let metadata: Metadata
        do { metadata = try JSONSyntax.decode(Metadata.self, from: json, file: folder + "/partial.json") } catch {
            throw RunError(.dataError, error.description)
        }
        do { try metadata.configuration.validate() } catch { throw RunError(.dataError, "\(folder)/partial.json: \(error.message)") }
        guard (1...10_000).contains(metadata.shards), (0..<metadata.shards).contains(metadata.shard), metadata.firstImage >= 0,
            metadata.endImage <= 1 << 40
        else { throw RunError(.dataError, "\(folder)/partial.json: shard \(metadata.shard) of \(metadata.shards) is not a shard of a run") }
        let statistics: PairStatistics
        do { statistics = try PairStatistics(serialized: pairs) } catch { throw RunError(.dataError, "\(folder)/pairs.bin: \(error)") }
        guard metadata.format == Self.format, String(decoding: marker, as: UTF8.self) == metadata.fingerprint + "\n",
            metadata.fingerprint == statistics.layout.fingerprint, metadata.firstImage <= metadata.endImage,
            metadata.templates.count == metadata.endImage - metadata.firstImage,
            metadata.qualities.map({ $0.count == metadata.templates.count }) ?? true
        else { throw RunError(.dataError, "\(folder): the partial's files do not belong together (rerun the shard)") }
        self.init(
            shard: metadata.shard, shards: metadata.shards, configuration: metadata.configuration, commandLine: metadata.commandLine,
            workingDirectory: metadata.workingDirectory,
            images: metadata.firstImage..<metadata.endImage,
            templates: metadata.templates, qualities: metadata.qualities, statistics: statistics, model: metadata.model)
    }

    /// The run that shards add up to.
    public struct Merged: Sendable {
        /// The run's settings (without the shard).
        public var configuration: RunConfiguration
        /// The run's command line without `--shard` and `--phase`.
        public var commandLine: [String]
        /// The folder the shards ran in (their relative paths are relative to it).
        public var workingDirectory: String
        /// Every image's template, in manifest order.
        public var templates: [EmbeddingResult]
        /// Every image's quality covariates, in manifest order; nil unless every shard measured them.
        public var qualities: [FaceQuality?]?
        /// The statistics of every tile.
        public var statistics: PairStatistics
        /// What the embedder named itself, when the shards greeted one (all the same).
        public var model: ModelNames?
    }

    /// Adds up the partials of every shard of one run as they are read, so that only one shard's pairs
    /// are in memory beside the merged ones: each partial's statistics are absorbed when it is added (the
    /// tail bin of the sum so far is a lower bound of the whole run's, so no pair the run needs is
    /// dropped), and its templates wait for the shards before it. Partials may come in any order.
    /// ``finish()`` refuses a missing or repeated shard, partials of different runs or models, and
    /// statistics that do not add up, in that order.
    public struct Merger {
        /// The first partial's shard and what every partial must share with it.
        private let firstShard: Int
        private let shardCount: Int
        private let configuration: RunConfiguration
        private let commandLine: [String]
        private let workingDirectory: String
        private let model: ModelNames?
        private let layout: StatisticsLayout
        /// The sum of the partials absorbed so far.
        private var statistics: PairStatistics
        /// The tiles absorbed so far.
        private var covered = Set<Int>()
        /// The shard indices given, repeats included.
        private var indices: [Int] = []
        private var shardCounts = Set<Int>()
        private var sameArguments = true
        /// The first partial whose model differs from the first's: its shard and model.
        private var otherModel: (shard: Int, model: ModelNames?)?
        /// What each added shard brings, by index: its images, templates, qualities and tiles, and the
        /// error its statistics' layout gave. `finish` replays the tile checks in shard order, so that a
        /// tile computed twice is blamed on the later shard whatever order the partials came in.
        private var shards:
            [Int: (images: Range<Int>, templates: [EmbeddingResult], qualities: [FaceQuality?]?, tiles: [Int], layoutError: String?)] =
                [:]

        /// A merger whose run is the one `first` belongs to (`first` must still be added).
        public init(first: ShardPartial) {
            firstShard = first.shard
            shardCount = first.shards
            configuration = first.configuration
            commandLine = first.commandLine
            workingDirectory = first.workingDirectory
            model = first.model
            layout = first.statistics.layout
            statistics = PairStatistics(layout: first.statistics.layout)
        }

        /// Adds one partial; its pairs are absorbed now and freed.
        public mutating func add(_ partial: consuming ShardPartial) {
            indices.append(partial.shard)
            shardCounts.insert(partial.shards)
            let same =
                partial.configuration == configuration && partial.commandLine == commandLine
                && partial.workingDirectory == workingDirectory && partial.shards == shardCount
            if !same { sameArguments = false }
            if partial.model != model && otherModel == nil { otherModel = (partial.shard, partial.model) }
            // A repeated or foreign shard is only counted: `finish` refuses the merge.
            guard same, shards[partial.shard] == nil, partial.model == model else { return }
            let shard = partial.shard
            let images = partial.images
            let templates = partial.templates
            let qualities = partial.qualities
            let part = partial.statistics
            _ = consume partial
            let tiles = part.tiles
            var layoutError: String?
            // Tiles computed twice are left to `finish`, which names the later shard in shard order; `absorb`
            // refuses another run's layout and changes nothing then.
            if part.layout != layout || covered.isDisjoint(with: tiles) {
                // The only reference to the part's pairs, so that `absorb` frees them as it copies.
                var parts = [consume part]
                do {
                    try statistics.absorb(&parts)
                    covered.formUnion(tiles)
                } catch { layoutError = "\(error)" }
            }
            shards[shard] = (images, templates, qualities, tiles, layoutError)
        }

        /// The run the partials add up to.
        /// - Throws: ``RunError`` (data error) when a shard is missing or repeated, the partials belong to
        ///   different runs or models, or their statistics do not add up.
        public consuming func finish() throws(RunError) -> Merged {
            let count = shardCount
            let sorted = indices.sorted()
            guard sorted == Array(0..<count) else {
                let missing = Set(0..<count).subtracting(sorted).sorted()
                let repeated = Dictionary(grouping: sorted, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
                throw RunError(
                    .dataError,
                    "the run has \(count) shards; "
                        + (missing.isEmpty ? "" : "missing: \(missing.map(String.init).joined(separator: ", ")) ")
                        + (repeated.isEmpty ? "" : "given twice: \(repeated.map(String.init).joined(separator: ", "))")
                        + (shardCounts.count > 1 ? " (partials of runs with different shard counts)" : ""))
            }
            guard sameArguments else {
                throw RunError(.dataError, "the partials were made with different arguments; merge the shards of one run only")
            }
            if let other = otherModel {
                let name = { (model: ModelNames?) in model?.model ?? "no model named" }
                throw RunError(
                    .dataError,
                    "shards \(firstShard) and \(other.shard) ran different models (\(name(model)); \(name(other.model))); "
                        + "rerun every shard with one model")
            }
            var templates: [EmbeddingResult] = []
            var qualities: [FaceQuality?]? = []
            var tilesSoFar = Set<Int>()
            for index in 0..<count {
                let shard = shards[index]!
                guard shard.images.lowerBound == templates.count else {
                    throw RunError(.dataError, "shard \(index) starts at image \(shard.images.lowerBound), expected \(templates.count)")
                }
                templates += shard.templates
                qualities = qualities.flatMap { q in shard.qualities.map { q + $0 } }
                if let error = shard.layoutError { throw RunError(.dataError, "shard \(index): \(error)") }
                let overlap = tilesSoFar.intersection(shard.tiles)
                guard overlap.isEmpty else { throw RunError(.dataError, "shard \(index): \(PairStatistics.computedTwice(overlap))") }
                tilesSoFar.formUnion(shard.tiles)
            }
            statistics.normalize()
            return Merged(
                configuration: configuration, commandLine: commandLine, workingDirectory: workingDirectory,
                templates: templates, qualities: qualities, statistics: statistics, model: model)
        }
    }
}
