import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditScoring

/// The error regressions' view of an all-pairs run (``ErrorRegression/AllPairsComparisons``), built the same
/// way from a run that keeps every pair and from a streamed one, so that both give the same regressions.
enum RegressionDesign {
    /// The single-attribute dimensions the regressions use: every one-dimension set of `scheme`, without age
    /// group when age band is there (a coarsening of it; both would make the design singular).
    static func attributes(_ scheme: CohortScheme) -> [CohortDimension] {
        let single = scheme.dimensionSets.filter { $0.count == 1 }.map { $0[0] }
        return single.filter { !(single.contains(.ageBand) && $0 == .ageGroup) }
    }

    /// The labels of `attributes` on every image of `manifest`.
    /// `cells`: every image's cell, when known (see ``CohortIndex/init(_:dimensions:scheme:cells:)``).
    static func labels(
        _ manifest: Manifest, attributes: [CohortDimension], scheme: CohortScheme, cells: [Int32]? = nil
    )
        -> [ErrorRegression.AllPairsComparisons.AttributeLabels]
    {
        attributes.map { dimension in
            let cohorts = CohortIndex(manifest, dimensions: [dimension], scheme: scheme, cells: cells)
            return .init(cohortNames: cohorts.names, sampleCohort: cohorts.imageCohort)
        }
    }
}

extension AllPairs {
    /// The regressions' design of these pairs, listing the non-mated similarities at or above `from`.
    func regressionDesign(
        _ manifest: Manifest, scheme: CohortScheme, polarity: ScorePolarity, from: Double
    ) -> ErrorRegression.AllPairsComparisons {
        var completed = [Bool](repeating: false, count: subjectOfImage.count)
        var matedPairs: [(i: Int32, j: Int32, score: Double)] = []
        var nonMated = ErrorRegression.PairList()
        for k in scores.indices {
            let s = polarity.similarity(scores[k])
            if !s.isNaN {
                completed[Int(first[k])] = true
                completed[Int(second[k])] = true
            }
            if mated[k] {
                matedPairs.append((first[k], second[k], s))
            } else if s >= from {
                nonMated.append((first[k], second[k], s))
            }
        }
        return .init(
            subjectCount: subjectCount, sampleSubject: subjectOfImage, sampleCompleted: completed,
            attributes: RegressionDesign.labels(manifest, attributes: RegressionDesign.attributes(scheme), scheme: scheme),
            mated: matedPairs, nonMated: nonMated, listedFrom: from)
    }
}

extension StreamedPairs {
    /// The regressions' design of these pairs: the exactly kept non-mated pairs are listed, from the
    /// similarity where the exact region starts, with everyone's false matches sorted by pair of
    /// subjects when ``overallPartners`` kept them (the regression then sorts none).
    func regressionDesign() -> ErrorRegression.AllPairsComparisons {
        var design = ErrorRegression.AllPairsComparisons(
            subjectCount: base.subjectCount, sampleSubject: base.sampleSubject, sampleCompleted: base.sampleCompleted,
            attributes: RegressionDesign.labels(
                manifest, attributes: RegressionDesign.attributes(scheme), scheme: scheme, cells: imageCells),
            mated: base.matedScores.indices.map { (base.matedProbe[$0], base.matedReference[$0], base.matedScores[$0]) },
            nonMated: .init(first: base.exactProbe, second: base.exactReference, scores: base.exactScores),
            listedFrom: base.exactFrom)
        design.falseMatchRuns = overallPartners.values.lazy.compactMap(\.runs).first
        return design
    }

    /// Frees everyone's false matches sorted by pair of subjects (``PartnerCounts/Overall/runs``) once the
    /// regressions have read them: the partner counts themselves do not need them.
    mutating func dropFalseMatchRuns() {
        for tau in overallPartners.keys { overallPartners[tau]?.runs = nil }
    }
}
