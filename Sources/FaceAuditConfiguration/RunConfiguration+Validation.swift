extension RunConfiguration {
    /// Checks that the settings are in range and agree with each other.
    /// - Throws: ``RunError`` (usage) naming the flag (and so the key) at fault.
    public func validate() throws(RunError) {
        func check(_ condition: Bool, _ message: String) throws(RunError) {
            if !condition { throw RunError(.usage, message) }
        }
        try check(
            schoolSize > 0 && passesPerDay > 0 && schoolDays > 0 && watchlistSize > 0,
            "--school-size, --passes-per-day, --school-days and --watchlist-size must be positive")
        try check(
            (threads ?? 1) >= 1 && bootstrap >= 0 && (0...4).contains(upsample) && tileSize >= 16 && exactPairLimit >= 0,
            "--threads must be ≥ 1, --bootstrap ≥ 0, --upsample 0…4, --tile-size ≥ 16, --exact-pair-limit ≥ 0")
        try check(minSubjects >= 0, "--min-subjects must be 0 or more")
        for (name, rates) in [("--target-fmr", targetFMR), ("--target-fpir", targetFPIR)] {
            try check(!rates.isEmpty, "\(name): give at least one target rate")
            for rate in rates {
                try check(rate > 0 && rate < 1, "\(name): target rate \(rate) must be a number between 0 and 1, e.g. 0.001 or 1e-4")
            }
        }
        try check(enrolledShare > 0 && enrolledShare <= 1, "--enrolled-share must be more than 0 and at most 1")
        try check(shard == nil || scores == nil, "--shard needs a dataset; score files are not sharded")
        try check(shard == nil || simulatedSubjects == nil, "--shard needs a dataset; the simulated population is not sharded")
        try check(phase == nil || shard != nil, "--phase needs --shard i/K")
        try check(scores == nil || simulatedSubjects == nil, "give a score file or a simulated population, not both")
        if let subjects = simulatedSubjects { try check((10...5000).contains(subjects), "--subjects must be between 10 and 5000") }
        switch pipeline {
        case .external?: try check(embedderCommand != nil, "pipeline \"external\" needs embedder_command (--embedder-command)")
        case .precomputed?: try check(embeddings != nil, "pipeline \"precomputed\" needs embeddings (--embeddings)")
        case .dlib?, nil: break
        }
        if let command = embedderCommand {
            try check(!command.isEmpty, "--embedder-command must be a JSON array of strings, e.g. '[\"python3\", \"embedder.py\"]'")
        }
    }
}
