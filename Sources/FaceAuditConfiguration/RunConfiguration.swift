import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditFace
import FaceAuditScoreFiles
import Foundation

/// Every setting of one benchmark run, in one value.
///
/// The command line fills it from flags (`faceaudit run --bootstrap 200 …`); a benchmark file
/// (`faceaudit.toml`, `faceaudit.yaml`, or the JSON that `slurm submit` writes) decodes into it
/// (``RunConfiguration/load(path:)``); shard partials store it as JSON, and `summary.json` records it
/// under `configuration`. Its JSON/TOML/YAML keys are the snake_case names in ``CodingKeys``.
///
/// A setting that is not given keeps the default written on its property. When a benchmark file and
/// flags are both given, the file is read first and every flag given on the command line replaces the
/// file's value.
///
/// Adding a setting: one property here with its doc comment and default, its key in ``CodingKeys``
/// (and its line in `init(from:)`), its flag in `RunOptions`, and a test.
public struct RunConfiguration: Sendable, Codable, Equatable {
    // MARK: Input

    /// The dataset: a folder (London, UTKFace, LFW layouts) or a CSV manifest.
    public var dataset: String?
    /// Forces the dataset layout instead of detecting it.
    public var layout: DatasetLayout?
    /// A dataset card JSON to use instead of the dataset's own.
    public var card: String?
    /// A precomputed score file analysed instead of images (then `dataset` is not needed).
    public var scores: String?
    /// The format of ``scores``: `csv` (with probe_/reference_ label columns for cohorts), `bob4` or `bob5`.
    public var scoreFormat: ScoreFormat = .csv
    /// With ``scores``: the scores are distances (accept when ≤ threshold).
    public var dissimilarity = false
    /// Instead of a dataset, the built-in SIMULATED population of this many people (two images each),
    /// with group differences set inside NISTIR 8280's ranges (`faceaudit demo`).
    public var simulatedSubjects: Int?

    // MARK: Pipeline

    /// Which pipeline makes templates: `dlib` (native), `external` (``embedderCommand``) or
    /// `precomputed` (``embeddings``). Unset: external when ``embedderCommand`` is set, precomputed when
    /// ``embeddings`` is, dlib otherwise.
    public var pipeline: Pipeline?
    /// The folder of dlib's model files (default: where `scripts/bootstrap` installs them).
    public var models: String?
    /// Upsampling steps before detection (0…4), dlib pipeline.
    public var upsample = 0
    /// Which face represents an image with several: `largest` or `confident`.
    public var facePolicy: FacePolicy = .largest
    /// The external embedder's command, one word per element (no shell).
    public var embedderCommand: [String]?
    /// The external embedder's model version (a change invalidates its cached templates).
    public var embedderVersion = "1"
    /// Seconds the external embedder may take to answer one image before its process group is killed.
    public var embedderTimeout = 120.0
    /// Seconds a newly started external embedder may take for its first answer (loading its model included).
    public var embedderStartupTimeout = 600.0
    /// The external embedder's protocol version: 3 (a hello names the model first), 2 (no hello; replies echo the
    /// request's `id`) or 1 (no hello; replies carry no id).
    public var embedderProtocol = 3
    /// Precomputed templates: a CSV (path,v0,v1,…) or a float32 .npy with one row per image in manifest order.
    public var embeddings: String?
    /// How external or precomputed templates compare: `cosine` or `euclidean` (dlib's are always euclidean).
    public var comparison: Comparison = .cosine
    /// Measure each person's skin tone from their photos (ITA, nearest Monk tone; median per person) and
    /// add skin_tone cohorts marked as estimated; dlib pipeline only.
    public var estimateSkinTone = false

    // MARK: Cohorts

