import FaceAuditCohorts
import FaceAuditMetrics
import FaceAuditScoreFiles
import FaceAuditScoring

extension ScoreTableLabels {
    /// 1:N searches grouped by the cohort of their probe, for one dimension set: each search is a probe
    /// sample; its cohort is the image-level cohort of the probe's labels.
    public func searchesByCohort(
        for dimensions: [CohortDimension], scheme: CohortScheme, polarity: ScorePolarity
    )
        -> [(cohort: String, searches: [SearchScores])]
    {
        let searches = SearchGrouping.byProbeItem(table, polarity: polarity, keepingIndex: true)
        var probeLabelOfSearch: [Int: Int32] = [:]
        for k in 0..<table.count {
            let item = table.probeItem[k] >= 0 ? Int(table.probeItem[k]) : Int(table.probeSubject[k])
            if probeLabelOfSearch[item] == nil { probeLabelOfSearch[item] = probeLabel[k] }
        }
        var groups: [String: [SearchScores]] = [:]
        for (item, search) in searches where !search.mated.isEmpty || !search.nonMated.isEmpty || search.failure != nil {
            guard let label = probeLabelOfSearch[item] else { continue }
            let key = scheme.key(dimensions, of: labels[Int(label)]).description
            groups[key, default: []].append(search)
        }
        return groups.keys.sorted().map { ($0, groups[$0]!) }
    }
}
