import FaceAuditCohorts
import FaceAuditDatasets
import Testing

@testable import FaceAuditProtocols

@Suite("CohortIndex: cohorts worked out once per cell number the images as once per image")
struct CohortIndexTests {
    /// 300 images with ages (and so age groups and bands), age-band labels, genders, ethnicities and skin
    /// tones, each sometimes missing, in a seeded mix.
    static func manifest() -> Manifest {
        var state: UInt64 = 17
        func pick(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        let records = (0..<300).map { i in
            let labels = Labels(
                age: pick(4) == 0 ? nil : Double(3 + pick(70)), ageBand: pick(5) == 0 ? "18-29" : nil,
                gender: ["female", "male", nil][pick(3)], ethnicity: ["black", "asian", "white", nil][pick(4)],
                skinTone: pick(3) == 0 ? nil : SkinTone(parsing: "monk:\(1 + pick(10))"))
            return ImageRecord(path: "\(i).jpg", subject: SubjectID("s\(i / 3)"), labels: labels)
        }
        return Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records)
    }

    @Test func cellsGiveTheSameNumbering() {
        let manifest = Self.manifest()
        let scheme = CohortScheme.automatic(for: manifest.records)
        let cells = PairComparison.cells(manifest: manifest, scheme: scheme).cells
        #expect(Set(cells).count > 20)
        for dimensions in scheme.dimensionSets {
            let perImage = CohortIndex(manifest, dimensions: dimensions, scheme: scheme)
            let perCell = CohortIndex(manifest, dimensions: dimensions, scheme: scheme, cells: cells)
            #expect(perCell.names == perImage.names, "\(dimensions)")
            #expect(perCell.imageCohort == perImage.imageCohort, "\(dimensions)")
        }
    }
}
