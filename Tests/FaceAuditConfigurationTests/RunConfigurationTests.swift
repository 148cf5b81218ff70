import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditTestSupport
import Foundation
import Testing

/// A configuration with every setting away from its default: the value every format must decode to.
enum Sample {
    static var configuration: RunConfiguration {
        var c = RunConfiguration()
        c.dataset = "/data/set"
        c.layout = .utkface
        c.card = "/data/card.json"
        c.scores = "/data/scores.csv"
        c.scoreFormat = .bob5
        c.dissimilarity = true
        c.simulatedSubjects = 300
        c.pipeline = .external
        c.models = "/models"
        c.upsample = 2
        c.facePolicy = .confident
        c.embedderCommand = ["python3", "embed \"x\".py"]
        c.embedderVersion = "7"
        c.embedderTimeout = 30.5
        c.embedderStartupTimeout = 90
        c.embedderProtocol = 1
        c.embeddings = "/data/t.npy"
        c.comparison = .euclidean
        c.estimateSkinTone = true
        c.dimensions = [.ageBand, .gender]
        c.ageBands = ["0", "18", "65"]
        c.minSubjects = 5
        c.targetFMR = [0.01, 0.001]
        c.threshold = [0.6, 0.45]
        c.referenceCohort = "gender=male"
        c.bootstrap = 200
        c.seed = 9
        c.watchlist = true
        c.enrolledShare = 1
        c.targetFPIR = [0.05]
        c.schoolSize = 800
        c.passesPerDay = 2
        c.schoolDays = 170
        c.watchlistSize = 20
        c.watchlistMix = ["gender=female:0.7", "gender=male:0.3"]
        c.trackingDays = 30
        c.shard = RunConfiguration.Shard(index: 2, count: 7)
        c.phase = .compare
        c.tileSize = 64
        c.exactPairLimit = 5000
        c.threads = 3
        c.cache = "/cache"
        c.noCache = true
        c.out = "/out"
        c.exportScores = true
        c.allowOutsidePaths = true
        return c
    }

    static let toml = ConfigurationSample.toml

    static let yaml = """
        ---
        # every setting
        dataset: /data/set
        layout: utkface
        card: /data/card.json
        scores: /data/scores.csv
        score_format: bob5
        dissimilarity: true
        simulated_subjects: 300
        pipeline: external
        models: /models
        upsample: 2
        face_policy: confident
        embedder_command: ["python3", 'embed "x".py']
        embedder_version: "7"
        embedder_timeout: 30.5
        embedder_startup_timeout: 90
        embedder_protocol: 1
        embeddings: /data/t.npy
        comparison: euclidean
        estimate_skin_tone: true
        dimensions:
          - gender
          - age_band
        age_bands: [0, 18, 65]
        min_subjects: 5
        target_fmr: [0.01, 1.0e-3]
        threshold: [0.6, 0.45]
        reference_cohort: gender=male
        bootstrap: 200
        seed: 9
        watchlist: true
        enrolled_share: 1
        target_fpir: [0.05]
        school_size: 800
        passes_per_day: 2
        school_days: 170
        watchlist_size: 20
        watchlist_mix: ["gender=female:0.7", "gender=male:0.3"]
        tracking_days: 30
        shard: 2/7
        phase: compare
        tile_size: 64
        exact_pair_limit: 5000
        threads: 3
        cache: /cache
        no_cache: true
        out: /out
        export_scores: true
        allow_outside_paths: true
        """
}

@Suite("RunConfiguration")
struct RunConfigurationTests {
    @Test("every key is in the samples, so a new setting cannot skip the round trips")
    func samplesCoverEveryKey() {
        for key in RunConfiguration.validKeys {
            #expect(Sample.toml.contains("\n\(key) = "), "\(key) missing from the TOML sample")
            #expect(Sample.yaml.contains("\n\(key):"), "\(key) missing from the YAML sample")
        }
        // And every setting differs from its default there, so a key that decodes into nothing fails below.
        let sample = try? JSONSerialization.jsonObject(with: Sample.configuration.json()) as? [String: Any]
        let defaults = try? JSONSerialization.jsonObject(with: RunConfiguration().json()) as? [String: Any]
        for key in RunConfiguration.validKeys {
            #expect(sample?[key] != nil, "\(key) unset in the sample")
            #expect("\(sample?[key] ?? "")" != "\(defaults?[key] ?? "")", "\(key) keeps its default in the sample")
        }
    }

