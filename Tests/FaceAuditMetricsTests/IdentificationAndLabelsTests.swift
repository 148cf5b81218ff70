import FaceAuditCohorts
import FaceAuditProtocols
import FaceAuditScoreFiles
import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics

@Suite("Open-set identification")
struct IdentificationTests {
    static let searches = [
        SearchScores(mated: [0.9], nonMated: [0.2, 0.3]),  // rank 1, above 0.5
        SearchScores(mated: [0.4], nonMated: [0.6, 0.1]),  // rank 2, below 0.5
        SearchScores(mated: [0.7], nonMated: [0.7, 0.8]),  // ties count against the mate: rank 3
        SearchScores(mated: [], nonMated: [0.55, 0.1]),  // non-mated, alarms at 0.5
        SearchScores(mated: [], nonMated: [0.3, 0.2]),  // non-mated, silent at 0.5
    ]

    @Test("CMC, ranks with ties, DIR/FNIR at rank R and FPIR")
    func openSet() {
        #expect(Identification.cmc(Self.searches) == [1.0 / 3, 2.0 / 3, 1])
        #expect(Identification.detectionIdentificationRate(Self.searches, threshold: 0.5, rank: 1) == ErrorCount(errors: 1, trials: 3))
        #expect(Identification.detectionIdentificationRate(Self.searches, threshold: 0.5, rank: 3) == ErrorCount(errors: 2, trials: 3))
        #expect(Identification.fnir(Self.searches, threshold: 0.5, rank: 3) == ErrorCount(errors: 1, trials: 3))
        #expect(Identification.falseAlarmRate(Self.searches, threshold: 0.5) == ErrorCount(errors: 1, trials: 2))
        let report = IdentificationReport(searches: Self.searches, maxRank: 5, threshold: 0.5, reportedThreshold: 0.5)
        #expect(report.cmc.count == 5 && report.cmc.last == 1 && report.rank1 == 1.0 / 3)
        #expect(report.fpir == 0.5 && report.matedSearches == 3 && report.nonMatedSearches == 2)
    }

    @Test("item 8: a probe whose scores are all NaN is a failure to acquire, not dropped: a miss when mated")
    func nanProbes() throws {
        // bob 4-column: claimed_id real_id test_label score. Probe a1 (mated, all NaN), probe z1 (not enrolled, all NaN),
        // probe b1 (mated, scored), probe c1 (mated, one NaN mated score but a finite non-mated one).
        let lines = [
            "a a a1 nan", "b a a1 nan",
            "a z z1 nan", "b z z1 nan",
            "b b b1 0.9", "a b b1 0.1",
            "c c c1 nan", "a c c1 0.2",
        ]
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("scores.txt")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let table = try ScoreFileReader.read(path: file.path, format: .bob4)
        let searches = SearchGrouping.byProbeItem(table)
        let report = IdentificationReport(searches: searches, maxRank: 2, threshold: 0.5, reportedThreshold: 0.5)
        // Before: "probes": 2 (a1 and z1 silently dropped).
        #expect(report.probes == 4 && report.failuresToAcquire == 2)
        // a1, b1 and c1 (whose mated comparison is NaN: a miss, not an open-set search) are mated; z1 is not.
        #expect(report.matedSearches == 3 && report.nonMatedSearches == 1)
        #expect(report.rank1 == 1.0 / 3)  // b1 hits; a1 and c1 miss
        #expect(report.fnir == 2.0 / 3 && report.fpir == 0)
    }
}

