import FaceAuditScoreFiles
import FaceAuditTestSupport
import Foundation

@testable import FaceAuditMetrics

/// The public score files in ../shared/testdata/scores.
enum ReferenceScores {
    static let folder = TestPaths.shared.appendingPathComponent("testdata/scores")

    static func bob(_ name: String, format: ScoreFormat) throws -> SortedScores {
        let table = try ScoreFileReader.read(path: folder.appendingPathComponent("bob/\(name)").path, format: format)
        let split = table.split()
        return SortedScores(genuine: split.genuine, impostor: split.impostor)
    }

    static func pyeer(_ experiment: String) throws -> SortedScores {
        let g = try ScoreFileReader.readColumn(path: folder.appendingPathComponent("pyeer/\(experiment)_true.txt").path)
        let i = try ScoreFileReader.readColumn(path: folder.appendingPathComponent("pyeer/\(experiment)_false.txt").path)
        return SortedScores(genuine: g, impostor: i)
    }

    static func pyeerExpected(_ experiment: String) throws -> [String: Double] {
        let data = try Data(contentsOf: folder.appendingPathComponent("pyeer/expected_pyeer.json"))
        let all = try JSONSerialization.jsonObject(with: data) as! [String: [String: Any]]
        return all[experiment]!.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    /// The tie vector of EXPECTED.md.
    static let ties = SortedScores(genuine: [0.3, 0.5, 0.6, 0.7, 0.8], impostor: [0.1, 0.2, 0.3, 0.4, 0.5])
}

/// |a − b| ≤ tolerance, with a readable failure.
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool { abs(a - b) <= tolerance }
