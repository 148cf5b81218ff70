import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditDatasets

@Suite("CSV manifests")
struct ManifestReaderTests {
    static func parse(_ text: String) throws(ManifestError) -> [ImageRecord] {
        try CSVManifestReader().parse(text: text, file: "data/manifest.csv")
    }

    static func expectError(
        _ text: String, _ code: ManifestError.Code, line: Int, column: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try parse(text)
            Issue.record("parsed without error", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.location?.line == line && error.location?.column == column, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("every column is read, missing markers become nil, other columns are extras")
    func fullRow() throws {
        let records = try Self.parse(
            """
            path,subject_id,age,gender,ethnicity,skin_tone,capture_date,session,camera
            a.jpg,s1,7.5,Female,Black,monk:8,2024-05-01,1,front
            b.jpg,s1,NA,unknown,,fitzpatrick:IV,,,side
            """)
        #expect(records.count == 2)
        let a = records[0].labels
        #expect(records[0].subject == SubjectID("s1"))
        #expect(a.age == 7.5 && a.gender == "female" && a.ethnicity == "black")
        #expect(a.skinTone == SkinTone(scale: .monk, value: 8))
        #expect(a.captureDate == "2024-05-01" && a.session == "1" && a.extra == ["camera": "front"])
        let b = records[1].labels
        #expect(b.age == nil && b.gender == nil && b.ethnicity == nil && b.captureDate == nil)
        #expect(b.skinTone == SkinTone(scale: .fitzpatrick, value: 4))
        #expect(records[1].origin == TextLocation(file: "data/manifest.csv", line: 3, column: 1))
    }

    @Test("aliases: file/identity/race/sex, and a skin_tone_scale column")
    func aliases() throws {
        let records = try Self.parse("file,identity,sex,race,skin_tone,skin_tone_scale\nx.png,7,m,asian,III,fitzpatrick\n")
        #expect(records[0].path == "x.png" && records[0].subject.rawValue == "7")
        #expect(records[0].labels.gender == "m" && records[0].labels.ethnicity == "asian")
        #expect(records[0].labels.skinTone?.description == "fitzpatrick:III")
    }

    @Test("an age that is not a number names its line and column")
    func badAge() { Self.expectError("path,subject_id,age\na.jpg,s1,12\nb.jpg,s2,twelve\n", .invalidValue, line: 3, column: 10) }

    @Test("a label that could pose as an intersection key (it holds ; or =) is refused at its place")
    func separatorInLabel() {
        Self.expectError("path,subject_id,gender\na.jpg,s1,female;ethnicity=black\n", .invalidValue, line: 2, column: 10)
        Self.expectError("path,subject_id,ethnicity\na.jpg,s1,x\nb.jpg,s2,a=b\n", .invalidValue, line: 3, column: 10)
        // U+037E is canonically ";" (a key split on ";" splits on it too).
        Self.expectError("path,subject_id,gender\na.jpg,s1,female\u{037E}ethnicity\n", .invalidValue, line: 2, column: 10)
    }

    /// Found by a helper feeding hostile labels to whole runs: a label beginning with U+0301 fused with
    /// the `=` before it (`ethnicity=ethnicity=́group` in the regression's table), a right-to-left
    /// override reversed the report's sentences, control characters reached every output and the
    /// terminal, and 10,000-character labels made an SVG 80,441 pixels wide. Each is refused at its
    /// place now, and the message shows the value on one printable line, cut to 60 characters.
    @Test(
        "labels that would fuse with a separator, reorder or break the text, or swamp the charts are refused at their place",
        arguments: [
            "\u{301}group", "group\u{600}", "\u{200D}a", "a\u{1B}]0;title\u{7}", "a\u{0}b", "a\u{85}b", "a\u{2028}b",
            "\u{202E}gnp.exe", "a\u{2066}b", "a\u{200F}", String(repeating: "x", count: 101),
        ])
    func unsafeLabel(value: String) {
        Self.expectError("path,subject_id,ethnicity\na.jpg,s1,\(value)\n", .invalidValue, line: 2, column: 10)
        do {
            _ = try Self.parse("path,subject_id,ethnicity\na.jpg,s1,\(value)\n")
        } catch {
            let message = "\(error)"
            #expect(!message.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E })
            #expect(message.count < 300, "\(message.count) characters")
        }
    }

    @Test("labels with marks inside, emoji and a hundred characters are kept")
    func safeLabels() throws {
        for value in ["e\u{301}", "caf\u{E9}", "\u{1F600}", "a\u{301}b", String(repeating: "x", count: 100), "ελληνικά", "عربي"] {
            let records = try Self.parse("path,subject_id,ethnicity\na.jpg,s1,\(value)\n")
            #expect(records.first?.labels.ethnicity == value.lowercased())
        }
    }

    @Test("each row keeps the bytes of its own label, when the row before wrote the same text in another normalization")
    func labelBytesPerRow() throws {
        let records = try Self.parse(
            "path,subject_id,ethnicity,gender\na.jpg,s1,Caf\u{E9},F\nb.jpg,s1,Cafe\u{301},F\nc.jpg,s2,Caf\u{E9},f\nd.jpg,s2,Cafe\u{301},F\n"
        )
        #expect(
            records.map { Array(($0.labels.ethnicity ?? "").utf8) }
                == ["caf\u{E9}", "cafe\u{301}", "caf\u{E9}", "cafe\u{301}"].map { Array($0.utf8) })
        #expect(records.map(\.labels.gender) == ["f", "f", "f", "f"])
    }

    @Test("an impossible age is rejected")
    func negativeAge() { Self.expectError("path,subject_id,age\na.jpg,s1,-3\n", .invalidValue, line: 2, column: 10) }

    @Test("a skin tone outside its scale is rejected", arguments: ["monk:11", "fitzpatrick:VII", "pantone:3", "7"])
    func badSkinTone(value: String) {
        Self.expectError("path,subject_id,skin_tone\na.jpg,s1,\(value)\n", .invalidValue, line: 2, column: 10)
    }

    @Test("an unknown skin-tone scale column value is rejected at that column")
    func badScale() {
        Self.expectError("path,subject_id,skin_tone,skin_tone_scale\na.jpg,s1,3,von_luschan\n", .invalidValue, line: 2, column: 12)
    }

    @Test("missing required columns are header errors")
    func missingColumns() {
        Self.expectError("subject_id,age\ns1,3\n", .header, line: 1, column: 1)
        Self.expectError("path,age\na.jpg,3\n", .header, line: 1, column: 1)
    }

    @Test("two columns meaning the same thing are a header error at the second")
    func ambiguous() { Self.expectError("path,subject_id,race,ethnicity\na,s,x,y\n", .header, line: 1, column: 22) }

    @Test("a duplicate path names both lines")
    func duplicatePath() {
        do {
            _ = try Self.parse("path,subject_id\na.jpg,s1\nb.jpg,s2\na.jpg,s3\n")
            Issue.record("accepted a duplicate path")
        } catch {
            #expect(error.code == .duplicatePath)
            #expect(error.location?.line == 4)
            #expect(error.message.contains("line 2"))
        }
    }

    @Test("empty path or subject is an error at that field")
    func emptyValues() {
        Self.expectError("path,subject_id\n,s1\n", .missingValue, line: 2, column: 1)
        Self.expectError("path,subject_id\na.jpg, \n", .missingValue, line: 2, column: 7)
    }

    @Test("a header-only manifest is empty")
    func noRows() {
        #expect(throws: ManifestError.self) { try Self.parse("path,subject_id\n") }
    }

    @Test("reading a file resolves the root and names the file in errors")
    func fromFile() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("manifest.csv")
        try "path,subject_id,age\nimgs/a.jpg,s1,x\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try CSVManifestReader().read(file: file.path)
            Issue.record("accepted a bad age")
        } catch {
            #expect(error.description.hasPrefix("\(file.path):2:15: "))
        }
        try "path,subject_id\nimgs/a.jpg,s1\n".write(to: file, atomically: true, encoding: .utf8)
        let manifest = try CSVManifestReader().read(file: file.path)
        #expect(manifest.absolutePath(of: manifest.records[0]) == folder.appendingPathComponent("imgs/a.jpg").path)
        #expect(manifest.card.licenseIsUnknown)
    }

    @Test("age_band labels are read per photo (lower-cased), beside or instead of age")
    func ageBandColumn() throws {
        let records = try Self.parse("path,subject_id,age,age_band\na.jpg,s1,,Child Photo\nb.jpg,s1,30,18-29\nc.jpg,s2,NA,NA\n")
        #expect(records.map(\.labels.ageBand) == ["child photo", "18-29", nil])
        #expect(records.map(\.labels.age) == [nil, 30, nil])
        Self.expectError("path,subject_id,age_band\na.jpg,s1,0-12;x=y\n", .invalidValue, line: 2, column: 10)
    }

    @Test(
        "a capture date that is not ISO 8601 YYYY, YYYY-MM or YYYY-MM-DD names its file, line and column",
        arguments: [
            "2019-13", "2019-02-29", "2019-04-31", "19-01-01", "2019/01/01", "2019-1-5", "May 2019", "2019-05-01T25:00", "20190501",
            "2019-05-01T10", "2019-05-01 10:00:00+1", "2019-05-01T10:00:00.", "2019:05:01",
        ])
    func badCaptureDate(text: String) {
        Self.expectError("path,subject_id,capture_date\na.jpg,s1,2019\nb.jpg,s1,\(text)\n", .invalidValue, line: 3, column: 10)
        do {
            _ = try Self.parse("path,subject_id,capture_date\na.jpg,s1,\(text)\n")
        } catch {
            #expect(
                error.description
                    == "data/manifest.csv:2:10: capture_date \"\(text)\" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD, a day that exists, optionally with a time such as T14:05:00)"
            )
        }
    }

    @Test(
        "a capture date with a time of day, as ISO 8601 or EXIF writes it, is its date",
        arguments: [
            "2019-05-01T10:00", "2019-05-01 10:00:59", "2019-05-01T10:00:59.962Z", "2019-05-01T23:59:00+01:00", "2019-05-01T00:00-0500",
            "2019:05:01 14:24:08",
        ])
    func captureDateTimes(text: String) throws {
        let records = try Self.parse("path,subject_id,capture_date\na.jpg,s1,\(text)\n")
        #expect(records[0].labels.parsedCaptureDate == CaptureDate(parsing: "2019-05-01"))
    }

    @Test("capture dates at three precisions; a missing one is nil")
    func captureDates() throws {
        let records = try Self.parse("path,subject_id,date\na.jpg,s1,2019\nb.jpg,s1, 2019-05 \nc.jpg,s1,2020-02-29\nd.jpg,s1,NA\n")
        #expect(records.map(\.labels.captureDate) == ["2019", "2019-05", "2020-02-29", nil])
        #expect(records[2].labels.parsedCaptureDate == CaptureDate(parsing: "2020-02-29"))
        let date = try #require(records[2].labels.parsedCaptureDate)
        #expect(date.year == 2020 && date.month == 2 && date.day == 29)
        #expect(records[3].labels.parsedCaptureDate == nil)
    }

    @Test(
        "years between two capture dates: whole months as birthdays count them, at the coarser precision",
        arguments: [
            ("2010-06-15", "2012-06-14", 23.0 / 12), ("2010-06-15", "2012-06-15", 2.0), ("2012-06-15", "2010-06-15", 2.0),
            ("2010-06", "2012-05", 23.0 / 12), ("2010-06-30", "2012-05", 23.0 / 12), ("2010", "2012-12-31", 2.0),
            ("2010-12-31", "2011", 1.0), ("2019-01-10", "2019-01-10", 0.0), ("2011-12-10", "2013-01-10", 13.0 / 12),
        ] as [(String, String, Double)])
    func yearsBetween(a: String, b: String, years: Double) throws {
        let x = try #require(CaptureDate(parsing: a))
        let y = try #require(CaptureDate(parsing: b))
        #expect(CaptureDate.yearsBetween(x, y) == years)
        #expect(x.description == a)
    }

    @Test("a manifest that is not UTF-8 is an encoding error")
    func notUTF8() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("m.csv")
        try Data([0x70, 0x61, 0x74, 0x68, 0xFF, 0xFE, 0x0A]).write(to: file)
        #expect(throws: ManifestError.self) { try CSVManifestReader().read(file: file.path) }
    }
}

