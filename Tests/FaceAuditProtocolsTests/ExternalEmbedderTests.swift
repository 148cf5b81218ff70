import FaceAuditDatasets
import FaceAuditTemplates
import FaceAuditTestSupport
import Foundation
import Testing

/// The external embedder against embedders that misbehave in each way issue 13 found (items 1–5): each
/// of these hung, shifted templates, or cached a crash as an image's failure before the supervisor.
@Suite("External embedder under supervision", .serialized)
struct ExternalEmbedderTests {
    /// A protocol-3 embedder in Python whose per-request behaviour is `body` (with `r` the request and
    /// `p` its path); it answers a 2-value template by default. `hello` is the Python expression it answers the
    /// hello with (nil: it knows no hello, as a protocol-2 embedder, and fails on its missing "path").
    static func embedder(
        _ body: String = "", prelude: String = "", hello: String? = #"{"id": 0, "hello": {"protocol": 3, "model": "test-model"}}"#,
        settings: ExternalEmbedder.Settings = .init(requestTimeout: .seconds(20))
    ) -> ExternalEmbedder {
        let greeting = hello.map { "    if 'hello' in r: sys.stdout.write(json.dumps(\($0)) + '\\n'); sys.stdout.flush(); continue" } ?? ""
        let code = """
            import json, os, sys, time
            \(prelude)
            for line in sys.stdin:
                r = json.loads(line)
            \(greeting)
                p = r["path"]
            \(body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                sys.stdout.write(json.dumps({"id": r["id"], "embedding": [len(p), 1.0]}) + "\\n"); sys.stdout.flush()
            """
        return ExternalEmbedder(command: ["python3", "-u", "-c", code], version: "1", comparison: .cosineSimilarity, settings: settings)
    }

    static func extract(_ embedder: ExternalEmbedder, cache: EmbeddingCache? = nil, threads: Int = 1) throws -> (URL, [EmbeddingResult]) {
        let (folder, manifest) = try RunTests.dataset()
        return (folder, try TemplateExtraction(embedder: embedder, cache: cache, threads: threads).run(manifest))
    }

