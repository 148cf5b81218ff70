import FaceAuditMetrics

/// Counting comparison pairs without enumerating them.
public enum PairCounts {
    /// n choose 2.
    public static func pairs(_ n: Int) -> Int { n * (n - 1) / 2 }

    /// Mated pairs: images of the same subject, Σ C(nₛ, 2).
    public static func mated<S: Sequence>(imagesPerSubject: S) -> Int where S.Element == Int {
        imagesPerSubject.reduce(0) { $0 + pairs($1) }
    }

    /// Non-mated pairs among `images` images: C(N, 2) − Σ C(nₛ, 2).
    public static func nonMated<S: Sequence>(images: Int, imagesPerSubject: S) -> Int where S.Element == Int {
        pairs(images) - mated(imagesPerSubject: imagesPerSubject)
    }

    /// Non-mated pairs needed to support a false-match-rate `target` (the rule of three).
    public static func required(forFMR target: Double) -> Int { RuleOfThree.requiredTrials(forFMR: target) }
}
