import Foundation

/// Inequity across operating points for one attribute: FDR(τ) and max/geomean(τ) of the cohorts' FMR and
/// FNMR at global thresholds set by a grid of global FMRs, and the area under FDR(τ) between two global FMRs.
///
/// Conventions are those of ``CohortAnalysis``, so a grid point at one of the run's target FMRs gives exactly
/// that operating point's ``InequityMeasures``:
/// - the threshold for a global FMR t is ``ScoreDistribution/threshold(forFMR:)`` over **all** completed
///   non-mated comparisons of the data (the largest achievable FMR ≤ t; whole runs of tied scores are
///   accepted or rejected together);
/// - a comparison is accepted when its similarity is ≥ τ (ties accepted): a cohort's FMR counts its
///   within-cohort non-mated scores ≥ τ, its FNMR its mated scores < τ;
/// - cohorts whose name contains `=unknown` are left out of the measures; a cohort without trials gives a
///   NaN rate, which ``InequityMeasures`` leaves out;
/// - FDR = 1 − (α·max|ΔFMR| + (1 − α)·max|ΔFNMR|) with ``CohortAnalysisOptions/inequityAlpha`` as α
///   (computed by ``InequityMeasures``, not here).
public struct InequityCurve: Sendable, Hashable, Codable {
    /// One grid point: a global FMR, its threshold and the measures there.
    public struct Point: Sendable, Hashable, Codable {
        /// The global FMR the threshold was set for (the grid value, not the achieved FMR).
        public var globalFMR: Double
        /// The threshold, in the scores' own units.
        public var threshold: Double
        /// Whether the global FMR is at least 1/(non-mated comparisons), so the threshold can reach it (as
        /// ``CohortAnalysis`` decides it for a target: t·N ≥ 1; the grid's lowest point, 1/N, is estimable).
        public var estimable: Bool
        /// FDR of the cohorts' rates at the threshold (``InequityMeasures/fdr``).
        public var fdr: Double?
        /// max/geomean of the cohorts' FMRs (``InequityMeasures/fmrMaxGeomean``).
        public var fmrMaxGeomean: Double?
        /// max/geomean of the cohorts' FNMRs (``InequityMeasures/fnmrMaxGeomean``).
        public var fnmrMaxGeomean: Double?
        /// Subject-bootstrap percentile intervals of `fdr`, `fmr_max_geomean`, `fnmr_max_geomean` (nil:
        /// no bootstrap, or not estimable).
        public var bootstrap: [String: BinomialInterval]?

        enum CodingKeys: String, CodingKey {
            case globalFMR = "global_fmr"
            case threshold, estimable, fdr, bootstrap
            case fmrMaxGeomean = "fmr_max_geomean"
            case fnmrMaxGeomean = "fnmr_max_geomean"
        }
    }

    /// How the area's abscissa is measured.
    public enum Axis: String, Sendable, Hashable, Codable, CaseIterable {
        /// log₁₀ of the global FMR: every decade weighs the same (the interval's length is its decades).
        case log10FMR = "log10_fmr"
        /// The global FMR itself: the area is dominated by the highest FMRs (the form of the FDR
        /// literature's reference scripts, which integrate over the FMR values; they also divide by the
        /// interval's length, which ``Area/mean`` gives).
        case fmr
    }

    /// The area under FDR(τ) between two global FMRs.
    public struct Area: Sendable, Hashable, Codable {
        /// The lower global FMR.
        public var fromFMR: Double
        /// The upper global FMR.
        public var toFMR: Double
        /// The abscissa.
        public var axis: Axis
        /// The interval's length on `axis` (the area when FDR = 1 throughout).
        public var length: Double
        /// The trapezoid-rule area over the grid points in [fromFMR, toFMR]; nil when an FDR there is
        /// undefined or `fromFMR` is below 1/(non-mated comparisons).
        public var value: Double?
        /// Subject-bootstrap percentile interval of `value`.
        public var bootstrap: BinomialInterval?
        /// The share of replicates in which the area was undefined.
        public var bootstrapUndefinedShare: Double?

        /// value / length: the mean FDR over the interval (1 for equal cohorts).
        public var mean: Double? { value.map { $0 / length } }

