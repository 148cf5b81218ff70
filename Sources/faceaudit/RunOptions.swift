import ArgumentParser
import FaceAuditBenchmark
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditScoreFiles
import Foundation

/// Every flag of a run: each sets one ``RunConfiguration`` property (its key in a benchmark file is
/// the flag's name in snake_case). A flag not given leaves the benchmark file's value, or the default.
struct RunOptions: ParsableArguments {
    @Option(
        help: """
            A benchmark file (faceaudit.toml, faceaudit.yaml, or the JSON that `slurm submit` writes) holding the run's \
            settings; paths in it are relative to it. Flags given on the command line replace its values.
            """)
    var benchmark: String?

    @Option(help: "The dataset (as for validate).")
    var dataset: String?

    @Option(help: "Output folder.")
    var out: String?

    @Option(help: "Force the dataset layout: csv, london, utkface, lfw.")
    var layout: DatasetLayout?

    @Option(help: "Dataset card JSON.")
    var card: String?

    @Option(help: "Use a precomputed score file instead of images (then --dataset is not needed); see --format.")
    var scores: String?

    @Option(
        name: [.customLong("format"), .customLong("score-format")],
        help: "Format of --scores: csv (with probe_/reference_ label columns for cohorts), bob4 or bob5 (default: csv).")
    var format: ScoreFormat?

    @Flag(help: "With --scores: the scores are distances (accept when ≤ threshold).")
    var dissimilarity = false

    @Option(help: "Instead of a dataset, the built-in SIMULATED population of this many people (as `faceaudit demo`).")
    var simulatedSubjects: Int?

    @OptionGroup var cohorts: CohortOptions

    @OptionGroup var analysis: AnalysisOptions

    @Option(
        help: """
            Which pipeline makes templates: dlib, external (--embedder-command) or precomputed (--embeddings) (default: external \
            with --embedder-command, precomputed with --embeddings, dlib otherwise).
            """)
    var pipeline: RunConfiguration.Pipeline?

    @Option(help: "Folder of the dlib models.")
    var models: String?

    @Option(help: "Upsample images this many times before detection (default: 0).")
    var upsample: Int?

    @Option(help: "Which face represents an image: largest or confident (default: largest).")
    var facePolicy: RunConfiguration.FacePolicy?

    @Option(
        help:
            "Worker threads for template extraction (each runs one pipeline, BLAS single-threaded), comparison tiles and the bootstrap (default: every core)."
    )
    var threads: Int?

    @Option(help: "Template cache folder (default: ~/.cache/faceaudit/templates).")
    var cache: String?

    @Flag(help: "Do not read or write the template cache.")
    var noCache = false

    @Flag(help: "Also write scores.csv (names images; written with mode 0600).")
    var exportScores = false

    @Option(
        help: """
            Use an external embedder instead of dlib: the command as a JSON array, e.g. '["python3", "embedder.py"]' \
            (no shell; JSON lines over stdin/stdout, see docs/commands.md).
            """)
    var embedderCommand: String?

    @Option(help: "Version of the external embedder's model (changes invalidate cached templates; default: 1).")
    var embedderVersion: String?

    @Option(
        help: ArgumentHelp(
            "Seconds the external embedder may take for one image before it is killed and restarted (default: 120).",
            valueName: "seconds"))
    var embedderTimeout: Double?

    @Option(
        help: ArgumentHelp(
            "Seconds a newly started external embedder may take for its first answer, model loading included (default: 600).",
            valueName: "seconds"))
    var embedderStartupTimeout: Double?

    @Option(
        help: ArgumentHelp(
            "The external embedder's protocol: 3 (a hello names the model; default), 2 (no hello) or 1 (no hello, replies without id).",
            valueName: "version"))
    var embedderProtocol: Int?

    @Flag(help: "Accept manifest paths outside the dataset's folder (absolute paths, or .. climbing out of it).")
    var allowOutsidePaths = false

    @Option(help: "Use precomputed templates: a CSV (path,v0,v1,…) or a float32 .npy with one row per image in manifest order.")
    var embeddings: String?

    @Option(help: "How external or precomputed templates compare: cosine or euclidean (default: cosine).")
    var comparison: RunConfiguration.Comparison?

    @Flag(
        help: ArgumentHelp(
            "Measure each person's skin tone from their photos (ITA, nearest Monk tone; median per person) and add skin_tone cohorts.",
            discussion:
                "dlib pipeline only. Labels are marked \"estimated (ITA from pixels)\" and are refused if the dataset has skin_tone labels."
        ))
    var estimateSkinTone = false

    @Flag(help: "Also run the watchlist (1:N) protocol: FNIR and FPIR per probe cohort (summary.json, watchlist.csv, report).")
    var watchlist = false

    @Option(help: "Watchlist: share of people enrolled in the gallery (default: 0.5).")
    var enrolledShare: Double?

    @Option(help: "Watchlist: target FPIRs (default: 0.01,0.1).")
    var targetFpir: String?

    @Option(
        help: ArgumentHelp(
            "Run shard i of K (0-based, e.g. 2/7): write a partial result to <out>/shard-i-of-K for `faceaudit merge`.",
            discussion:
                "Templates are extracted for the shard's image range; the comparison covers the shard's tiles of the all-pairs matrix."
        ))
    var shard: RunConfiguration.Shard?