    @Test("TOML, YAML and JSON decode to the same value; JSON round-trips it")
    func roundTrips() throws {
        let expected = Sample.configuration
        #expect(try RunConfiguration.decode(Sample.toml, format: .toml, file: "f.toml") == expected)
        #expect(try RunConfiguration.decode(Sample.yaml, format: .yaml, file: "f.yaml") == expected)
        let json = String(decoding: try expected.json(), as: UTF8.self)
        #expect(try RunConfiguration.decode(json, format: .json, file: "f.json") == expected)
        #expect(try JSONDecoder().decode(RunConfiguration.self, from: try expected.json()) == expected)
    }

    @Test("an empty file is the defaults; recorded settings drop the shard")
    func defaults() throws {
        #expect(try RunConfiguration.decode("", format: .toml, file: "f.toml") == RunConfiguration())
        #expect(try RunConfiguration.decode("{}", format: .json, file: "f.json") == RunConfiguration())
        let recorded = Sample.configuration.recorded
        #expect(recorded.shard == nil && recorded.phase == nil && recorded.tileSize == 64)
    }

    @Test("the committed London benchmark files decode, and name the shared London Set and their pipelines")
    func londonBenchmarks() throws {
        let examples = TestPaths.repositoryRoot.appendingPathComponent("examples")
        let london = TestPaths.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets/london")
        let dlib = try RunConfiguration.load(path: examples.appendingPathComponent("london-dlib.toml").path)
        #expect(URL(fileURLWithPath: dlib.dataset ?? "").standardized.path == london.standardized.path)
        #expect(dlib.resolvedPipeline == .dlib && dlib.targetFMR == [0.01, 0.001, 0.0001])
        let facenet = try RunConfiguration.load(path: examples.appendingPathComponent("london-facenet.toml").path)
        #expect(URL(fileURLWithPath: facenet.dataset ?? "").standardized.path == london.standardized.path)
        #expect(facenet.resolvedPipeline == .external && facenet.embedderCommand == ["examples/facenet-embedder"])
        #expect(facenet.embedderProtocol == 3, "the model names itself in the hello")
        // FaceNet's dlib-equivalent fixed threshold: its target FMR is the dlib baseline's FMR at 0.6.
        let baseline = try JSONSerialization.jsonObject(
            with: Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/summary.json")))
        let points = ((baseline as? [String: Any])?["verification"] as? [String: Any])?["threshold_points"] as? [[String: Any]]
        let dlibFMR = try #require(points?.first { $0["threshold"] as? Double == 0.6 }?["fmr"] as? Double)
        #expect(facenet.targetFMR.contains { abs($0 - dlibFMR) <= 5e-9 }, "dlib's FMR at 0.6 is \(dlibFMR)")
        let subset = try RunConfiguration.load(path: examples.appendingPathComponent("london-facenet-subset.toml").path)
        #expect(subset.embedderCommand == facenet.embedderCommand && subset.allowOutsidePaths)
        #expect(subset.dataset?.hasSuffix("datasets/london-subset/manifest.csv") == true)
    }

    @Test("paths are relative to the file; absolute ones stay")
    func relativePaths() throws {
        let folder = try TestPaths.temporaryDirectory("configuration-paths")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("faceaudit.toml")
        try "dataset = \"data/manifest.csv\"\nout = \"/tmp/abs\"\nembeddings = \"t.csv\"\n".write(
            to: file, atomically: true, encoding: .utf8)
        let c = try RunConfiguration.load(path: file.path)
        #expect(c.dataset == folder.appendingPathComponent("data/manifest.csv").path)
        #expect(c.out == "/tmp/abs" && c.embeddings == folder.appendingPathComponent("t.csv").path)
        #expect(c.resolvedPipeline == .precomputed)
    }

    @Test(
        "mistakes name the file, line and column, and a typo the nearest key",
        arguments: [
            ("f.toml", "out = \"x\"\n  tagret_fmr = [0.1]", "f.toml:2:3: unknown key \"tagret_fmr\" (did you mean \"target_fmr\"?)"),
            ("f.yaml", "out: x\ntagret_fmr: [0.1]", "f.yaml:2:1: unknown key \"tagret_fmr\" (did you mean \"target_fmr\"?)"),
            ("f.toml", "frobnicate = 1", "f.toml:1:1: unknown key \"frobnicate\""),
            ("f.toml", "out = \"x", "f.toml:1:9: Error while parsing string"),
            ("f.toml", "out = \"a\"\nout = \"b\"", "f.toml:2:"),
            ("f.yaml", "out: a\nout: b", "f.yaml:2:1: \"out\" is set twice"),
            ("f.toml", "bootstrap = \"many\"", "f.toml:1:1: bootstrap: expected a whole number"),
            ("f.yaml", "bootstrap: many", "f.yaml:1:1: bootstrap: expected a whole number"),
            ("f.toml", "face_policy = \"biggest\"", "f.toml:1:1: face_policy: "),
            ("f.yaml", "dimensions: [gender, hair]", "f.yaml:1:1: dimensions: unknown cohort dimension \"hair\""),
            ("f.yaml", "out: \"x", "f.yaml:1:8: while scanning a quoted scalar: found unexpected end of stream"),
            ("f.yaml", "- just\n- a list", "f.yaml: a benchmark file is a mapping"),
            ("f.json", "[1]", "f.json: a benchmark file is an object"),
            ("f.json", "{\"shard\": \"7/7\"}", "f.json:1:2: shard: \"7/7\" is not i/K"),
            // Found by attacking the loader (each crashed, hung, or was silently misread before):
            ("f.toml", "out = \"x\"\r\nbootstrap = 5\r\ntagret_fmr = [0.1]\r\n", "f.toml:3:1: unknown key \"tagret_fmr\""),
            ("f.toml", "out = \"x\"\n\u{0}\nbootstrap = \"abc\"", "f.toml:2:1: a NUL byte"),
            ("f.toml", "seed = -1", "f.toml:1:1: seed: must be 0 or more"),
            ("f.yaml", "bootstrap: null", "f.yaml:1:1: bootstrap: has no value (null)"),
            ("f.json", "{\n  \"out\": \"x\",\n  \"tagret_fmr\": [0.1]\n}", "f.json:3:3: unknown key \"tagret_fmr\""),
            ("f.json", "{\"bootstrap\": null}", "f.json:1:2: bootstrap: has no value (null)"),
            ("f.yaml", "a: &a [x, x]\n? *a\n: 1", "f.yaml:1:4: a setting's name must be a plain word"),
            ("f.toml", String(repeating: "k", count: 100_000) + " = 1", "f.toml:1:1: unknown key \"kkkk"),
            ("f.yaml", "bootstrap: [1]", "f.yaml:1:1: bootstrap: has the wrong kind of value"),
            // A NUL escape: toml++ cut the string short there (`out` was `o`); JSON and YAML kept it (`o%00evil`).
            ("f.toml", "out = \"o\\u0000evil\"", "f.toml:1:9: a NUL character"),
            ("f.toml", "bootstrap = 5\nreference_cohort = \"gender=male\\U00000000x\"", "f.toml:2:32: a NUL character"),
            ("f.toml", "embedder_command = [\"a\", \"\"\"b\n\\u0000\"\"\"]", "f.toml:2:1: a NUL character"),
            ("f.json", "{\"bootstrap\": 5,\n \"out\": \"o\\u0000evil\"}", "f.json:2:2: out: a NUL character"),
            ("f.yaml", "bootstrap: 5\nreference_cohort: \"gender=male\\0x\"", "f.yaml:2:1: reference_cohort: a NUL character"),
            ("f.yaml", "embedder_command: [\"a\", \"b\\x00\"]", "f.yaml:1:1: embedder_command: a NUL character"),
        ] as [(String, String, String)])
    func errors(file: String, text: String, message: String) {
        do {
            let c = try RunConfiguration.decode(text, format: .init(path: file), file: file)
            Issue.record("accepted \(text) as \(c)")
        } catch {
            #expect(error.code == .configuration)
            #expect(error.message.hasPrefix(message) || error.message.contains(message), "\(error.message)")
        }
    }

    @Test("an escaped backslash before u0000, and a literal string, are text, not a NUL")
    func notNul() throws {
        let c = try RunConfiguration.decode("out = \"o\\\\u0000\"\ndataset = 'd\\u0000'\n", format: .toml, file: "f.toml")
        #expect(c.out == "o\\u0000" && c.dataset == "d\\u0000")
    }

    @Test("hostile nesting is refused cleanly, never a crash", arguments: ["toml", "yaml"])
    func deepNesting(format: String) {
        let text =
            format == "toml"
            ? String(repeating: "a.", count: 100_000) + "a = 1" : "out: " + String(repeating: "[", count: 100_000)
        #expect(throws: RunError.self) { try RunConfiguration.decode(text, format: .init(path: "f.\(format)"), file: "f") }
        let arrays = "target_fmr = " + String(repeating: "[", count: 100_000)
        #expect(throws: RunError.self) { try RunConfiguration.decode(arrays, format: .toml, file: "f") }
    }

    @Test("validation names the flag at fault")
    func validation() {
        var c = RunConfiguration()
        c.phase = .extract
        #expect(throws: RunError(.usage, "--phase needs --shard i/K")) { try c.validate() }
        c = RunConfiguration()
        c.targetFMR = [2]
        #expect((try? c.validate()) == nil)
        c = RunConfiguration()
        c.pipeline = .precomputed
        #expect(throws: RunError(.usage, "pipeline \"precomputed\" needs embeddings (--embeddings)")) { try c.validate() }
        #expect(throws: Never.self) { try RunConfiguration().validate() }
    }

    @Test(
        "values that would overflow, exhaust memory or hang are refused before any work",
        arguments: [
            "bootstrap = 9223372036854775807", "threads = 1000000000", "tile_size = 9223372036854775807",
            "passes_per_day = 9223372036854775807", "school_days = 400", "out = \"\"", "dataset = \"d\"\nscores = \"s\"",
        ])
    func outOfRange(text: String) throws {
        let c = try RunConfiguration.decode(text, format: .toml, file: "f.toml")
        #expect(throws: RunError.self) { try c.validate() }
    }

    @Test("a huge unknown key is reported in a moment, cut short")
    func hugeKey() {
        let text = String(repeating: "k", count: 1_000_000) + " = 1"
        do {
            _ = try RunConfiguration.decode(text, format: .toml, file: "f.toml")
            Issue.record("accepted")
        } catch {
            #expect(error.message.count < 200)
        }
    }

    @Test("what the hand-written reader accepted still decodes: a one-word command, a bare number as a list, auto")
    func formerlyAccepted() throws {
        let c = try RunConfiguration.decode(
            "embedder_command = \"my-embedder\"\ntarget_fmr = 0.001\nage_bands = [0, 18]\ndimensions = \"auto\"", format: .toml, file: "f")
        #expect(c.embedderCommand == ["my-embedder"] && c.targetFMR == [0.001] && c.ageBands == ["0", "18"] && c.dimensions == nil)
        let json = try RunConfiguration.decode(#"{"age_bands": [0, 18.0], "target_fmr": 0.01}"#, format: .json, file: "f")
        #expect(json.ageBands == ["0", "18"] && json.targetFMR == [0.01])
    }

    @Test("fixed thresholds: dlib ships face_recognition's tolerance 0.6 by default; none turns it off; others have none")
    func fixedThresholds() throws {
        var dlib = RunConfiguration()
        dlib.dataset = "d"
        #expect(dlib.operatingThresholds.map(\.value) == [0.6])
        #expect(dlib.operatingThresholds.first?.label == "face_recognition's default tolerance")
        dlib.threshold = [0.5, 0.6]
        #expect(dlib.operatingThresholds.map(\.value) == [0.5, 0.6])
        #expect(dlib.operatingThresholds.map(\.label) == [nil, "face_recognition's default tolerance"])
        dlib.threshold = []
        #expect(dlib.operatingThresholds.isEmpty)
        var precomputed = RunConfiguration()
        precomputed.embeddings = "e.npy"
        #expect(precomputed.operatingThresholds.isEmpty)
        precomputed.threshold = [0.6]
        #expect(precomputed.operatingThresholds.map(\.value) == [0.6] && precomputed.operatingThresholds[0].label == nil)
        var scores = RunConfiguration()
        scores.scores = "s.csv"
        #expect(scores.operatingThresholds.isEmpty)

        let toml = try RunConfiguration.decode("threshold = [0.55, 0.6]", format: .toml, file: "f")
        #expect(toml.threshold == [0.55, 0.6])
        #expect(try RunConfiguration.decode("threshold = \"none\"", format: .toml, file: "f").threshold == [])
        #expect(try RunConfiguration.decode("threshold = 0.6", format: .toml, file: "f").threshold == [0.6])
        #expect(try RunConfiguration.decode("target_fmr = 0.01", format: .toml, file: "f").threshold == nil)
        #expect(throws: RunError.self) { try RunConfiguration.decode("threshold = [\"x\"]", format: .toml, file: "f") }
        var infinite = RunConfiguration()
        infinite.threshold = [.infinity]
        #expect(throws: RunError.self) { try infinite.validate() }
    }

    @Test("a long list of decimals over several lines is not a deeply nested key")
    func longDecimalList() throws {
        let rates = (1...30).map { "0.00\($0)" }.joined(separator: ", ")
        let c = try RunConfiguration.decode("target_fmr = [\n  \(rates)\n]", format: .toml, file: "f")
        #expect(c.targetFMR.count == 30)
    }

    @Test("the watchlist's settings are checked only with the watchlist")
    func watchlistSettings() throws {
        var c = RunConfiguration()
        c.enrolledShare = 2
        #expect(throws: Never.self) { try c.validate() }
        c.watchlist = true
        #expect(throws: RunError.self) { try c.validate() }
    }

    @Test("the nearest key is offered only for a plausible typo")
    func nearest() {
        #expect(RunConfiguration.nearestKey(to: "boostrap") == "bootstrap")
        #expect(RunConfiguration.nearestKey(to: "TARGET_FMR") == "target_fmr")
        #expect(RunConfiguration.nearestKey(to: "zzzzzzzz") == nil)
    }
}
