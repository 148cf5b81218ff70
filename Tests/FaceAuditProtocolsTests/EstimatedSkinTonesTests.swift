import FaceAuditDatasets
import FaceAuditSkinTone
import FaceAuditTemplates
import Foundation
import Testing

@testable import FaceAuditProtocols

@Suite("Estimated skin-tone labels (run --estimate-skin-tone)")
struct EstimatedSkinTonesTests {
    static func tone(_ monk: Int) -> SkinToneEstimate { SkinToneEstimate(mean: SkinToneEstimate.monkReferences[monk - 1], pixels: 400) }

    static func manifest(skinTone: SkinTone? = nil) -> Manifest {
        let records = [("a", 0), ("a", 1), ("a", 2), ("b", 0), ("b", 1), ("c", 0)].map { s, i in
            ImageRecord(path: "\(s)\(i).jpg", subject: SubjectID(s), labels: Labels(gender: "female", skinTone: skinTone))
        }
        return Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records)
    }

    @Test("Every image gets its subject's median Monk tone; the card says it was estimated")
    func relabels() throws {
        let estimated = try EstimatedSkinTones(
            manifest: Self.manifest(), estimates: [Self.tone(8), Self.tone(7), nil, Self.tone(2), Self.tone(5), nil])
        let labels = estimated.manifest.records.map { $0.labels.skinTone?.description }
        #expect(labels == ["monk:7", "monk:7", "monk:7", "monk:2", "monk:2", nil])
        #expect(estimated.manifest.records.allSatisfy { $0.labels.gender == "female" })
        #expect(estimated.labeledSubjects == 2 && estimated.unmeasuredSubjects == 1 && estimated.inconsistentSubjects == 1)
        #expect(estimated.measuredImages == 4 && estimated.unknownImages == 2)
        let card = estimated.manifest.card
        #expect(card.labelProvenance["skin_tone"] == .estimated && card.skinToneInstrument == "monk")
        #expect(card.limitations.contains { $0.contains("lighting, white balance") && $0.contains("1 of 2 people") })
        // a: Monk 8 and 7 (one step); b: Monk 2 and 5 (three steps).
        let spreadA = abs(Self.tone(8).ita - Self.tone(7).ita), spreadB = abs(Self.tone(2).ita - Self.tone(5).ita)
        let expected = String(format: "median of %.1f° ITA (largest %.1f°)", (spreadA + spreadB) / 2, max(spreadA, spreadB))
        #expect(
            card.limitations.contains { $0.contains(expected) && $0.contains("agreed for 0, differed by one step for 1 and by more for 1") }
        )
    }

    @Test("Datasets that already have skin-tone labels are refused, never mixed")
    func refusesMixing() {
        let labeled = Self.manifest(skinTone: SkinTone(scale: .fitzpatrick, value: 4))
        #expect(throws: EstimatedSkinTones.Refusal.self) {
            try EstimatedSkinTones(manifest: labeled, estimates: Array(repeating: Self.tone(5), count: 6))
        }
    }

    @Test("A measurement survives the round trip through the cache format")
    func meterRoundTrip() throws {
        let e = Self.tone(6)
        let stored = try JSONDecoder().decode(SkinToneMeasurement.self, from: JSONEncoder().encode(SkinToneMeasurement(e)))
        let back = try #require(stored.estimate)
        #expect(back.monk == 6 && back.pixels == 400 && abs(back.ita - e.ita) < 1e-3)
        #expect(SkinToneMeasurement.failure("no face found").estimate == nil)
    }
}
