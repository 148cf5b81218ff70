import FaceAuditTestSupport
import Foundation
import Testing

/// From a hostile-input review: overflowing `--watchlist-mix` shares ran and reported a 0% watchlist.
@Suite("watchlist mix on the command line")
struct WatchlistMixCLITests {
    @Test("on the command line the run exits 64 before any work")
    func commandLine() throws {
        let folder = try TestPaths.temporaryDirectory("watchlist-mix")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        let result = try CommandRunner.faceaudit([
            "run", "--simulated-subjects", "20", "--out", out, "--watchlist-mix", "gender=male:1e308,gender=female:1e308",
        ])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--watchlist-mix") && result.stderr.contains("1e308"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
