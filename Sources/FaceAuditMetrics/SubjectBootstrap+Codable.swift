/// A tally as `subjects.json` stores it: subject indices and counts only, in arrays of integers.
///
/// `mated`: `[subject, false non-matches, mated trials]`; `false_matches`: `[a, b, false matches]` for
/// each subject pair a < b with at least one; and one of `all_pairs` (`[subject, samples]`), `bipartite`
/// (`[subject, probes, references]`) or `sparse` (`[a, b, non-mated trials]`), the non-mated design.
extension SubjectBootstrap.Tally: Codable {
    enum CodingKeys: String, CodingKey {
        case mated
        case falseMatches = "false_matches"
        case allPairs = "all_pairs"
        case bipartite, sparse
    }

    /// Decodes a tally; rows of the wrong length are a data error.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func rows(_ key: CodingKeys, width: Int) throws -> [[Int]] {
            let rows = try c.decode([[Int]].self, forKey: key)
            guard rows.allSatisfy({ $0.count == width && $0.allSatisfy { $0 >= 0 } }) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "rows of \(width) non-negative integers expected")
            }
            return rows
        }
        self.init()
        mated = try rows(.mated, width: 3).map { (subject: $0[0], errors: $0[1], trials: $0[2]) }
        guard mated.allSatisfy({ $0.errors <= $0.trials }) else {
            throw DecodingError.dataCorruptedError(forKey: .mated, in: c, debugDescription: "more false non-matches than mated trials")
        }
        // Subjects and counts of false matches are 32-bit: a larger one (an edited file) is refused, not trapped on.
        let pairs = try rows(.falseMatches, width: 3)
        guard pairs.allSatisfy({ $0.allSatisfy { $0 <= Int(Int32.max) } }) else {
            throw DecodingError.dataCorruptedError(forKey: .falseMatches, in: c, debugDescription: "a subject or count above 2^31 − 1")
        }
        errorPairs = pairs.map {
            SubjectBootstrap.ErrorPair(a: Int32(min($0[0], $0[1])), b: Int32(max($0[0], $0[1])), errors: Int32($0[2]))
        }
        if c.contains(.allPairs) {
            denominator = .allPairs(try rows(.allPairs, width: 2).map { (subject: $0[0], samples: $0[1]) })
        } else if c.contains(.bipartite) {
            denominator = .bipartite(try rows(.bipartite, width: 3).map { (subject: $0[0], probes: $0[1], references: $0[2]) })
        } else {
            denominator = .sparse(try rows(.sparse, width: 3).map { (a: $0[0], b: $0[1], trials: $0[2]) })
        }
    }

    /// Encodes the tally as arrays of integers.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mated.map { [$0.subject, $0.errors, $0.trials] }, forKey: .mated)
        try c.encode(errorPairs.map { [Int($0.a), Int($0.b), Int($0.errors)] }, forKey: .falseMatches)
        switch denominator {
        case .allPairs(let list): try c.encode(list.map { [$0.subject, $0.samples] }, forKey: .allPairs)
        case .bipartite(let list): try c.encode(list.map { [$0.subject, $0.probes, $0.references] }, forKey: .bipartite)
        case .sparse(let list): try c.encode(list.map { [$0.a, $0.b, $0.trials] }, forKey: .sparse)
        }
    }

    /// The row lists `encode(to:)` writes, in the order of their keys, without building them: each as
    /// its key, its number of rows, its row width, and the integer at (row, column).
    public var rowLists: [(key: String, count: Int, width: Int, value: (Int, Int) -> Int)] {
        let mated = mated
        let errorPairs = errorPairs
        var lists: [(key: String, count: Int, width: Int, value: (Int, Int) -> Int)] = []
        switch denominator {
        case .allPairs(let list): lists.append(("all_pairs", list.count, 2, { r, c in c == 0 ? list[r].subject : list[r].samples }))
        case .bipartite(let list):
            lists.append(("bipartite", list.count, 3, { r, c in c == 0 ? list[r].subject : c == 1 ? list[r].probes : list[r].references }))
        case .sparse: break
        }
        lists.append(
            (
                "false_matches", errorPairs.count, 3,
                { r, c in Int(c == 0 ? errorPairs[r].a : c == 1 ? errorPairs[r].b : errorPairs[r].errors) }
            ))
        lists.append(("mated", mated.count, 3, { r, c in c == 0 ? mated[r].subject : c == 1 ? mated[r].errors : mated[r].trials }))
        if case .sparse(let list) = denominator {
            lists.append(("sparse", list.count, 3, { r, c in c == 0 ? list[r].a : c == 1 ? list[r].b : list[r].trials }))
        }
        return lists
    }

    /// The largest subject index the tally names, or -1.
    public var largestSubject: Int {
        var top = mated.map(\.subject).max() ?? -1
        for p in errorPairs { top = max(top, Int(p.b)) }
        switch denominator {
        case .allPairs(let list): top = max(top, list.map(\.subject).max() ?? -1)
        case .bipartite(let list): top = max(top, list.map(\.subject).max() ?? -1)
        case .sparse(let list): top = max(top, list.map { max($0.a, $0.b) }.max() ?? -1)
        }
        return top
    }

    /// The tally's (errors, trials) of `metric` with every subject drawn once: the observed counts.
    public func observed(_ metric: PairedBootstrap.Metric) -> ErrorCount {
        let ones = [Int](repeating: 1, count: largestSubject + 1)
        switch metric {
        case .fnmr:
            return ErrorCount(errors: mated.reduce(0) { $0 + $1.errors }, trials: mated.reduce(0) { $0 + $1.trials })
        case .fmr:
            let errors = errorPairs.reduce(0) { $0 + Int($1.errors) }
            return ErrorCount(errors: errors, trials: nonMatedTrials(ones))
        }
    }

    /// The weighted rate of `metric` for multiplicities `m`.
    public func rate(_ metric: PairedBootstrap.Metric, _ m: [Int]) -> Double {
        metric == .fmr ? nonMatedRate(m) : matedRate(m)
    }
}
