import FaceAuditTestSupport
import Foundation
import Testing

/// A dataset whose card says it is simulated (as scripts/bench/make-synthetic writes it) is marked as the
/// demo's population is. A report on make-synthetic's data never said it was synthetic before. The
/// same run checks the school section's totals against its whole school.
@Suite("a simulated dataset card marks the run")
struct SimulatedCardTests {
    @Test("card.json with \"simulated\": true: summary.json says so and every finding's statement begins with the mark")
    func simulatedCard() throws {
        let folder = try TestPaths.temporaryDirectory("simulated-card")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let card = """
            {"name": "synthetic", "title": "Simulated templates", "license": "CC0", "citation": "test",
             "description": "Simulated, not real people.", "label_provenance": {"age": "simulated"}, "limitations": [], "simulated": true}
            """
        try card.write(to: data.appendingPathComponent("card.json"), atomically: true, encoding: .utf8)
        let out = try ChildrenCLITests.run(folder, children: 20, adults: 30)
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        #expect(summary["simulated"] as? Bool == true)
        let findings = try #require(summary["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        for f in findings {
            let statement = try #require(f["statement"] as? String)
            #expect(statement.hasPrefix("Simulated, not real people: "), "\(statement)")
        }
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("SIMULATED"))

        // The school: with children and adults, the whole school is the children alone; the table by gender
        // counts all ages, and its total row said "all students" beside a different number, unexplained.
        let school = try ChildrenCLITests.school(out)
        let gender = try #require(school.components(separatedBy: "<summary>By gender</summary>").dropFirst().first)
        let table = try #require(gender.components(separatedBy: "</table>").first)
        let totals = table.components(separatedBy: "<strong>all students</strong>").dropFirst()
        #expect(!totals.isEmpty)
        for row in totals {
            let cells = try #require(row.components(separatedBy: "</tr>").first)
            #expect(
                cells.hasPrefix(" (rates of all ages)")
                    && cells.contains("not the whole school above, which is children only: these rates are over all ages, adults included"),
                "\(cells)")
        }
        // The table by age band is the children's own: its totals are the whole school's.
        let bands = try #require(school.components(separatedBy: "<summary>By age band</summary>").dropFirst().first)
        #expect(bands.components(separatedBy: "</table>").first?.contains("the same total as the whole school above") == true)
        #expect(bands.components(separatedBy: "</table>").first?.contains("(rates of all ages)") == false)
    }

    /// A child photographed at 12 and at 13 is in both age bands, so the table by age band holds one person
    /// more than the children, and its total differs from the whole school's: said in the total's note.
    @Test("the school's table by age band says when a person counts in two bands")
    func personInTwoBands() throws {
        let folder = try TestPaths.temporaryDirectory("two-bands")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Person 8 is 12 in both photos; their second photo becomes 13.
        let out = try ChildrenCLITests.run(folder, children: 20, adults: 30) { manifest in
            let text = try String(contentsOf: manifest, encoding: .utf8)
            try #require(text.contains("p8-1.jpg,s8,female,12\n"))
            try text.replacingOccurrences(of: "p8-1.jpg,s8,female,12\n", with: "p8-1.jpg,s8,female,13\n").write(
                to: manifest, atomically: true, encoding: .utf8)
        }
        let school = try ChildrenCLITests.school(out)
        let bands = try #require(school.components(separatedBy: "<summary>By age band</summary>").dropFirst().first)
        let table = try #require(bands.components(separatedBy: "</table>").first)
        let totals = table.components(separatedBy: "<strong>all students</strong>").dropFirst()
        #expect(!totals.isEmpty)
        for row in totals {
            let cells = try #require(row.components(separatedBy: "</tr>").first)
            #expect(cells.contains(" of 21</td>"), "\(cells)")
            #expect(
                cells.contains(
                    "not the whole school above: 1 person counts in two groups here, their photos' ages on both sides of a group's limit, so this total differs a little"
                ), "\(cells)")
        }
    }
}
