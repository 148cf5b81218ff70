import FaceAuditBenchmark
import Foundation

/// Draws a run's progress on standard error: one line per stage, redrawn in place on a terminal,
/// plain lines every 10% otherwise; notes as `run: …` lines.
final class TerminalProgress: RunProgress, @unchecked Sendable {
    private let enabled: Bool
    private let terminal = isatty(2) != 0
    private let lock = NSLock()
    private var stages: [String: Stage] = [:]

    /// One stage's line.
    private struct Stage {
        let start = Date()
        var lastDecile = -1
        var lastDone = 0
    }

    /// A progress display; with `enabled` false it draws nothing.
    init(enabled: Bool) {
        self.enabled = enabled
    }

    func report(_ event: RunEvent) {
        guard enabled else { return }
        lock.withLock {
            switch event {
            case .extraction(let name, let done, let total, let cached):
                guard total > 0 else { return }
                var stage = stages[name] ?? Stage()
                // Workers report in the order they take the lock, not the order they finished; a count
                // lower than one already shown is stale.
                guard done > stage.lastDone else { return }
                stage.lastDone = done
                let elapsed = Date().timeIntervalSince(stage.start)
                let rate = Double(done) / max(elapsed, 1e-9)
                let eta = rate > 0 ? Double(total - done) / rate : 0
                let text =
                    "\(name) \(done)/\(total) (\(cached) cached), \(String(format: "%.0f", elapsed)) s, ETA \(String(format: "%.0f", eta)) s"
                if terminal {
                    write("\r\(text)\u{1B}[K")
                } else {
                    let decile = done * 10 / total
                    if decile > stage.lastDecile {
                        stage.lastDecile = decile
                        write("run: \(text)\n")
                    }
                }
                stages[name] = stage
            case .extractionFinished(let name):
                if terminal && stages[name] != nil { write("\n") }
            case .note(let text):
                write("run: \(text)\n")
            case .writingOutputs, .stageFinished:
                break
            }
        }
    }

    /// The closing lines of a run.
    func show(_ result: RunResult) {
        guard enabled else { return }
        switch result {
        case .completed(let summary, let out):
            let lines = summary.verification.allPoints.map { p in
                "  \(p.name): \(p.targetFmr == nil ? "" : "threshold \(String(format: "%.4f", p.threshold)), ")FMR \(p.falseMatches)/\(p.impostorTrials), "
                    + "FNMR \(p.falseNonMatches)/\(p.genuineTrials)\(p.estimable ? "" : " (not estimable)")"
            }
            write(
                "run: \(summary.dataset.images) images, \(summary.failuresToAcquire.images) without a face; wrote \(out)\n"
                    + lines.joined(separator: "\n") + "\n")
        case .scoreFile(_, let comparisons, let file, let out):
            write("run: \(comparisons) comparisons from \(file); wrote \(out)\n")
        case .extracted(let shard, let images):
            write("run: shard \(shard): templates of images \(images) extracted\n")
        case .shardCompared(let shard, let folder, let tiles, let mated, let nonMated):
            write("run: shard \(shard): \(tiles) tiles, \(mated) mated and \(nonMated) non-mated pairs; wrote \(folder)\n")
        }
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