    /// Cohort dimensions (unset: every labeled one), in `CohortDimension` order; all their intersections
    /// are reported too.
    public var dimensions: [CohortDimension]?
    /// Age bands as lower bounds (`0`, `4`, …) or labels (`0-3`, …, `65+`).
    public var ageBands: [String] = ["0", "4", "8", "13", "18", "30", "50", "65"]
    /// Cohorts with fewer subjects than this are flagged.
    public var minSubjects = 10

    // MARK: Analysis

    /// Target false-match rates; one global threshold is set for each.
    public var targetFMR: [Double] = [0.01, 0.001, 0.0001]
    /// Fixed operating thresholds in the scores' own units (a distance for distances), evaluated beside the
    /// targets; unset: the pipeline's shipped default (see ``operatingThresholds``); empty: none.
    public var threshold: [Double]?
    /// The cohort that ratio columns divide by, e.g. `gender=male`.
    public var referenceCohort: String?
    /// Subject-bootstrap replicates (0: none).
    public var bootstrap = 1000
    /// Seed of the bootstrap (and of the watchlist's gallery draw and the simulation).
    public var seed: UInt64 = 1

    // MARK: Watchlist (1:N)

    /// Also run the watchlist protocol: FNIR and FPIR per probe cohort.
    public var watchlist = false
    /// Share of people enrolled in the gallery.
    public var enrolledShare = 0.5
    /// Target false-positive identification rates.
    public var targetFPIR: [Double] = [0.01, 0.1]

    // MARK: The report's school scenario

    /// Students in the imagined school (the dataset's cohort mix).
    public var schoolSize = 1000
    /// Camera checks per student per day.
    public var passesPerDay = 4
    /// School days per year.
    public var schoolDays = 180
    /// People on the watchlist each face is searched against.
    public var watchlistSize = 50
    /// The watchlist's mix, `cohort:share` (e.g. `ethnicity=black:0.4`); empty: the students' own mix.
    /// Shares are normalised over the groups a table names; unnamed groups of that table get none.
    public var watchlistMix: [String] = []
    /// Days a retrospective search ("track a person's movements") looks back.
    public var trackingDays = 60

    // MARK: Scale

    /// Run one shard of the all-pairs comparison (`i/K`, 0-based) into a partial for `faceaudit merge`.
    public var shard: Shard?
    /// With ``shard``: `extract` (templates of the shard's images only) or `compare` (the shard's tiles).
    public var phase: ShardPhase?
    /// Tile edge of the all-pairs comparison, in templates (every shard of a run must use the same).
    public var tileSize = 1024
    /// Up to this many non-mated pairs a run keeps every score; above it, the most similar pairs exactly
    /// and the rest in histograms (counts at the thresholds stay exact).
    public var exactPairLimit = Self.defaultExactPairLimit
    /// The default ``exactPairLimit``: 8 million non-mated pairs, about 4,000 images. The per-pair
    /// analysis needs about 165 bytes a pair (`scripts/bench/run-size`, whole runs with the default
    /// bootstrap: 1.4 GiB at 8.0 million pairs, 3.0 GiB at 18.0 million, 5.2 GiB at 32.0 million), so a
    /// default run stays under about 2 GiB; a streamed run of the same images needs under 0.25 GiB.
    public static let defaultExactPairLimit = 8_000_000
    /// Worker threads for extraction, comparison tiles and the bootstrap (unset: every core). Results do
    /// not depend on it.
    public var threads: Int?

    // MARK: Cache and outputs

    /// Template cache folder (unset: `~/.cache/faceaudit/templates`).
    public var cache: String?
    /// Do not read or write the template cache.
    public var noCache = false
    /// Output folder.
    public var out: String?
    /// Also write scores.csv (it names images; written with mode 0600).
    public var exportScores = false
    /// Accept manifest paths outside the dataset's folder (absolute, or climbing out with `..`).
    public var allowOutsidePaths = false

    /// The defaults.
    public init() {}

