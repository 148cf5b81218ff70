import FaceAuditConfiguration
import Testing

/// TOML table headers that toml++ (inside TOMLKit) cannot start: it asserts instead of failing, which aborts
/// the process. Found by `FuzzBenchmarkFile`; each must be a located configuration error.
@Suite("benchmark files: table headers without a name")
struct BenchmarkFileHeaderTests {
    @Test(
        "a header whose name starts with anything but a bare-key character or a quote is refused at its line",
        arguments: ["[.", "[ .", "[[.", "[,]", "[=]", "[#", "[", "[[", "[\t", "[+]", "[é]", "bootstrap = 5\n\n  [ .x]"])
    func namelessHeader(text: String) {
        do {
            _ = try RunConfiguration.decode(text, format: .toml, file: "t.toml")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .configuration)
            let line = text.hasPrefix("bootstrap") ? 3 : 1
            #expect(error.message.hasPrefix("t.toml:\(line):"), "\(error.message)")
        }
    }

    @Test("headers with a name and multi-line arrays still read")
    func namedHeadersAndArrays() throws {
        let arrays = try RunConfiguration.decode(
            "target_fmr = [\n  0.01,\n  1e-3,\n]\ndimensions = [\"gender\"]\n", format: .toml, file: "t.toml")
        #expect(arrays.targetFMR == [0.01, 1e-3])
        for text in ["[a]", "[ 'a' ]", "[[\"b\"]]", "[_x]", "[-y]", "[]"] {
            do {
                _ = try RunConfiguration.decode(text, format: .toml, file: "t.toml")
            } catch {
                // Not settings, but toml++'s own error, not ours.
                #expect(!error.message.contains("must start with"), "\(text): \(error.message)")
            }
        }
    }
}
