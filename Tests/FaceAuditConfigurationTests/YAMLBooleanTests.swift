import FaceAuditConfiguration
import Testing

/// From a review: YAML 1.1 (Yams' default) reads `yes`, `no`, `on` and `off` as booleans, so `watchlist: no` or
/// `no_cache: off` decided a benchmark by a rule the rest of the file does not follow. Benchmark files follow the
/// YAML 1.2 core schema, whose only booleans are true and false (as `true`, `True`, `TRUE`, and so for false).
@Suite("YAML booleans")
struct YAMLBooleanTests {
    @Test("the core schema's spellings of true and false are booleans")
    func coreSpellings() throws {
        for (text, value) in [("true", true), ("True", true), ("TRUE", true), ("false", false), ("False", false), ("FALSE", false)] {
            let c = try RunConfiguration.decode("bootstrap: 5\nwatchlist: \(text)\n", format: .yaml, file: "f.yaml")
            #expect(c.watchlist == value, "\(text)")
        }
    }

    @Test(
        "YAML 1.1-only booleans, and mixed case, are refused at their value, saying to write true or false",
        arguments: ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "tRUE", "fAlse"])
    func yaml11Only(value: String) {
        do {
            let c = try RunConfiguration.decode("bootstrap: 5\nwatchlist:   \(value)\n", format: .yaml, file: "f.yaml")
            Issue.record("accepted watchlist: \(value) as \(c.watchlist)")
        } catch {
            #expect(error.code == .configuration && error.message.hasPrefix("f.yaml:2:14: watchlist: "), "\(error.message)")
            #expect(error.message.contains("write true or false"), "\(error.message)")
        }
    }

    @Test("a text setting keeps yes as written")
    func textSetting() throws {
        let c = try RunConfiguration.decode("embedder_version: yes\n", format: .yaml, file: "f.yaml")
        #expect(c.embedderVersion == "yes")
    }
}