@Suite("Score tables with labels")
struct ScoreTableLabelsTests {
    static func table(_ csv: String) throws -> ScoreTable {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("s.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        return try ScoreFileReader.read(path: file.path, format: .csv)
    }

    @Test("a mated pair aged 16 and 21 is in band 18-29; non-mated pairs need both sides in the cohort")
    func meanAge() throws {
        let t = try Self.table(
            """
            probe_subject,reference_subject,probe_id,reference_id,score,probe_age,reference_age,probe_gender,reference_gender
            a,a,a1,a2,0.9,16,21,F,F
            a,b,a1,b1,0.1,16,25,F,M
            b,c,b1,c1,0.2,25,27,M,NA
            """)
        let labeled = try ScoreTableLabels(t)
        let scheme = CohortScheme(dimensions: [.ageBand, .gender], intersections: [])
        let d = labeled.comparisons(for: [.ageBand], scheme: scheme, polarity: .similarity)
        #expect(d.cohortNames == ["age_band=13-17", "age_band=18-29"])
        #expect(d.matedCohort[0] == 1)
        #expect(d.probeCohort[1] == 0 && d.referenceCohort[1] == 1)  // cross-cohort: not within
        #expect(d.probeCohort[2] == 1 && d.referenceCohort[2] == 1)  // within 18-29
        let g = labeled.comparisons(for: [.gender], scheme: scheme, polarity: .similarity)
        #expect(g.cohortNames == ["gender=f", "gender=m", "gender=unknown"])
        let rates = CohortAnalysis.analyze(d, dimensions: "age_band", options: CohortAnalysisOptions(targets: [0.5], replicates: 0))
        let adult = try #require(rates.first?.cohorts.first { $0.cohort == "age_band=18-29" })
        #expect(adult.fnmr.trials == 1 && adult.fmr.trials == 1)
    }

    @Test("a bad age in a label column is an error at its line and column")
    func badAge() throws {
        let t = try Self.table("probe_subject,reference_subject,score,probe_age,reference_age\na,b,0.1,3,3\nb,é,0.2,3,old\n")
        let error = try #require(throws: ScoreFileError.self) { try ScoreTableLabels(t) }
        #expect(error.line == 3 && error.column == 11)
        #expect(error.description.hasSuffix("s.csv:3:11: age \"old\" is not a number of years"))
    }

    /// The labels a manifest refuses (`ManifestReaderTests.unsafeLabel`), each in a score file's
    /// `reference_ethnicity` column at line 3, column 11.
    @Test(
        "a score file's cohort labels follow the manifest's rules",
        arguments: [
            "a;b", "a=b", "a\u{037E}b", "\u{0301}x", "x\u{0600}", "\u{200D}x", "a\u{1B}[31mb", "a\u{85}b", "\u{202E}gnp", "a\u{2066}b",
            String(repeating: "x", count: 101),
        ])
    func unsafeLabel(label: String) throws {
        let csv = "probe_subject,reference_subject,score,probe_ethnicity,reference_ethnicity\na,a,0.9,x,x\na,b,0.1,x,\(label)\n"
        let error = try #require(throws: ScoreFileError.self) { try Self.table(csv) }
        #expect(error.line == 3 && error.column == 11)
        // On scalars: the quote and a leading combining mark are one Character.
        #expect(error.message.unicodeScalars.starts(with: "reference_ethnicity \"".unicodeScalars))
        #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
    }

    /// A score file from bytes (to hold a byte order mark or invalid UTF-8).
    static func read(_ bytes: [UInt8], format: ScoreFormat = .csv) throws -> ScoreTable {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("s.csv")
        try Data(bytes).write(to: file)
        return try ScoreFileReader.read(path: file.path, format: format)
    }

    /// From a hostile-input review, each read before without a word: a byte order mark hid the first
    /// column's name (CSV) or became part of the first id (bob, turning a mated comparison non-mated); a
    /// quoted id was another subject than the same id unquoted; invalid UTF-8 made two ids one; of two
    /// columns differing only in case the last counted; probe_race beside probe_ethnicity was ignored.
    @Test("byte order marks are skipped; quotes, invalid UTF-8, repeated and aliased columns are refused at their place")
    func hostileScoreFiles() throws {
        let header = "probe_subject,reference_subject,score,probe_gender,reference_gender\n"
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(try Self.read(bom + Array((header + "a,a,0.9,f,f\na,b,0.1,f,m\n").utf8)).mated == [true, false])
        #expect(try Self.read(bom + Array("a a x1 0.9\na b x2 0.1\n".utf8), format: .bob4).mated == [true, false])
        func refused(_ bytes: [UInt8]) throws -> ScoreFileError {
            try #require(throws: ScoreFileError.self) { _ = try ScoreTableLabels(try Self.read(bytes)) }
        }
        var error = try refused(Array((header + "\"a\",a,0.9,f,f\n").utf8))
        #expect((error.line, error.column) == (2, 1) && error.message.contains("quoted"))
        error = try refused(Array((header + "a,b,0.1,f,\"m, x\"\n").utf8))
        #expect((error.line, error.column) == (2, 11) && error.message.contains("quoted"))
        error = try refused(Array(header.utf8) + Array("a,s".utf8) + [0xFE] + Array("08,0.1,f,m\n".utf8))
        #expect((error.line, error.column) == (2, 3) && error.message.contains("not valid UTF-8"))
        error = try refused(Array("probe_subject,reference_subject,score,probe_gender,reference_gender,probe_Gender\na,b,0.1,f,m,m\n".utf8))
        #expect((error.line, error.column) == (1, 69) && error.message.contains("probe_gender twice"))
        let aliased = "probe_subject,reference_subject,score,probe_ethnicity,reference_ethnicity,probe_race,reference_race\n"
        error = try refused(Array((aliased + "a,b,0.1,x,y,z,w\n").utf8))
        #expect(error.line == 1 && error.message.contains("both probe_ethnicity and probe_race"))
        // Sample ids numbered within each subject made every subject's first photo one sample (identify: 2 probes of 79).
        let ids = "probe_subject,reference_subject,probe_id,reference_id,score\n"
        error = try refused(Array((ids + "a,a,1,2,0.9\nb,b,1,2,0.8\n").utf8))
        #expect((error.line, error.column) == (3, 5) && error.message.contains("sample \"1\" appears with two subjects"))
        #expect(try Self.read(Array((ids + "a,a,a1,a2,0.9\nb,b,b1,b2,0.8\na,b,a1,b1,0.1\n").utf8)).items.count == 4)
        // One person labeled two genders was counted in both cohorts (41 people in cohorts of 40); ages may
        // differ from photo to photo, and a missing label agrees with any.
        error = try refused(Array((header + "a,a,0.9,f,f\na,b,0.1,f,m\nb,a,0.1,m,m\n").utf8))
        #expect(error.line == 4 && error.message.contains("subject \"a\" is labeled gender \"m\" here and \"f\" at line 2"))
        let ages = "probe_subject,reference_subject,score,probe_gender,reference_gender,probe_age,reference_age\n"
        _ = try ScoreTableLabels(try Self.read(Array((ages + "a,a,0.9,f,na,17,19\na,b,0.1,,m,18,40\n").utf8)))
        error = try refused(Array((ages + "a,b,0.1,f,m,17,131\n").utf8))
        #expect(error.message.contains("outside 0–130 years"))
    }

    @Test("ordinary labels, missing markers and ages pass")
    func safeLabels() throws {
        let t = try Self.table(
            """
            probe_subject,reference_subject,score,probe_ethnicity,reference_ethnicity,probe_age,reference_age
            a,a,0.9,Māori,Māori,30,31
            c,b,0.1,café,NA,30,
            d,e,0.1,é,?,unknown,40
            """)
        let labeled = try ScoreTableLabels(t)
        #expect(Set(labeled.labels.compactMap(\.ethnicity)) == ["māori", "café", "é"])
    }
}
