import FaceAuditCohorts
import FaceAuditConfiguration
import FaceAuditDatasets
import Testing

@testable import FaceAuditBenchmark

@Suite("--reference-cohort must name one of the dataset's cohorts")
struct ReferenceCohortTests {
    static let records = [("female", "black", 34.0), ("male", "white", 8.0), ("female", "white", 51.0)].enumerated().map { i, r in
        ImageRecord(path: "\(i).jpg", subject: SubjectID("s\(i)"), labels: Labels(age: r.2, gender: r.0, ethnicity: r.1))
    }
    static let scheme = CohortScheme.automatic(for: records)

    @Test func existingCohortsAndAgeBandsPass() throws {
        for name in [nil, "ethnicity=white", "gender=female;ethnicity=black", "age_group=18+", "age_band=13-17"] {
            try BenchmarkPipeline.checkReference(name, records: Self.records, scheme: Self.scheme)
        }
    }

    /// Found by a helper: `--reference-cohort ethnicity=nonexistent` was accepted, and every ratio stayed on
    /// its default reference without a word. A usage error now names the cohorts of those dimensions.
    @Test func aTypoIsAUsageErrorThatListsTheCohorts() {
        for (name, listed) in [
            ("ethnicity=whit", "ethnicity=black, ethnicity=white"),
            ("ethnicity=black;gender=female", "gender=female;ethnicity=black"),
            ("race=white", nil),
        ] {
            do {
                try BenchmarkPipeline.checkReference(name, records: Self.records, scheme: Self.scheme)
                Issue.record("\(name) was accepted")
            } catch {
                #expect(error.code == .usage)
                #expect(error.message.contains("--reference-cohort \(name) is not a cohort of this dataset"))
                if let listed { #expect(error.message.contains(listed), "\(error.message)") }
            }
        }
    }
}