        enum CodingKeys: String, CodingKey {
            case fromFMR = "from_fmr"
            case toFMR = "to_fmr"
            case axis, length, value, bootstrap
            case bootstrapUndefinedShare = "bootstrap_undefined_share"
        }
    }

    /// The attribute.
    public var dimensions: DimensionSet
    /// The grid points, by ascending global FMR.
    public var points: [Point]
    /// The areas (one per ``Axis``).
    public var areas: [Area]
    /// Subject-bootstrap replicates behind the intervals (0: none).
    public var replicates: Int

    enum CodingKeys: String, CodingKey {
        case dimensions, points, areas, replicates
    }

    /// The grid of global FMRs: `count` log-spaced values from 1/`nonMated` to `upper` (both included),
    /// with every value of `extra` (the run's targets, the area's ends) added; ascending, without repeats.
    public static func grid(nonMated: Int, upper: Double = 0.1, count: Int = 50, extra: [Double] = []) -> [Double] {
        guard nonMated > 0, count >= 2 else { return Array(Set(extra)).sorted() }
        let lo = log10(1 / Double(nonMated))
        let hi = log10(upper)
        var values = extra
        // The ends exactly: 1/N (not 10^log10(1/N), which may land an ulp below it) and `upper`.
        if hi > lo {
            values += [1 / Double(nonMated), upper]
            for k in 1..<count - 1 { values.append(pow(10, lo + (hi - lo) * Double(k) / Double(count - 1))) }
        }
        return Array(Set(values)).sorted()
    }

    /// The trapezoid-rule area of `y` over `x` (both in grid order) for the points with `from ≤ x ≤ to`,
    /// the abscissa transformed by `axis`; nil when fewer than two points lie there or any `y` there is NaN.
    public static func trapezoid(x: [Double], y: [Double], from: Double, to: Double, axis: Axis) -> Double? {
        let inside = x.indices.filter { x[$0] >= from && x[$0] <= to }
        guard inside.count >= 2, inside.allSatisfy({ !y[$0].isNaN }) else { return nil }
        func t(_ v: Double) -> Double { axis == .log10FMR ? log10(v) : v }
        var area = 0.0
        for (a, b) in zip(inside, inside.dropFirst()) { area += (t(x[b]) - t(x[a])) * (y[a] + y[b]) / 2 }
        return area
    }

