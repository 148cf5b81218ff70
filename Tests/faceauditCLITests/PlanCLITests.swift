import FaceAuditTestSupport
import Foundation
import Testing

/// `faceaudit plan`: a manifest's cohorts become a table; bad input is one line with a documented status.
@Suite("faceaudit plan")
struct PlanCLITests {
    /// A manifest of 40 women with 2 photos each and 12 men with 3 (no images: plan reads labels only).
    static func manifest(in folder: URL) throws -> URL {
        var text = "path,subject_id,gender\n"
        for p in 0..<40 { for k in 0..<2 { text += "f\(p)-\(k).jpg,f\(p),female\n" } }
        for p in 0..<12 { for k in 0..<3 { text += "m\(p)-\(k).jpg,m\(p),male\n" } }
        let url = folder.appendingPathComponent("manifest.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test("a dataset manifest gives one row per cohort: people present, photos per person, people needed, detectable ratio")
    func table() throws {
        let folder = try TestPaths.temporaryDirectory("plan-manifest")
        defer { try? FileManager.default.removeItem(at: folder) }
        let m = try Self.manifest(in: folder)
        let result = try CommandRunner.faceaudit(
            [
                "plan", "--target-fmr", "0.01", "--ratio", "2", "--heterogeneity", "0", "--dataset", m.path, "--dimensions", "gender",
                "--json",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("warning"), "a given heterogeneity is no assumption: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(json["cohorts"] as? [[String: Any]])
        #expect(rows.map { $0["cohort"] as? String } == ["gender=female", "gender=male"])
        #expect(rows.map { $0["people"] as? Int } == [40, 12] && rows.map { $0["photos"] as? Double } == [2, 3])
        // With c = 0 the plan is the binomial Wald test over C(n,2)·k² pairs: check the smallest n directly.
        func power(_ n: Int, _ k: Double) -> Double {
            let trials = Double(n * (n - 1) / 2) * k * k
            let se = ((1 - 0.01) / (0.01 * trials) + (1 - 0.02) / (0.02 * trials)).squareRoot()
            return 0.5 * erfc(-(log(2) / se - 1.959963984540054) / 2.0.squareRoot())
                + 0.5 * erfc(-(-log(2) / se - 1.959963984540054) / 2.0.squareRoot())
        }
        for (row, k) in zip(rows, [2.0, 3.0]) {
            let n = try #require(row["people_needed"] as? Int)
            #expect(power(n, k) >= 0.8 && power(n - 1, k) < 0.8, "\(row)")
            #expect((row["detectable_ratio"] as? Double ?? 0) > 1)
        }
        let text = try CommandRunner.faceaudit(["plan", "--target-fmr", "0.01", "--dataset", m.path, "--dimensions", "gender"])
        #expect(text.status == 0 && text.stdout.contains("gender=male | 12 | 3.00 |"), "\(text.stdout)")
        #expect(text.stderr.contains("warning: no --pilot or --heterogeneity: the plan assumes person heterogeneity c = 0.3"))
    }

    @Test("a pilot run's subjects.json gives the heterogeneity, and says which operating point it read")
    func pilot() throws {
        let run = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib").path
        let result = try CommandRunner.faceaudit(["plan", "--target-fmr", "0.01", "--pilot", run, "--people", "50", "--photos", "2"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout.contains("pilot \(run) at target FMR 0.01:") && result.stdout.contains("smallest detectable ratio is"))
        // The values README.md quotes for the committed London run at each of its target FMRs.
        for (fmr, c) in [("0.01", "1.245"), ("0.001", "5.991"), ("0.0001", "0.000")] {
            let at = try CommandRunner.faceaudit(["plan", "--target-fmr", fmr, "--pilot", run, "--people", "50"])
            #expect(at.stdout.contains("c = \(c) (pilot \(run) at target FMR \(fmr):"), "\(at.stdout)")
        }
    }

    @Test(
        "hostile input: one line, a documented status, no stack trace",
        arguments: [
            (["--ratio", "1", "--people", "20"], Int32(64), "ratio to detect must be greater than 1"),
            (["--ratio", "0.5", "--people", "20"], 64, "ratio to detect must be greater than 1"),
            (["--power", "1.2", "--people", "20"], 64, "power must be in (alpha, 1)"),
            (["--power", "0", "--people", "20"], 64, "power must be in (alpha, 1)"),
            (["--people", "20", "--heterogeneity", "-1"], 64, "heterogeneity must be"),
            (["--dataset", "/tmp/faceaudit-no-such-dataset"], 66, "no such file or folder"),
            (["--pilot", "/tmp/faceaudit-no-such-run", "--people", "20"], 66, "faceaudit-no-such-run/subjects.json"),
            (["--people", "20", "--dataset", "x.csv"], 64, "either --dataset or --people"),
        ])
    func hostile(extra: [String], status: Int32, message: String) throws {
        let result = try CommandRunner.faceaudit(["plan", "--target-fmr", "0.001"] + extra)
        #expect(result.status == status, "\(extra): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("faceaudit: error: ") && result.stderr.contains(message), "\(result.stderr)")
    }
}

@Suite("every run states the ratio its data could detect")
struct DetectableRatioRunTests {
    @Test("summary.json: detectable_ratio per cohort at each target FMR has power 0.8 under its stated heterogeneity; the report says it")
    func run() throws {
        let folder = try TestPaths.temporaryDirectory("plan-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try SyntheticDataset.write(in: folder, people: 120)
        let out = folder.appendingPathComponent("out")
        let result = try CommandRunner.faceaudit(
            ["run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--bootstrap", "50", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let data = try Data(contentsOf: out.appendingPathComponent("summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let analyses = try #require(summary["cohorts"] as? [[String: Any]])
        let tallies = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("subjects.json")))
        var designs: [String: [Int]] = [:]
        for point in try #require((tallies as? [String: Any])?["operating_points"] as? [[String: Any]]) {
            guard let p0 = point["target_fmr"] as? Double else { continue }
            for dimension in try #require(point["dimensions"] as? [[String: Any]]) {
                for cohort in try #require(dimension["cohorts"] as? [[String: Any]]) {
                    let rows = (cohort["tally"] as? [String: Any])?["all_pairs"] as? [[Int]] ?? []
                    designs["\(p0) \(cohort["cohort"] as? String ?? "")"] = rows.map { $0[1] }.filter { $0 > 0 }
                }
            }
        }
        var checked = 0
        for analysis in analyses {
            guard let p0 = analysis["target_fmr"] as? Double else {
                #expect(analysis["detectable_ratio_basis"] == nil, "a fixed threshold has no target to compare with")
                continue
            }
            let basis = try #require(analysis["detectable_ratio_basis"] as? [String: Any])
            let c = try #require(basis["heterogeneity"] as? Double)
            #expect(basis["power"] as? Double == 0.8 && basis["alpha"] as? Double == 0.05)
            for cohort in try #require(analysis["cohorts"] as? [[String: Any]]) {
                guard let r = cohort["detectable_ratio"] as? Double else { continue }
                // The design from subjects.json (people with a sample, mean samples per person); Var(p̂) =
                // 2/(n(n−1))·(2(n−2)ζ₁ + ζ₂), written out independently here.
                let name = try #require(cohort["cohort"] as? String)
                let samples = try #require(designs["\(p0) \(name)"])
                let n = Double(samples.count)
                let k = Double(samples.reduce(0, +)) / n
                func relativeVariance(_ p: Double) -> Double {
                    let z1 = c * p * p
                    let pair = (2 * c + c * c) * p * p
                    let z2 = pair + (p - p * p - pair) / (k * k)
                    return 2 / (n * (n - 1)) * (2 * (n - 2) * z1 + z2) / (p * p)
                }
                let se = (relativeVariance(p0) + relativeVariance(r * p0)).squareRoot()
                let z = 1.959963984540054
                let power = 0.5 * erfc(-(log(r) / se - z) / 2.0.squareRoot()) + 0.5 * erfc((log(r) / se + z) / 2.0.squareRoot())
                #expect(abs(power - 0.8) < 1e-4, "\(cohort["cohort"] ?? "") at \(p0): R \(r), power \(power)")
                checked += 1
            }
        }
        #expect(checked >= 10)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("How big a difference in false matches this data could detect"))
        #expect(html.contains("Gender: a group&#39;s false match rate would have to be"))
    }
}
