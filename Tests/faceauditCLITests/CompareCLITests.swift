import FaceAuditTestSupport
import Foundation
import Testing

/// `faceaudit compare`, the CI gate, on the committed London baseline.
@Suite("faceaudit compare", .serialized)
struct CompareCLITests {
    static let baseline = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/summary.json")

    @Test("the baseline compared with itself passes (exit 0) and writes JUnit")
    func itself() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let junit = folder.appendingPathComponent("compare.xml").path
        let result = try CommandRunner.faceaudit(["compare", Self.baseline.path, Self.baseline.path, "--junit", junit])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("**FaceAudit: no regression**"))
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("failures=\"0\"") && xml.contains("<testcase"))
    }

    @Test("a candidate whose women's FNMR doubled regresses (exit 3) and the table names it")
    func degraded() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.baseline)) as? [String: Any])
        var analyses = try #require(json["cohorts"] as? [[String: Any]])
        var changed = 0
        for i in analyses.indices where analyses[i]["dimensions"] as? String == "gender" {
            var cohorts = try #require(analyses[i]["cohorts"] as? [[String: Any]])
            for j in cohorts.indices where cohorts[j]["cohort"] as? String == "gender=female" {
                var fnmr = try #require(cohorts[j]["fnmr"] as? [String: Any])
                let trials = try #require(fnmr["trials"] as? Int)
                fnmr["errors"] = trials / 2  // half of women's mated pairs now fail
                cohorts[j]["fnmr"] = fnmr
                changed += 1
            }
            analyses[i]["cohorts"] = cohorts
        }
        #expect(changed == 4)  // one per target FMR, and at face_recognition's default tolerance
        json["cohorts"] = analyses
        let candidate = folder.appendingPathComponent("summary.json")
        try JSONSerialization.data(withJSONObject: json).write(to: candidate)
        let junit = folder.appendingPathComponent("compare.xml").path
        let result = try CommandRunner.faceaudit(["compare", Self.baseline.path, candidate.path, "--junit", junit])
        #expect(result.status == 3)
        #expect(result.stdout.contains("regression") && result.stdout.contains("| gender=female FNMR @ FMR 0.001 |"))
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("<failure"))
    }

    @Test("bad input exits 65 (not a summary) or 66 (no such file), never the regression code")
    func badInput() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let junk = folder.appendingPathComponent("junk.json")
        try "{\"schema\": 3}".write(to: junk, atomically: true, encoding: .utf8)
        #expect(try CommandRunner.faceaudit(["compare", Self.baseline.path, junk.path]).status == 65)
        #expect(try CommandRunner.faceaudit(["compare", Self.baseline.path, "/no/such.json"]).status == 66)
    }

    @Test("runs of different data are refused (65) unless --allow-different-data, which then says what differs")
    func differentData() throws {
        let folder = try TestPaths.temporaryDirectory("compare-different")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = folder.appendingPathComponent("demo")
        #expect(try CommandRunner.faceaudit(["demo", "--out", demo.path, "--subjects", "20", "--bootstrap", "0"]).status == 0)
        let candidate = demo.appendingPathComponent("summary.json").path
        let refused = try CommandRunner.faceaudit(["compare", Self.baseline.path, candidate])
        #expect(refused.status == 65 && refused.stderr.contains("not comparable (dataset: london vs simulated"), "\(refused.stderr)")
        let allowed = try CommandRunner.faceaudit(["compare", Self.baseline.path, candidate, "--allow-different-data"])
        #expect(allowed.status != 65 && allowed.stdout.hasPrefix("**Different runs compared**"), "\(allowed.stdout)")
    }
}