    @Option(
        help: """
            With --shard: extract (templates of the shard's images only, into the cache) or compare (all templates, from the \
            cache where present, then the shard's tiles). On a cluster every shard extracts before any compares.
            """)
    var phase: RunConfiguration.ShardPhase?

    @Option(help: "Tile edge of the all-pairs comparison (templates per tile side; every shard of a run must use the same; default: 1024).")
    var tileSize: Int?

    @Option(
        help: """
            Up to this many non-mated pairs a run keeps every score (default: 8000000, about 4,000 images, about 2 GiB at most). Above it, it keeps the most similar pairs \
            exactly (enough for the largest --target-fmr) and counts the rest in histograms: counts at the thresholds stay exact; \
            EER, AUC and curves below the kept scores are at histogram resolution (summary.json conventions say which).
            """)
    var exactPairLimit: Int?

    @Option(help: "Report scenario: students in the school (the dataset's cohort mix; default: 1000).")
    var schoolSize: Int?

    @Option(help: "Report scenario: camera checks per student per day (default: 4).")
    var passesPerDay: Int?

    @Option(help: "Report scenario: school days per year (default: 180).")
    var schoolDays: Int?

    @Option(help: "Report scenario: people on the watchlist (default: 50).")
    var watchlistSize: Int?

    @Option(
        help: """
            Report scenario: the watchlist's mix as cohort:share, comma-separated, e.g. ethnicity=black:0.3,ethnicity=white:0.7 \
            (default: the students' own mix). Shares are relative (fractions, percentages or counts), each 0 to 10⁸.
            """)
    var watchlistMix: String?

    @Option(help: "Report scenario: days a retrospective search of one student looks back (default: 60).")
    var trackingDays: Int?

    /// The run's settings: the benchmark file's (if any), then every flag given.
    /// - Throws: the file's ``RunError`` (mapped to its exit status), or a usage error.
    func configuration() throws -> RunConfiguration {
        var c = RunConfiguration()
        if let benchmark {
            do { c = try RunConfiguration.load(path: benchmark) } catch { throw fail(error) }
        }
        try apply(to: &c)
        return c
    }

    /// Sets every property whose flag was given.
    func apply(to c: inout RunConfiguration) throws {
        set(&c.dataset, dataset)
        set(&c.out, out)
        set(&c.layout, layout)
        set(&c.card, card)
        set(&c.scores, scores)
        if let format { c.scoreFormat = format }
        if dissimilarity { c.dissimilarity = true }
        set(&c.simulatedSubjects, simulatedSubjects)
        try cohorts.apply(to: &c)
        try analysis.apply(to: &c)
        set(&c.models, models)
        if let upsample { c.upsample = upsample }
        if let facePolicy { c.facePolicy = facePolicy }
        if let threads { c.threads = threads }
        set(&c.cache, cache)
        if noCache { c.noCache = true }
        if exportScores { c.exportScores = true }
        if let embeddings {
            c.embeddings = embeddings
            c.pipeline = .precomputed
        }
        if let embedderCommand {
            guard let data = embedderCommand.data(using: .utf8), let words = try? JSONSerialization.jsonObject(with: data) as? [String],
                !words.isEmpty
            else {
                throw ValidationError("--embedder-command must be a JSON array of strings, e.g. '[\"python3\", \"embedder.py\"]'")
            }
            c.embedderCommand = words
            c.pipeline = .external
        }
        if let embedderVersion { c.embedderVersion = embedderVersion }
        if let embedderTimeout { c.embedderTimeout = embedderTimeout }
        if let embedderStartupTimeout { c.embedderStartupTimeout = embedderStartupTimeout }
        if let embedderProtocol { c.embedderProtocol = embedderProtocol }
        if allowOutsidePaths { c.allowOutsidePaths = true }
        set(&c.pipeline, pipeline)
        if let comparison { c.comparison = comparison }
        if estimateSkinTone { c.estimateSkinTone = true }
        if watchlist { c.watchlist = true }
        if let enrolledShare { c.enrolledShare = enrolledShare }
        if let targetFpir { c.targetFPIR = try TargetList.parse(targetFpir, flag: "--target-fpir") }
        set(&c.shard, shard)
        set(&c.phase, phase)
        if let tileSize { c.tileSize = tileSize }
        if let exactPairLimit { c.exactPairLimit = exactPairLimit }
        if let schoolSize { c.schoolSize = schoolSize }
        if let passesPerDay { c.passesPerDay = passesPerDay }
        if let schoolDays { c.schoolDays = schoolDays }
        if let watchlistSize { c.watchlistSize = watchlistSize }
        if let watchlistMix {
            c.watchlistMix = watchlistMix.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let trackingDays { c.trackingDays = trackingDays }
    }
}

/// Sets `value` when the flag was given.
func set<T>(_ value: inout T?, _ flag: T?) {
    if let flag { value = flag }
}

extension RunConfiguration.Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
extension RunConfiguration.ShardPhase: ExpressibleByArgument {}
extension RunConfiguration.FacePolicy: ExpressibleByArgument {}
extension RunConfiguration.Pipeline: ExpressibleByArgument {}
extension RunConfiguration.Comparison: ExpressibleByArgument {}
