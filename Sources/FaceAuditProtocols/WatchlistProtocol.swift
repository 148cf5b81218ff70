import FaceAuditAllPairs
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditReport
import FaceAuditScoring
import FaceAuditTemplates

extension WatchlistResult {
    /// Runs the protocol on `templates` (one per manifest record).
    ///
    /// Searches run on the all-pairs engine's tiles (``GallerySearch``), keeping each probe's 8 most
    /// similar gallery entries; those are rescored from the templates, so the mate and the best non-mate
    /// carry no single-precision rounding. A mate outside a probe's 8 best is a miss whatever its score.
    /// - Throws: ``RunError`` (data error) when the templates cannot be compared (ragged or not finite).
    public init(
        manifest: Manifest, templates: [EmbeddingResult], comparison: PairMetric, scheme: CohortScheme, targets: [Double],
        enrolledShare: Double = 0.5, seed: UInt64 = 1
    ) throws(RunError) {
        let polarity = comparison.polarity
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
        let metric = comparison
        let probeImages = manifest.records.indices.filter { !galleryImage.contains($0) && templates[$0].template != nil }
        let probeRow = Dictionary(uniqueKeysWithValues: probeImages.enumerated().map { ($1, $0) })
        let candidates: [[GallerySearch.Candidate]]
        do {
            candidates = GallerySearch.topK(
                probes: try TemplateMatrix(templates: probeImages.map { templates[$0].template }, metric: metric),
                gallery: try TemplateMatrix(templates: gallery.map(\.template), metric: metric), k: 8)
        } catch {
            throw RunError(.dataError, "watchlist: \(error)")
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
        let gallerySize = gallery.count
        let matedSearches = searches.filter(\.mated).count
        let nonMatedSearches = searches.filter { !$0.mated }.count
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
        let points = targets.map { target in
            let tau = nonMatedTops.isEmpty ? Double.infinity : ThresholdSearch.forFMR(target, impostor: nonMatedTops)
            let (fnir, fpir) = rates(searches, tau: tau)
            var cohorts: [CohortPoint] = []
            for set in scheme.dimensionSets {
                let name = DimensionSet(set)
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
        self.init(
            gallerySize: gallerySize, matedSearches: matedSearches, nonMatedSearches: nonMatedSearches, nonMatedFailures: nonMatedFailures,
            points: points)
    }
}
