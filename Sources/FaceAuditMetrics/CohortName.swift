/// A cohort's name as every output writes it: `dimension=value` parts joined by `;`
/// (`gender=female;ethnicity=black`), or a bare label for a part without `=`.
///
/// Split on Unicode scalars, never on `Character`s: a `;` or `=` followed by a combining mark is one
/// `Character` and would not split. The inputs refuse labels that would fuse with a separator
/// (`CohortLabelRules` in FaceAuditDatasets), so the two ways agree on every name a run makes; this way
/// is right even for one they do not.
public enum CohortName {
    /// One part of a name: its dimension and its value, or the whole part as `dimension` with a nil
    /// `value` when it has no `=`.
    public struct Part: Sendable, Hashable {
        /// The dimension (`gender`), or the whole part when it has no `=`.
        public let dimension: String
        /// The value (`female`), split at the first `=`; nil without one.
        public let value: String?
    }

    /// The parts of `cohort`, in order; an empty name has none (empty parts are kept between two `;`).
    public static func parts(_ cohort: String) -> [Part] {
        guard !cohort.isEmpty else { return [] }
        return cohort.unicodeScalars.split(separator: ";", omittingEmptySubsequences: false).map { part in
            guard let eq = part.firstIndex(of: "=") else { return Part(dimension: String(part), value: nil) }
            return Part(dimension: String(part[..<eq]), value: String(part[part.index(after: eq)...]))
        }
    }

    /// The value of every part (the part itself when it has no `=`), in order:
    /// `gender=female;ethnicity=black` → `["female", "black"]`.
    public static func values(_ cohort: String) -> [String] { parts(cohort).map { $0.value ?? $0.dimension } }
}
