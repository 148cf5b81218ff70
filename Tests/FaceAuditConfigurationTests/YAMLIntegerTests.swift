import FaceAuditConfiguration
import Testing

/// From a hostile-input review: YAML 1.1 (Yams' default) reads `020` as octal 16 and `1:30` as 90, so a
/// benchmark file's `bootstrap: 020` silently ran 16 replicates. Benchmark files follow the YAML 1.2 core
/// schema instead: a leading zero is a decimal zero.
@Suite("YAML whole numbers")
struct YAMLIntegerTests {
    @Test("leading zeros are decimal, in whole-number and decimal settings")
    func leadingZeros() throws {
        let c = try RunConfiguration.decode(
            "bootstrap: 020\nseed: 010\nmin_subjects: +07\nupsample: 00\nenrolled_share: 01\nembedder_timeout: 090\n", format: .yaml,
            file: "f.yaml")
        #expect(c.bootstrap == 20 && c.seed == 10 && c.minSubjects == 7 && c.upsample == 0)
        #expect(c.enrolledShare == 1 && c.embedderTimeout == 90)
    }

    @Test("YAML 1.2 core's octal and hexadecimal forms still read; a string setting keeps its zeros")
    func otherForms() throws {
        let c = try RunConfiguration.decode("bootstrap: 0o20\nseed: 0x10\nembedder_version: 020\n", format: .yaml, file: "f.yaml")
        #expect(c.bootstrap == 16 && c.seed == 16 && c.embedderVersion == "020")
    }

    @Test(
        "YAML 1.1-only numbers (base 60, underscores, binary) are refused at their key, never read as another number",
        arguments: ["bootstrap: 1:30", "bootstrap: 1_000", "seed: 0b101", "bootstrap: 09x"])
    func yaml11Only(text: String) {
        do {
            let c = try RunConfiguration.decode(text, format: .yaml, file: "f.yaml")
            Issue.record("accepted \(text) as bootstrap \(c.bootstrap), seed \(c.seed)")
        } catch {
            #expect(error.code == .configuration && error.message.hasPrefix("f.yaml:1:1: "), "\(error.message)")
            #expect(error.message.contains("expected a whole number"), "\(error.message)")
        }
    }
}
