import FaceAuditCohorts
import FaceAuditMetrics
import FaceAuditProtocols
import FaceAuditScoring
import Testing

/// Everyone's binned scores of a streamed run, computed alone (without the cohorts' groups and their
/// lists of exact pairs), against everyone's group among all groups.
@Suite("everyone's streamed scores")
struct OverallScoresTests {
    @Test("computed alone, everyone's scores are the first group's of all", arguments: [PairMetric.euclideanDistance, .cosineSimilarity])
    func overallAloneEqualsFirstGroup(metric: PairMetric) throws {
        let (manifest, templates) = try ExactScoreReference.load().dataset(subjects: 400)
        let scheme = CohortScheme(dimensions: [.gender], intersections: [])
        let comparison = try PairComparison(
            manifest: manifest, templates: templates, comparison: metric, scheme: scheme, targets: [1e-2], exactPairLimit: 0)
        let statistics = comparison.engine.run(threads: 2).0
        #expect(!statistics.isComplete)
        let pairs = try StreamedPairs(statistics, manifest: manifest, templates: templates, comparison: metric, scheme: scheme)
        var data = pairs.labeled([.gender])
        data.overallScores = nil
        let polarity = metric.polarity
        let alone = CohortAnalysis.overallScores(of: data, polarity: polarity)
        let groups = CohortAnalysis.scores(of: data, polarity: polarity)
        #expect(groups.count == 3)
        let first = groups[0].scores
        #expect(alone.values == first.values && alone.genuine == first.genuine)
        #expect(alone.counts.map(\.self) == first.counts.map(\.self))
        #expect(alone.impostorCount == first.impostorCount && alone.impostorFailures == first.impostorFailures)
        #expect(alone.exactFrom == first.exactFrom && alone.impostorCount > 0)
    }
}
