import FaceAuditProtocols
import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditReport

@Suite("report.html")
struct HTMLReportTests {
    static func baseline() throws -> RunSummary {
        let url = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/summary.json")
        return try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: url))
    }

    @Test("every section is there, numbers agree with summary.json, and nothing loads from elsewhere")
    func content() throws {
        let summary = try Self.baseline()
        let html = HTMLReport.render(summary, curves: [])
        for section in [
            "Summary", "Error rates by group", "Trade-off curves", "Who is mistaken for whom", "What this means for a school",
            "How this was measured", "The dataset", "Limitations", "Reproduce",
        ] {
            #expect(html.contains("<h2>\(section)</h2>"), "missing section \(section)")
        }
        let point = try #require(summary.verification.operatingPoints.first { $0.targetFmr == 0.001 })
        #expect(html.contains("\(point.falseMatches) were false matches") && html.contains("20,604"))
        #expect(html.contains("DeBruine, L. &amp; Jones, B. (2017)") && html.contains("CC BY 4.0"))
        #expect(html.contains("faceaudit run --dataset ../shared/datasets/london --out results/london-dlib"))
        for forbidden in ["<script", "src=", "href=", "@import", "url("] {
            #expect(!html.contains(forbidden), "report contains \(forbidden)")
        }
        #expect(!html.contains("neutral_front") && !html.contains(".jpg"))  // no file names
        #expect(!html.contains("SIMULATED"))
    }

    @Test("researchers' numbers on the page: EER, AUC, d′ and every inequity measure with its interval, as in summary.json")
    func researchMeasures() throws {
        let summary = try Self.baseline()
        let html = HTMLReport.render(summary, curves: [])
        #expect(html.contains("<h3>Summary statistics</h3>"))
        #expect(html.contains("AUC \(HTML.number(summary.verification.auc, 6))"))
        let ethnicity = try #require(
            summary.cohorts.first { $0.dimensions.description == "ethnicity" && $0.operatingPoint == .threshold })
        let value = try #require(ethnicity.inequity.fmrMaxGeomean)
        let interval = try #require(ethnicity.inequityBootstrap?["fmr_max_geomean"])
        #expect(
            html.contains(
                "<td>\(HTML.number(value, 3)) (\(HTML.number(interval.lower, 3))–\(HTML.number(interval.upper, 3)))</td>"))
        #expect(html.contains("<td>Ethnicity (as labeled)</td><td>face_recognition&#39;s default tolerance</td>"))
    }

    @Test("a simulated run is marked, and card text is escaped")
    func simulatedAndEscaped() throws {
        var summary = try Self.baseline()
        summary.simulated = true
        summary.dataset.card.title = "<script>alert(1)</script> & co"
        let html = HTMLReport.render(summary, curves: [])
        #expect(html.contains("SIMULATED"))
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"))
    }

    @Test("headless Chromium renders the report to PNG with no console error")
    func chromium() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html")
        try HTMLReport.render(try Self.baseline(), curves: []).write(to: page, atomically: true, encoding: .utf8)
        let png = folder.appendingPathComponent("report.png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")  // installed by scripts/bootstrap
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,4000", "--enable-logging=stderr", "--v=0",
            "--screenshot=\(png.path)", page.absoluteString,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(log)")
        let size = (try FileManager.default.attributesOfItem(atPath: png.path)[.size] as? NSNumber)?.intValue ?? 0
        #expect(size > 50_000)
        #expect(!log.contains("CONSOLE") && !log.contains("Uncaught"), "\(log)")
    }
}
