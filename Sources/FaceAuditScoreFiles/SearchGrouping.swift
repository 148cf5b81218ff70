import FaceAuditMetrics
import FaceAuditScoring

/// Turns a score table into 1:N searches, one per probe sample, as bob.bio.base's `cmc` does.
public enum SearchGrouping {
    /// Groups comparisons by probe sample (bob's test_label, CSV probe_id); mated scores are those
    /// against the probe's own subject. Searches are in first-seen order.
    public static func byProbeItem(_ table: ScoreTable, polarity: ScorePolarity = .similarity) -> [SearchScores] {
        byProbeItem(table, polarity: polarity, keepingIndex: true).map(\.search).filter { !$0.mated.isEmpty || !$0.nonMated.isEmpty }
    }

    /// The same searches with the sample (or subject) index each one belongs to.
    public static func byProbeItem(_ table: ScoreTable, polarity: ScorePolarity, keepingIndex: Bool) -> [(index: Int, search: SearchScores)]
    {
        var searches = [SearchScores](repeating: SearchScores(mated: [], nonMated: []), count: max(table.items.count, table.subjects.count))
        for k in 0..<table.count {
            let score = polarity.similarity(table.scores[k])
            guard !score.isNaN else { continue }
            // Without sample ids (a CSV without probe_id), each probe subject is one search.
            let item = table.probeItem[k] >= 0 ? Int(table.probeItem[k]) : Int(table.probeSubject[k])
            if table.mated[k] { searches[item].mated.append(score) } else { searches[item].nonMated.append(score) }
        }
        return searches.enumerated().map { (index: $0.offset, search: $0.element) }
    }
}
