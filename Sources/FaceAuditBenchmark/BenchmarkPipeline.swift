import FaceAuditAllPairs
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditFace
import FaceAuditFiles
import FaceAuditGEMM
import FaceAuditHashing
import FaceAuditImaging
import FaceAuditMetrics
import FaceAuditModelFiles
import FaceAuditNN
import FaceAuditProtocols
import FaceAuditReport
import FaceAuditScoreFiles
import FaceAuditTemplates
import Foundation

/// One benchmark run, the whole path: dataset → templates → all-pairs statistics → analysis →
/// watchlist → outputs (`summary.json`, the CSV tables, `report.html`).
///
/// Every command that runs a benchmark goes through here: `run` (a dataset, a score file, or one shard of
/// either phase), `demo` (the simulated population), `merge` (shard partials) and the jobs that `slurm
/// submit` writes. The settings come whole in a ``RunConfiguration``; the only other inputs are the
/// provenance written into `summary.json`.
public struct BenchmarkPipeline: Sendable {
    /// The command line recorded in `summary.json` (what reproduces the run).
    public var commandLine: [String]
    /// The tool's version, recorded in every output.
    public var version: String
    /// The source commit recorded in `summary.json` → `tool.commit` (default: the running executable's).
    public var revision = SourceRevision.current
    /// Whether a dataset run leaves its working data (manifest, templates, pair statistics, analysis) to
    /// the process's exit instead of freeing it on return: for a command that exits once the run is
    /// done, as compilers do with their syntax trees (clang's `-disable-free`). Freeing them one by one
    /// took the last 9–13 ms of a 20,000-template `faceaudit run`, after the outputs were written. False
    /// by default: a library caller that goes on keeps its memory.
    public var leavesMemoryToExit = false
    /// What keeps a run's data when ``leavesMemoryToExit`` is set (tests record it instead).
    var keepUntilExit: @Sendable (Any) -> Void = { LeftToExit.keep($0) }

    /// Creates a pipeline that records `commandLine` and `version` in its outputs.
    public init(commandLine: [String], version: String) {
        self.commandLine = commandLine
        self.version = version
    }

    /// Runs `configuration` to its outputs (or, with a shard, to its cached templates or partial).
    /// - Throws: ``RunError`` whose code decides the exit status.
    public func run(_ configuration: RunConfiguration, progress: any RunProgress = SilentProgress()) throws(RunError) -> RunResult {
        try configuration.validate()
        // A template cache folder given that cannot be one fails now too: the cache ignores failures (an unreadable
        // entry is only absent), so the run would silently cache nothing.
        let cachesTemplates = configuration.scores == nil && configuration.simulatedSubjects == nil && !configuration.noCache
        if let cache = configuration.cache, cachesTemplates, configuration.resolvedPipeline != .precomputed {
            // Made 0700, as the cache makes it: templates are biometric data.
            do { try AtomicFile.checkWritable(folder: cache, permissions: 0o700) } catch {
                let reason = ErrorText.line(error)
                throw RunError(.ioError, "\(cache): cannot keep the template cache there (\(reason)); give another --cache, or --no-cache")
            }
        }
        // An output folder that cannot be written fails now, not after the work.
        if let out = configuration.out, configuration.phase != .extract {
            do { try AtomicFile.checkWritable(folder: out) } catch {
                throw RunError(.ioError, "\(out): cannot write the outputs there (\(ErrorText.line(error)))")
            }
            do { try RunResults.checkOutputFolder(out, inputs: configuration.inputs) } catch { throw RunError(.usage, error.description) }
        }
        if configuration.scores != nil { return try runScoreFile(configuration) }
        if let subjects = configuration.simulatedSubjects { return try runSimulation(configuration, subjects: subjects) }
        var unmerged: ShardPartial.Merged?
        return try runDataset(configuration, merged: &unmerged, progress: progress)
    }

