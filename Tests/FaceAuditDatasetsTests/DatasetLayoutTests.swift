import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditDatasets

@Suite("Dataset layouts")
struct DatasetLayoutTests {
    @Test("the London Set: 204 images of 102 subjects with self-reported labels")
    func london() throws {
        let manifest = try DatasetReader().read(path: TestPaths.london.path)
        #expect(manifest.layout == .london)
        #expect(manifest.records.count == 204)
        #expect(Set(manifest.records.map(\.subject)).count == 102)
        #expect(manifest.card == LondonSet.card)
        let genders = Dictionary(grouping: manifest.records, by: { $0.labels.gender ?? "?" }).mapValues(\.count)
        #expect(genders == ["female": 98, "male": 106])
        #expect(manifest.records.filter { $0.labels.age == nil }.count == 4)  // two people × two photos
        #expect(manifest.records.allSatisfy { FileManager.default.fileExists(atPath: manifest.absolutePath(of: $0)) })
    }

    @Test("the committed card datasets/london/card.json equals the built-in card")
    func londonCard() throws {
        let card = try DatasetCard.load(from: TestPaths.repositoryRoot.appendingPathComponent("datasets/london/card.json").path)
        #expect(card == LondonSet.card)
    }

    @Test("UTKFace names: age, gender, race and date; a bad name keeps its image with unknown labels")
    func utkface() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in [
            "9_1_2_20161219203650636.jpg.chip.jpg", "65_0_1_20170110183726390.jpg", "39_1_20170116174525125.jpg.chip.jpg", "notes.txt",
        ] {
            try Data([0]).write(to: folder.appendingPathComponent(name))
        }
        let manifest = try DatasetReader().read(path: folder.path)
        #expect(manifest.layout == .utkface)
        #expect(manifest.records.count == 3)
        let child = try #require(manifest.records.first { $0.path.hasPrefix("9_") })
        #expect(child.labels.age == 9 && child.labels.gender == "female" && child.labels.ethnicity == "asian")
        #expect(child.labels.captureDate == "2016-12-19")
        let elder = try #require(manifest.records.first { $0.path.hasPrefix("65_") })
        #expect(elder.labels.gender == "male" && elder.labels.ethnicity == "black")
        #expect(Set(manifest.records.map(\.subject)).count == 3)
        #expect(manifest.warnings.count == 1)
        let warning = try #require(manifest.warnings.first)
        #expect(warning.location?.file == "39_1_20170116174525125.jpg.chip.jpg")
        #expect(warning.location?.column == 6)  // the race field
        let bad = try #require(manifest.records.first { $0.path.hasPrefix("39_") })
        #expect(bad.labels == Labels())
    }

    @Test("LFW folders: one subject per folder, hidden files skipped")
    func lfw() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (person, count) in [("Ada_Lovelace", 2), ("Alan_Turing", 1)] {
            let dir = folder.appendingPathComponent(person)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for i in 1...count { try Data([0]).write(to: dir.appendingPathComponent("\(person)_000\(i).jpg")) }
            try Data([0]).write(to: dir.appendingPathComponent(".DS_Store"))
        }
        let manifest = try DatasetReader().read(path: folder.path)
        #expect(manifest.layout == .lfw)
        #expect(
            manifest.records.map(\.path) == [
                "Ada_Lovelace/Ada_Lovelace_0001.jpg", "Ada_Lovelace/Ada_Lovelace_0002.jpg", "Alan_Turing/Alan_Turing_0001.jpg",
            ])
        #expect(manifest.records.map(\.subject.rawValue) == ["Ada_Lovelace", "Ada_Lovelace", "Alan_Turing"])
    }

    @Test("a folder with manifest.csv and card.json uses both")
    func manifestFolder() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "path,subject_id\na.jpg,1\n".write(to: folder.appendingPathComponent("manifest.csv"), atomically: true, encoding: .utf8)
        var card = DatasetCard.unknown(name: "mine")
        card.license = "CC0"
        try JSONEncoder().encode(card).write(to: folder.appendingPathComponent("card.json"))
        let manifest = try DatasetReader().read(path: folder.path)
        #expect(manifest.layout == .csv && manifest.card.license == "CC0")
    }

    @Test("unknown layouts and missing paths are clear errors")
    func unknown() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        do { _ = try DatasetReader().read(path: folder.path); Issue.record("empty folder accepted") } catch {
            #expect(error.code == .unknownLayout)
        }
        do { _ = try DatasetReader().read(path: "/no/such/dataset"); Issue.record("missing path accepted") } catch {
            #expect(error.code == .unreadable)
        }
    }

    @Test("skin-tone notation round-trips", arguments: ["monk:1", "monk:10", "fitzpatrick:I", "fitzpatrick:VI"])
    func skinTone(text: String) throws {
        let tone = try #require(SkinTone(parsing: text))
        #expect(tone.description == text)
        #expect(SkinTone(parsing: text.uppercased())?.description == text)
    }
}