    /// The snake_case keys of benchmark files, shard partials and `summary.json`.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case dataset, layout, card, scores, dissimilarity, pipeline, models, upsample, comparison, dimensions, bootstrap, seed
        case watchlist, shard, phase, threads, cache, out
        case scoreFormat = "score_format"
        case simulatedSubjects = "simulated_subjects"
        case facePolicy = "face_policy"
        case embedderCommand = "embedder_command"
        case embedderVersion = "embedder_version"
        case embedderTimeout = "embedder_timeout"
        case embedderStartupTimeout = "embedder_startup_timeout"
        case embedderProtocol = "embedder_protocol"
        case allowOutsidePaths = "allow_outside_paths"
        case embeddings
        case estimateSkinTone = "estimate_skin_tone"
        case ageBands = "age_bands"
        case minSubjects = "min_subjects"
        case targetFMR = "target_fmr"
        case threshold
        case referenceCohort = "reference_cohort"
        case enrolledShare = "enrolled_share"
        case targetFPIR = "target_fpir"
        case schoolSize = "school_size"
        case passesPerDay = "passes_per_day"
        case schoolDays = "school_days"
        case watchlistSize = "watchlist_size"
        case watchlistMix = "watchlist_mix"
        case trackingDays = "tracking_days"
        case tileSize = "tile_size"
        case exactPairLimit = "exact_pair_limit"
        case noCache = "no_cache"
        case exportScores = "export_scores"
    }

    /// Decodes the keys present; every other setting keeps its default. Lists may also be given as one
    /// comma-separated string (`target_fmr = "0.01,0.001"`), as on the command line.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.set(&dataset, .dataset)
        try c.set(&layout, .layout)
        try c.set(&card, .card)
        try c.set(&scores, .scores)
        try c.set(&scoreFormat, .scoreFormat)
        try c.set(&dissimilarity, .dissimilarity)
        try c.set(&simulatedSubjects, .simulatedSubjects)
        try c.set(&pipeline, .pipeline)
        try c.set(&models, .models)
        try c.set(&upsample, .upsample)
        try c.set(&facePolicy, .facePolicy)
        if c.contains(.embedderCommand) {
            try c.refuseNull(.embedderCommand)
            // One string is a one-word command, as the old reader took it.
            if let word = try? c.decode(String.self, forKey: .embedderCommand) {
                embedderCommand = [word]
            } else {
                embedderCommand = try c.decode([String].self, forKey: .embedderCommand)
            }
        }
        try c.set(&embedderVersion, .embedderVersion)
        try c.set(&embedderTimeout, .embedderTimeout)
        try c.set(&embedderStartupTimeout, .embedderStartupTimeout)
        try c.set(&embedderProtocol, .embedderProtocol)
        try c.set(&allowOutsidePaths, .allowOutsidePaths)
        try c.set(&embeddings, .embeddings)
        try c.set(&comparison, .comparison)
        try c.set(&estimateSkinTone, .estimateSkinTone)
        if let v = try c.list(.dimensions), v.map({ $0.lowercased() }) != ["auto"] {
            // As on the command line: synonyms (age, sex, race) accepted, duplicates dropped, in a fixed order;
            // "auto" is every labeled dimension (the default).
            do { dimensions = try CohortDimension.parseList(v.joined(separator: ",")) } catch {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: c.codingPath + [CodingKeys.dimensions], debugDescription: error.message))
            }
        }
        if let v = try c.list(.ageBands) { ageBands = v }
        try c.set(&minSubjects, .minSubjects)
        if let v = try c.list(.targetFMR) { targetFMR = try v.map { try c.parse($0, .targetFMR, Double.init) } }
        if let v = try c.list(.threshold) {
            // "none" turns the pipeline's default off, as on the command line.
            threshold = v.map { $0.lowercased() } == ["none"] ? [] : try v.map { try c.parse($0, .threshold, Double.init) }
        }
        try c.set(&referenceCohort, .referenceCohort)
        try c.set(&bootstrap, .bootstrap)
        try c.setSeed(&seed)
        try c.set(&watchlist, .watchlist)
        try c.set(&enrolledShare, .enrolledShare)
        if let v = try c.list(.targetFPIR) { targetFPIR = try v.map { try c.parse($0, .targetFPIR, Double.init) } }
        try c.set(&schoolSize, .schoolSize)
        try c.set(&passesPerDay, .passesPerDay)
        try c.set(&schoolDays, .schoolDays)
        try c.set(&watchlistSize, .watchlistSize)
        if let v = try c.list(.watchlistMix) { watchlistMix = v }
        try c.set(&trackingDays, .trackingDays)
        try c.set(&shard, .shard)
        try c.set(&phase, .phase)
        try c.set(&tileSize, .tileSize)
        try c.set(&exactPairLimit, .exactPairLimit)
        try c.set(&threads, .threads)
        try c.set(&cache, .cache)
        try c.set(&noCache, .noCache)
        try c.set(&out, .out)
        try c.set(&exportScores, .exportScores)
    }

    /// The keys that hold paths, resolved against a benchmark file's folder.
    static var pathKeys: [WritableKeyPath<RunConfiguration, String?>] {
        [\.dataset, \.card, \.scores, \.models, \.embeddings, \.cache, \.out]
    }
}