    /// Finishes a sharded run from its partials, exactly as one process would have finished it; `out`
    /// (if given) replaces the run's output folder.
    /// - Throws: ``RunError`` when a partial is missing, unfinished, of another run or of another dataset.
    public func merge(
        partials folders: [String], out: String?, progress: any RunProgress = SilentProgress()
    ) throws(RunError)
        -> RunResult
    {
        // Each partial is absorbed as soon as it is read: one shard's pairs at a time beside the merged ones.
        var merger: ShardPartial.Merger?
        for folder in folders {
            let partial = try ShardPartial(folder: folder)
            if merger == nil { merger = ShardPartial.Merger(first: partial) }
            merger!.add(consume partial)
        }
        guard let last = merger else { throw RunError(.dataError, "no partial results to merge") }
        // Nothing may keep the merger alive beside `merged`: its pairs would outlive the analysis.
        merger = nil
        var merged: ShardPartial.Merged? = try (consume last).finish()
        // Recorded as the shards recorded it; used with its relative paths taken from the shards' folder.
        var recorded = merged!.configuration
        var used = merged!.configuration.resolvingPaths(against: merged!.workingDirectory)
        var commandLine = merged!.commandLine
        if let out {
            recorded.out = out
            used.out = out
            // The command that reproduces the run writes where this merge wrote.
            if let i = commandLine.firstIndex(of: "--out"), i + 1 < commandLine.count {
                commandLine[i + 1] = out
            } else if let i = commandLine.firstIndex(where: { $0.hasPrefix("--out=") }) {
                commandLine[i] = "--out=" + out
            } else {
                commandLine += ["--out", out]
            }
        }
        var pipeline = BenchmarkPipeline(commandLine: commandLine, version: version)
        pipeline.leavesMemoryToExit = leavesMemoryToExit
        pipeline.keepUntilExit = keepUntilExit
        try used.validate()
        return try pipeline.runDataset(used, merged: &merged, recorded: recorded, progress: progress)
    }

    // MARK: The three inputs

