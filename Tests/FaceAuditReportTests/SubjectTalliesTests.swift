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

    /// From a hostile-input review of `faceaudit report`: an edited subjects.json with a subject index
    /// beyond `subjects` crashed it (index out of range), a count of 10^18 trapped converting to Int32,
    /// and `replicates: 1e12` aborted allocating 8 TB.
    @Test("an edited subjects.json is refused, not crashed on")
    func editedFiles() throws {
        let file = TestPaths.repositoryRoot.appendingPathComponent("results/london-dlib/subjects.json")
        let good = try JSONDecoder().decode(SubjectTallies.self, from: try Data(contentsOf: file))
        #expect(good.problem == nil)
        var edited = good
        edited.replicates = 1_000_000_000_000
        #expect(edited.problem?.hasPrefix("replicates") == true)
        edited = good
        edited.subjects = 3
        #expect(edited.problem?.contains("beyond the file's 3 subjects") == true)
        edited = good
        edited.alpha = 2
        #expect(edited.problem?.hasPrefix("alpha") == true)
        let huge = #"{"mated":[],"false_matches":[[0,1,1000000000000000000]],"all_pairs":[]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SubjectBootstrap.Tally.self, from: Data(huge.utf8)) }
        let impossible = #"{"mated":[[0,5,3]],"false_matches":[],"all_pairs":[]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SubjectBootstrap.Tally.self, from: Data(impossible.utf8)) }
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
