import FaceAuditAllPairs
import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditMetrics

/// The watchlist (open-set 1:N) protocol: a gallery of enrolled people, searched by probes of enrolled
/// people (mated searches) and of people never enrolled (non-mated searches).
///
/// A seeded random share of subjects is enrolled with their first image that has a template. One global
/// threshold per target FPIR is set from the non-mated searches' top scores (largest achievable FPIR ≤
/// target). FNIR(N, 1, τ): a mated search fails when its mate is not ranked first with a score ≥ τ; a
/// mated probe without a template is a failure. FPIR(N, τ): a non-mated search with any candidate ≥ τ.
/// Both are reported overall and per probe cohort.
public struct WatchlistResult: Sendable, Codable {
    /// Enrolled people (gallery size N).
    public var gallerySize: Int
    /// Searches by enrolled people.
    public var matedSearches: Int
    /// Searches by people never enrolled (with a template).
    public var nonMatedSearches: Int
    /// Non-mated probes without a template (they cannot raise an alarm; not in the FPIR denominator).
    public var nonMatedFailures: Int
    /// One entry per target FPIR.
    public var points: [Point]

    /// Rates at one global threshold.
    public struct Point: Sendable, Codable {
        /// The requested FPIR.
        public var targetFPIR: Double
        /// The threshold, in the scores' units; nil when there was no non-mated search to set it from.
        public var threshold: Double?
        /// Overall FNIR(N, 1, τ).
        public var fnir: ErrorCount
        /// Overall FPIR(N, τ).
        public var fpir: ErrorCount
        /// Exact 95% intervals of FNIR and FPIR.
        public var fnirInterval: BinomialInterval
        /// Exact 95% interval of FPIR.
        public var fpirInterval: BinomialInterval
        /// Per probe cohort, for every dimension set.
        public var cohorts: [CohortPoint]

        enum CodingKeys: String, CodingKey {
            case targetFPIR = "target_fpir"
            case threshold, fnir, fpir
            case fnirInterval = "fnir_interval"
            case fpirInterval = "fpir_interval"
            case cohorts
        }
    }

    /// One probe cohort's rates.
    public struct CohortPoint: Sendable, Codable {
        /// The dimension set.
        public var dimensions: String
        /// The cohort.
        public var cohort: String
        /// FNIR over the cohort's mated searches.
        public var fnir: ErrorCount
        /// FPIR over the cohort's non-mated searches.
        public var fpir: ErrorCount
        /// Exact 95% interval of FNIR.
        public var fnirInterval: BinomialInterval
        /// Exact 95% interval of FPIR.
        public var fpirInterval: BinomialInterval

        enum CodingKeys: String, CodingKey {
            case dimensions, cohort, fnir, fpir
            case fnirInterval = "fnir_interval"
            case fpirInterval = "fpir_interval"
        }
    }

    enum CodingKeys: String, CodingKey {
        case gallerySize = "gallery_size"
        case matedSearches = "mated_searches"
        case nonMatedSearches = "non_mated_searches"
        case nonMatedFailures = "non_mated_failures"
        case points
    }