extension RunConfiguration {
    /// Which pipeline makes templates.
    public enum Pipeline: String, Sendable, Codable, CaseIterable {
        /// dlib's models run natively (MMOD detector, 5-point landmarks, ResNet descriptor).
        case dlib
        /// An external process speaking FaceAudit's JSON-lines protocol.
        case external
        /// Templates read from a file.
        case precomputed
    }

    /// Which face represents an image with several (`largest` or `confident`).
    public typealias FacePolicy = FaceAuditFace.FacePolicy

    /// How external or precomputed templates compare.
    public enum Comparison: String, Sendable, Codable, CaseIterable {
        /// Cosine similarity; higher is more similar.
        case cosine
        /// Euclidean distance; lower is more similar.
        case euclidean
    }

    /// `i/K`: shard i (0-based) of K.
    public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible, LosslessStringConvertible {
        /// 0-based shard index.
        public let index: Int
        /// Number of shards (1…10,000).
        public let count: Int

        /// Creates shard `index` of `count`; nil unless 0 ≤ index < count ≤ 10,000.
        public init?(index: Int, count: Int) {
            guard count >= 1, count <= 10_000, index >= 0, index < count else { return nil }
            self.index = index
            self.count = count
        }

        /// Parses `i/K`.
        public init?(_ description: String) {
            let parts = description.split(separator: "/")
            guard parts.count == 2, let i = Int(parts[0]), let k = Int(parts[1]) else { return nil }
            self.init(index: i, count: k)
        }

        public var description: String { "\(index)/\(count)" }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let shard = Shard(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not i/K with 0 ≤ i < K"))
            }
            self = shard
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(description)
        }
    }

    /// The phase of a shard.
    public enum ShardPhase: String, Sendable, Codable, CaseIterable {
        /// Extract the templates of the shard's images (into the cache).
        case extract
        /// Compare the shard's tiles (templates from the cache where present).
        case compare
    }

    /// The pipeline in force: ``pipeline`` if set, else inferred from ``embedderCommand`` and ``embeddings``.
    public var resolvedPipeline: Pipeline {
        pipeline ?? (embedderCommand != nil ? .external : embeddings != nil ? .precomputed : .dlib)
    }

    /// face_recognition's default tolerance: two dlib descriptors match when their Euclidean distance is at
    /// most 0.6 (`compare_faces(..., tolerance=0.6)`).
    public static let faceRecognitionTolerance = 0.6

    /// What ``faceRecognitionTolerance`` is, in every output that shows it.
    public static let faceRecognitionToleranceLabel = "face_recognition's default tolerance"

    /// The fixed thresholds in force, each with what it is: ``threshold`` if set, else the pipeline's
    /// shipped default. The built-in dlib pipeline ships face_recognition's tolerance (distance 0.6), so a
    /// dataset run on it is also measured there; score files, external and precomputed templates and the
    /// simulated population have no default.
    public var operatingThresholds: [(value: Double, label: String?)] {
        let dlib = scores == nil && simulatedSubjects == nil && resolvedPipeline == .dlib
        let label = Self.faceRecognitionToleranceLabel
        guard let threshold else { return dlib ? [(Self.faceRecognitionTolerance, label)] : [] }
        return threshold.map { ($0, dlib && $0 == Self.faceRecognitionTolerance ? label : nil) }
    }

    /// The settings as recorded in `summary.json`: what decides the results, without the shard being run.
    public var recorded: RunConfiguration {
        var c = self
        c.shard = nil
        c.phase = nil
        return c
    }
}