    /// The curve of one attribute's comparisons.
    ///
    /// - Parameters:
    ///   - data: the comparisons (similarities), with the attribute's cohorts.
    ///   - options: targets (added to the grid), α of FDR, polarity, bootstrap replicates, seed, threads
    ///     and interval level, as ``CohortAnalysis`` uses them.
    ///   - upper: the grid's highest global FMR.
    ///   - count: the grid's log-spaced points.
    ///   - area: the global FMRs the area runs between (added to the grid).
    /// - Returns: nil without completed non-mated comparisons.
    ///
    /// With replicates, one subject resample serves every grid point and the areas (the same draws, in the
    /// same order, as ``CohortAnalysis`` makes with the same seed), so the intervals at a run's target equal
    /// its `inequity_bootstrap`. A replicate costs O(grid points × cohorts + subjects + changes), where a change
    /// is a subject pair's (or subject's) error count changing from one point to the next (``SubjectBootstrap/Steps``).
    public static func analyze(
        _ data: LabeledComparisons, dimensions: DimensionSet, options: CohortAnalysisOptions, upper: Double = 0.1, count: Int = 50,
        area: (from: Double, to: Double) = (1e-3, 1e-1)
    ) -> InequityCurve? {
        var matedIndices = [[Int]](repeating: [], count: data.cohortNames.count)
        var withinIndices = [[Int]](repeating: [], count: data.cohortNames.count)
        for k in 0..<data.count {
            let c = Int(data.cohort(of: k))
            guard c >= 0 else { continue }
            if data.mated[k] { matedIndices[c].append(k) } else { withinIndices[c].append(k) }
        }
        // Scores here are already similarities.
        let sorted = data.groupedScores
        let overall = sorted.overall
        guard overall.impostorCount > 0 else { return nil }
        let members = data.cohortNames.indices.filter { !data.cohortNames[$0].contains("=unknown") }
        let cohorts = members.map { sorted.cohorts[$0] }
        let globalFMRs = grid(nonMated: overall.impostorCount, upper: upper, count: count, extra: options.targets + [area.from, area.to])
        let thresholds = globalFMRs.map { overall.threshold(forFMR: $0) }
        var points = zip(globalFMRs, thresholds).map { t, tau in
            let measures = InequityMeasures(
                fmr: cohorts.map { $0.falseMatches(at: tau).rate }, fnmr: cohorts.map { $0.falseNonMatches(at: tau).rate },
                alpha: options.inequityAlpha)
            return Point(
                globalFMR: t, threshold: options.polarity.threshold(tau),
                estimable: t * Double(overall.impostorCount) >= 1 || t == 1 / Double(overall.impostorCount),
                fdr: measures.fdr, fmrMaxGeomean: measures.fmrMaxGeomean, fnmrMaxGeomean: measures.fnmrMaxGeomean)
        }
        let reachable = area.from * Double(overall.impostorCount) >= 1
        @Sendable func areas(_ fdr: [Double]) -> [Double?] {
            Axis.allCases.map { reachable ? trapezoid(x: globalFMRs, y: fdr, from: area.from, to: area.to, axis: $0) : nil }
        }
        let estimates = areas(points.map { $0.fdr ?? .nan })
        var result = Axis.allCases.enumerated().map { i, axis in
            let length = axis == .log10FMR ? log10(area.to) - log10(area.from) : area.to - area.from
            return Area(fromFMR: area.from, toFMR: area.to, axis: axis, length: length, value: estimates[i])
        }
        guard options.replicates > 0, data.subjectCount > 0 else {
            return InequityCurve(dimensions: dimensions, points: points, areas: result, replicates: 0)
        }
        let indices = members.map { matedIndices[$0] + withinIndices[$0] }
        let designs = indices.map { SubjectBootstrap.design(data, indices: $0) }
        let alpha = options.inequityAlpha
        // Each cohort's errors at every point from one list of changes (SubjectBootstrap.Steps), not a tally
        // per point: non-mated ones grow as the threshold falls, mated ones as it rises.
        let nonMatedSteps = indices.map { SubjectBootstrap.Steps(data, indices: $0, thresholds: thresholds, mated: false) }
        let matedSteps = indices.map { SubjectBootstrap.Steps(data, indices: $0, thresholds: thresholds, mated: true) }
        // Per replicate: the three measures at every point, then the areas.
        let samples = SubjectBootstrap.run(
            subjects: data.subjectCount, replicates: options.replicates, seed: options.seed, threads: options.threads
        ) { m -> [Double] in
            var row: [Double] = []
            row.reserveCapacity(3 * thresholds.count + Axis.allCases.count)
            var fdr: [Double] = []
            // A cohort's trials are the same at every point: counted once per replicate.
            let trials = designs.map { $0.trials(m) }
            let nonMatedErrors = nonMatedSteps.map { $0.errors(m) }
            let matedErrors = matedSteps.map { $0.errors(m) }
            for p in thresholds.indices {
                let cohorts = designs.indices
                let measures = InequityMeasures.curveMeasures(
                    fmr: cohorts.map { SubjectBootstrap.Tally.rate((nonMatedErrors[$0][p], trials[$0].nonMated)) },
                    fnmr: cohorts.map { SubjectBootstrap.Tally.rate((matedErrors[$0][p], trials[$0].mated)) }, alpha: alpha)
                fdr.append(measures.fdr ?? .nan)
                row += [measures.fdr ?? .nan, measures.fmrMaxGeomean ?? .nan, measures.fnmrMaxGeomean ?? .nan]
            }
            return row + areas(fdr).map { $0 ?? .nan }
        }
        let names = ["fdr", "fmr_max_geomean", "fnmr_max_geomean"]
        for p in points.indices {
            var intervals: [String: BinomialInterval] = [:]
            for (j, name) in names.enumerated() {
                intervals[name] = SubjectBootstrap.interval(samples.map { $0[3 * p + j] }, alpha: options.alpha).bounds
            }
            points[p].bootstrap = intervals
        }
        for i in result.indices {
            let interval = SubjectBootstrap.interval(samples.map { $0[3 * points.count + i] }, alpha: options.alpha)
            result[i].bootstrap = interval.bounds
            result[i].bootstrapUndefinedShare = interval.undefinedShare
        }
        return InequityCurve(dimensions: dimensions, points: points, areas: result, replicates: options.replicates)
    }
}
