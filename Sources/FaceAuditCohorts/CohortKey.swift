/// A cohort: one value for each of one or more dimensions, e.g. `gender=female;ethnicity=black`.
///
/// Marginal cohorts have one dimension; intersections have several. Dimensions are always in
/// ``CohortDimension`` order so that equal cohorts have equal keys and the same text.
public struct CohortKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The dimension–value pairs, in dimension order.
    public let parts: [Part]

    /// One dimension's value.
    public struct Part: Sendable, Hashable, Codable {
        /// The dimension.
        public let dimension: CohortDimension
        /// Its value (`unknown` when the label is missing).
        public let value: String

        /// Creates a part.
        public init(_ dimension: CohortDimension, _ value: String) {
            self.dimension = dimension
            self.value = value
        }
    }

    /// Creates a key; parts are sorted into dimension order.
    public init(_ parts: [Part]) {
        self.parts = parts.sorted { $0.dimension < $1.dimension }
    }

    /// The dimensions, e.g. `[.gender, .ethnicity]`.
    public var dimensions: [CohortDimension] { parts.map(\.dimension) }

    /// True when any part is `unknown`.
    public var hasUnknown: Bool { parts.contains { $0.value == CohortDimension.unknown } }

    /// `gender=female;ethnicity=black`.
    public var description: String {
        parts.map { "\($0.dimension.rawValue)=\($0.value)" }.joined(separator: ";")
    }

    /// Orders by number of dimensions, then dimensions, then values.
    public static func < (lhs: CohortKey, rhs: CohortKey) -> Bool {
        if lhs.parts.count != rhs.parts.count { return lhs.parts.count < rhs.parts.count }
        for (a, b) in zip(lhs.parts, rhs.parts) {
            if a.dimension != b.dimension { return a.dimension < b.dimension }
            if a.value != b.value { return a.value < b.value }
        }
        return false
    }
}
