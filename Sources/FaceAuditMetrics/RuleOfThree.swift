/// How many trials a zero-error claim needs.
public enum RuleOfThree {
    /// Non-mated trials needed to support a false-match-rate `target`: ⌈3 / target⌉. With zero errors
    /// in n trials the 95% upper bound is about 3/n, so fewer trials cannot show a rate as low as the target.
    public static func requiredTrials(forFMR target: Double) -> Int {
        let exact = 3 / target
        let nearest = exact.rounded()
        // 3 / 1e-3 is 2999.9999999999995 in binary floating point: treat near-integers as integers.
        return Int(abs(exact - nearest) <= 1e-9 * exact ? nearest : exact.rounded(.up))
    }
}
