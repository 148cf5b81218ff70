import FaceAuditMetrics
import FaceAuditScoring

/// Turns a score table into 1:N searches, one per probe sample, as bob.bio.base's `cmc` does.
public enum SearchGrouping {
    /// Groups comparisons by probe sample (bob's test_label, CSV probe_id); mated scores are those
    /// against the probe's own subject. Searches are in first-seen order.
    public static func byProbeItem(_ table: ScoreTable, polarity: ScorePolarity = .similarity) -> [SearchScores] {
        byProbeItem(table, polarity: polarity, keepingIndex: true).map(\.search).filter {
            !$0.mated.isEmpty || !$0.nonMated.isEmpty || $0.failure != nil
        }
    }

    /// The same searches with the sample (or subject) index each one belongs to. A probe all of whose
    /// comparisons are NaN is kept as a failed search (``SearchScores/failure``), mated if any of its
    /// comparisons is; a probe whose every mated comparison is NaN is a mated search that misses; other NaN
    /// comparisons are left out.
    public static func byProbeItem(_ table: ScoreTable, polarity: ScorePolarity, keepingIndex: Bool) -> [(index: Int, search: SearchScores)]
    {
        let count = max(table.items.count, table.subjects.count)
        var searches = [SearchScores](repeating: SearchScores(mated: [], nonMated: []), count: count)
        var unscored = [UInt8](repeating: 0, count: count)  // bit 0: has a NaN comparison; bit 1: a NaN mated one
        for k in 0..<table.count {
            let score = polarity.similarity(table.scores[k])
            // Without sample ids (a CSV without probe_id), each probe subject is one search.
            let item = table.probeItem[k] >= 0 ? Int(table.probeItem[k]) : Int(table.probeSubject[k])
            guard !score.isNaN else {
                unscored[item] |= table.mated[k] ? 3 : 1
                continue
            }
            if table.mated[k] { searches[item].mated.append(score) } else { searches[item].nonMated.append(score) }
        }
        for item in searches.indices where unscored[item] != 0 && searches[item].mated.isEmpty {
            if unscored[item] & 2 != 0 {
                searches[item].failure = .mated  // its mate could not be compared: a miss, never a non-mated search
            } else if searches[item].nonMated.isEmpty {
                searches[item].failure = .nonMated
            }
        }
        return searches.enumerated().map { (index: $0.offset, search: $0.element) }
    }
}