    /// Runs the protocol on `templates` (one per manifest record).
    ///
    /// Searches run on the all-pairs engine's tiles (``GallerySearch``), keeping each probe's 8 most
    /// similar gallery entries; those are rescored from the templates, so the mate and the best non-mate
    /// carry no single-precision rounding. A mate outside a probe's 8 best is a miss whatever its score.
    /// - Throws: ``EvaluationError`` when the templates cannot be compared (ragged or not finite).
    public init(
        manifest: Manifest, templates: [EmbeddingResult], comparison: TemplateComparison, scheme: CohortScheme, targets: [Double],
        enrolledShare: Double = 0.5, seed: UInt64 = 1
    ) throws(EvaluationError) {
        let polarity: ScorePolarity = comparison.isDistance ? .dissimilarity : .similarity
        let bySubject = manifest.imagesBySubject  // sorted by subject
        var rng = SplitMix64(seed: seed)
        var gallery: [(subject: SubjectID, template: [Float])] = []
        var galleryImage: Set<Int> = []
        for (subject, images) in bySubject where rng.unit() < enrolledShare {
            if let first = images.first(where: { templates[$0].template != nil }) {
                gallery.append((subject, templates[first].template!))
                galleryImage.insert(first)
            }
        }
        let enrolled = Set(gallery.map(\.subject))
        // Each probe: its image, whether mated, its best mate score and best non-mate score (similarities).
        struct Search {
            let image: Int
            let mated: Bool
            let mate: Double?  // nil: no template (a mated failure)
            let topNonMate: Double  // −∞ when nothing to compare
        }
        let metric: PairMetric = comparison.isDistance ? .euclideanDistance : .cosineSimilarity
        let probeImages = manifest.records.indices.filter { !galleryImage.contains($0) && templates[$0].template != nil }
        let probeRow = Dictionary(uniqueKeysWithValues: probeImages.enumerated().map { ($1, $0) })
        let candidates: [[GallerySearch.Candidate]]
        do {
            candidates = GallerySearch.topK(
                probes: try TemplateMatrix(templates: probeImages.map { templates[$0].template }, metric: metric),
                gallery: try TemplateMatrix(templates: gallery.map(\.template), metric: metric), k: 8)
        } catch {
            throw EvaluationError("watchlist: \(error)")
        }
        var searches: [Search] = []
        var nonMatedFailures = 0
        for (i, record) in manifest.records.enumerated() where !galleryImage.contains(i) {
            let mated = enrolled.contains(record.subject)
            guard let probe = templates[i].template else {
                if mated {
                    searches.append(Search(image: i, mated: true, mate: nil, topNonMate: -.infinity))
                } else {
                    nonMatedFailures += 1
                }
                continue
            }
            var mate: Double? = mated ? -.infinity : nil
            var top = -Double.infinity
            for candidate in candidates[probeRow[i]!] {
                let entry = gallery[Int(candidate.galleryRow)]
                let s = polarity.similarity(comparison.score(probe, entry.template))
                if entry.subject == record.subject { mate = max(mate ?? -.infinity, s) } else { top = max(top, s) }
            }
            searches.append(Search(image: i, mated: mated, mate: mate, topNonMate: top))
        }
        gallerySize = gallery.count
        matedSearches = searches.filter(\.mated).count
        nonMatedSearches = searches.filter { !$0.mated }.count
        self.nonMatedFailures = nonMatedFailures
        let nonMatedTops = searches.filter { !$0.mated }.map(\.topNonMate).filter(\.isFinite).sorted()
        func rates(_ list: [Search], tau: Double) -> (ErrorCount, ErrorCount) {
            var misses = 0, mated = 0, alarms = 0, nonMated = 0
            for s in list {
                if s.mated {
                    mated += 1
                    // Rank 1 and above threshold; ties with a non-mate count against the mate (bob's rule).
                    if !(s.mate.map { $0 >= tau && $0 > s.topNonMate } ?? false) { misses += 1 }
                } else {
                    nonMated += 1
                    if s.topNonMate >= tau { alarms += 1 }
                }
            }
            return (ErrorCount(errors: misses, trials: mated), ErrorCount(errors: alarms, trials: nonMated))
        }
        points = targets.map { target in
            let tau = nonMatedTops.isEmpty ? Double.infinity : ThresholdSearch.forFMR(target, impostor: nonMatedTops)
            let (fnir, fpir) = rates(searches, tau: tau)
            var cohorts: [CohortPoint] = []
            for set in scheme.dimensionSets {
                let name = set.map(\.rawValue).joined(separator: ";")
                let grouped = Dictionary(grouping: searches) { scheme.key(set, of: manifest.records[$0.image].labels).description }
                for key in grouped.keys.sorted() {
                    let (cn, cp) = rates(grouped[key]!, tau: tau)
                    cohorts.append(
                        CohortPoint(
                            dimensions: name, cohort: key, fnir: cn, fpir: cp, fnirInterval: BinomialInterval(cn),
                            fpirInterval: BinomialInterval(cp)))
                }
            }
            return Point(
                targetFPIR: target, threshold: tau.isFinite ? polarity.threshold(tau) : nil, fnir: fnir, fpir: fpir,
                fnirInterval: BinomialInterval(fnir),
                fpirInterval: BinomialInterval(fpir), cohorts: cohorts)
        }
    }

    /// `watchlist.csv`: one row per target × dimension set × cohort × metric (overall rows first).
    public func csv(simulated: Bool = false) -> String {
        var rows = [
            ["data", "target_fpir", "threshold", "dimensions", "cohort", "metric", "errors", "trials", "estimate", "ci_lower", "ci_upper"]
        ]
        for p in points {
            let overall = CohortPoint(
                dimensions: "", cohort: "overall", fnir: p.fnir, fpir: p.fpir, fnirInterval: p.fnirInterval, fpirInterval: p.fpirInterval)
            for c in [overall] + p.cohorts {
                for (metric, count, ci) in [("fnir", c.fnir, c.fnirInterval), ("fpir", c.fpir, c.fpirInterval)] {
                    rows.append([
                        ResultTables.provenance(simulated), ResultTables.number(p.targetFPIR), ResultTables.number(p.threshold),
                        c.dimensions, c.cohort,
                        metric, "\(count.errors)", "\(count.trials)", ResultTables.number(count.rate), ResultTables.number(ci.lower),
                        ResultTables.number(ci.upper),
                    ])
                }
            }
        }
        return ResultTables.csv(rows)
    }
}
