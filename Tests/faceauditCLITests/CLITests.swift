import FaceAuditTestSupport
import Foundation
import Testing

/// The command line as a user meets it: exit statuses, one-line errors, machine-readable output.
@Suite("faceaudit command line", .serialized)
struct CLITests {
    @Test("validate on the London set prints the expected totals as JSON and exits 0")
    func validateLondonJSON() throws {
        let result = try CommandRunner.faceaudit(["validate", TestPaths.london.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["subjects"] as? Int == 102)
        #expect(json["images"] as? Int == 204)
        #expect(json["mated_pairs"] as? Int == 102)
        #expect(json["non_mated_pairs"] as? Int == 20604)
        #expect(json["usable"] as? Bool == true)
        let cohorts = try #require(json["cohorts"] as? [[String: Any]])
        #expect(cohorts.contains { $0["cohort"] as? String == "gender=female;ethnicity=black" })
    }

    @Test("validate's JSON is byte-identical across runs")
    func deterministic() throws {
        let a = try CommandRunner.faceaudit(["validate", TestPaths.london.path, "--json"])
        let b = try CommandRunner.faceaudit(["validate", TestPaths.london.path, "--json", "--threads", "1"])
        #expect(a.stdout == b.stdout)
    }

    @Test("an unusable dataset exits 65 and lists every problem")
    func unusable() throws {
        let broken = try BrokenDataset()
        defer { broken.remove() }
        let result = try CommandRunner.faceaudit(["validate", broken.manifest.path])
        #expect(result.status == 65)
        #expect(result.stdout.contains("Usable: no"))
        for fragment in ["gone.jpg", "cut.jpg: truncated", "empty.jpg: empty", "b1.jpg = copy.jpg", "subject s1: gender is female / male"] {
            #expect(result.stdout.contains(fragment), "missing \(fragment)")
        }
    }

    @Test("a malformed manifest gives one line naming file, line and column, exit 65")
    func malformedManifest() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("manifest.csv")
        try "path,subject_id,age\na.jpg,s1,30\nb.jpg,s2,thirty\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try CommandRunner.faceaudit(["validate", file.path])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "faceaudit: error: \(file.path):3:10: age \"thirty\" is not a number of years\n")
    }

    @Test("a dataset that does not exist exits 66 with one line")
    func missingDataset() throws {
        let result = try CommandRunner.faceaudit(["validate", "/no/such/dataset"])
        #expect(result.status == 66)
        #expect(result.stderr == "faceaudit: error: /no/such/dataset: no such file or folder\n")
    }

    @Test("bad options are usage errors (64) with a hint, never a stack trace")
    func badOptions() throws {
        for arguments in [
            ["validate", TestPaths.london.path, "--age-bands", "0,x"], ["validate", TestPaths.london.path, "--target-fmr", "2"],
            ["validate", TestPaths.london.path, "--layout", "pdf"], ["frobnicate"],
        ] {
            let result = try CommandRunner.faceaudit(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(
                result.stderr.hasPrefix("faceaudit: error: ") && result.stderr.hasSuffix(" --help)\n")
                    && result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Stack") && !result.stderr.contains("Fatal error"))
        }
    }

    @Test("models: a folder without the files exits 78 and names the fix")
    func modelsMissing() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.faceaudit(["models", "--models", folder.path])
        #expect(result.status == 78)
        #expect(result.stderr.hasPrefix("faceaudit: error: model mmod_human_face_detector.dat"))
        #expect(result.stderr.contains("scripts/bootstrap"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("models: FACEAUDIT_MODELS is honoured, and the bootstrapped models verify")
    func modelsInstalled() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let viaEnvironment = try CommandRunner.faceaudit(["models"], environment: ["FACEAUDIT_MODELS": folder.path])
        #expect(viaEnvironment.status == 78 && viaEnvironment.stderr.contains(folder.path))
        let installed = try CommandRunner.faceaudit(["models"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.split(separator: "\n").count == 3)
    }
}
