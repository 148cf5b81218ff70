import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditMetrics

/// `summary.json`: everything a run measured, with what is needed to reproduce and cite it.
///
/// Privacy: no image, file name or subject identifier appears here, only counts and rates.
public struct RunSummary: Sendable, Codable {
    /// Schema identifier; bumped on incompatible changes.
    public var schema = "faceaudit.summary/1"
    /// Tool name and version.
    public var tool: [String: String]
    /// When the run finished (ISO 8601): the only field that differs between identical runs.
    public var generatedAt: String
    /// The command line as typed (`faceaudit run --dataset … --out …`).
    public var commandLine: [String]
    /// A `faceaudit run` command with every setting the run used spelled out
    /// (``RunConfiguration/explicitArguments`` of the effective settings); absent in summaries written
    /// before it existed.
    public var explicitCommandLine: [String]?
    /// True for the simulated demo population; every number is then marked SIMULATED.
    public var simulated: Bool
    /// The dataset.
    public var dataset: DatasetInfo
    /// The recognition pipeline.
    public var pipeline: PipelineInfo
    /// Images without a template (no face, unreadable), overall and by reason.
    public var failuresToAcquire: FailureInfo
    /// Overall verification metrics (global thresholds, EER, AUC, …).
    public var verification: VerificationReport
    /// Per cohort and intersection, one entry per dimension set × target FMR.
    public var cohorts: [DisaggregatedRates]
    /// Conventions in force, in words.
    public var conventions: [String: String]
    /// The watchlist (1:N) protocol's results, when run with it.
    public var watchlist: WatchlistResult?
    /// FNMR by age at the younger photo × years elapsed (or band pair); absent when no mated pair has an
    /// age or age band on both photos.
    public var ageGap: AgeGapAnalysis?
    /// Every setting of the run (absent in summaries written before settings were recorded).
    public var configuration: RunConfiguration?

    /// The run's `--min-subjects`: groups of fewer people are flagged too small to rely on. A summary
    /// that does not record its configuration (written before it did) gets the default, as its run had.
    public var minimumSubjects: Int { configuration?.minSubjects ?? RunConfiguration().minSubjects }
    /// The headline findings: worst against best group per dimension set, operating point and metric, in
    /// order of strength of evidence (``Finding``); absent in summaries written before findings existed.
    public var findings: [Finding]?
    /// What goes with more errors: the logistic regressions of false matches and false non-matches on the
    /// people's groups and ages (``ErrorRegression/Analysis``), one per operating point of the first dimension
    /// set; absent when not computed (score files).
    public var errorRegression: [ErrorRegression.Analysis]?
    /// What-ifs against the single global threshold (``MitigationAnalysis``): per-cohort thresholds, cohort
    /// Z-norm and T-norm, one per single-attribute dimension set × target FMR; absent when not computed
    /// (streamed runs, score files without labels).
    public var mitigation: [MitigationAnalysis]?
    /// Inequity across operating points (``InequityCurve``): FDR(τ) and max/geomean(τ) over a grid of global
    /// FMRs and the area under FDR(τ), one per single attribute; absent when not computed (streamed runs).
    public var inequityCurves: [InequityCurve]?
    /// Photo quality per group (``QualitySummary``): measured on the built-in dlib pipeline's faces, "not
    /// measured" with the reason for other pipelines; absent for score files and simulated runs.
    public var quality: QualitySummary?

    /// Creates a summary.
    public init(
        tool: [String: String], generatedAt: String, commandLine: [String], simulated: Bool, dataset: DatasetInfo, pipeline: PipelineInfo,
        failuresToAcquire: FailureInfo, verification: VerificationReport, cohorts: [DisaggregatedRates], conventions: [String: String],
        watchlist: WatchlistResult? = nil, configuration: RunConfiguration? = nil, ageGap: AgeGapAnalysis? = nil,
        findings: [Finding]? = nil, errorRegression: [ErrorRegression.Analysis]? = nil
    ) {
        self.errorRegression = errorRegression
        self.tool = tool
        self.generatedAt = generatedAt
        self.commandLine = commandLine
        self.simulated = simulated
        self.dataset = dataset
        self.pipeline = pipeline
        self.failuresToAcquire = failuresToAcquire
        self.verification = verification
        self.cohorts = cohorts
        self.conventions = conventions
        self.watchlist = watchlist
        self.configuration = configuration
        self.ageGap = ageGap
        self.findings = findings
    }

    /// The dataset part.
    public struct DatasetInfo: Sendable, Codable {
        /// The dataset card.
        public var card: DatasetCard
        /// How it was read.
        public var layout: String
        /// Images.
        public var images: Int
        /// Subjects.
        public var subjects: Int
        /// Mated pairs.
        public var matedPairs: Int
        /// Non-mated pairs.
        public var nonMatedPairs: Int
        /// What identifies exactly the data measured (``DatasetFingerprint``); absent in summaries written
        /// before fingerprints existed.
        public var fingerprint: DatasetFingerprint?

        /// Creates the dataset part.
        public init(card: DatasetCard, layout: String, images: Int, subjects: Int, matedPairs: Int, nonMatedPairs: Int) {
            self.card = card
            self.layout = layout
            self.images = images
            self.subjects = subjects
            self.matedPairs = matedPairs
            self.nonMatedPairs = nonMatedPairs
        }

        enum CodingKeys: String, CodingKey {
            case card, layout, images, subjects, fingerprint
            case matedPairs = "mated_pairs"
            case nonMatedPairs = "non_mated_pairs"
        }
    }

    /// The pipeline part.
    public struct PipelineInfo: Sendable, Codable {
        /// `dlib`, `external` or `precomputed`.
        public var name: String
        /// The cache identity (models, options).
        public var identity: String
        /// Model files and their SHA-256.
        public var models: [String: String]
        /// How templates are compared.
        public var comparison: String
        /// The BLAS library and kernel.
        public var blas: String
        /// The model's identity as an external embedder of protocol 3 announced it in its hello (also part of
        /// ``identity``); absent otherwise.
        public var modelIdentity: String?

        /// Creates the pipeline description.
        public init(
            name: String, identity: String, models: [String: String], comparison: String, blas: String, modelIdentity: String? = nil
        ) {
            self.name = name
            self.identity = identity
            self.models = models
            self.comparison = comparison
            self.blas = blas
            self.modelIdentity = modelIdentity
        }

        enum CodingKeys: String, CodingKey {
            case name, identity, models, comparison, blas
            case modelIdentity = "model_identity"
        }
    }

    /// The failure-to-acquire part.
    public struct FailureInfo: Sendable, Codable {
        /// Images without a template.
        public var images: Int
        /// Counts by reason.
        public var byReason: [String: Int]

        /// Creates the failure part.
        public init(images: Int, byReason: [String: Int]) {
            self.images = images
            self.byReason = byReason
        }

        enum CodingKeys: String, CodingKey {
            case images
            case byReason = "by_reason"
        }
    }

    enum CodingKeys: String, CodingKey {
        case schema, tool
        case generatedAt = "generated_at"
        case commandLine = "command_line"
        case explicitCommandLine = "explicit_command_line"
        case simulated, dataset, pipeline
        case failuresToAcquire = "failures_to_acquire"
        case verification, cohorts, conventions, watchlist, configuration
        case ageGap = "age_gap"
        case findings
        case errorRegression = "error_regression"
        case mitigation
        case inequityCurves = "inequity_curves"
        case quality
    }
}
