import FaceAuditFiles
import FaceAuditMetrics
import Foundation

/// Everything a run measured, typed, before it is written: `summary.json` and what the report and the
/// CSV tables draw from it. ``write(to:exportScores:scenario:)`` writes every output.
public struct RunResults: Sendable {
    /// summary.json.
    public var summary: RunSummary
    /// The ROC/DET points behind curves.csv and the report's charts.
    public var curves: [CurveSet]
    /// Score histograms per cohort of every single-dimension set, for the report.
    public var histograms: [ScoreHistogram]
    /// Every pair's score (scores.csv; it names images, so only built when it will be written).
    public var scores: [PairScore]
    /// The interval method named in cohorts.csv.
    public var intervalMethod: String

    /// Creates the results.
    public init(
        summary: RunSummary, curves: [CurveSet], histograms: [ScoreHistogram] = [], scores: [PairScore] = [], intervalMethod: String
    ) {
        self.summary = summary
        self.curves = curves
        self.histograms = histograms
        self.scores = scores
        self.intervalMethod = intervalMethod
    }

    /// cohorts.csv.
    public var cohortsCSV: String { ResultTables.cohorts(summary.cohorts, intervalMethod: intervalMethod, simulated: summary.simulated) }
    /// cross_cohort_fmr.csv.
    public var crossCohortCSV: String { ResultTables.crossCohort(summary.cohorts, simulated: summary.simulated) }
    /// curves.csv.
    public var curvesCSV: String { ResultTables.curves(curves.map { ($0.dimensions, $0.cohort, $0.points) }, simulated: summary.simulated) }
    /// age_gap.csv (empty without an age-gap analysis).
    public var ageGapCSV: String {
        guard let ageGap = summary.ageGap else { return "" }
        return ResultTables.ageGap(ageGap, simulated: summary.simulated)
    }
    /// inequity_curves.csv (empty without inequity curves).
    public var inequityCurvesCSV: String {
        guard let curves = summary.inequityCurves, !curves.isEmpty else { return "" }
        return ResultTables.inequityCurves(curves, simulated: summary.simulated)
    }
    /// scores.csv (empty when the scores were not kept).
    public var scoresCSV: String {
        guard !scores.isEmpty else { return "" }
        return ResultTables.csv(
            [["image_a", "image_b", "mated", "score"]]
                + scores.map { [$0.imageA, $0.imageB, $0.mated ? "1" : "0", $0.score.isNaN ? "nan" : "\($0.score)"] })
    }

    /// report.html for `scenario`.
    public func report(scenario: ReportOptions = ReportOptions()) -> String {
        HTMLReport.render(summary, curves: curves, histograms: histograms, options: scenario)
    }

    /// The names of every file a run's output set may hold.
    public static let outputNames: Set<String> = [
        "summary.json", "cohorts.csv", "cross_cohort_fmr.csv", "curves.csv", "scores.csv", "report.html", "watchlist.csv",
        "age_gap.csv", "subjects.json", "mitigation.csv", "inequity_curves.csv", "quality.csv",
    ]

