/// What a dataset's age-band label for one photo (the manifest's `age_band` column) means: the ages it
/// covers, whether it is under 18, and which of two bands is the younger.
///
/// Numeric forms, in whole years (spaces ignored; `-` or `–`):
/// - `A-B`: ages A to B inclusive, i.e. `[A, B + 1)` — `0-12`, `18-29`, as ``AgeBands`` labels its bands;
/// - `A-<B`: `[A, B)` — ``AgeBands``' form for fractional bounds;
/// - `A+`: A and older — `65+`;
/// - `<B` or `under B`: younger than B, `[0, B)`;
/// - `A`: the one year `[A, A + 1)`.
///
/// Any other label is a *word label*, e.g. `child photo`. Its words (runs of letters) decide what it
/// implies: `child`, `children`, `childhood`, `kid`, `kids`, `minor`, `minors`, `juvenile`, `juveniles`,
/// `infant`, `infants`, `baby`, `babies`, `toddler`, `toddlers`, `preschool`, `preschooler` imply
/// under 18, i.e. `[0, 18)`; `adult`, `adults`, `adulthood` imply 18 or older, `[18, ∞)`. A label with
/// words of both kinds, with `non` or `not`, or with none of them (`teen` and `youth` include 18- and
/// 19-year-olds) implies no ages.
public struct AgeBandLabel: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The label as cohort tables print it: numeric forms rewritten `A-B`, `A-<B`, `A+`, `<B`, `A`; word
    /// labels lower-cased with runs of spaces collapsed.
    public let label: String
    /// The youngest age the label covers (years, inclusive); nil when it implies no ages.
    public let lowerBound: Double?
    /// The first age it no longer covers (years, exclusive); nil when open-ended (`65+`, `adult`) or
    /// when it implies no ages.
    public let upperBound: Double?

    /// Words that imply a photo of someone under 18.
    public static let childWords: Set<String> = [
        "child", "children", "childhood", "kid", "kids", "minor", "minors", "juvenile", "juveniles", "infant", "infants", "baby",
        "babies", "toddler", "toddlers", "preschool", "preschooler",
    ]
    /// Words that imply a photo of someone 18 or older.
    public static let adultWords: Set<String> = ["adult", "adults", "adulthood"]

    /// Reads a label (case and surrounding spaces do not matter).
    public init(_ text: String) {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
        let compact = words.joined().replacingDash()
        if let (lower, upper, label) = Self.numeric(compact) {
            self.label = label
            lowerBound = lower
            upperBound = upper
            return
        }
        label = words.joined(separator: " ")
        let tokens = Set(text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        let child = !tokens.isDisjoint(with: Self.childWords)
        let adult = !tokens.isDisjoint(with: Self.adultWords)
        let negated = tokens.contains("non") || tokens.contains("not")
        switch (child, adult, negated) {
        case (true, false, false): (lowerBound, upperBound) = (0, 18)
        case (false, true, false): (lowerBound, upperBound) = (18, nil)
        default: (lowerBound, upperBound) = (nil, nil)
        }
    }

    /// Whether every age the label covers is under 18 (`true`), none is (`false`), or the label straddles
    /// 18 or implies no ages (`nil`): `0-12`, `13-17`, `<18`, `child photo` → true; `18-29`, `65+`,
    /// `adult photo` → false; `10-19`, `10+`, `teen`, `group photo` → nil.
    public var isUnder18: Bool? {
        guard let lowerBound else { return nil }
        if let upperBound, upperBound <= 18 { return true }
        return lowerBound >= 18 ? false : nil
    }

    public var description: String { label }

    /// Younger first: labels that imply ages by their lower bound, then their upper bound (open-ended
    /// last), then their text; labels that imply no ages after all of them, in ``NaturalOrder``.
    public static func < (a: AgeBandLabel, b: AgeBandLabel) -> Bool {
        switch (a.lowerBound, b.lowerBound) {
        case (nil, nil): return a.label != b.label && NaturalOrder.less(a.label, b.label)
        case (nil, _): return false
        case (_, nil): return true
        case (let x?, let y?):
            if x != y { return x < y }
            let (u, v) = (a.upperBound ?? .infinity, b.upperBound ?? .infinity)
            if u != v { return u < v }
            return a.label != b.label && NaturalOrder.less(a.label, b.label)
        }
    }

    /// `(lower, upper exclusive, canonical label)` of a numeric form without spaces, or nil.
    private static func numeric(_ s: String) -> (Double, Double?, String)? {
        func years(_ t: Substring) -> Double? {
            guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let v = Double(t), v.isFinite, v <= 150 else {
                return nil
            }
            return v
        }
        func text(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
        if s.hasSuffix("+"), let a = years(s.dropLast()) { return (a, nil, text(a) + "+") }
        for prefix in ["<", "under"] where s.hasPrefix(prefix) {
            if let b = years(s.dropFirst(prefix.count)), b > 0 { return (0, b, "<" + text(b)) }
        }
        if let range = s.range(of: "-<"), let a = years(s[..<range.lowerBound]), let b = years(s[range.upperBound...]), a < b {
            return (a, b, text(a) + "-<" + text(b))
        }
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2, let a = years(parts[0]), let b = years(parts[1]), a <= b, a == a.rounded(), b == b.rounded() {
            return (a, b + 1, text(a) + "-" + text(b))
        }
        if parts.count == 1, let a = years(parts[0]), a == a.rounded() { return (a, a + 1, text(a)) }
        return nil
    }
}

extension String {
    /// En and em dashes as ASCII hyphens.
    fileprivate func replacingDash() -> String { String(map { $0 == "–" || $0 == "—" ? "-" : $0 }) }
}
