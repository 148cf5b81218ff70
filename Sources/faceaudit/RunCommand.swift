import ArgumentParser
import FaceAuditCohorts
import FaceAuditComparison
import FaceAuditDatasets
import FaceAuditEvaluation
import FaceAuditImaging
import FaceAuditMetrics
import FaceAuditModels
import FaceAuditNN
import FaceAuditReport
import FaceAuditScores
import Foundation

/// `faceaudit run`: a labeled dataset through the recognition pipeline to every disaggregated number.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a dataset through the face pipeline and write per-cohort results (summary.json, cohorts.csv, …).",
        discussion: """
            Every image gets a template (its largest face, by default) from dlib's native pipeline; every pair of \
            images is compared (Euclidean distance, accept when ≤ τ); one global threshold per target FMR is set from \
            all non-mated pairs and every cohort is measured at it. An image without a face is a failure to acquire \
            for its cohort, never dropped. Templates are cached (0600 files), so an interrupted run resumes.
            Outputs in --out, each written atomically: summary.json, cohorts.csv, cross_cohort_fmr.csv, curves.csv, \
            report.html and, with --export-scores, scores.csv (it names images; mode 0600).
            """
    )

    @Option(help: "The dataset (as for validate).")
    var dataset: String?

    @Option(help: "Output folder.")
    var out: String?

    @Option(
        help: """
            A benchmark file (faceaudit.toml, or faceaudit.yaml) holding the run's settings; paths in it are relative \
            to it. Its values replace the corresponding command-line options.
            """)
    var benchmark: String?

    @Option(help: "Force the dataset layout: csv, london, utkface, lfw.")
    var layout: DatasetLayout?

    @Option(help: "Dataset card JSON.")
    var card: String?

    @Option(help: "Use a precomputed score file instead of images (then --dataset is not needed); see --format.")
    var scores: String?

    @Option(help: "Format of --scores: csv (with probe_/reference_ label columns for cohorts), bob4 or bob5.")
    var format: ScoreFormat = .csv

    @Flag(help: "With --scores: the scores are distances (accept when ≤ threshold).")
    var dissimilarity = false

    @OptionGroup var cohorts: CohortDefinition

    @Option(help: "Target FMRs.")
    var targetFmr: String = "0.01,0.001,0.0001"

    @Option(help: "Subject-bootstrap replicates.")
    var bootstrap: Int = 1000

    @Option(help: "Bootstrap seed.")
    var seed: UInt64 = 1

    @Option(help: "Reference cohort for ratio columns, e.g. gender=male.")
    var referenceCohort: String?

    @Option(help: "Folder of the dlib models.")
    var models: String?

    @Option(help: "Upsample images this many times before detection.")
    var upsample: Int = 0

    @Option(help: "Which face represents an image: largest or confident.")
    var facePolicy: DlibEmbedder.FacePolicy = .largest

    @Option(
        help: "Worker threads for template extraction (each runs one pipeline, BLAS single-threaded), comparison tiles and the bootstrap.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Template cache folder (default: ~/.cache/faceaudit/templates).")
    var cache: String?

    @Flag(help: "Do not read or write the template cache.")
    var noCache = false

    @Flag(help: "Also write scores.csv (names images; written with mode 0600).")
    var exportScores = false

    @Flag(help: "No progress output.")
    var quiet = false

    @Option(
        help: """
            Use an external embedder instead of dlib: the command as a JSON array, e.g. '["python3", "embedder.py"]' \
            (no shell; JSON lines over stdin/stdout, see the README).
            """)
    var embedderCommand: String?

    @Option(help: "Version of the external embedder's model (changes invalidate cached templates).")
    var embedderVersion: String = "1"

    @Option(help: "Use precomputed templates: a CSV (path,v0,v1,…) or a float32 .npy with one row per image in manifest order.")
    var embeddings: String?

    @Option(help: "How external or precomputed templates compare: cosine or euclidean.")
    var comparison: String = "cosine"

    @Flag(
        help: ArgumentHelp(
            "Measure each person's skin tone from their photos (ITA, nearest Monk tone; median per person) and add skin_tone cohorts.",
            discussion:
                "dlib pipeline only. Labels are marked \"estimated (ITA from pixels)\" and are refused if the dataset has skin_tone labels."
        ))
    var estimateSkinTone = false

    @Flag(help: "Also run the watchlist (1:N) protocol: FNIR and FPIR per probe cohort (summary.json, watchlist.csv, report).")
    var watchlist = false

    @Option(help: "Watchlist: share of people enrolled in the gallery.")
    var enrolledShare: Double = 0.5

    @Option(help: "Watchlist: target FPIRs.")
    var targetFpir: String = "0.01,0.1"

    @Option(
        help: ArgumentHelp(
            "Run shard i of K (0-based, e.g. 2/7): write a partial result to <out>/shard-i-of-K for `faceaudit merge`.",
            discussion:
                "Templates are extracted for the shard's image range; the comparison covers the shard's tiles of the all-pairs matrix."
        ))
    var shard: ShardSpec?

    @Option(
        help: """
            With --shard: extract (templates of the shard's images only, into the cache) or compare (all templates, from the \
            cache where present, then the shard's tiles). On a cluster every shard extracts before any compares.
            """)
    var phase: ShardPhase?

    @Option(help: "Tile edge of the all-pairs comparison (templates per tile side; every shard of a run must use the same).")
    var tileSize: Int = 1024

    @Option(
        help: """
            Up to this many non-mated pairs a run keeps every score. Above it, it keeps the most similar pairs exactly (enough \
            for the largest --target-fmr) and counts the rest in histograms: counts at the thresholds stay exact; EER, AUC and \
            curves below the kept scores are at histogram resolution (summary.json conventions say which).
            """)
    var exactPairLimit: Int = PairComparison.exactPairLimit

    @Option(help: "Report scenario: students in the school (the dataset's cohort mix).")
    var schoolSize: Int = 1000

    @Option(help: "Report scenario: camera checks per student per day.")
    var passesPerDay: Int = 4

    @Option(help: "Report scenario: school days per year.")
    var schoolDays: Int = 180

    @Option(help: "Report scenario: people on the watchlist.")
    var watchlistSize: Int = 50

    func validate() throws {
        guard schoolSize > 0, passesPerDay > 0, schoolDays > 0, watchlistSize > 0 else {
            throw ValidationError("--school-size, --passes-per-day, --school-days and --watchlist-size must be positive")
        }
        guard threads >= 1, bootstrap >= 0, upsample >= 0 && upsample <= 4, tileSize >= 16, exactPairLimit >= 0 else {
            throw ValidationError("--threads must be ≥ 1, --bootstrap ≥ 0, --upsample 0…4, --tile-size ≥ 16, --exact-pair-limit ≥ 0")
        }
        if shard != nil && scores != nil { throw ValidationError("--shard needs a dataset; score files are not sharded") }
        if phase != nil && shard == nil { throw ValidationError("--phase needs --shard i/K") }
    }

    /// `run --scores`: the whole analysis and report from a precomputed score file.
    private func runScoreFile(_ path: String, out: String) throws {
        let table: ScoreTable
        do { table = try ScoreFileReader.read(path: path, format: format) } catch { throw fail(error, ExitStatus.dataError) }
        let labeled: ScoreTableLabels? = format == .csv ? try labels(of: table, file: path) : nil
        let options = try analysisOptions(scheme: try cohorts.scheme(forLabels: labeled?.labels ?? []))
        var datasetCard = DatasetCard.unknown(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
        if let card {
            do { datasetCard = try DatasetCard.load(from: card) } catch { throw fail(error, ExitStatus.dataError) }
        }
        let pipeline = RunSummary.PipelineInfo(
            name: "scores", identity: "scores;\(format.rawValue)", models: [:],
            comparison: dissimilarity ? "precomputed distance" : "precomputed similarity", blas: "not used")
        let result: BenchmarkRun.Result
        do {
            result = try BenchmarkRun.evaluate(
                table: table, labels: labeled, polarity: dissimilarity ? .dissimilarity : .similarity, card: datasetCard,
                layout: "scores:\(format.rawValue)", pipeline: pipeline, options: options,
                commandLine: ["faceaudit"] + Array(CommandLine.arguments.dropFirst()), version: FaceAuditVersion.current)
        } catch {
            throw fail("\(error)", ExitStatus.dataError)
        }
        let report = HTMLReport.render(result.summary, curves: result.curves, histograms: result.histograms, options: reportOptions)
        try BenchmarkRun.write(result, to: out, exportScores: false, report: report)
        if !quiet { FileHandle.standardError.write(Data("run: \(table.count) comparisons from \(path); wrote \(out)\n".utf8)) }
    }

    /// The analysis settings from the options, for `scheme`.
    private func analysisOptions(scheme: CohortScheme) throws -> BenchmarkRun.Options {
        var options = BenchmarkRun.Options(scheme: scheme)
        do { options.targets = try TargetList.parse(targetFmr) } catch { throw ValidationError("\(error)") }
        options.replicates = bootstrap
        options.seed = seed
        options.minimumSubjects = cohorts.minSubjects
        options.referenceCohort = referenceCohort
        options.threads = threads
        return options
    }

    /// The report scenario from the options.
    private var reportOptions: ReportOptions {
        var o = ReportOptions()
        o.schoolSize = schoolSize
        o.passesPerDay = passesPerDay
        o.schoolDays = schoolDays
        o.watchlistSize = watchlistSize
        return o
    }

    /// Applies the benchmark file's settings over the command line's.
    private mutating func applyBenchmarkFile() throws {
        guard let benchmark else { return }
        let file: BenchmarkFile
        do { file = try BenchmarkFile(path: benchmark) } catch {
            throw fail(error, error.code == .unreadable ? ExitStatus.noInput : ExitStatus.dataError)
        }
        func invalid(_ key: String) -> ExitCode { fail("\(benchmark): \(key) has the wrong type", ExitStatus.dataError) }
        if let v = file.path("dataset") { dataset = v }
        if let v = file.path("out") { out = v }
        if let v = file.string("layout") {
            guard let l = DatasetLayout(rawValue: v) else { throw invalid("layout") }
            layout = l
        }
        if let v = file.path("card") { card = v }
        if let v = file.list("dimensions") { cohorts.dimensions = v }
        if let v = file.list("age_bands") { cohorts.ageBands = v }
        if let v = file.number("min_subjects") { cohorts.minSubjects = Int(v) }
        if let v = file.list("target_fmr") { targetFmr = v }
        if let v = file.number("bootstrap") { bootstrap = Int(v) }
        if let v = file.number("seed") { seed = UInt64(v) }
        if let v = file.string("reference_cohort") { referenceCohort = v }
        if let v = file.strings("embedder_command") {
            let data = try JSONSerialization.data(withJSONObject: v)
            embedderCommand = String(decoding: data, as: UTF8.self)
        }
        if let v = file.string("embedder_version") { embedderVersion = v }
        if let v = file.path("embeddings") { embeddings = v }
        if let v = file.string("comparison") { comparison = v }
        if let v = file.number("upsample") { upsample = Int(v) }
        if let v = file.string("face_policy") {
            guard let p = DlibEmbedder.FacePolicy(rawValue: v) else { throw invalid("face_policy") }
            facePolicy = p
        }
        if let v = file.bool("watchlist") { watchlist = v }
        if let v = file.number("enrolled_share") { enrolledShare = v }
        if let v = file.list("target_fpir") { targetFpir = v }
        if let v = file.number("school_size") { schoolSize = Int(v) }
        if let v = file.number("passes_per_day") { passesPerDay = Int(v) }
        if let v = file.number("school_days") { schoolDays = Int(v) }
        if let v = file.number("watchlist_size") { watchlistSize = Int(v) }
        if let v = file.number("tile_size") { tileSize = Int(v) }
        if let v = file.number("exact_pair_limit") { exactPairLimit = Int(v) }
        if let pipeline = file.string("pipeline") {
            switch pipeline {
            case "dlib":
                embedderCommand = nil
                embeddings = nil
            case "external":
                guard embedderCommand != nil else {
                    throw fail("\(benchmark): pipeline \"external\" needs embedder_command", ExitStatus.dataError)
                }
                embeddings = nil
            case "precomputed":
                guard embeddings != nil else { throw fail("\(benchmark): pipeline \"precomputed\" needs embeddings", ExitStatus.dataError) }
                embedderCommand = nil
            default:
                throw fail("\(benchmark): pipeline must be dlib, external or precomputed", ExitStatus.dataError)
            }
        }
    }

    mutating func run() throws { try execute(merged: nil, out: nil) }

    /// The run's command line as one process would have been given it: without --shard and --phase.
    private static func unshardedArguments() -> [String] {
        var arguments = ["faceaudit"]
        var skip = false
        for argument in CommandLine.arguments.dropFirst() {
            if skip {
                skip = false
                continue
            }
            if argument == "--shard" || argument == "--phase" {
                skip = true
                continue
            }
            if argument.hasPrefix("--shard=") || argument.hasPrefix("--phase=") { continue }
            arguments.append(argument)
        }
        return arguments
    }

    /// Runs the benchmark; with `merged`, templates and pair statistics come from merged shards, and
    /// `outOverride` (if any) replaces the output folder even when a benchmark file sets one.
    mutating func execute(merged: ShardPartial.Merged?, out outOverride: String?) throws {
        let commandLine = merged?.arguments ?? Self.unshardedArguments()
        try applyBenchmarkFile()
        if let outOverride { out = outOverride }
        if let scores {
            guard let out else { throw ValidationError("give --out") }
            try runScoreFile(scores, out: out)
            return
        }
        guard let dataset, let out else {
            throw ValidationError("give --dataset and --out, or a --benchmark file that sets dataset and out")
        }
        var manifest: Manifest
        do { manifest = try DatasetReader().read(path: dataset, layout: layout, cardPath: card) } catch {
            throw fail(error, error.code == .unreadable ? ExitStatus.noInput : ExitStatus.dataError)
        }
        var options = try analysisOptions(scheme: try cohorts.scheme(for: manifest.records))
        options.scoresTable = exportScores

        let embedder: any Embedder
        let pipelineName: String
        var modelHashes: [String: String] = [:]
        let chosenComparison: TemplateComparison = comparison == "euclidean" ? .euclideanDistance : .cosineSimilarity
        guard ["cosine", "euclidean"].contains(comparison) else { throw ValidationError("--comparison must be cosine or euclidean") }
        if let embedderCommand {
            guard let data = embedderCommand.data(using: .utf8), let command = try? JSONSerialization.jsonObject(with: data) as? [String],
                !command.isEmpty
            else {
                throw ValidationError("--embedder-command must be a JSON array of strings, e.g. '[\"python3\", \"embedder.py\"]'")
            }
            embedder = ExternalEmbedder(command: command, version: embedderVersion, comparison: chosenComparison)
            pipelineName = "external"
        } else if let embeddings {
            do { embedder = try PrecomputedEmbeddings(file: embeddings, manifest: manifest, comparison: chosenComparison) } catch {
                throw fail("\(error)", ExitStatus.dataError)
            }
            pipelineName = "precomputed"
        } else {
            let directory = ModelDirectory.resolve(explicit: models)
            do { try directory.verifyAll() } catch { throw fail(error, ExitStatus.configuration) }
            BLAS.setThreads(1)
            embedder = DlibEmbedder(
                detector: directory.url(of: .detector).path, landmarks: directory.url(of: .landmarks5).path,
                descriptor: directory.url(of: .descriptor).path, modelHashes: ModelFile.required.map(\.sha256), upsample: upsample,
                policy: facePolicy, maxPixels: ImageDecoder.defaultMaxPixels)
            pipelineName = "dlib"
            modelHashes = Dictionary(uniqueKeysWithValues: ModelFile.required.map { ($0.name, $0.sha256) })
        }
        let cacheFolder = cache ?? EmbeddingCache.defaultFolder()
        if estimateSkinTone {
            guard let dlib = embedder as? DlibEmbedder else {
                throw ValidationError("--estimate-skin-tone needs the built-in dlib pipeline (it measures the aligned face chips)")
            }
            let meter = TemplateExtraction(
                embedder: SkinToneMeter(faces: dlib), cache: noCache ? nil : EmbeddingCache(folder: cacheFolder), threads: threads)
            let progress = ProgressLine(enabled: !quiet, label: "skin tone")
            let measurements: [EmbeddingResult]
            do {
                measurements = try meter.run(manifest) { done, total, cached in progress.update(done: done, total: total, cached: cached) }
            } catch {
                throw fail("\(error)", ExitStatus.dataError)
            }
            progress.finish()
            let estimated: EstimatedSkinTones
            do { estimated = try EstimatedSkinTones(manifest: manifest, estimates: measurements.map(SkinToneMeter.estimate)) } catch {
                throw fail(error, ExitStatus.dataError)
            }
            manifest = estimated.manifest
            options.scheme = try cohorts.scheme(for: manifest.records)
            if !quiet {
                FileHandle.standardError.write(
                    Data(
                        ("skin tone: \(estimated.measuredImages) photos measured, \(estimated.unknownImages) unknown; \(estimated.labeledSubjects) people labeled, "
                            + "\(estimated.inconsistentSubjects) with photos more than one Monk step apart\n").utf8))
            }
        }
        let extraction = TemplateExtraction(
            embedder: embedder,
            // Precomputed templates are already on disk; caching them could only go stale.
            cache: noCache || embeddings != nil ? nil : EmbeddingCache(folder: cacheFolder), threads: threads)
        let progress = ProgressLine(enabled: !quiet)
        let templates: [EmbeddingResult]
        let shardImages = shard.map { TileGrid.images(shard: $0.index, of: $0.count, total: manifest.records.count) }
        if let merged {
            guard merged.templates.count == manifest.records.count else {
                throw fail(
                    "the partials hold \(merged.templates.count) templates; the dataset now has \(manifest.records.count) images",
                    ExitStatus.dataError)
            }
            templates = merged.templates
        } else {
            var extracting = manifest
            if let shardImages, phase == .extract {
                extracting = Manifest(
                    layout: manifest.layout, root: manifest.root, source: manifest.source, card: manifest.card,
                    records: Array(manifest.records[shardImages]))
            }
            do {
                templates = try extraction.run(extracting) { done, total, cached in
                    progress.update(done: done, total: total, cached: cached)
                }
            } catch {
                throw fail("\(error)", ExitStatus.dataError)
            }
        }
        progress.finish()
        if let shard, let shardImages, phase == .extract {
            if !quiet { FileHandle.standardError.write(Data("run: shard \(shard): templates of images \(shardImages) extracted\n".utf8)) }
            return
        }
        let pairs: PairComparison
        do {
            pairs = try PairComparison(
                manifest: manifest, templates: templates, comparison: embedder.comparison, scheme: options.scheme, tileSize: tileSize,
                targets: options.targets, exactPairLimit: exactPairLimit)
        } catch {
            throw fail("\(error)", ExitStatus.dataError)
        }
        // The engine's worker threads each run single-threaded BLAS.
        BLAS.setThreads(1)
        if let shard, let shardImages {
            try runShard(shard, images: shardImages, templates: templates, pairs: pairs, out: out, commandLine: commandLine)
            return
        }
        let statistics = merged?.statistics ?? pairs.engine.run(threads: threads).0
        guard statistics.layout == pairs.engine.layout else {
            throw fail(
                "the partials were made from other templates, images or settings than this run has (fingerprints differ); rerun the shards",
                ExitStatus.dataError)
        }

        let pipeline = RunSummary.PipelineInfo(
            name: pipelineName, identity: embedder.identity, models: modelHashes, comparison: embedder.comparison.rawValue,
            blas: pipelineName == "dlib" ? BLAS.description : "not used")
        var result: BenchmarkRun.Result
        do {
            result = try BenchmarkRun.evaluate(
                manifest: manifest, templates: templates, statistics: statistics, comparison: embedder.comparison, pipeline: pipeline,
                options: options, commandLine: commandLine, version: FaceAuditVersion.current)
        } catch {
            throw fail("\(error)", ExitStatus.dataError)
        }
        if watchlist {
            let targets: [Double]
            do { targets = try TargetList.parse(targetFpir) } catch { throw ValidationError("\(error)") }
            do {
                result.summary.watchlist = try WatchlistResult(
                    manifest: manifest, templates: templates, comparison: embedder.comparison, scheme: options.scheme, targets: targets,
                    enrolledShare: enrolledShare, seed: seed)
            } catch {
                throw fail(error, ExitStatus.dataError)
            }
        }
        let report = HTMLReport.render(result.summary, curves: result.curves, histograms: result.histograms, options: reportOptions)
        try BenchmarkRun.write(result, to: out, exportScores: exportScores, report: report)
        if !quiet {
            let v = result.summary.verification
            let lines = v.operatingPoints.map { p in
                "  FMR target \(p.targetFmr): threshold \(String(format: "%.4f", p.threshold)), FMR \(p.falseMatches)/\(p.impostorTrials), FNMR \(p.falseNonMatches)/\(p.genuineTrials)\(p.estimable ? "" : " (not estimable)")"
            }
            FileHandle.standardError.write(
                Data(
                    ("run: \(result.summary.dataset.images) images, \(result.summary.failuresToAcquire.images) without a face; wrote \(out)\n"
                        + lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}

extension RunCommand {
    /// `run --shard i/K --phase compare`: writes the partial (the shard's templates and its tiles' statistics).
    private func runShard(
        _ shard: ShardSpec, images: Range<Int>, templates: [EmbeddingResult], pairs: PairComparison, out: String, commandLine: [String]
    ) throws {
        let folder = out + "/" + ShardPartial.folderName(shard: shard.index, of: shard.count)
        let (statistics, _) = pairs.engine.run(shard: shard.index, of: shard.count, threads: threads)
        if statistics.tiles.isEmpty && !quiet {
            FileHandle.standardError.write(
                Data(
                    ("run: note: shard \(shard) has no tiles to compare (the grid has \(pairs.engine.grid.tiles.count) tile(s) of "
                        + "\(tileSize) templates a side); a smaller --tile-size spreads the comparison over more shards\n").utf8))
        }
        let partial = ShardPartial(
            shard: shard.index, shards: shard.count, arguments: commandLine, images: images, templates: Array(templates[images]),
            statistics: statistics)
        try partial.write(to: folder)
        if !quiet {
            FileHandle.standardError.write(
                Data(
                    ("run: shard \(shard): \(statistics.tiles.count) tiles, \(statistics.mated.count) mated and "
                        + "\(statistics.nonMatedCount) non-mated pairs; wrote \(folder)\n").utf8))
        }
    }
}

/// `--shard i/K`.
struct ShardSpec: ExpressibleByArgument, CustomStringConvertible {
    /// 0-based shard index.
    let index: Int
    /// Number of shards.
    let count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let k = Int(parts[1]), k >= 1, k <= 10_000, i >= 0, i < k else { return nil }
        index = i
        count = k
    }

    var description: String { "\(index)/\(count)" }
}

/// `--phase`.
enum ShardPhase: String, ExpressibleByArgument, CaseIterable {
    case extract, compare
}

extension DlibEmbedder.FacePolicy: ExpressibleByArgument {}

/// A progress line on standard error: redrawn in place on a terminal, plain lines every 10% otherwise.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let terminal = isatty(2) != 0
    private let start = Date()
    private var lastDecile = -1
    private var lastDone = 0
    private let lock = NSLock()
    private let label: String

    init(enabled: Bool, label: String = "templates") {
        self.enabled = enabled
        self.label = label
    }

    func update(done: Int, total: Int, cached: Int) {
        guard enabled, total > 0 else { return }
        lock.withLock {
            // Workers report in the order they take this lock, not the order they finished; a count
            // lower than one already shown is stale.
            guard done > lastDone else { return }
            lastDone = done
            let elapsed = Date().timeIntervalSince(start)
            let rate = Double(done) / max(elapsed, 1e-9)
            let eta = rate > 0 ? Double(total - done) / rate : 0
            let text =
                "\(label) \(done)/\(total) (\(cached) cached), \(String(format: "%.0f", elapsed)) s, ETA \(String(format: "%.0f", eta)) s"
            if terminal {
                FileHandle.standardError.write(Data("\r\(text)\u{1B}[K".utf8))
            } else {
                let decile = done * 10 / total
                if decile > lastDecile {
                    lastDecile = decile
                    FileHandle.standardError.write(Data("run: \(text)\n".utf8))
                }
            }
        }
    }

    func finish() {
        if enabled && terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
