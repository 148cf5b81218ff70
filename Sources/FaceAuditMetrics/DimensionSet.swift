/// The dimensions a disaggregated result is over: one for a marginal cohort (`gender`), several for an
/// intersection (`age_band;gender`), none for the overall row.
///
/// Written (in JSON, CSV and the report) as the dimension names joined by `;`, as before it was a type.
public struct DimensionSet: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The dimension names, in the scheme's order.
    public let names: [String]

    /// A set of the named dimensions.
    public init(_ names: [String]) {
        self.names = names
    }

    /// Parses the written form (`age_band;gender`; empty for none).
    public init(stringLiteral text: String) {
        names = text.unicodeScalars.split(separator: ";").map(String.init)
    }

    /// Whether this is an intersection of two or more dimensions.
    public var isIntersection: Bool { names.count > 1 }

    /// The written form: the names joined by `;`.
    public var description: String { names.joined(separator: ";") }

    public init(from decoder: any Decoder) throws {
        self.init(stringLiteral: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