    static func stopped(_ embedder: ExternalEmbedder, cache: EmbeddingCache? = nil, threads: Int = 1) throws -> MeasurementStopped {
        let (folder, manifest) = try RunTests.dataset()
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try TemplateExtraction(embedder: embedder, cache: cache, threads: threads).run(manifest)
        } catch let error as MeasurementStopped {
            return error
        }
        Issue.record("the extraction did not stop")
        return MeasurementStopped(.unavailable, "")
    }

    @Test("item 1: 1 MB of standard error per image neither deadlocks nor fails the run")
    func stderrFlood() throws {
        let (folder, results) = try Self.extract(Self.embedder("sys.stderr.write('w' * 1000000 + '\\n'); sys.stderr.flush()"))
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(results.allSatisfy { $0.template != nil })
    }

    @Test("item 2: an embedder that never answers is killed after the timeout and the run stops with its stderr")
    func hang() throws {
        // The hello is answered (a startup that is slow on a loaded machine must not be what times out);
        // the first image is the one it hangs on.
        let settings = ExternalEmbedder.Settings(requestTimeout: .seconds(1), startupTimeout: .seconds(30), maximumConsecutiveFailures: 1)
        let error = try Self.stopped(
            Self.embedder("sys.stderr.write('thinking\\n'); sys.stderr.flush(); time.sleep(600)", settings: settings))
        #expect(error.code == .unavailable)
        #expect(error.message.contains("no reply within 1 s") && error.message.contains("thinking"))
    }

    @Test("item 2: an image the embedder hangs on is a failure that is not cached; the others are measured")
    func hangOnOneImage() throws {
        let settings = ExternalEmbedder.Settings(requestTimeout: .seconds(1), startupTimeout: .seconds(4))
        let cacheFolder = try TestPaths.temporaryDirectory("cache")
        defer { try? FileManager.default.removeItem(at: cacheFolder) }
        let cache = EmbeddingCache(folder: cacheFolder.path)
        let (folder, results) = try Self.extract(
            Self.embedder("if p.endswith('s1_0.img'): time.sleep(600)", settings: settings), cache: cache)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(results.filter { $0.failure?.category == .embedderUnavailable }.count == 1)
        #expect(results.filter { $0.template != nil }.count == 7)
        // The rerun asks the embedder again for that image (here a fixed one): nothing was cached for it.
        let (again, fixed) = try Self.extract(Self.embedder(), cache: cache)
        defer { try? FileManager.default.removeItem(at: again) }
        #expect(fixed.allSatisfy { $0.template != nil })
    }

    @Test("item 3: a crash is restarted, and a crashing embedder leaves no failure in the cache")
    func crashThenRecover() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("crashed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        // Crashes once (out of GPU memory, say) on its third image; the restarted process answers everything.
        let flaky = Self.embedder(
            "n += 1\nif n == 3 and not os.path.exists('\(marker)'):\n    open('\(marker)', 'w').close(); sys.stderr.write('CUDA out of memory\\n'); sys.exit(1)",
            prelude: "n = 0")
        let (folder, results) = try Self.extract(flaky)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(results.allSatisfy { $0.template != nil })

        // An embedder that always crashes stops the run; the cache keeps nothing, and a fixed embedder measures all.
        let cacheFolder = try TestPaths.temporaryDirectory("cache")
        defer { try? FileManager.default.removeItem(at: cacheFolder) }
        let cache = EmbeddingCache(folder: cacheFolder.path)
        let error = try Self.stopped(Self.embedder("sys.stderr.write('CUDA out of memory\\n'); sys.exit(1)"), cache: cache)
        #expect(error.code == .unavailable && error.message.contains("CUDA out of memory"))
        let (again, fixed) = try Self.extract(Self.embedder(), cache: cache)
        defer { try? FileManager.default.removeItem(at: again) }
        #expect(fixed.allSatisfy { $0.template != nil })
    }

    @Test("item 4: two replies to one request stop the run; no template is shifted onto the next image")
    func duplicateReplies() throws {
        let twice = Self.embedder(
            "sys.stdout.write(json.dumps({'id': r['id'], 'embedding': [len(p), 2.0]}) + '\\n'); sys.stdout.flush()")
        let error = try Self.stopped(twice)
        #expect(error.code == .protocolViolation && error.message.contains("out of step"))
    }

    @Test("item 4: a reply line over the limit stops the run without reading it whole")
    func hugeLine() throws {
        let settings = ExternalEmbedder.Settings(requestTimeout: .seconds(20), replyBytes: 1 << 20)
        let error = try Self.stopped(
            Self.embedder("while True: sys.stdout.write('1' * 65536)", settings: settings))
        #expect(error.code == .protocolViolation && error.message.contains("longer than 1048576 bytes"))
    }

    @Test("item 5: an embedder that dies at start says why, with its standard error")
    func diesAtStart() throws {
        let error = try Self.stopped(Self.embedder(prelude: "sys.stderr.write('No module named torch\\n'); sys.exit(2)"))
        #expect(error.code == .unavailable)
        #expect(error.message.contains("No module named torch") && error.message.contains("without answering"))
        let missing = try Self.stopped(ExternalEmbedder(command: ["/no/such/embedder"], version: "1", comparison: .cosineSimilarity))
        #expect(missing.code == .unavailable && missing.message.contains("cannot start"))
    }

    @Test("version 1 replies (no id) are refused unless --embedder-protocol 1")
    func protocolVersions() throws {
        let body = "sys.stdout.write(json.dumps({'embedding': [len(p), 3.0]}) + '\\n'); sys.stdout.flush(); continue"
        let error = try Self.stopped(Self.embedder(body))
        #expect(error.code == .protocolViolation && error.message.contains("--embedder-protocol 1"))
        let v1 = Self.embedder(body, settings: .init(requestTimeout: .seconds(20), protocolVersion: .v1))
        let (folder, results) = try Self.extract(v1)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(results.allSatisfy { $0.template?.last == 3 })
    }

    @Test("a log line on standard output is a protocol violation that says where logs go")
    func logOnStdout() throws {
        let error = try Self.stopped(Self.embedder("print('loading model...', flush=True)"))
        #expect(error.code == .protocolViolation && error.message.contains("standard error"))
    }

    @Test("error replies become categories; the free text stays in the detail")
    func errorCategories() throws {
        let body = """
            if p.endswith('s0_0.img'):
                sys.stdout.write(json.dumps({'id': r['id'], 'error': 'no face in ' + p, 'category': 'no_face'}) + '\\n'); sys.stdout.flush(); continue
            if p.endswith('s0_1.img'):
                sys.stdout.write(json.dumps({'id': r['id'], 'error': 'secret ' + p, 'category': 'made_up'}) + '\\n'); sys.stdout.flush(); continue
            if p.endswith('s1_1.img'):
                sys.stdout.write(json.dumps({'id': r['id'], 'embedding': [1.0]}) + '\\n'); sys.stdout.flush(); continue
            """
        let (folder, results) = try Self.extract(Self.embedder(body))
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(results[0].failure?.category == .noFace && results[0].failure?.detail.hasSuffix("s0_0.img") == true)
        #expect(results[1].failure?.category == .embedderError)
        // The first template fixed the dimension at 2; a 1-value one is refused, not compared.
        #expect(results[2].template?.count == 2 && results[3].failure?.category == .invalidTemplate)
    }

    @Test("the reply parser checks ids, types and dimensions")
    func parser() throws {
        func parse(
            _ s: String, id: Int = 1, _ v: EmbedderProtocol = .v2, dimension: Int? = nil
        ) throws(EmbedderReply.Violation) -> EmbedderReply {
            try EmbedderReply.parse(Array(s.utf8), id: id, version: v, dimension: dimension)
        }
        #expect(try parse(#"{"id": 1, "embedding": [1, 2.5]}"#) == .embedding([1, 2.5]))
        #expect(throws: EmbedderReply.Violation.self) { try parse(#"{"id": 2, "embedding": [1]}"#) }
        #expect(throws: EmbedderReply.Violation.self) { try parse(#"{"id": "1", "embedding": [1]}"#) }
        #expect(throws: EmbedderReply.Violation.self) { try parse(#"{"id": true, "embedding": [1]}"#) }
        #expect(throws: EmbedderReply.Violation.self) { try parse(#"{"embedding": [1]}"#) }
        #expect(try parse(#"{"embedding": [1]}"#, .v1) == .embedding([1]))
        #expect(throws: EmbedderReply.Violation.self) { try parse(#"{"id": 2, "embedding": [1]}"#, .v1) }
        #expect(throws: EmbedderReply.Violation.self) { try parse("[1, 2]") }
        #expect(throws: EmbedderReply.Violation.self) { try parse(#"{"id": 1}"#) }
        #expect(try parse(#"{"id": 1, "embedding": [true]}"#) == .invalidTemplate("\"embedding\" holds something other than numbers"))
        #expect(try parse(#"{"id": 1, "embedding": [1e300]}"#) == .invalidTemplate("\"embedding\" holds a non-finite value"))
        #expect(try parse(#"{"id": 1, "embedding": []}"#) == .invalidTemplate("\"embedding\" is not a non-empty array"))
        #expect(try parse(#"{"id": 1, "embedding": [1, 2]}"#, dimension: 3) != .embedding([1, 2]))
        #expect(try parse(#"{"id": 1, "error": "x", "category": "no_face"}"#) == .imageFailure(AcquisitionFailure(.noFace, "x")))
        let request = try JSONSerialization.jsonObject(with: Data(EmbedderProtocol.request(id: 3, path: "/a/b\"c\n"))) as? [String: Any]
        #expect(request?["path"] as? String == "/a/b\"c\n" && request?["id"] as? Int == 3)
    }

    // MARK: the hello (protocol 3)

    @Test("hello: the model the embedder names enters the identity, so a changed model never reuses cached templates")
    func helloRoundTrip() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("requests-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        func counting(model: String) -> ExternalEmbedder {
            Self.embedder(
                "open('\(log)', 'a').write(p + '\\n')", hello: #"{"id": 0, "hello": {"protocol": 3, "model": "\#(model)", "dimension": 2}}"#
            )
        }
        func requests() -> Int { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
        let greeted = try counting(model: "net-A;sha256=aa").greeted()
        #expect(greeted.model == "net-A;sha256=aa")
        #expect(greeted.identity.contains("version=1;model=net-A;sha256=aa;"))
        #expect(try greeted.greeted().model == greeted.model)  // greeting twice starts nothing new
        let unversioned = ExternalEmbedder(command: ["x"], version: "1", comparison: .cosineSimilarity)
        #expect(!unversioned.identity.contains("model="))

        let cacheFolder = try TestPaths.temporaryDirectory("cache")
        defer { try? FileManager.default.removeItem(at: cacheFolder) }
        let cache = EmbeddingCache(folder: cacheFolder.path)
        let (first, a) = try Self.extract(greeted, cache: cache, threads: 2)
        defer { try? FileManager.default.removeItem(at: first) }
        #expect(a.allSatisfy { $0.template != nil } && requests() == 8)
        // The same model again: every template comes from the cache (the dataset is made anew, same bytes).
        let (second, _) = try Self.extract(counting(model: "net-A;sha256=aa"), cache: cache, threads: 2)
        defer { try? FileManager.default.removeItem(at: second) }
        #expect(requests() == 8)
        // Another model under the same command and --embedder-version: nothing is reused.
        let (third, _) = try Self.extract(counting(model: "net-B;sha256=bb"), cache: cache, threads: 2)
        defer { try? FileManager.default.removeItem(at: third) }
        #expect(requests() == 16)
    }

    @Test("hello: --embedder-version and the hello's model are both recorded")
    func helloWithVersion() throws {
        let embedder = Self.embedder()
        let versioned = try ExternalEmbedder(
            command: embedder.command, version: "2024-05", comparison: .cosineSimilarity, settings: embedder.settings
        ).greeted()
        #expect(versioned.version == "2024-05" && versioned.model == "test-model")
        #expect(versioned.identity.hasSuffix(";version=2024-05;model=test-model;cosine_similarity"))
    }

    @Test("hello: a protocol-2 embedder says so in one line, whether it answers an error or crashes")
    func helloToProtocol2Embedder() throws {
        // Answers the hello like an image (as examples/byte_histogram_embedder.py did before protocol 3).
        let error = try Self.stopped(Self.embedder(hello: #"{"id": r.get("id"), "error": "KeyError"}"#))
        #expect(error.code == .protocolViolation && error.message.contains("--embedder-protocol 2"))
        #expect(error.message.contains("image reply") && !error.message.contains("\n"))
        // Crashes on the missing "path" (KeyError): stopped at once, not restarted, with the hint and its stderr.
        let start = ContinuousClock.now
        let crashed = try Self.stopped(Self.embedder(hello: nil))
        #expect(crashed.code == .unavailable && crashed.message.contains("--embedder-protocol 2"))
        #expect(crashed.message.contains("KeyError") && crashed.message.contains("hello"))
        #expect(ContinuousClock.now - start < .seconds(15))
        // The same embedder under --embedder-protocol 2 works as before.
        let v2 = Self.embedder(hello: nil, settings: .init(requestTimeout: .seconds(20), protocolVersion: .v2))
        #expect(v2.identity == ExternalEmbedder(command: v2.command, version: "1", comparison: .cosineSimilarity).identity)
        let (folder, results) = try Self.extract(v2)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(results.allSatisfy { $0.template != nil })
    }

    @Test("hello: an embedder that never answers it is killed at the startup timeout")
    func helloNeverAnswered() throws {
        let settings = ExternalEmbedder.Settings(requestTimeout: .seconds(60), startupTimeout: .seconds(1))
        let start = ContinuousClock.now
        let error = try Self.stopped(
            Self.embedder(
                prelude: "sys.stderr.write('loading\\n'); sys.stderr.flush(); sys.stdin.readline(); time.sleep(600)", hello: nil,
                settings: settings))
        #expect(error.code == .unavailable && error.message.contains("no reply within 1 s"))
        #expect(error.message.contains("hello") && error.message.contains("loading"))
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("hello: processes that name different models stop the run")
    func helloMismatch() throws {
        // Each process names its own pid: the second worker's process disagrees with the first.
        let error = try Self.stopped(
            Self.embedder(hello: #"{"id": 0, "hello": {"protocol": 3, "model": "pid-%d" % os.getpid()}}"#), threads: 2)
        #expect(error.code == .modelMismatch && error.message.contains("different models"))
        #expect(error.message.contains("pid-") && !error.message.contains("\n"))
        // A restart after a crash must name the same model too.
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("restarted-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let changed = try Self.stopped(
            Self.embedder(
                "open('\(marker)', 'w').close(); sys.exit(1)",
                hello: #"{"id": 0, "hello": {"protocol": 3, "model": "new" if os.path.exists('\#(marker)') else "old"}}"#))
        #expect(changed.code == .modelMismatch && changed.message.contains("\"old\"") && changed.message.contains("\"new\""))
    }

    @Test("hello: a wrong answer (id, shape, protocol, model) is a protocol violation naming the hello")
    func helloWrongAnswer() throws {
        let wrong = [
            #"{"id": 1, "hello": {"protocol": 3, "model": "m"}}"#, #"{"hello": {"protocol": 3, "model": "m"}}"#,
            #"{"id": 0, "hello": "m"}"#, #"{"id": 0, "hello": {"protocol": 2, "model": "m"}}"#, #"{"id": 0, "hello": {"protocol": 3}}"#,
            #"{"id": 0, "hello": {"protocol": 3, "model": ""}}"#, #"{"id": 0, "hello": {"protocol": 3, "model": "a\nb"}}"#,
            #"{"id": true, "hello": {"protocol": 3, "model": "m"}}"#, "ready", #"{"id": 0, "embedding": [1, 2]}"#,
        ]
        for line in wrong {
            #expect(throws: EmbedderReply.Violation.self, "\(line)") { try EmbedderHello.parse(Array(line.utf8)) }
        }
        let long = String(repeating: "x", count: EmbedderHello.maximumModelBytes + 1)
        #expect(throws: EmbedderReply.Violation.self) {
            try EmbedderHello.parse(Array(#"{"id": 0, "hello": {"protocol": 3, "model": "\#(long)"}}"#.utf8))
        }
        #expect(try EmbedderHello.parse(Array(#"{"id": 0, "hello": {"protocol": 3, "model": "m;x=1", "extra": 5}}"#.utf8)).model == "m;x=1")
        let request = try JSONSerialization.jsonObject(with: Data(EmbedderProtocol.hello())) as? [String: Any]
        #expect(request?["id"] as? Int == 0 && (request?["hello"] as? [String: Any])?["protocol"] as? Int == 3)

        let error = try Self.stopped(Self.embedder(hello: #"{"id": 5, "hello": {"protocol": 3, "model": "m"}}"#))
        #expect(error.code == .protocolViolation && error.message.contains("hello") && error.message.contains("id 5 instead of 0"))
        let shape = try Self.stopped(Self.embedder(hello: #"{"id": 0, "model": "m"}"#))
        #expect(shape.code == .protocolViolation && shape.message.contains("no \"hello\""))
    }
}
