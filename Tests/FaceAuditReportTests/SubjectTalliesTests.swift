import FaceAuditMetrics
import FaceAuditReport
import FaceAuditTestSupport
import Foundation
import Testing

@Suite("subjects.json written as it goes, byte for byte JSONEncoder's")
struct SubjectTalliesTests {
    @Test("the committed London runs' subjects.json decode and re-encode to the same bytes, as JSONEncoder's")
    func committedRuns() throws {
        for name in ["london-dlib", "london-facenet"] {
            let file = TestPaths.repositoryRoot.appendingPathComponent("results/\(name)/subjects.json")
            let bytes = try Data(contentsOf: file)
            let tallies = try JSONDecoder().decode(SubjectTallies.self, from: bytes)
            let written = try tallies.encoded()
            #expect(written == bytes, "\(name)")
            #expect(written == (try tallies.referenceEncoded()), "\(name)")
        }
    }

    @Test("every design (all pairs, bipartite, sparse), a fixed threshold with its label, no fingerprint, empty lists")
    func everyShape() throws {
        let text = """
            {"alpha":0.1,"format":"faceaudit.subjects/1","replicates":200,"seed":7,"subjects":4,"operating_points":[
            {"operating_point":"threshold","threshold":-0.6,"threshold_label":"dlib's 0.6 / \\"quoted\\"","dimensions":[],
             "overall":{"mated":[],"false_matches":[[0,3,12]],"sparse":[[0,1,4],[2,3,1000000000]]}},
            {"operating_point":"target_fmr","target_fmr":1e-05,"threshold":0.123456789012345,"dimensions":[
              {"dimensions":"gender","cohorts":[
                {"cohort":"gender=female","tally":{"mated":[[0,1,2]],"false_matches":[],"bipartite":[[0,1,2],[1,3,0]]}},
                {"cohort":"gender=male","tally":{"mated":[[2,0,5],[3,1,1]],"false_matches":[[2,3,1]],"all_pairs":[[2,2],[3,1]]}}]}],
             "overall":{"mated":[[0,0,1]],"false_matches":[],"all_pairs":[[0,1],[1,1],[2,2],[3,1]]}}]}
            """
        let tallies = try JSONDecoder().decode(SubjectTallies.self, from: Data(text.utf8))
        let written = try tallies.encoded()
        #expect(written == (try tallies.referenceEncoded()), "\(String(decoding: written, as: UTF8.self))")
        #expect(String(decoding: written, as: UTF8.self).contains(#""sparse":[[0,1,4],[2,3,1000000000]]"#))
    }
}
