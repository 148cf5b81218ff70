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

    /// `é` as one character and as `e` + U+0301 are equal Swift strings: one cohort, spelled as the first
    /// image has it, whether cohorts are worked out per image or per cell (the README says so).
    @Test func canonicallyEqualLabelsAreOneCohortNamedAsFirstMet() {
        let records = ["caf\u{E9}", "cafe\u{301}", "caf\u{E9}", "other"].enumerated().map { i, label in
            ImageRecord(path: "\(i).jpg", subject: SubjectID("s\(i)"), labels: Labels(ethnicity: label))
        }
        for first in [0, 1] {
            let ordered = first == 0 ? records : [records[1], records[0], records[2], records[3]]
            let manifest = Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: ordered)
            let scheme = CohortScheme.automatic(for: manifest.records)
            let cells = PairComparison.cells(manifest: manifest, scheme: scheme).cells
            for index in [
                CohortIndex(manifest, dimensions: [.ethnicity], scheme: scheme),
                CohortIndex(manifest, dimensions: [.ethnicity], scheme: scheme, cells: cells),
            ] {
                #expect(index.names.count == 2)
                #expect(
                    index.names.contains { $0.unicodeScalars.elementsEqual("ethnicity=\(ordered[0].labels.ethnicity!)".unicodeScalars) })
                #expect(Set(index.imageCohort[0..<3]).count == 1)
            }
        }
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

    /// A pair's cohort, whether taken from its images' cohorts (sets without an age dimension) or from
    /// the pair's own key, is the cohort named by the scheme's key of the pair (none when the pair is
    /// split), for every pair of 120 images in every dimension set.
    @Test func pairCohortsAreThePairsKeys() {
        let manifest = Self.manifest()
        let scheme = CohortScheme.automatic(for: manifest.records)
        let cells = PairComparison.cells(manifest: manifest, scheme: scheme).cells
        #expect(scheme.dimensionSets.contains { !$0.contains(.ageBand) && !$0.contains(.ageGroup) && $0.count > 1 })
        for dimensions in scheme.dimensionSets {
            var index = CohortIndex(manifest, dimensions: dimensions, scheme: scheme, cells: cells)
            var split = 0
            for i in 0..<120 {
                for j in (i + 1)..<120 {
                    let cohort = index.pairCohort(i, j)
                    let key = scheme.pairKey(dimensions, manifest.records[i].labels, manifest.records[j].labels)?.description
                    #expect(cohort == key.map { k in Int32(index.names.firstIndex(of: k) ?? -2) } ?? -1, "\(dimensions) \(i) \(j)")
                    if key == nil { split += 1 }
                }
            }
            #expect(split > 0, "\(dimensions)")
        }
    }
}
