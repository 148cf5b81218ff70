import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditSkinTone

/// Gives every subject of a manifest the skin-tone label measured from its images (`run
/// --estimate-skin-tone`), marked as estimated on the dataset card.
public struct EstimatedSkinTones: Sendable {
    /// The relabeled manifest: each image carries its subject's median Monk tone as `skin_tone`.
    public let manifest: Manifest
    /// Subjects that received a label.
    public let labeledSubjects: Int
    /// Subjects none of whose images could be measured (their `skin_tone` stays unknown).
    public let unmeasuredSubjects: Int
    /// Subjects whose images disagree by more than one Monk step.
    public let inconsistentSubjects: Int
    /// Images measured, and images whose skin could not be measured.
    public let measuredImages: Int, unknownImages: Int

    /// Why estimates cannot be applied.
    public enum Refusal: Error, Sendable, CustomStringConvertible {
        /// The dataset already has skin-tone labels; estimated ones are never mixed with them.
        case alreadyLabeled(provenance: String)

        public var description: String {
            switch self {
            case .alreadyLabeled(let provenance):
                "the dataset already has skin_tone labels (\(provenance)); estimated labels are never mixed with them. Drop --estimate-skin-tone, or remove the skin_tone column"
            }
        }
    }

    /// Applies per-image estimates (in manifest order; `nil` where unknown).
    public init(manifest: Manifest, estimates: [SkinToneEstimate?]) throws(Refusal) {
        precondition(estimates.count == manifest.records.count, "one estimate slot per image")
        if manifest.records.contains(where: { $0.labels.skinTone != nil }) {
            throw .alreadyLabeled(provenance: manifest.card.labelProvenance["skin_tone"]?.rawValue ?? "unknown provenance")
        }
        var records = manifest.records
        var labeled = 0, unmeasured = 0, inconsistent = 0
        var itaSpreads: [Double] = []
        var monkSteps = [0, 0, 0]  // people whose photos differ by 0, 1, more Monk steps
        for (_, images) in manifest.imagesBySubject {
            guard let subject = SubjectSkinTone(images.compactMap { estimates[$0] }) else {
                unmeasured += 1
                continue
            }
            labeled += 1
            if subject.isInconsistent { inconsistent += 1 }
            if subject.images > 1 {
                itaSpreads.append(subject.itaRange.upperBound - subject.itaRange.lowerBound)
                monkSteps[min(2, subject.monkRange.upperBound - subject.monkRange.lowerBound)] += 1
            }
            for i in images {
                var labels = records[i].labels
                labels.skinTone = SkinTone(scale: .monk, value: subject.monk)
                records[i] = ImageRecord(path: records[i].path, subject: records[i].subject, labels: labels, origin: records[i].origin)
            }
        }
        var card = manifest.card
        card.labelProvenance["skin_tone"] = .estimated
        card.skinToneInstrument = "monk"
        let measured = estimates.count { $0 != nil }
        card.limitations.append(
            "Skin tone was not labeled in this dataset; FaceAudit measured it from the photos. For each photo it averaged the colour of the cheeks and forehead of the aligned face in CIELAB, computed the Individual Typology Angle, and took the nearest Monk Skin Tone; each person gets the median over their photos (\(measured) of \(estimates.count) photos measured, \(labeled) people labeled, \(unmeasured) unmeasured)."
        )
        if !itaSpreads.isEmpty {
            let sorted = itaSpreads.sorted()
            let median = ScoreStatistics.median(sorted: sorted)
            card.limitations.append(
                "Spread within a person, over the \(sorted.count) people with two or more measured photos: their photos differed by a median of \(String(format: "%.1f", median))° ITA (largest \(String(format: "%.1f", sorted.last!))°); Monk tones agreed for \(monkSteps[0]), differed by one step for \(monkSteps[1]) and by more for \(monkSteps[2])."
            )
        }
        card.limitations.append(
            "Measured skin tone is not the same as a person's skin tone: lighting, white balance, camera processing and makeup move it, and grayscale or badly exposed photos cannot be measured. \(inconsistent) of \(labeled) people's photos disagreed by more than one Monk step."
        )
        self.manifest = Manifest(
            layout: manifest.layout, root: manifest.root, source: manifest.source, card: card, records: records, warnings: manifest.warnings
        )
        labeledSubjects = labeled
        unmeasuredSubjects = unmeasured
        inconsistentSubjects = inconsistent
        measuredImages = measured
        unknownImages = estimates.count - measured
    }
}