    /// A dataset of images through a template pipeline, or the merged shards of one (`merged`, whose
    /// statistics are moved out so that the analysis can free their tail).
    /// `recorded` (default: `configuration`) is what `summary.json` records.
    func runDataset(
        _ configuration: RunConfiguration, merged: inout ShardPartial.Merged?, recorded: RunConfiguration? = nil,
        progress: any RunProgress
    ) throws(RunError) -> RunResult {
        guard let dataset = configuration.dataset, let out = configuration.out else {
            throw RunError(.usage, "give --dataset and --out, or a --benchmark file that sets dataset and out")
        }
        let threads = configuration.resolvedThreads
        var stages = RunStages()
        var manifest: Manifest
        do {
            manifest = try DatasetReader(allowOutsidePaths: configuration.allowOutsidePaths).read(
                path: dataset, layout: configuration.layout, cardPath: configuration.card)
        } catch {
            throw RunError(error.code == .unreadable ? .noInput : .dataError, "\(error)")
        }
        var options = try analysisOptions(configuration, scheme: try configuration.scheme(for: manifest.records))
        options.scoresTable = configuration.exportScores
        progress.report(.stageFinished("manifest", seconds: stages.lap()))

        var templates = try TemplatePipeline(configuration: configuration, manifest: manifest) { progress.report(.note($0)) }
        let cache = configuration.noCache ? nil : EmbeddingCache(folder: configuration.cache ?? EmbeddingCache.defaultFolder())
        if let precomputed = templates.embedder as? PrecomputedEmbeddings, precomputed.unusedRows > 0 {
            progress.report(
                .note(
                    "note: \(precomputed.unusedRows) rows of the embeddings file name images the dataset does not list; they were ignored"))
        }
        if configuration.estimateSkinTone {
            manifest = try estimateSkinTones(manifest, faces: templates.embedder, cache: cache, threads: threads, progress: progress)
            options.scheme = try configuration.scheme(for: manifest.records)
        }
        try Self.checkReference(configuration.referenceCohort, records: manifest.records, scheme: options.scheme)
        // Settings are checked first; a merge measures nothing and starts no embedder (no model_identity).
        if let merged {
            if let names = merged.model { templates.adopt(names) }
        } else {
            try templates.greet()
        }
        let shardImages = configuration.shard.map { TileGrid.images(shard: $0.index, of: $0.count, total: manifest.records.count) }
        let extracted: [EmbeddingResult]
        // Each image's quality covariates (the dlib pipeline only; nil: not measured).
        var qualities: [FaceQuality?]?
        // Each image's SHA-256, when extraction read every image of the manifest (the fingerprint's input).
        var digests: [SHA256Digest?]?
        if let merged {
            guard merged.templates.count == manifest.records.count else {
                throw RunError(
                    .dataError,
                    "the partials hold \(merged.templates.count) templates; the dataset now has \(manifest.records.count) images")
            }
            extracted = merged.templates
            qualities = merged.qualities
        } else {
            var extracting = manifest
            if let shardImages, configuration.phase == .extract {
                extracting = Manifest(
                    layout: manifest.layout, root: manifest.root, source: manifest.source, card: manifest.card,
                    records: Array(manifest.records[shardImages]))
            }
            let measured = try extract(templates, extracting, cache: cache, threads: threads, progress: progress)
            extracted = measured.templates
            qualities = measured.qualities
            if extracting.records.count == manifest.records.count { digests = measured.digests }
            Self.reportFailures(extracted, of: extracting, to: progress)
        }
        progress.report(.stageFinished("templates", seconds: stages.lap()))
        if let shard = configuration.shard, let shardImages, configuration.phase == .extract {
            return .extracted(shard: shard, images: shardImages)
        }
        let pairs = try PairComparison(
            manifest: manifest, templates: extracted, comparison: templates.embedder.comparison, scheme: options.scheme,
            tileSize: configuration.tileSize, targets: options.targets, exactPairLimit: configuration.exactPairLimit)
        progress.report(.stageFinished("pair setup", seconds: stages.lap()))
        // The engine's worker threads each run single-threaded BLAS.
        BLAS.setThreads(1)
        if let shard = configuration.shard, let shardImages {
            return try compareShard(
                shard, images: shardImages, templates: extracted, qualities: qualities.map { Array($0[shardImages]) }, pairs: pairs,
                configuration: configuration, model: templates.modelNames, out: out, progress: progress)
        }
        let statistics: PairStatistics
        let passStage = merged == nil ? "all-pairs pass" : "merged statistics"
        if merged != nil {
            // Nothing reads the merged value from here on: dropped, so that the analysis can free the
            // tail once it is scored (as a run's does).
            statistics = merged!.statistics
            merged = nil
        } else {
            // The analysis orders the kept pairs itself once it has scored them (StreamedPairs).
            statistics = pairs.engine.run(threads: threads, sortingTail: false).0
        }
        if statistics.layout.keys != pairs.engine.layout.keys {
            // The second pass recomputes keys: they must be the shards'.
            throw RunError(
                .dataError,
                "the shards scored pairs with \(statistics.layout.keysDescription), this machine with \(pairs.engine.layout.keysDescription); "
                    + "merge on the kind of CPU the shards ran on, or run shards and merge with FACEAUDIT_GEMM=avx512")
        }
        guard statistics.layout == pairs.engine.layout else {
            throw RunError(
                .dataError,
                "the partials were made from other templates, images or settings than this run has (fingerprints differ); rerun the shards")
        }
        progress.report(.stageFinished(passStage, seconds: stages.lap()))
        let quality = qualities.map(Self.qualityColumns)
        var result = try BenchmarkRun.evaluate(
            manifest: manifest, templates: extracted, statistics: consume statistics, comparison: templates.embedder.comparison,
            pipeline: templates.info, options: options, commandLine: commandLine, version: version, quality: quality,
            engine: pairs.engine
        ) { progress.report(.stageFinished($0, seconds: stages.lap())) }
        result.summary.quality = BenchmarkRun.qualitySummary(
            manifest: manifest, scheme: options.scheme, quality: quality, pipeline: templates.info.name)
        // A merge read no image: the fingerprint reads them now.
        result.summary.dataset.fingerprint = DatasetFingerprint(manifest: manifest, imageDigests: digests)
        progress.report(.stageFinished("fingerprint", seconds: stages.lap()))
        if configuration.watchlist {
            result.summary.watchlist = try WatchlistResult(
                manifest: manifest, templates: extracted, comparison: templates.embedder.comparison, scheme: options.scheme,
                targets: configuration.targetFPIR, enrolledShare: configuration.enrolledShare, seed: configuration.seed)
            progress.report(.stageFinished("watchlist", seconds: stages.lap()))
        }
        let compared: RunConfiguration.Comparison = templates.embedder.comparison == .euclideanDistance ? .euclidean : .cosine
        progress.report(.writingOutputs)
        try write(&result, configuration, recorded: recorded, to: out, layout: manifest.layout, comparison: compared)
        progress.report(.stageFinished("outputs", seconds: stages.lap()))
        if leavesMemoryToExit { keepUntilExit((manifest, templates, extracted, pairs, result)) }
        return .completed(summary: result.summary, out: out)
    }

