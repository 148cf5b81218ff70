import FaceAuditDatasets
import FaceAuditHashing
import FaceAuditMetrics
import FaceAuditScoring
import FaceAuditTemplates
import Testing

@testable import FaceAuditProtocols

@Suite("the fingerprint of a comparison")
struct PairFingerprintTests {
    /// The fingerprint is hashed in pieces as its bytes are written; it must be the digest of all of
    /// them joined, as it was when they were gathered into one array first (shards and merges of
    /// either way agree).
    @Test("hashed in pieces: the digest of every record's bytes joined, across many 64 KiB pieces")
    func piecesAreTheWhole() {
        var rng = SplitMix64(seed: 17)
        var records: [ImageRecord] = []
        var templates: [EmbeddingResult] = []
        for i in 0..<1_500 {
            records.append(
                ImageRecord(
                    path: "img/\(i)-\(String(repeating: "x", count: Int(rng.below(90)))).jpg", subject: SubjectID("s\(i / 2)"),
                    labels: Labels()))
            templates.append(
                rng.below(9) == 0
                    ? .failure(.noPrecomputedTemplate, "none")
                    : .template((0..<128).map { _ in Float(Int(rng.below(2_001)) - 1_000) / 997 }))
        }
        let manifest = Manifest(layout: .csv, root: "/", source: "t", card: .unknown(name: "t"), records: records)
        let cells = records.indices.map { "cell\($0 % 7)" }
        for comparison in [PairMetric.cosineSimilarity, .euclideanDistance] {
            var bytes = Array("faceaudit-pairs-1\n\(comparison.rawValue)\n".utf8)
            for (i, record) in records.enumerated() {
                bytes += Array("\(record.path)\n\(record.subject.rawValue)\n\(cells[i])\n".utf8)
                switch templates[i] {
                case .template(let t): t.withUnsafeBytes { bytes += Array($0) }
                case .failure(let reason): bytes += Array("failure: \(reason.category)".utf8)
                }
                bytes.append(0x0A)
            }
            #expect(bytes.count > 10 * (1 << 16))
            #expect(
                PairComparison.fingerprint(manifest: manifest, templates: templates, comparison: comparison, cells: cells)
                    == SHA256Digest(of: bytes).hex)
        }
    }
}
