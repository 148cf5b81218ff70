import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditImaging
import FaceAuditParallel
import Foundation

/// Checks whether a dataset can support a demographic evaluation, and reports its shape.
///
/// It counts subjects, images, mated and non-mated pairs overall and per cohort; reads, hashes and
/// decodes every image; and lists missing files, decode failures, byte-identical duplicates, subjects
/// with conflicting labels and cohorts too small for each target FMR.
///
/// A dataset is *unusable* when images are missing or undecodable, when duplicates or label conflicts
/// would corrupt the pair labels, or when there are no non-mated pairs (no threshold can be set). Small
/// cohorts are flagged, not fatal: a report can still state what they cannot support. A dataset without
/// mated pairs (one photo per person) is usable for an FMR-only evaluation: that is stated in `scope`,
/// not listed as a problem.
public struct DatasetValidator: Sendable {
    /// Settings.
    public var options: ValidationOptions
    /// How labels map to cohorts.
    public var scheme: CohortScheme

    /// Creates a validator.
    public init(options: ValidationOptions = ValidationOptions(), scheme: CohortScheme) {
        self.options = options
        self.scheme = scheme
    }

    /// Validates `manifest`.
    public func validate(_ manifest: Manifest) -> ValidationReport {
        let records = manifest.records
        let bySubject = manifest.imagesBySubject
        let counts = bySubject.map(\.images.count).sorted()
        let matedPairs = PairCounts.mated(imagesPerSubject: counts)
        let nonMatedPairs = PairCounts.nonMated(images: records.count, imagesPerSubject: counts)

        let checks: [ImageCheck]
        if options.decodeImages {
            let decoder = options.decoder
            let paths = records.map(manifest.absolutePath(of:))
            checks = parallelMap(count: paths.count, threads: options.threads) { ImageCheck.run(path: paths[$0], decoder: decoder) }
        } else {
            checks = records.map { record in
                let exists = FileManagerProbe.exists(manifest.absolutePath(of: record))
                return ImageCheck(outcome: exists ? .decoded(width: 0, height: 0, orientation: nil) : .missing, sha256: nil)
            }
        }

        var missing: [String] = []
        var failures: [ValidationReport.DecodeFailure] = []
        var rotated: [String] = []
        for (record, check) in zip(records, checks) {
            switch check.outcome {
            case .missing: missing.append(record.path)
            case .failed(let error): failures.append(.init(path: record.path, code: error.code.rawValue, reason: error.reason))
            case .decoded(_, _, let orientation):
                if let orientation, orientation != .topLeft { rotated.append(record.path) }
            }
        }
        let duplicates = Self.duplicates(records: records, checks: checks)
        let conflicts = labelConflicts(bySubject: bySubject, records: records)
        let cohorts = cohortCounts(records: records, bySubject: bySubject)

        var problems: [String] = []
        if !missing.isEmpty { problems.append("\(missing.count) listed image(s) are missing") }
        if !failures.isEmpty { problems.append("\(failures.count) image(s) do not decode") }
        if !duplicates.isEmpty {
            problems.append(
                "\(duplicates.count) group(s) of byte-identical images (identical copies give perfect mated scores or false non-mated labels)"
            )
        }
        if !conflicts.isEmpty { problems.append("\(conflicts.count) subject/attribute label conflict(s)") }
        if nonMatedPairs == 0 { problems.append("no non-mated pairs: fewer than two subjects, so FMR cannot be measured") }
        var scope: [String] = []
        let unmatedCohorts = cohorts.filter { $0.matedPairs == 0 }.count
        if matedPairs == 0 {
            scope.append(
                "no mated pairs: no subject has two images, so FNMR cannot be measured; usable for FMR-only evaluation "
                    + "(thresholds and every cohort's FMR come from non-mated pairs)")
        } else if unmatedCohorts > 0 {
            scope.append(
                "\(unmatedCohorts) cohort(s) have no mated pairs: their FNMR cannot be measured (flagged \"no mated pairs\"); their FMR can"
            )
        }

        var required: [String: Int] = [:]
        var supports: [String: Bool] = [:]
        for target in options.targetFMRs {
            required[Self.key(target)] = PairCounts.required(forFMR: target)
            supports[Self.key(target)] = nonMatedPairs >= PairCounts.required(forFMR: target)
        }

        return ValidationReport(
            dataset: .init(name: manifest.card.name, layout: manifest.layout.rawValue, source: manifest.source, card: manifest.card),
            subjects: bySubject.count,
            images: records.count,
            imagesPerSubject: Self.spread(counts),
            matedPairs: matedPairs,
            nonMatedPairs: nonMatedPairs,
            requiredNonMatedPairs: required,
            supportsFMR: supports,
            cohorts: cohorts,
            missingFiles: missing,
            decodeFailures: failures,
            duplicates: duplicates,
            labelConflicts: conflicts,
            rotatedImages: rotated,
            warnings: manifest.warnings.map(\.description),
            problems: problems,
            usable: problems.isEmpty,
            scope: scope
        )
    }

