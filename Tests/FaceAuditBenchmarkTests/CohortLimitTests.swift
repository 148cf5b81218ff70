import FaceAuditBenchmark
import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import Testing

/// From a hostile-input review: a 600 KB score file with a gender and an ethnicity per person (1,500
/// of each) took 12.9 GB and wrote a 1.8 GB cross-cohort CSV before it was killed.
@Suite("cohort limits")
struct CohortLimitTests {
    static func records(genders: Int, ethnicities: Int, people: Int) -> [ImageRecord] {
        (0..<people).map { i in
            ImageRecord(
                path: "\(i).jpg", subject: SubjectID("s\(i)"),
                labels: Labels(gender: "g\(i % genders)", ethnicity: "e\(i % ethnicities)"))
        }
    }

    @Test("a dimension with more than 100 labels is a data error; 100 pass")
    func labelsPerDimension() throws {
        let configuration = RunConfiguration()
        _ = try configuration.scheme(for: Self.records(genders: 100, ethnicities: 2, people: 400))
        let error = try #require(throws: RunError.self) {
            try configuration.scheme(for: Self.records(genders: 101, ethnicities: 2, people: 400))
        }
        #expect(error.code == .dataError && error.message.hasPrefix("gender has more than 100 cohorts"))
    }

    @Test("an intersection with more than 1,000 cohorts is a data error, though each dimension passes")
    func cohortsPerIntersection() throws {
        let error = try #require(throws: RunError.self) {
            try RunConfiguration().scheme(for: Self.records(genders: 41, ethnicities: 43, people: 41 * 43))
        }
        #expect(error.code == .dataError && error.message.contains("gender × ethnicity has more than 1000 cohorts"))
    }
}