extension KeyedDecodingContainer where Key == RunConfiguration.CodingKeys {
    /// Replaces `value` with the key's value when the key is present.
    fileprivate func set<T: Decodable>(_ value: inout T, _ key: Key) throws {
        try refuseNull(key)
        if let decoded = try decodeIfPresent(T.self, forKey: key) { value = decoded }
    }

    /// Replaces `value` with the key's value when the key is present.
    fileprivate func set<T: Decodable>(_ value: inout T?, _ key: Key) throws {
        try refuseNull(key)
        if let decoded = try decodeIfPresent(T.self, forKey: key) { value = decoded }
    }

    /// A key written with no value (`bootstrap: null`) is a mistake, not the default.
    func refuseNull(_ key: Key) throws {
        if contains(key), (try? decodeNil(forKey: key)) == true {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath + [key], debugDescription: "null is not a value"))
        }
    }

    /// The seed: a whole number 0 ≤ seed < 2⁶⁴, read as a signed number first (TOMLKit traps converting a
    /// negative TOML integer to an unsigned one).
    fileprivate func setSeed(_ value: inout UInt64) throws {
        let key = Key.seed
        guard contains(key) else { return }
        try refuseNull(key)
        if let signed = try? decode(Int.self, forKey: key) {
            guard signed >= 0 else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: "must be 0 or more"))
            }
            value = UInt64(signed)
        } else {
            value = try decode(UInt64.self, forKey: key)
        }
    }

    /// Replaces a number with the key's value; a whole number is a number too (`enrolled_share = 1`).
    fileprivate func set(_ value: inout Double, _ key: Key) throws {
        guard contains(key) else { return }
        try refuseNull(key)
        if let whole = try? decode(Int.self, forKey: key) { value = Double(whole) } else { value = try decode(Double.self, forKey: key) }
    }

    /// A list given as an array of strings or numbers, one comma-separated string, or one number.
    fileprivate func list(_ key: Key) throws -> [String]? {
        guard contains(key) else { return nil }
        try refuseNull(key)
        /// A number as the command line would write it: whole numbers without a decimal point.
        func text(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }
        if let strings = try? decode([String].self, forKey: key) { return strings }
        if let numbers = try? decode([Int].self, forKey: key) { return numbers.map { "\($0)" } }
        if let numbers = try? decode([Double].self, forKey: key) { return numbers.map(text) }
        if let text = try? decode(String.self, forKey: key) {
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let number = try? decode(Int.self, forKey: key) { return ["\(number)"] }
        if let number = try? decode(Double.self, forKey: key) { return [text(number)] }
        throw DecodingError.typeMismatch(
            [String].self, .init(codingPath: codingPath + [key], debugDescription: "expected a list, e.g. [\"a\", \"b\"] or \"a,b\""))
    }

    /// One element of a list, parsed.
    fileprivate func parse<T>(_ text: String, _ key: Key, _ make: (String) -> T?) throws -> T {
        guard let value = make(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: "\"\(text)\" is not a valid element"))
        }
        return value
    }
}
