import FaceAuditConfiguration
import FaceAuditProtocols
import FaceAuditReport

/// What ``BenchmarkPipeline/run(_:progress:)`` did.
public enum RunResult: Sendable {
    /// The run finished and wrote its outputs into `out`.
    case completed(summary: RunSummary, out: String)
    /// The score file `file` was analysed (`comparisons` scores) and the outputs written into `out`.
    case scoreFile(summary: RunSummary, comparisons: Int, file: String, out: String)
    /// A shard's extract phase cached the templates of `images`.
    case extracted(shard: RunConfiguration.Shard, images: Range<Int>)
    /// A shard's compare phase wrote its partial into `folder`.
    case shardCompared(shard: RunConfiguration.Shard, folder: String, tiles: Int, matedPairs: Int, nonMatedPairs: Int)

    /// The summary of a finished run, if this is one.
    public var summary: RunSummary? {
        switch self {
        case .completed(let summary, _), .scoreFile(let summary, _, _, _): summary
        case .extracted, .shardCompared: nil
        }
    }
}
