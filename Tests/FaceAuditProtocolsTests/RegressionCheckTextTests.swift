import Testing

@testable import FaceAuditProtocols

/// From a hostile-input review: a cohort named with `|` broke compare's Markdown table, and control
/// characters in names reached it raw.
@Suite("compare's Markdown cells")
struct RegressionCheckTextTests {
    @Test func pipesAreEscapedAndControlsShown() {
        #expect(RegressionCheck.cell("ethnicity=a|b fmr") == "ethnicity=a\\|b fmr")
        #expect(RegressionCheck.cell("x\u{1B}[2J\u{202E}") == "x\\u{1B}[2J\\u{202E}")
        #expect(RegressionCheck.cell("gender=female fnmr @ 1e-3") == "gender=female fnmr @ 1e-3")
    }
}