    /// Every output as one set, `summary.json` its marker: cohorts.csv, cross_cohort_fmr.csv, curves.csv,
    /// age_gap.csv (with an age-gap analysis), mitigation.csv (with mitigation what-ifs), inequity_curves.csv
    /// (with inequity curves), quality.csv (with measured photo quality), report.html, watchlist.csv (with a watchlist), with
    /// `exportScores` scores.csv (mode 0600: it names images), subjects.json (with a subject bootstrap:
    /// see ``SubjectTallies``), and summary.json.
    public func outputs(exportScores: Bool, scenario: ReportOptions = ReportOptions()) -> OutputSet {
        let results = self
        var files = [
            OutputFile(name: "cohorts.csv") { results.cohortsCSV },
            OutputFile(name: "cross_cohort_fmr.csv") { results.crossCohortCSV },
            OutputFile(name: "curves.csv") { results.curvesCSV },
        ]
        if summary.ageGap != nil { files.append(OutputFile(name: "age_gap.csv") { results.ageGapCSV }) }
        if let mitigation = summary.mitigation {
            files.append(OutputFile(name: "mitigation.csv") { ResultTables.mitigation(mitigation, simulated: results.summary.simulated) })
        }
        if summary.inequityCurves?.isEmpty == false {
            files.append(OutputFile(name: "inequity_curves.csv") { results.inequityCurvesCSV })
        }
        if let quality = summary.quality, quality.measured {
            files.append(OutputFile(name: "quality.csv") { quality.csv(simulated: results.summary.simulated) })
        }
        if exportScores { files.append(OutputFile(name: "scores.csv", permissions: 0o600) { results.scoresCSV }) }
        files.append(OutputFile(name: "report.html") { results.report(scenario: scenario) })
        if let watchlist = summary.watchlist {
            files.append(OutputFile(name: "watchlist.csv") { watchlist.csv(simulated: results.summary.simulated) })
        }
        if let tallies = SubjectTallies(summary) { files.append(OutputFile(name: "subjects.json", pieces: { try tallies.write($0) })) }
        files.append(OutputFile(name: "summary.json", pieces: { try results.summary.prettyJSON(pieces: $0) }))
        return OutputSet(files: files, marker: "summary.json", members: Self.outputNames)
    }

    /// Refuses `folder` before a run's work when writing its outputs there would replace a file they do not
    /// own (``OutputSet/check(_:inputs:)``).
    public static func checkOutputFolder(_ folder: String, inputs: [String]) throws(OutputSetError) {
        try OutputSet(files: [], marker: "summary.json", members: outputNames).check(folder, inputs: inputs)
    }

    /// Writes every output into `folder` as one ``OutputSet`` (see ``outputs(exportScores:scenario:)``).
    /// `inputs`: the files the run read, which the outputs may not replace.
    public func write(to folder: String, exportScores: Bool, scenario: ReportOptions = ReportOptions(), inputs: [String] = []) throws {
        AtomicFile.removeStaleTemporaries(in: folder)
        try outputs(exportScores: exportScores, scenario: scenario).write(to: folder, inputs: inputs)
    }
}

/// A cohort's mated and within-cohort non-mated score counts over common bins.
public struct ScoreHistogram: Sendable {
    /// The dimension.
    public let dimensions: DimensionSet
    /// The cohort, or `overall`.
    public let cohort: String
    /// Bin edges (bins + 1 values), in the scores' units.
    public let edges: [Double]
    /// Mated counts per bin.
    public let mated: [Int]
    /// Non-mated counts per bin.
    public let nonMated: [Int]

    /// Creates a histogram.
    public init(dimensions: DimensionSet, cohort: String, edges: [Double], mated: [Int], nonMated: [Int]) {
        self.dimensions = dimensions
        self.cohort = cohort
        self.edges = edges
        self.mated = mated
        self.nonMated = nonMated
    }
}

/// One cohort's ROC/DET points.
public struct CurveSet: Sendable {
    /// The dimension set.
    public let dimensions: DimensionSet
    /// The cohort, or `overall`.
    public let cohort: String
    /// The points.
    public let points: [CurvePoint]

    /// Creates a curve.
    public init(dimensions: DimensionSet, cohort: String, points: [CurvePoint]) {
        self.dimensions = dimensions
        self.cohort = cohort
        self.points = points
    }
}

/// One compared pair, as scores.csv lists it.
public struct PairScore: Sendable, Hashable {
    /// The first image's path.
    public let imageA: String
    /// The second image's path.
    public let imageB: String
    /// Whether the two images show the same person.
    public let mated: Bool
    /// The score in its own units (NaN: a failure to acquire).
    public let score: Double

    /// Creates a row.
    public init(imageA: String, imageB: String, mated: Bool, score: Double) {
        self.imageA = imageA
        self.imageB = imageB
        self.mated = mated
        self.score = score
    }
}
