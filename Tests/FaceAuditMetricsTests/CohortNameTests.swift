import FaceAuditMetrics
import Testing

@Suite("Cohort names")
struct CohortNameTests {
    @Test("names split into dimension and value at ; and =, the value at its first =")
    func parts() {
        #expect(CohortName.parts("") == [])
        #expect(CohortName.values("gender=female;ethnicity=black") == ["female", "black"])
        let parts = CohortName.parts("age_band=13-17;x;skin_tone=monk:7-10")
        #expect(parts.map(\.dimension) == ["age_band", "x", "skin_tone"])
        #expect(parts.map(\.value) == ["13-17", nil, "monk:7-10"])
        #expect(CohortName.parts("a=b=c").first?.value == "b=c")
    }

    /// A separator followed by a combining mark is one `Character` with it: split on Characters, the
    /// key below had one part and no `=`.
    @Test("a separator followed by a combining mark still splits")
    func combiningMarks() {
        let parts = CohortName.parts("gender=\u{0301}f;ethnicity=\u{0301}g")
        #expect(parts.count == 2)
        #expect(parts.map(\.dimension) == ["gender", "ethnicity"])
        #expect(parts.map { $0.value?.unicodeScalars.first } == ["\u{0301}", "\u{0301}"])
        #expect(Finding.labelValues("gender=\u{0301}f").unicodeScalars.elementsEqual("\u{0301}f".unicodeScalars))
    }
}
