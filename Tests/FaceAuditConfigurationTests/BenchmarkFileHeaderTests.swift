import FaceAuditConfiguration
import Testing

/// TOML that toml++ (inside TOMLKit) asserts on instead of failing, which aborts the process: table headers
/// without a name, a `}` where an array's value should start. Found by `FuzzBenchmarkFile`; each must be a
/// located configuration error.
@Suite("benchmark files: TOML that toml++ cannot report")
struct BenchmarkFileHeaderTests {
    @Test(
        "a header whose name starts with anything but a bare-key character or a quote is refused at its line",
        arguments: [
            "[.", "[ .", "[[.", "[,]", "[=]", "[#", "[", "[[", "[\t", "[+]", "[é]", "bootstrap = 5\n\n  [ .x]",
            " [\u{0362}\u{FFFD}A", "[\u{0301}x]",  // "[" and a combining mark are one Character, still a header to toml++
            "\u{FEFF}[\u{FFFD}d",  // after a byte-order mark, which toml++ skips
        ])
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

    @Test(
        "a '}' where an array's value should start is refused at its line and column",
        arguments: [
            ("x = [}", 1, 6), ("x = [1,}", 1, 8), ("x = [1, # c\n}]", 2, 1), ("x = [\n}", 2, 1), ("x = { a = [} }", 1, 12),
            ("x = [[}]]", 1, 7), ("s = \"[}\"\nx = [ \"a\", '}', \"\"\"\n,}[}\"\"\"\n,}]", 4, 2),
        ] as [(String, Int, Int)])
    func braceAsArrayValue(text: String, line: Int, column: Int) {
        do {
            _ = try RunConfiguration.decode(text, format: .toml, file: "t.toml")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .configuration)
            #expect(error.message.hasPrefix("t.toml:\(line):\(column): expected a value"), "\(error.message)")
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

    @Test(
        "a character TOML allows only in strings and comments is refused where it stands (fuzz finding: U+0085 aborted toml++)",
        arguments: ["p= [\u{85}", "x = \u{2028}1", "bootstrap = 5\n\u{A0}watchlist = true", "x = [1,\u{7F}]"])
    func nonASCIIOutsideStrings(text: String) {
        do {
            _ = try RunConfiguration.decode(text, format: .toml, file: "t.toml")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .configuration && error.message.contains("outside a string or comment"), "\(error.message)")
        }
    }

    @Test("non-ASCII text inside strings and comments is still fine")
    func nonASCIIInStrings() throws {
        let text = "\u{FEFF}# Überprüfung — café\nreference_cohort = \"ethnicity=café\"\nout = 'résultats' # ✓\n"
        #expect(try RunConfiguration.decode(text, format: .toml, file: "t.toml").out == "résultats")
    }
}
