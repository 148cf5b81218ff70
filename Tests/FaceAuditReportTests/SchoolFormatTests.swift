import FaceAuditMetrics
import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditReport

/// The school section's numbers as a reader sees them: no exponent, no certainty from rounding, no
/// interval that says nothing.
@Suite("school section number formats")
struct SchoolFormatTests {
    @Test("counts, chances and thresholds are written plainly")
    func plain() {
        #expect(HTMLReport.plainCount(600.4) == "600" && HTMLReport.plainCount(1234.6) == "1,235")
        #expect(HTMLReport.plainCount(4.24) == "4.2" && HTMLReport.plainCount(0.354) == "0.35")
        #expect(HTMLReport.plainCount(0.004) == "under 0.01" && HTMLReport.plainCount(0) == "0")
        #expect(HTMLReport.plainChance(1) == "over 99.9%" && HTMLReport.plainChance(0.9995) == "over 99.9%")
        #expect(HTMLReport.plainChance(0.42) == "42%" && HTMLReport.plainChance(0.035) == "3.5%")
        #expect(HTMLReport.plainChance(0.0004) == "under 0.1%" && HTMLReport.plainChance(0) == "0%")
        #expect(HTMLReport.plainNumber(0.5007) == "0.5007" && HTMLReport.plainNumber(0.6) == "0.6")
        #expect(HTMLReport.plainNumber(12) == "12" && HTMLReport.plainNumber(0.00001234) == "0.00001234")
        let e = SchoolScenario.Estimate(value: 1, interval: BinomialInterval(lower: 0.9996, upper: 1))
        #expect(HTMLReport.estimate(e, HTMLReport.plainChance) == "over 99.9%")
        let f = SchoolScenario.Estimate(value: 190, interval: BinomialInterval(lower: 120.2, upper: 260.7))
        #expect(HTMLReport.estimate(f, HTMLReport.plainCount) == "190 (120–261)")
    }

    @Test("the school's bootstrap is the run's, at most 1,000 replicates; 1,000 without a configuration")
    func replicates() throws {
        var summary = try HTMLReportTests.baseline()
        for (bootstrap, expected) in [(0, 0), (40, 40), (1_000, 1_000), (1_000_000, 1_000)] {
            summary.configuration?.bootstrap = bootstrap
            #expect(HTMLReport.scenarioSettings(summary, ReportOptions()).replicates == expected, "--bootstrap \(bootstrap)")
        }
        summary.configuration = nil
        #expect(HTMLReport.scenarioSettings(summary, ReportOptions()).replicates == 1_000)
    }

    @Test("every note of the London school tables is a whole sentence")
    func wholeNotes() throws {
        let html = HTMLReport.render(try HTMLReportTests.baseline(), curves: [])
        let school = try #require(html.components(separatedBy: "<h2>What this means for a school</h2>").last)
        let rows = school.components(separatedBy: "all students</strong></td>").dropFirst()
        #expect(rows.count >= 4)
        for row in rows {
            let cells = row.components(separatedBy: "</tr>")[0].components(separatedBy: "<td")
            // The last cell: `<td class="flag">NOTE</td>`.
            let last = cells.last ?? ""
            let note = last.drop { $0 != ">" }.dropFirst().components(separatedBy: "</td>")[0]
            #expect(!note.hasSuffix(" is") && !note.hasSuffix(" where its interval is"), "\(note)")
        }
    }
}