    /// A target FMR as a JSON key: `0.001`, `0.0001`.
    static func key(_ target: Double) -> String {
        var text = String(format: "%.10f", target)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func spread(_ sorted: [Int]) -> ValidationReport.Spread {
        guard let first = sorted.first, let last = sorted.last else { return .init(min: 0, median: 0, max: 0) }
        let mid = sorted.count / 2
        let median = sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
        return .init(min: first, median: median, max: last)
    }

    static func duplicates(records: [ImageRecord], checks: [ImageCheck]) -> [ValidationReport.DuplicateGroup] {
        var groups: [String: [Int]] = [:]
        for (index, check) in checks.enumerated() {
            if let digest = check.sha256 { groups[digest.hex, default: []].append(index) }
        }
        return groups.filter { $0.value.count > 1 }
            .map { hash, indices in
                ValidationReport.DuplicateGroup(
                    sha256: hash, paths: indices.map { records[$0].path },
                    acrossSubjects: Set(indices.map { records[$0].subject }).count > 1)
            }
            .sorted { $0.paths[0] < $1.paths[0] }
    }

    /// Gender, ethnicity and skin tone must agree across a subject's images; ages may differ between
    /// captures and are not checked.
    func labelConflicts(bySubject: [(subject: SubjectID, images: [Int])], records: [ImageRecord]) -> [ValidationReport.LabelConflict] {
        var conflicts: [ValidationReport.LabelConflict] = []
        for (subject, images) in bySubject where images.count > 1 {
            for dimension in [CohortDimension.gender, .ethnicity, .skinTone] {
                let values = Set(images.map { scheme.value(dimension, of: records[$0].labels) })
                if values.count > 1 {
                    conflicts.append(.init(subject: subject.rawValue, attribute: dimension.rawValue, values: values.sorted()))
                }
            }
        }
        return conflicts
    }

    func cohortCounts(records: [ImageRecord], bySubject: [(subject: SubjectID, images: [Int])]) -> [ValidationReport.CohortCount] {
        struct Tally {
            var subjects: [SubjectID: Int] = [:]
            var images = 0
            var mated = 0
        }
        var tallies: [CohortKey: Tally] = [:]
        for record in records {
            for key in scheme.keys(of: record.labels) {
                tallies[key, default: Tally()].images += 1
                tallies[key, default: Tally()].subjects[record.subject, default: 0] += 1
            }
        }
        for (_, images) in bySubject where images.count > 1 {
            for (i, a) in images.enumerated() {
                for b in images[(i + 1)...] {
                    for dimensions in scheme.dimensionSets {
                        if let key = scheme.pairKey(dimensions, records[a].labels, records[b].labels) {
                            tallies[key, default: Tally()].mated += 1
                        }
                    }
                }
            }
        }
        let targets = options.targetFMRs
        return tallies.sorted { $0.key < $1.key }.map { key, tally in
            let nonMated = PairCounts.nonMated(images: tally.images, imagesPerSubject: tally.subjects.values)
            var supports: [String: Bool] = [:]
            var flags: [String] = []
            for target in targets {
                supports[Self.key(target)] = nonMated >= PairCounts.required(forFMR: target)
            }
            if tally.subjects.count < options.minimumSubjects {
                flags.append("fewer than \(options.minimumSubjects) subjects")
            }
            if tally.mated == 0 { flags.append("no mated pairs") }
            if key.hasUnknown { flags.append("unknown label") }
            return ValidationReport.CohortCount(
                cohort: key.description, dimensions: key.dimensions.map(\.rawValue), subjects: tally.subjects.count,
                images: tally.images, matedPairs: tally.mated, nonMatedPairs: nonMated, supportsFMR: supports, flags: flags)
        }
    }
}
