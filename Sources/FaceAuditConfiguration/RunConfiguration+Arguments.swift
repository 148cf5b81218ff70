import FaceAuditDatasets
import Foundation

extension RunConfiguration {
    /// The settings as the run used them, with every default that depends on the input made explicit:
    /// the dataset's layout as detected, the pipeline in force (``resolvedPipeline``), the comparison that
    /// ran (dlib's templates always compare by Euclidean distance, whatever ``comparison`` says), and the
    /// fixed thresholds in force (``operatingThresholds``: the pipeline's default, or none).
    ///
    /// - Parameters:
    ///   - layout: the layout the dataset was read with (nil: a score file or the simulated population).
    ///   - comparison: how the templates were compared (nil: no templates).
    public func effective(layout: DatasetLayout?, comparison: Comparison?) -> RunConfiguration {
        var c = self
        c.threshold = operatingThresholds.map(\.value)
        if dataset != nil {
            c.layout = layout ?? self.layout
            c.pipeline = resolvedPipeline
            if let comparison { c.comparison = comparison }
        }
        return c
    }

    /// The words of a `faceaudit run` command that gives exactly these settings, every one spelled out.
    ///
    /// A setting is written when it differs from its default, or when it decides this kind of run
    /// (dataset, score file or simulated population) even at its default: targets, thresholds (`none` when
    /// there are none), bootstrap replicates, seed, dimensions (`auto`: every labeled one), age bands,
    /// minimum subjects, the school scenario, the watchlist's settings, the all-pairs limits, and for a
    /// dataset its layout, pipeline, comparison and the pipeline's own settings. A switch (`--watchlist`,
    /// `--no-cache`, …) can only be written on, so a switch not written is off (``switchesOff``). Never
    /// written: `--benchmark` (every setting is a flag here), `--shard`/`--phase` (not recorded), and
    /// ``threads``, ``cache`` and ``models`` when unset (their defaults are this machine's: every core,
    /// the home folder's cache, the bootstrap script's models). Paths are written as recorded.
    ///
    /// Parsing these words with `faceaudit run`'s parser gives back this configuration, field for field
    /// (the round-trip test in `RunOptionsTests`). Apply ``effective(layout:comparison:)`` first so that the
    /// command states what ran rather than what was left to defaults.
    public var explicitArguments: [String] {
        let defaults = RunConfiguration()
        var words = ["faceaudit", "run"]
        func add(_ flag: String, _ value: String?) {
            if let value { words += ["--" + flag, value] }
        }
        func add(_ flag: String, _ on: Bool) {
            if on { words.append("--" + flag) }
        }
        func number(_ x: Double) -> String { "\(x)" }
        let imageRun = dataset != nil
        // Input.
        add("dataset", dataset)
        add("scores", scores)
        add("simulated-subjects", simulatedSubjects.map(String.init))
        add("out", out)
        add("layout", layout?.rawValue)
        add("card", card)
        if scores != nil || scoreFormat != defaults.scoreFormat { add("format", scoreFormat.rawValue) }
        add("dissimilarity", dissimilarity)
        add("allow-outside-paths", allowOutsidePaths)
        // Pipeline.
        add("pipeline", pipeline?.rawValue)
        add("models", models)
        let pipelineInForce = imageRun ? resolvedPipeline : nil
        if pipelineInForce == .dlib || upsample != defaults.upsample { add("upsample", String(upsample)) }
        if pipelineInForce == .dlib || facePolicy != defaults.facePolicy { add("face-policy", facePolicy.rawValue) }
        if let embedderCommand, let json = try? JSONSerialization.data(withJSONObject: embedderCommand, options: [.withoutEscapingSlashes])
        {
            add("embedder-command", String(decoding: json, as: UTF8.self))
        }
        let external = pipelineInForce == .external
        if external || embedderVersion != defaults.embedderVersion { add("embedder-version", embedderVersion) }
        if external || embedderTimeout != defaults.embedderTimeout { add("embedder-timeout", number(embedderTimeout)) }
        if external || embedderStartupTimeout != defaults.embedderStartupTimeout {
            add("embedder-startup-timeout", number(embedderStartupTimeout))
        }
        if external || embedderProtocol != defaults.embedderProtocol { add("embedder-protocol", String(embedderProtocol)) }
        add("embeddings", embeddings)
        if imageRun || comparison != defaults.comparison { add("comparison", comparison.rawValue) }
        add("estimate-skin-tone", estimateSkinTone)
        // Cohorts.
        add("dimensions", dimensions.map { $0.map(\.rawValue).joined(separator: ",") } ?? "auto")
        add("age-bands", ageBands.joined(separator: ","))
        add("min-subjects", String(minSubjects))
        // Analysis.
        add("target-fmr", targetFMR.map(number).joined(separator: ","))
        if let threshold {
            if threshold.isEmpty { add("threshold", "none") }
            for t in threshold { add("threshold", number(t)) }
        }
        add("reference-cohort", referenceCohort)
        add("bootstrap", String(bootstrap))
        add("seed", String(seed))
        // Watchlist.
        add("watchlist", watchlist)
        add("enrolled-share", number(enrolledShare))
        add("target-fpir", targetFPIR.map(number).joined(separator: ","))
        // School scenario.
        add("school-size", String(schoolSize))
        add("passes-per-day", String(passesPerDay))
        add("school-days", String(schoolDays))
        add("watchlist-size", String(watchlistSize))
        if !watchlistMix.isEmpty { add("watchlist-mix", watchlistMix.joined(separator: ",")) }
        add("tracking-days", String(trackingDays))
        // Scale, cache, outputs.
        if imageRun || tileSize != defaults.tileSize { add("tile-size", String(tileSize)) }
        add("exact-pair-limit", String(exactPairLimit))
        add("threads", threads.map(String.init))
        add("cache", cache)
        add("no-cache", noCache)
        add("export-scores", exportScores)
        return words
    }

    /// The switches (flags without a value) that are off, so not in ``explicitArguments``, as flags.
    public var switchesOff: [String] {
        [
            ("dissimilarity", dissimilarity), ("allow-outside-paths", allowOutsidePaths), ("estimate-skin-tone", estimateSkinTone),
            ("watchlist", watchlist), ("no-cache", noCache), ("export-scores", exportScores),
        ].filter { !$0.1 }.map { "--" + $0.0 }
    }

    /// The words as one POSIX shell line: a word of only safe characters as it is, any other in single
    /// quotes (a `'` inside written `'\\''`), so that pasting the line gives the program these exact words.
    /// With `flagPerLine`, each word that starts with `--` begins a new line, after a ` \\` continuation.
    public static func shellLine(_ words: [String], flagPerLine: Bool = false) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,+@%")
        var line = ""
        for (i, word) in words.enumerated() {
            if i > 0 { line += flagPerLine && word.hasPrefix("--") ? " \\\n    " : " " }
            line += !word.isEmpty && word.allSatisfy(safe.contains) ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return line
    }
}
