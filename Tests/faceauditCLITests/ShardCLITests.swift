import FaceAuditTestSupport
import Foundation
import Testing

/// `faceaudit run --shard i/K` and `faceaudit merge`: sharded runs give the single-process run's bytes.
@Suite("faceaudit run --shard and merge", .serialized)
struct ShardCLITests {
    /// 90 images of 45 people in 6 cells, with CSV templates (seeded), and one image without a template.
    static func dataset(in folder: URL) throws -> (manifest: URL, embeddings: URL) { try SyntheticDataset.write(in: folder) }

    /// Every output file with ISO-8601 timestamps blanked, the only part allowed to differ.
    static func outputs(_ folder: URL) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix("shard-") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            files[name] = text.replacing(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/, with: "TIMESTAMP")
        }
        return files
    }

    @Test("K = 1, 3 and 7 shards merge to the same bytes as one process", arguments: [1, 3, 7])
    func shardedEqualsSingle(shards: Int) throws {
        let folder = try TestPaths.temporaryDirectory("shard-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try Self.dataset(in: folder)
        let out = folder.appendingPathComponent("out")
        let common = [
            "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--bootstrap", "50", "--quiet",
            "--tile-size", "16", "--watchlist",
        ]
        let single = try CommandRunner.faceaudit(common)
        #expect(single.status == 0, "\(single.stderr)")
        let expected = try Self.outputs(out)
        #expect(
            expected.keys.sorted() == [
                "cohorts.csv", "cross_cohort_fmr.csv", "curves.csv", "inequity_curves.csv", "mitigation.csv", "report.html",
                "subjects.json", "summary.json",
                "watchlist.csv",
            ])
        try FileManager.default.removeItem(at: out)

        for phase in ["extract", "compare"] {
            for i in 0..<shards {
                let r = try CommandRunner.faceaudit(common + ["--shard", "\(i)/\(shards)", "--phase", phase])
                #expect(r.status == 0, "\(r.stderr)")
            }
        }
        let partials = (0..<shards).map { out.appendingPathComponent("shard-\($0)-of-\(shards)").path }
        let merged = try CommandRunner.faceaudit(["merge"] + partials.reversed())
        #expect(merged.status == 0, "\(merged.stderr)")
        let actual = try Self.outputs(out)
        #expect(actual.keys.sorted() == expected.keys.sorted())
        for (name, text) in expected { #expect(actual[name] == text, "\(name) differs") }
    }

    @Test("an external embedder's shards merge to the single run's bytes, its model named; shards of two models are refused")
    func externalModelIdentity() throws {
        let folder = try TestPaths.temporaryDirectory("shard-external")
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try RunCLITests.dataset(in: folder)
        let example = TestPaths.repositoryRoot.appendingPathComponent("examples/byte_histogram_embedder.py").path
        let out = folder.appendingPathComponent("out")
        let common = [
            "run", "--dataset", manifest.path, "--out", out.path, "--bootstrap", "20", "--quiet", "--tile-size", "16",
            "--cache", folder.appendingPathComponent("cache").path, "--embedder-command", "[\"python3\", \"\(example)\"]",
        ]
        let single = try CommandRunner.faceaudit(common)
        #expect(single.status == 0, "\(single.stderr)")
        let expected = try Self.outputs(out)
        #expect(expected["summary.json"]?.contains("\"model_identity\" : \"byte-histogram-16;v1\"") == true)
        try FileManager.default.removeItem(at: out)
        for phase in ["extract", "compare"] {
            for i in 0..<2 {
                let r = try CommandRunner.faceaudit(common + ["--shard", "\(i)/2", "--phase", phase])
                #expect(r.status == 0, "\(r.stderr)")
            }
        }
        let partials = (0..<2).map { out.appendingPathComponent("shard-\($0)-of-2").path }
        let merged = try CommandRunner.faceaudit(["merge"] + partials)
        #expect(merged.status == 0, "\(merged.stderr)")
        let actual = try Self.outputs(out)
        for (name, text) in expected { #expect(actual[name] == text, "\(name) differs") }

        // One shard claims another model: the merge refuses in one line naming both.
        let json = URL(fileURLWithPath: partials[1]).appendingPathComponent("partial.json")
        let text = try String(contentsOf: json, encoding: .utf8)
        #expect(text.contains("\"model\":\"byte-histogram-16;v1\""))
        try text.replacingOccurrences(of: "\"model\":\"byte-histogram-16;v1\"", with: "\"model\":\"other-model\"")
            .write(to: json, atomically: true, encoding: .utf8)
        let refused = try CommandRunner.faceaudit(["merge"] + partials)
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("ran different models (byte-histogram-16;v1; other-model)"), "\(refused.stderr)")
    }

    @Test("the tile size changes how the pairs are computed, never the results")
    func tileSizeDoesNotChangeResults() throws {
        let folder = try TestPaths.temporaryDirectory("shard-cli-tiles")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try Self.dataset(in: folder)
        var outputs: [[String: String]] = []
        for tile in ["16", "17", "1024"] {
            let out = folder.appendingPathComponent("out-\(tile)")
            let r = try CommandRunner.faceaudit(
                ["run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--quiet", "--tile-size", tile])
            #expect(r.status == 0, "\(r.stderr)")
            outputs.append(try Self.outputs(out).filter { ["cohorts.csv", "cross_cohort_fmr.csv", "curves.csv"].contains($0.key) })
        }
        #expect(outputs[0].count == 3 && outputs[0] == outputs[1] && outputs[1] == outputs[2])
    }

    @Test("progress lines never count backwards, whatever order the worker threads report in")
    func progressIsMonotone() throws {
        let folder = try TestPaths.temporaryDirectory("progress")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try Self.dataset(in: folder)
        for _ in 0..<5 {
            let r = try CommandRunner.faceaudit([
                "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", folder.appendingPathComponent("out").path,
                "--threads", "2", "--bootstrap", "0",
            ])
            #expect(r.status == 0, "\(r.stderr)")
            let counts = r.stderr.split(separator: "\n").compactMap { line -> Int? in
                guard let m = line.firstMatch(of: /run: templates (\d+)\//) else { return nil }
                return Int(m.1)
            }
            #expect(!counts.isEmpty && counts == counts.sorted() && Set(counts).count == counts.count, "\(counts)")
        }
    }

    @Test("merge names a missing or repeated shard, an unfinished shard, and partials of another run")
    func mergeRefusesIncompleteOrForeignPartials() throws {
        let folder = try TestPaths.temporaryDirectory("shard-cli-errors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try Self.dataset(in: folder)
        let out = folder.appendingPathComponent("out")
        let common = [
            "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--quiet", "--tile-size", "16",
        ]
        for i in 0..<3 { #expect(try CommandRunner.faceaudit(common + ["--shard", "\(i)/3"]).status == 0) }
        let p = (0..<3).map { out.appendingPathComponent("shard-\($0)-of-3").path }

        let missing = try CommandRunner.faceaudit(["merge", p[0], p[2]])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("missing: 1"), "\(missing.stderr)")
        let twice = try CommandRunner.faceaudit(["merge", p[0], p[1], p[1], p[2]])
        #expect(twice.status == 65)
        #expect(twice.stderr.contains("given twice: 1"), "\(twice.stderr)")

        // Another run's shard (a different seed changes nothing in the pairs, a different tile size does).
        let other = folder.appendingPathComponent("other")
        let foreign = try CommandRunner.faceaudit(
            ["run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", other.path, "--quiet", "--shard", "1/3"])
        #expect(foreign.status == 0)
        let mixed = try CommandRunner.faceaudit(["merge", p[0], other.appendingPathComponent("shard-1-of-3").path, p[2]])
        #expect(mixed.status == 65)
        #expect(mixed.stderr.contains("different arguments"), "\(mixed.stderr)")

        // Shard 1's folder holding shard 0's pairs: the tiles computed twice are blamed on shard 1, the later
        // shard, whatever order the partials are given in.
        let copy = folder.appendingPathComponent("copy-of-1")
        try FileManager.default.copyItem(atPath: p[1], toPath: copy.path)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("pairs.bin"))
        try FileManager.default.copyItem(atPath: p[0] + "/pairs.bin", toPath: copy.appendingPathComponent("pairs.bin").path)
        for order in [[copy.path, p[0], p[2]], [p[0], copy.path, p[2]], [p[2], copy.path, p[0]]] {
            let doubled = try CommandRunner.faceaudit(["merge"] + order)
            #expect(doubled.status == 65)
            #expect(doubled.stderr.contains("shard 1: ") && doubled.stderr.contains("computed twice"), "\(doubled.stderr)")
        }

        try FileManager.default.removeItem(atPath: p[1] + "/COMPLETE")
        let unfinished = try CommandRunner.faceaudit(["merge"] + p)
        #expect(unfinished.status == 65)
        #expect(unfinished.stderr.contains("did not finish"), "\(unfinished.stderr)")

        let bad = try CommandRunner.faceaudit(common + ["--shard", "3/3"])
        #expect(bad.status == 64)
        let phaseAlone = try CommandRunner.faceaudit(common + ["--phase", "extract"])
        #expect(phaseAlone.status == 64 && phaseAlone.stderr.contains("--phase needs --shard"), "\(phaseAlone.stderr)")
    }

    @Test("merge refuses partials made from a dataset whose labels have changed since")
    func mergeRefusesAChangedDataset() throws {
        let folder = try TestPaths.temporaryDirectory("shard-cli-changed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, embeddings) = try Self.dataset(in: folder)
        let out = folder.appendingPathComponent("out")
        let common = [
            "run", "--dataset", manifest.path, "--embeddings", embeddings.path, "--out", out.path, "--quiet", "--tile-size", "16",
        ]
        for i in 0..<2 { #expect(try CommandRunner.faceaudit(common + ["--shard", "\(i)/2"]).status == 0) }
        // The partials carry their templates; the dataset is read again, so a relabelled image must be caught.
        let text = try String(contentsOf: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "p0-0.jpg,s0,female", with: "p0-0.jpg,s0,male").write(
            to: manifest, atomically: true, encoding: .utf8)
        let merged = try CommandRunner.faceaudit(["merge"] + (0..<2).map { out.appendingPathComponent("shard-\($0)-of-2").path })
        #expect(merged.status == 65)
        #expect(merged.stderr.contains("fingerprints differ"), "\(merged.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.json").path))
    }

    @Test("slurm submit without Slurm says what is missing; status needs a submission folder")
    func slurmWithoutSlurm() throws {
        let folder = try TestPaths.temporaryDirectory("slurm-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (manifest, _) = try Self.dataset(in: folder)
        let benchmark = folder.appendingPathComponent("bench.toml")
        try "dataset = \"\(manifest.path)\"\nout = \"out\"\n".write(to: benchmark, atomically: true, encoding: .utf8)
        let submit = try CommandRunner.faceaudit(
            ["slurm", "submit", benchmark.path, "--shards", "2"], environment: ["PATH": "/nonexistent"])
        #expect(submit.status == 78)
        #expect(submit.stderr.contains("sbatch was not found"), "\(submit.stderr)")
        let script = try String(contentsOf: folder.appendingPathComponent("out/slurm/compare.sh"), encoding: .utf8)
        #expect(script.contains("--shard \"$task/2\" --phase compare"))
        let noOut = folder.appendingPathComponent("no-out.toml")
        try "dataset = \"\(manifest.path)\"\n".write(to: noOut, atomically: true, encoding: .utf8)
        let refused = try CommandRunner.faceaudit(["slurm", "submit", noOut.path, "--shards", "2"])
        #expect(refused.status == 65 && refused.stderr.contains("set dataset and out"), "\(refused.stderr)")
        let status = try CommandRunner.faceaudit(["slurm", "status", folder.path])
        #expect(status.status == 66 && status.stderr.contains("submission.json not found"), "\(status.stderr)")
    }
}
