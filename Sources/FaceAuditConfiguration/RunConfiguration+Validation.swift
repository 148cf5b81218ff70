import FaceAuditFiles

extension RunConfiguration {
    /// Checks that the settings are in range and agree with each other.
    /// - Throws: ``RunError`` (usage) naming the flag (and so the key) at fault.
    public func validate() throws(RunError) {
        func check(_ condition: Bool, _ message: String) throws(RunError) {
            if !condition { throw RunError(.usage, message) }
        }
        // Upper bounds keep every product the report and the engine form far from overflow and every
        // allocation within a machine.
        try check(
            (1...100_000_000).contains(schoolSize) && (1...1_000).contains(passesPerDay) && (1...366).contains(schoolDays)
                && (1...100_000_000).contains(watchlistSize),
            "--school-size (1…10⁸), --passes-per-day (1…1000), --school-days (1…366) and --watchlist-size (1…10⁸) are out of range")
        try check((1...3_660).contains(trackingDays), "--tracking-days must be 1…3660")
        _ = try parsedWatchlistShares()
        try check(
            (1...1_024).contains(threads ?? 1) && (0...1_000_000).contains(bootstrap) && (0...4).contains(upsample)
                && (16...1_048_576).contains(tileSize) && exactPairLimit >= 0,
            "--threads must be 1…1024, --bootstrap 0…1,000,000, --upsample 0…4, --tile-size 16…1,048,576, --exact-pair-limit ≥ 0")
        try check(minSubjects >= 0, "--min-subjects must be 0 or more")
        // The watchlist's settings matter only with the watchlist.
        for (name, rates) in [("--target-fmr", targetFMR)] + (watchlist ? [("--target-fpir", targetFPIR)] : []) {
            try check(!rates.isEmpty, "\(name): give at least one target rate")
            try check(rates.count <= 100, "\(name): at most 100 target rates")
            for rate in rates {
                try check(rate > 0 && rate < 1, "\(name): target rate \(rate) must be a number between 0 and 1, e.g. 0.001 or 1e-4")
            }
        }
        if let threshold {
            try check(threshold.count <= 100, "--threshold: at most 100 fixed thresholds")
            for t in threshold {
                try check(t.isFinite && abs(t) < 1e15, "--threshold: \(t) is not a finite score; give e.g. --threshold 0.6, or none")
            }
        }
        try check(!watchlist || (enrolledShare > 0 && enrolledShare <= 1), "--enrolled-share must be more than 0 and at most 1")
        try check(shard == nil || scores == nil, "--shard needs a dataset; score files are not sharded")
        // The watchlist enrols templates; a score file and the simulated population have none (it was
        // silently left out).
        try check(
            !watchlist || scores == nil,
            "--watchlist needs a dataset: a score file has no templates to enrol (for 1:N metrics from scores, use faceaudit identify)")
        try check(!watchlist || simulatedSubjects == nil, "--watchlist needs a dataset: the simulated population has no templates to enrol")
        try check(shard == nil || simulatedSubjects == nil, "--shard needs a dataset; the simulated population is not sharded")
        try check(phase == nil || shard != nil, "--phase needs --shard i/K")
        try check(scores == nil || simulatedSubjects == nil, "give a score file or a simulated population, not both")
        try check(scores == nil || dataset == nil, "give a dataset or a score file (--scores), not both")
        try check(dataset == nil || simulatedSubjects == nil, "give a dataset or a simulated population, not both")
        for (name, path) in [
            ("--dataset", dataset), ("--out", out), ("--card", card), ("--scores", scores), ("--models", models),
            ("--embeddings", embeddings), ("--cache", cache),
        ] {
            try check(path.map { !$0.isEmpty } ?? true, "\(name) is empty; give a path")
        }
        if let subjects = simulatedSubjects { try check((10...5000).contains(subjects), "--subjects must be between 10 and 5000") }
        switch pipeline {
        case .external?: try check(embedderCommand != nil, "pipeline \"external\" needs embedder_command (--embedder-command)")
        case .precomputed?: try check(embeddings != nil, "pipeline \"precomputed\" needs embeddings (--embeddings)")
        case .dlib?, nil: break
        }
        for (name, seconds) in [("--embedder-timeout", embedderTimeout), ("--embedder-startup-timeout", embedderStartupTimeout)] {
            try check(seconds.isFinite && seconds >= 0.01 && seconds <= 604_800, "\(name) must be between 0.01 and 604800 seconds")
        }
        try check([1, 2, 3].contains(embedderProtocol), "--embedder-protocol must be 1, 2 or 3")
        if let command = embedderCommand {
            try check(!command.isEmpty, "--embedder-command must be a JSON array of strings, e.g. '[\"python3\", \"embedder.py\"]'")
        }
    }
}

extension RunConfiguration {
    /// The largest share of one `--watchlist-mix` entry: shares may be fractions, percentages or counts of
    /// people, and no count exceeds `--watchlist-size` (10⁸). Larger ones would overflow their sum to infinity
    /// (every share then shown as 0%).
    public static let largestWatchlistShare = 100_000_000.0

    /// ``watchlistMix`` as shares by cohort name (`[:]` when empty); nil when an entry is not
    /// `cohort:share` with a share from 0 to ``largestWatchlistShare``, or no share is above 0.
    public var watchlistShares: [String: Double]? { try? parsedWatchlistShares() }

    /// ``watchlistMix`` as shares by cohort name.
    /// - Throws: ``RunError`` (usage) naming the flag and the entry at fault.
    func parsedWatchlistShares() throws(RunError) -> [String: Double] {
        let example = "e.g. ethnicity=black:0.3,ethnicity=white:0.7"
        var shares: [String: Double] = [:]
        for entry in watchlistMix {
            let shown = ErrorText.printable(entry.count <= 64 ? entry : String(entry.prefix(64)) + "…")
            guard let colon = entry.lastIndex(of: ":"), let share = Double(entry[entry.index(after: colon)...]) else {
                throw RunError(.usage, "--watchlist-mix: \"\(shown)\" is not cohort:share; \(example)")
            }
            guard share.isFinite, (0...Self.largestWatchlistShare).contains(share) else {
                throw RunError(
                    .usage,
                    "--watchlist-mix: the share in \"\(shown)\" is out of range; give shares from 0 to 100,000,000 "
                        + "(fractions, percentages or counts), \(example)")
            }
            let cohort = String(entry[..<colon]).trimmingCharacters(in: .whitespaces)
            guard !cohort.isEmpty else { throw RunError(.usage, "--watchlist-mix: \"\(shown)\" names no cohort; \(example)") }
            guard shares[cohort] == nil else { throw RunError(.usage, "--watchlist-mix: \(ErrorText.printable(cohort)) is given twice") }
            shares[cohort] = share
        }
        guard watchlistMix.isEmpty || shares.values.contains(where: { $0 > 0 }) else {
            throw RunError(.usage, "--watchlist-mix: every share is 0; give at least one above 0, \(example)")
        }
        return shares
    }
}
