import FaceAuditMetrics
import Foundation

extension RunSummary {
    /// `summary.json`'s bytes: `JSONEncoder` with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`,
    /// byte for byte, but with every ``PartnerCounts`` written by ``PartnerCounts/appendPrettyJSON(indent:to:)``
    /// (one record a line).
    ///
    /// The per-person counts are most of a large run's summary (53 MB at 50,000 templates with one number
    /// a line), and `JSONEncoder` boxes every number before writing it (``PartnerCounts/prettyJSON(of:)``).
    public func prettyJSON() throws -> Data { try PartnerCounts.prettyJSON(of: self) }

    /// ``prettyJSON()``'s bytes handed to `write` piece by piece (``PartnerCounts/prettyJSON(of:pieces:)``),
    /// as `summary.json` is written.
    public func prettyJSON(pieces write: (Data) throws -> Void) throws { try PartnerCounts.prettyJSON(of: self, pieces: write) }
}
