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
        try check(
            watchlistShares != nil,
            "--watchlist-mix: give cohort:share entries with shares of 0 or more, at least one above 0, e.g. ethnicity=black:0.3,ethnicity=white:0.7"
        )
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
    /// ``watchlistMix`` as shares by cohort name (`[:]` when empty); nil when an entry is not
    /// `cohort:share` with a finite share ≥ 0, or no share is above 0.
    public var watchlistShares: [String: Double]? {
        var shares: [String: Double] = [:]
        for entry in watchlistMix {
            guard let colon = entry.lastIndex(of: ":"), let share = Double(entry[entry.index(after: colon)...]), share.isFinite,
                share >= 0
            else { return nil }
            let cohort = String(entry[..<colon]).trimmingCharacters(in: .whitespaces)
            guard !cohort.isEmpty, shares[cohort] == nil else { return nil }
            shares[cohort] = share
        }
        guard watchlistMix.isEmpty || shares.values.contains(where: { $0 > 0 }) else { return nil }
        return shares
    }
}
