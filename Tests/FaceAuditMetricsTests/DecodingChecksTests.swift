import FaceAuditMetrics
import Foundation
import Testing

/// From a hostile-input review: `compare` and `report` took an edited summary.json with more errors
/// than trials (an FMR of 22.37) and intervals whose lower bound was above the upper.
@Suite("decoded counts and intervals are checked")
struct DecodingChecksTests {
    @Test func countsAreAtMostTheirTrials() throws {
        let decoder = JSONDecoder()
        let count = try decoder.decode(ErrorCount.self, from: Data(#"{"errors":3,"trials":5,"rate":0.6}"#.utf8))
        #expect(count == ErrorCount(errors: 3, trials: 5))
        for text in [#"{"errors":6,"trials":5}"#, #"{"errors":-1,"trials":5}"#, #"{"errors":1,"trials":0}"#] {
            #expect(throws: DecodingError.self, "\(text)") { try decoder.decode(ErrorCount.self, from: Data(text.utf8)) }
        }
    }

    @Test func intervalsDoNotRunBackwards() throws {
        let decoder = JSONDecoder()
        let open = try decoder.decode(BinomialInterval.self, from: Data("[2.5, null]".utf8))
        #expect(open.lower == 2.5 && open.upper.isNaN)
        #expect(try decoder.decode(BinomialInterval.self, from: Data("[0.1, 0.9]".utf8)) == BinomialInterval(lower: 0.1, upper: 0.9))
        #expect(throws: DecodingError.self) { try decoder.decode(BinomialInterval.self, from: Data("[0.9, 0.1]".utf8)) }
    }
}