extension DatasetCard {
    var licenseIsUnknown: Bool { license == "unknown" }
}

@Suite("Manifest paths")
struct ManifestPathTests {
    @Test("a plain path is relative, of ASCII letters, digits, _ - . / and spaces, with no empty or dots-only component")
    func plainPaths() {
        let plain = ["a.jpg", "imgs/a.jpg", "a b/c-d_e.f.jpg", ".hidden", "a/.hidden/x", "a/..b/c", "x.", "0/1/2/3.png", " "]
        let other = [
            "", "./a.jpg", "a//b.jpg", "../up.jpg", "dir/", "/abs/a.jpg", "naïve é.png", "...", "a/.../b", "a/./b", "a/b/..", "a%20b.jpg",
            "a\\b.jpg",
        ]
        for path in plain { #expect(Manifest.isPlain(path), "\(path)") }
        for path in other { #expect(!Manifest.isPlain(path), "\(path)") }
    }

    /// The root's URL is made once per manifest; every join must equal the per-call formula it replaced,
    /// for roots that are folders, files, missing, relative or slashed, and paths with odd components.
    @Test("absolutePath joins as URL(fileURLWithPath: root).appendingPathComponent(path).path does")
    func sameAsPerCallURL() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("file.csv")
        try Data().write(to: file)
        let roots = [folder.path, folder.path + "/", file.path, folder.path + "/missing", "relative/root", ".", "/"]
        // Plain paths (joined as text) and every kind that is not: dots-only, empty and trailing components, other bytes.
        let paths = [
            "a.jpg", "imgs/a.jpg", "./a.jpg", "a//b.jpg", "../up.jpg", "dir/", "/abs/a.jpg", "naïve é.png", "a b/c-d_e.f.jpg", ".hidden",
            "a/.hidden/x", "...", "a/.../b", "a/..b/c", "x.", "a/./b", "a/b/..", "a%20b.jpg", "a\\b.jpg", "", " ", "0/1/2/3.png",
        ]
        let records = paths.map { ImageRecord(path: $0, subject: SubjectID("s"), labels: Labels()) }
        let manifests = roots.map { Manifest(layout: .csv, root: $0, source: "m.csv", card: .unknown(name: "t"), records: records) }
        // The missing root appears after its manifest was made, as a folder: the URL made then said
        // "not a folder", and the joins must not depend on it.
        try FileManager.default.createDirectory(atPath: folder.path + "/missing", withIntermediateDirectories: false)
        for (root, manifest) in zip(roots, manifests) {
            for record in records {
                let expected =
                    record.path.hasPrefix("/") ? record.path : URL(fileURLWithPath: root).appendingPathComponent(record.path).path
                #expect(manifest.absolutePath(of: record) == expected, "root \(root), path \(record.path)")
            }
        }
    }
}
