import FaceAuditConfiguration
import FaceAuditDatasets
import FaceAuditTestSupport
import Foundation
import Testing

@testable import faceaudit

/// The report's command with every setting spelled out, read back by `faceaudit run`'s own parser.
@Suite("explicit command line")
struct ExplicitCommandTests {
    /// Parses `words` (`faceaudit run …`) as `faceaudit run` does.
    static func parse(_ words: [String]) throws -> RunConfiguration {
        #expect(Array(words.prefix(2)) == ["faceaudit", "run"])
        return try RunOptions.parse(Array(words.dropFirst(2))).configuration()
    }

    /// Settings from flags, as recorded in summary.json (no shard), made effective for `layout`/`comparison`.
    static func effective(
        _ flags: [String], layout: DatasetLayout? = nil, comparison: RunConfiguration.Comparison? = nil
    ) throws
        -> RunConfiguration
    {
        try RunOptions.parse(flags).configuration().recorded.effective(layout: layout, comparison: comparison)
    }

    @Test(
        "the explicit command parses back to the identical effective configuration",
        arguments: [
            // London as typed in the README: dlib, every default.
            (["--dataset", "../shared/datasets/london", "--out", "/tmp/lon"], DatasetLayout.london, RunConfiguration.Comparison.euclidean),
            // Every setting away from its default (RunOptionsTests' list, without --shard/--phase).
            (RunOptionsTests.flags.filter { !["--shard", "2/7", "--phase", "compare"].contains($0) }, .utkface, .euclidean),
            (
                ["--dataset", "d", "--out", "o", "--threshold", "none", "--dimensions", "gender", "--seed", "18446744073709551615"], .csv,
                .euclidean
            ),
            (["--dataset", "d", "--out", "o", "--embeddings", "t.csv", "--target-fmr", "1e-5,0.3"], .lfw, .cosine),
            (["--dataset", "d", "--out", "o", "--embedder-command", #"["python3", "it's \"x\".py"]"#, "--watchlist"], .csv, .cosine),
            (["--scores", "s.csv", "--out", "o", "--format", "bob4", "--dissimilarity"], nil, nil),
            (["--simulated-subjects", "600", "--out", "o", "--bootstrap", "200"], nil, nil),
        ])
    func roundTrip(flags: [String], layout: DatasetLayout?, comparison: RunConfiguration.Comparison?) throws {
        let effective = try Self.effective(flags, layout: layout, comparison: comparison)
        let words = effective.explicitArguments
        #expect(try Self.parse(words) == effective, "\(words)")
        // And through a shell: the report's one line splits back into the same words.
        #expect(ShellWords.split(RunConfiguration.shellLine(words)) == words)
        #expect(ShellWords.split(RunConfiguration.shellLine(words, flagPerLine: true)) == words)
    }

    @Test("a dlib run's command states what ran: Euclidean comparison, face_recognition's threshold, the layout, every default")
    func dlibSpelledOut() throws {
        let words = try Self.effective(
            ["--dataset", "../shared/datasets/london", "--out", "/tmp/lon"], layout: .london, comparison: .euclidean
        )
        .explicitArguments
        let line = words.joined(separator: " ")
        for expected in [
            "--dataset ../shared/datasets/london", "--out /tmp/lon", "--layout london", "--pipeline dlib", "--comparison euclidean",
            "--threshold 0.6", "--target-fmr 0.01,0.001,0.0001", "--bootstrap 1000", "--seed 1", "--min-subjects 10",
            "--age-bands 0,4,8,13,18,30,50,65", "--dimensions auto", "--upsample 0", "--face-policy largest", "--tile-size 1024",
            "--school-size 1000", "--passes-per-day 4", "--school-days 180", "--watchlist-size 50", "--tracking-days 60",
            "--exact-pair-limit 8000000", "--enrolled-share 0.5", "--target-fpir 0.01,0.1",
        ] {
            #expect(line.contains(expected), "missing \(expected) in \(line)")
        }
        // This machine's defaults are not written: no home folder, no core count.
        #expect(!line.contains("--cache") && !line.contains("--threads") && !line.contains("--models") && !line.contains("--benchmark"))
    }

    @Test("every setting is written by the explicit command, or is one of the few documented as never written when unset")
    func everyKey() throws {
        let all = try Self.effective(RunOptionsTests.flags.filter { !["--shard", "2/7", "--phase", "compare"].contains($0) })
        let line = all.explicitArguments
        for key in RunConfiguration.CodingKeys.allCases.map(\.stringValue) where !["shard", "phase"].contains(key) {
            let flag = "--" + (key == "score_format" ? "format" : key.replacingOccurrences(of: "_", with: "-"))
            #expect(line.contains(flag), "\(flag) is not written")
        }
    }
}
