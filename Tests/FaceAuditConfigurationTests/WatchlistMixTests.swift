import FaceAuditConfiguration
import Testing

/// From a hostile-input review: `--watchlist-mix gender=male:1e308,gender=female:1e308` overflowed the
/// shares' sum to infinity, and the report said the watchlist was "female 0%, male 0%".
@Suite("watchlist mix bounds")
struct WatchlistMixTests {
    @Test("an absurd share is a usage error naming the flag and the value", arguments: ["1e308", "1e300", "100000001"])
    func absurd(share: String) {
        var c = RunConfiguration()
        c.watchlistMix = ["gender=male:\(share)", "gender=female:1"]
        do {
            try c.validate()
            Issue.record("accepted a share of \(share)")
        } catch {
            #expect(error.code == .usage, "\(error.message)")
            #expect(error.message.hasPrefix("--watchlist-mix") && error.message.contains("gender=male:\(share)"), "\(error.message)")
        }
    }

    @Test("shares as fractions, percentages or counts up to 10⁸ are kept")
    func ordinary() throws {
        var c = RunConfiguration()
        c.watchlistMix = ["gender=male:30", "gender=female:100000000"]
        try c.validate()
        #expect(c.watchlistShares == ["gender=male": 30, "gender=female": 100_000_000])
    }
}