    /// A precomputed score file (bob 4/5-column or labeled CSV): every comparison in it, no other.
    func runScoreFile(_ configuration: RunConfiguration) throws(RunError) -> RunResult {
        guard let path = configuration.scores, let out = configuration.out else { throw RunError(.usage, "give --out") }
        let format = configuration.scoreFormat
        let table: ScoreTable
        do { table = try ScoreFileReader.read(path: path, format: format) } catch {
            throw RunError(error.code == .unreadable ? .noInput : .dataError, "\(error)")
        }
        var labeled: ScoreTableLabels?
        if format == .csv {
            do { labeled = try ScoreTableLabels(table) } catch { throw RunError(.dataError, "\(error)") }
        }
        let options = try analysisOptions(configuration, scheme: try configuration.scheme(forLabels: labeled?.labels ?? []))
        var card = DatasetCard.unknown(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
        if let cardPath = configuration.card {
            do { card = try DatasetCard.load(from: cardPath) } catch { throw RunError(.dataError, "\(error)") }
        }
        let pipeline = RunSummary.PipelineInfo(
            name: "scores", identity: "scores;\(format.rawValue)", models: [:],
            comparison: configuration.dissimilarity ? "precomputed distance" : "precomputed similarity", blas: "not used")
        var result = try BenchmarkRun.evaluate(
            table: table, labels: labeled, polarity: configuration.dissimilarity ? .dissimilarity : .similarity, card: card,
            layout: "scores:\(format.rawValue)", pipeline: pipeline, options: options, commandLine: commandLine, version: version)
        result.summary.dataset.fingerprint = DatasetFingerprint(file: path, name: URL(fileURLWithPath: path).lastPathComponent)
        try write(&result, configuration, to: out, exportScores: false)
        return .scoreFile(summary: result.summary, comparisons: table.count, file: path, out: out)
    }

    /// The built-in SIMULATED population (`faceaudit demo`).
    func runSimulation(_ configuration: RunConfiguration, subjects: Int) throws(RunError) -> RunResult {
        guard let out = configuration.out else { throw RunError(.usage, "give --out") }
        let population = SimulatedPopulation(subjects: subjects, seed: configuration.seed)
        var options = try analysisOptions(configuration, scheme: try configuration.scheme(for: population.manifest.records))
        // The demo's bootstrap has always run on one thread; its results do not depend on it.
        options.threads = configuration.threads ?? 1
        let pipeline = RunSummary.PipelineInfo(
            name: "simulated", identity: "simulated;seed=\(configuration.seed);subjects=\(subjects)", models: [:],
            comparison: "simulated similarity", blas: "not used")
        var result = try BenchmarkRun.evaluate(
            manifest: population.manifest, pairs: population.pairs, polarity: .similarity, failures: [:], pipeline: pipeline,
            options: options, commandLine: commandLine, version: version, simulated: true)
        result.summary.dataset.fingerprint = DatasetFingerprint(simulatedSubjects: subjects, seed: configuration.seed)
        try write(&result, configuration, to: out, exportScores: false)
        return .completed(summary: result.summary, out: out)
    }

    // MARK: Parts

    /// `run --shard i/K --phase compare`: the shard's tiles into its partial.
    private func compareShard(
        _ shard: RunConfiguration.Shard, images: Range<Int>, templates: [EmbeddingResult], qualities: [FaceQuality?]?,
        pairs: PairComparison,
        configuration: RunConfiguration, model: ShardPartial.ModelNames?, out: String, progress: any RunProgress
    ) throws(RunError) -> RunResult {
        let folder = out + "/" + ShardPartial.folderName(shard: shard.index, of: shard.count)
        let (statistics, _) = pairs.engine.run(shard: shard.index, of: shard.count, threads: configuration.resolvedThreads)
        if statistics.tiles.isEmpty {
            progress.report(
                .note(
                    "note: shard \(shard) has no tiles to compare (the grid has \(pairs.engine.grid.tiles.count) tile(s) of "
                        + "\(configuration.tileSize) templates a side); a smaller --tile-size spreads the comparison over more shards"))
        }
        let partial = ShardPartial(
            shard: shard.index, shards: shard.count, configuration: configuration, commandLine: commandLine, images: images,
            templates: Array(templates[images]), qualities: qualities, statistics: statistics, model: model)
        do { try partial.write(to: folder) } catch { throw RunError(.ioError, "\(folder): \(ErrorText.line(error))") }
        return .shardCompared(
            shard: shard, folder: folder, tiles: statistics.tiles.count, matedPairs: statistics.mated.count,
            nonMatedPairs: statistics.nonMatedCount)
    }

    /// Tells the user (standard error, never a shared output) what failed to acquire: counts by category and the
    /// first details, which may name files.
    static func reportFailures(_ results: [EmbeddingResult], of manifest: Manifest, to progress: any RunProgress) {
        let failed = zip(manifest.records, results).compactMap { record, result in result.failure.map { (record.path, $0) } }
        guard !failed.isEmpty else { return }
        let counts = Dictionary(grouping: failed, by: \.1.category).mapValues(\.count).sorted { $0.key < $1.key }
        progress.report(
            .note(
                "\(failed.count) of \(results.count) images failed to acquire (\(counts.map { "\($0.key) \($0.value)" }.joined(separator: ", "))); "
                    + "summary.json keeps only these categories"))
        for (path, failure) in failed.prefix(10) { progress.report(.note("  \(path): \(failure)")) }
        if failed.count > 10 { progress.report(.note("  … and \(failed.count - 10) more")) }
    }

    /// The templates of `manifest`'s images and, for the built-in dlib pipeline, their quality covariates, from
    /// one face-finding pass (``DlibFaceMeasure``) cached under its own identity; other pipelines measure no quality.
    private func extract(
        _ templates: TemplatePipeline, _ manifest: Manifest, cache: EmbeddingCache?, threads: Int, progress: any RunProgress
    ) throws(RunError) -> (templates: [EmbeddingResult], qualities: [FaceQuality?]?, digests: [SHA256Digest?]) {
        if let dlib = templates.embedder as? DlibEmbedder {
            let faces = TemplateExtraction(measure: DlibFaceMeasure(faces: dlib), cache: cache, threads: threads)
            let measured = try measure(faces, manifest, stage: "templates", progress: progress)
            return (measured.results.map(\.template), measured.results.map(\.quality), measured.digests)
        }
        let extraction = TemplateExtraction(
            // Precomputed templates are already on disk; caching them could only go stale.
            embedder: templates.embedder, cache: templates.isPrecomputed ? nil : cache, threads: threads)
        let measured = try measure(extraction, manifest, stage: "templates", progress: progress)
        return (measured.results, nil, measured.digests)
    }

    /// Per measure, each image's value (nil: no face, or not measurable).
    static func qualityColumns(_ qualities: [FaceQuality?]) -> [QualityMeasure: [Double?]] {
        [
            .interEyeDistance: qualities.map { $0?.interEyeDistance }, .poseAsymmetry: qualities.map { $0?.poseAsymmetry },
            .exposure: qualities.map { $0?.exposure }, .contrast: qualities.map { $0?.contrast },
            .sharpness: qualities.map { $0?.sharpness },
        ]
    }

    /// Runs `extraction` over `manifest`, reporting its progress as `stage`.
    private func measure<Measurement>(
        _ extraction: TemplateExtraction<Measurement>, _ manifest: Manifest, stage: String, progress: any RunProgress
    ) throws(RunError) -> (results: [Measurement], digests: [SHA256Digest?]) {
        let measured: (results: [Measurement], digests: [SHA256Digest?])
        do {
            measured = try extraction.runWithDigests(manifest) { done, total, cached in
                progress.report(.extraction(stage: stage, done: done, total: total, cached: cached))
            }
        } catch let error as MeasurementStopped {
            throw RunError(error.code == .unavailable ? .unavailable : .dataError, error.message)
        } catch {
            throw RunError(.dataError, "\(error)")
        }
        progress.report(.extractionFinished(stage: stage))
        return measured
    }

    /// Measures skin tone from the photos and labels every person with it (`estimate_skin_tone`).
    private func estimateSkinTones(
        _ manifest: Manifest, faces: any Embedder, cache: EmbeddingCache?, threads: Int, progress: any RunProgress
    ) throws(RunError) -> Manifest {
        guard let dlib = faces as? DlibEmbedder else {
            throw RunError(.usage, "--estimate-skin-tone needs the built-in dlib pipeline (it measures the aligned face chips)")
        }
        let meter = TemplateExtraction(measure: SkinToneMeter(faces: dlib), cache: cache, threads: threads)
        let measurements = try measure(meter, manifest, stage: "skin tone", progress: progress).results
        let estimated: EstimatedSkinTones
        do { estimated = try EstimatedSkinTones(manifest: manifest, estimates: measurements.map(\.estimate)) } catch {
            throw RunError(.dataError, "\(error)")
        }
        progress.report(
            .note(
                "skin tone: \(estimated.measuredImages) photos measured, \(estimated.unknownImages) unknown; \(estimated.labeledSubjects) "
                    + "people labeled, \(estimated.inconsistentSubjects) with photos more than one Monk step apart"))
        return estimated.manifest
    }

    /// A reference cohort (`--reference-cohort`) must be one of the dataset's cohorts: a typo would
    /// otherwise leave every ratio on its dimension's default reference, without a word. Keys naming an
    /// age band are not checked: a pair's band is that of its mean age, which no single photo need have.
    static func checkReference(_ name: String?, records: [ImageRecord], scheme: CohortScheme) throws(RunError) {
        guard let name else { return }
        func dimensions(_ key: String) -> [String] { CohortName.parts(key).map(\.dimension) }
        let wanted = dimensions(name)
        guard !wanted.contains(CohortDimension.ageBand.rawValue) else { return }
        var names = Set<String>()
        for record in records { for key in scheme.keys(of: record.labels) { names.insert(key.description) } }
        guard !names.contains(name) else { return }
        let alike = names.filter { Set(dimensions($0)) == Set(wanted) }.sorted(by: NaturalOrder.less)
        throw RunError(
            .usage,
            "--reference-cohort \(name) is not a cohort of this dataset"
                + (alike.isEmpty
                    ? " (a key reads dimension=value, several joined by ; in the order the report prints them)"
                    : "; the cohorts of \(wanted.joined(separator: " × ")) are \(alike.prefix(8).joined(separator: ", "))\(alike.count > 8 ? ", …" : "")")
        )
    }

    /// The analysis settings of `configuration` for `scheme`.
    private func analysisOptions(_ configuration: RunConfiguration, scheme: CohortScheme) throws(RunError) -> BenchmarkRun.Options {
        var options = BenchmarkRun.Options(scheme: scheme)
        options.targets = configuration.targetFMR
        options.thresholds = configuration.operatingThresholds.map { FixedThreshold($0.value, label: $0.label) }
        options.replicates = configuration.bootstrap
        options.seed = configuration.seed
        options.minimumSubjects = configuration.minSubjects
        options.referenceCohort = configuration.referenceCohort
        options.threads = configuration.resolvedThreads
        return options
    }

    /// Records the configuration, renders the report and writes every output into `out`.
    /// `layout` and `comparison` are what the run used (dataset runs), for the explicit command line.
    private func write(
        _ result: inout BenchmarkRun.Result, _ configuration: RunConfiguration, recorded: RunConfiguration? = nil, to out: String,
        exportScores: Bool? = nil, layout: DatasetLayout? = nil, comparison: RunConfiguration.Comparison? = nil
    ) throws(RunError) {
        result.summary.configuration = (recorded ?? configuration).recorded
        result.summary.explicitCommandLine =
            (recorded ?? configuration).recorded.effective(layout: layout, comparison: comparison)
            .explicitArguments
        result.summary.tool["commit"] = revision.commit
        result.summary.tool["commit_method"] = SourceRevision.method
        result.summary.tool["working_tree"] = SourceRevision.workingTree
        do {
            try result.write(
                to: out, exportScores: exportScores ?? configuration.exportScores, scenario: ReportOptions(configuration),
                inputs: configuration.inputs)
        } catch let error as OutputSetError {
            throw RunError(.usage, error.description)
        } catch {
            throw RunError(.ioError, "\(out): \(ErrorText.line(error))")
        }
    }
}

extension RunConfiguration {
    /// The files a run reads, which its outputs may not replace.
    var inputs: [String] { [dataset, scores, embeddings, card].compactMap { $0 } }
}

/// Values a process keeps until it exits (``BenchmarkPipeline/leavesMemoryToExit``).
enum LeftToExit {
    /// A box that is retained once more than anything releases it, so that it and what it holds are
    /// never freed: the exit returns their pages whole.
    private final class Box<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// Keeps `value` (and everything it references) alive until the process exits.
    static func keep<Value>(_ value: consuming Value) {
        _ = Unmanaged.passRetained(Box(value))
    }
}
