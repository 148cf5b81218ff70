import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditTestSupport
import Testing

@testable import FaceAuditValidation

@Suite("Dataset validation")
struct DatasetValidatorTests {
    static func validate(_ manifest: Manifest, decode: Bool = true) -> ValidationReport {
        let scheme = CohortScheme.automatic(for: manifest.records)
        return DatasetValidator(options: ValidationOptions(decodeImages: decode), scheme: scheme).validate(manifest)
    }

    @Test("the London set: 102 subjects, 204 images, 102 mated and 20,604 non-mated pairs, usable")
    func london() throws {
        let report = Self.validate(try DatasetReader().read(path: TestPaths.london.path))
        #expect(report.subjects == 102)
        #expect(report.images == 204)
        #expect(report.imagesPerSubject == .init(min: 2, median: 2, max: 2))
        #expect(report.matedPairs == 102)
        #expect(report.nonMatedPairs == 20_604)
        #expect(report.requiredNonMatedPairs == ["0.001": 3000, "0.0001": 30000])
        #expect(report.supportsFMR == ["0.001": true, "0.0001": false])
        #expect(report.missingFiles.isEmpty && report.decodeFailures.isEmpty && report.duplicates.isEmpty)
        #expect(report.labelConflicts.isEmpty)
        #expect(report.usable && report.problems.isEmpty)

        func cohort(_ key: String) throws -> ValidationReport.CohortCount {
            try #require(report.cohorts.first { $0.cohort == key }, "no cohort \(key)")
        }
        let female = try cohort("gender=female")
        #expect((female.subjects, female.images, female.matedPairs, female.nonMatedPairs) == (49, 98, 49, 4704))
        let white = try cohort("ethnicity=white")
        #expect((white.subjects, white.nonMatedPairs) == (69, 9384))
        #expect(white.supportsFMR == ["0.001": true, "0.0001": false])
        let black = try cohort("ethnicity=black")
        #expect((black.subjects, black.nonMatedPairs, black.supportsFMR["0.001"]) == (13, 312, false))
        let unknownAge = try cohort("age_band=unknown")
        #expect(unknownAge.subjects == 2 && unknownAge.flags.contains("unknown label"))
        let triple = try cohort("age_band=18-29;gender=female;ethnicity=black")
        #expect(triple.subjects == 4 && triple.flags.contains("fewer than 10 subjects"))
        // Marginal cohorts partition the images of each dimension.
        for dimension in ["age_band", "gender", "ethnicity"] {
            #expect(report.cohorts.filter { $0.dimensions == [dimension] }.reduce(0) { $0 + $1.images } == 204)
        }
    }

    @Test("every problem is found and makes the dataset unusable")
    func broken() throws {
        let broken = try BrokenDataset()
        defer { broken.remove() }
        let report = Self.validate(try DatasetReader().read(path: broken.manifest.path))
        #expect(!report.usable)
        #expect(report.missingFiles == ["gone.jpg"])
        #expect(report.decodeFailures.map(\.path) == ["cut.jpg", "empty.jpg"])
        #expect(report.decodeFailures.map(\.code) == ["truncated", "empty"])
        #expect(report.duplicates.count == 1)
        #expect(report.duplicates.first?.paths == ["b1.jpg", "copy.jpg"])
        #expect(report.duplicates.first?.acrossSubjects == true)
        #expect(report.labelConflicts.map { "\($0.subject) \($0.attribute) \($0.values)" } == ["s1 gender [\"female\", \"male\"]"])
        #expect(report.problems.count == 4)
        #expect(report.text().contains("Usable: no"))
    }

    @Test("without decoding, only presence is checked")
    func skipDecode() throws {
        let broken = try BrokenDataset()
        defer { broken.remove() }
        let report = Self.validate(try DatasetReader().read(path: broken.manifest.path), decode: false)
        #expect(report.missingFiles == ["gone.jpg"])
        #expect(report.decodeFailures.isEmpty && report.duplicates.isEmpty)
    }

    @Test("a pair straddling an age band counts in the band of its mean age")
    func pairAgeBand() {
        let records = [
            ImageRecord(path: "a", subject: SubjectID("x"), labels: Labels(age: 16)),
            ImageRecord(path: "b", subject: SubjectID("x"), labels: Labels(age: 21)),
            ImageRecord(path: "c", subject: SubjectID("y"), labels: Labels(age: 17)),
        ]
        let manifest = Manifest(layout: .csv, root: "/nonexistent", source: "m.csv", card: .unknown(name: "t"), records: records)
        let report = Self.validate(manifest, decode: false)
        let teen = report.cohorts.first { $0.cohort == "age_band=13-17" }
        let adult = report.cohorts.first { $0.cohort == "age_band=18-29" }
        #expect(teen?.images == 2 && teen?.matedPairs == 0 && teen?.nonMatedPairs == 1)
        #expect(adult?.images == 1 && adult?.matedPairs == 1 && adult?.nonMatedPairs == 0)
        #expect(report.matedPairs == 1 && report.nonMatedPairs == 2)
    }

    @Test("no mated pairs (UTKFace-like) is usable for FMR-only evaluation, and says FNMR cannot be measured")
    func noMated() {
        let records = (0..<3).map { ImageRecord(path: "\($0)", subject: SubjectID("\($0)"), labels: Labels()) }
        let manifest = Manifest(layout: .utkface, root: "/", source: "x", card: .unknown(name: "t"), records: records)
        let report = Self.validate(manifest, decode: false)
        #expect(report.matedPairs == 0 && report.nonMatedPairs == 3)
        // The paths do not exist (only missing files are a problem here): no mated pairs is not one.
        #expect(!report.problems.contains { $0.contains("mated") }, "\(report.problems)")
        #expect(report.scope.contains { $0.contains("no mated pairs") && $0.contains("usable for FMR-only evaluation") })
    }

    @Test("one subject (no non-mated pairs) is still unusable: no threshold can be set")
    func noNonMated() {
        let records = (0..<2).map { ImageRecord(path: "\($0)", subject: SubjectID("a"), labels: Labels()) }
        let manifest = Manifest(layout: .utkface, root: "/", source: "x", card: .unknown(name: "t"), records: records)
        let report = Self.validate(manifest, decode: false)
        #expect(!report.usable && report.problems.contains { $0.contains("no non-mated pairs") })
    }

    @Test("rule of three", arguments: [(1e-2, 300), (1e-3, 3000), (1e-4, 30000), (1e-5, 300_000), (3e-4, 10000), (7e-4, 4286)])
    func ruleOfThree(target: Double, pairs: Int) {
        #expect(PairCounts.required(forFMR: target) == pairs)
    }

    @Test("median of an even count is the mean of the middle two")
    func median() {
        #expect(DatasetValidator.spread([1, 2, 4, 9]) == .init(min: 1, median: 3, max: 9))
        #expect(DatasetValidator.spread([5]) == .init(min: 5, median: 5, max: 5))
    }
}
