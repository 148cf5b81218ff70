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

    /// Non-mated pairs needed to support a false-match-rate `target`: ⌈3 / target⌉ (the rule of three:
    /// with zero errors in n trials the 95% upper bound is about 3/n).
    public static func required(forFMR target: Double) -> Int {
        let exact = 3 / target
        let nearest = exact.rounded()
        // 3 / 1e-3 is 2999.9999999999995 in binary floating point: treat near-integers as integers.
        return Int(abs(exact - nearest) <= 1e-9 * exact ? nearest : exact.rounded(.up))
    }
}
