import FaceAuditDatasets

/// Children and adults: the values of the derived ``CohortDimension/ageGroup`` dimension, and the one
/// decision of whether a photo shows a child.
///
/// Every part of FaceAudit that asks "is this a child?" goes through ``isUnder18(_:)``: the image cohort
/// (``CohortScheme/value(_:of:)``), the pair cohort (``pairIsUnder18(_:_:)``) and so every count,
/// rate and sentence about children.
public enum AgeGroup {
    /// The value of photos of people under 18: `under-18`.
    public static let children = "under-18"
    /// The value of photos of people 18 or older: `18+`.
    public static let adults = "18+"

    /// Whether the person was under 18 when the photo was taken: `age < 18` from the photo's age in
    /// years; without an age, what its `age_band` label says (``AgeBandLabel/isUnder18``: `0-12`, `child
    /// photo` are under 18, `18-29`, `adult` are not, a band straddling 18 is unknown); `nil` when the photo
    /// has neither (unknown, never guessed).
    public static func isUnder18(_ labels: Labels) -> Bool? {
        if let age = labels.age { return age < 18 }
        return labels.ageBand.flatMap { AgeBandLabel($0).isUnder18 }
    }

    /// Whether a pair of photos (of one person) counts as a child's: NIST's convention, as for age bands,
    /// takes the mean of the two ages (so photos at 16 and 21 are an adult pair, mean 18.5). When either
    /// photo has no age, the pair is a child's or an adult's only if ``isUnder18(_:)`` says the same of
    /// both photos; otherwise `nil` (unknown).
    public static func pairIsUnder18(_ a: Labels, _ b: Labels) -> Bool? {
        if let x = a.age, let y = b.age { return isUnder18(Labels(age: (x + y) / 2)) }
        guard let p = isUnder18(a), let q = isUnder18(b), p == q else { return nil }
        return p
    }

    /// The cohort value of a decision: ``children``, ``adults``, or `unknown` for `nil`.
    public static func value(_ isUnder18: Bool?) -> String {
        switch isUnder18 {
        case true?: children
        case false?: adults
        case nil: CohortDimension.unknown
        }
    }

    /// The plain-language name of a value: `children (under 18)`, `adults (18 and over)`; others as given.
    public static func plainName(of value: String) -> String {
        switch value {
        case children: "children (under 18)"
        case adults: "adults (18 and over)"
        default: value
        }
    }
}
