/// An attribute that splits a dataset into cohorts.
public enum CohortDimension: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Children (`under-18`) and adults (`18+`), derived from age (or an `age_band` label) by
    /// ``AgeGroup/isUnder18(_:)``; a mated pair by its mean age (``AgeGroup/pairIsUnder18(_:_:)``). Reported on
    /// its own, never intersected.
    case ageGroup = "age_group"
    /// Age band, from the image's age at capture (see ``AgeBands``), else its `age_band` label (see ``AgeBandLabel``).
    case ageBand = "age_band"
    /// Gender or sex as labeled.
    case gender
    /// Ethnicity or race as labeled.
    case ethnicity
    /// Skin-tone group on its instrument (Monk 1-3/4-6/7-10, Fitzpatrick I-III/IV-VI).
    case skinTone = "skin_tone"

    /// The value every image without this label gets.
    public static let unknown = "unknown"

    /// Parses a list such as `gender,ethnicity,age_band` (also accepts `age`, `race`, `sex`, and
    /// `children` for `age_group`).
    public static func parseList(_ text: String) throws(CohortError) -> [CohortDimension] {
        var result: [CohortDimension] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: " ").lowercased()
            let dimension: CohortDimension? =
                switch name {
                case "age", "age_band": .ageBand
                case "age_group", "children": .ageGroup
                case "gender", "sex": .gender
                case "ethnicity", "race": .ethnicity
                case "skin_tone", "skintone": .skinTone
                default: nil
                }
            guard let dimension else {
                throw CohortError("unknown cohort dimension \"\(name)\" (use age_group, age_band, gender, ethnicity, skin_tone)")
            }
            if !result.contains(dimension) { result.append(dimension) }
        }
        return result.sorted()
    }

    public static func < (lhs: CohortDimension, rhs: CohortDimension) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
