/// The score file layouts FaceAudit reads.
public enum ScoreFormat: String, Sendable, CaseIterable, Codable {
    /// bob.bio.base 4-column: `claimed_id real_id test_label score`; mated iff the two ids are equal.
    case bob4
    /// bob.bio.base 5-column: `claimed_id model_label real_id test_label score`.
    case bob5
    /// CSV with a header: `probe_subject,reference_subject,score`, optional `probe_id`/`reference_id`
    /// (image ids), and optional cohort columns per side: `probe_<attribute>`, `reference_<attribute>`.
    case csv
}
