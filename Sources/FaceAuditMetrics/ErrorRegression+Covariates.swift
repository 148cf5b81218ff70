import Foundation

extension ErrorRegression {
    /// A categorical attribute (e.g. `gender`) and its levels, the reference level first.
    public struct Attribute: Sendable, Hashable, Codable {
        /// The attribute's name.
        public var name: String
        /// Its levels; `levels[0]` is the reference the odds ratios are read against.
        public var levels: [String]
        /// Levels left out for having fewer people than the analysis asks, or none in the fit (all without an
        /// age, such as `age_band=unknown`): their people's pairs are excluded; nil when none was.
        public var omitted: [String]?
        /// People per level in the false-match design, in `levels` order: those whose every attribute has a
        /// level there (and an age, when the design has ages) and who are in at least one of its pairs (not
        /// someone whose every photo failed); nil in results written before it existed.
        public var people: [Int]?

        /// An attribute with its reference level first.
        public init(name: String, levels: [String], omitted: [String]? = nil, people: [Int]? = nil) {
            self.name = name
            self.levels = levels
            self.omitted = omitted
            self.people = people
        }
    }

    /// The false-match design (one row per non-mated pair of two people a, b):
    /// - `intercept`;
    /// - per attribute, per non-reference level L: `attribute=L`, the number of the pair's two people in L
    ///   (0, 1 or 2), so exp(β) is the odds ratio per person of the pair in L rather than the reference;
    /// - per attribute: `same attribute`, 1 when both people have the same level;
    /// - with ``ageDifference``: `age difference`, |age(a) − age(b)| in years as given (the builders round
    ///   to whole years).
    ///
    /// The row is symmetric in a and b. Terms: each attribute's level columns together, each `same`
    /// column, the age difference.
    public struct FalseMatchDesign: Sendable, Hashable, Codable {
        /// The attributes, in column order.
        public var attributes: [Attribute]
        /// Whether the age difference is a column.
        public var ageDifference: Bool

        /// A design of `attributes` and, optionally, the age difference.
        public init(attributes: [Attribute], ageDifference: Bool) {
            self.attributes = attributes
            self.ageDifference = ageDifference
        }

        /// Column names.
        public var columns: [String] {
            var names = ["intercept"]
            for a in attributes { names += a.levels.dropFirst().map { "\(a.name)=\($0)" } }
            names += attributes.map { "same \($0.name)" }
            if ageDifference { names.append("age difference") }
            return names
        }

        /// The tested terms.
        public var terms: [ErrorRegressionTallies.Term] {
            var terms: [ErrorRegressionTallies.Term] = []
            var next = 1
            for a in attributes {
                terms.append(.init(name: a.name, columns: Array(next..<(next + a.levels.count - 1))))
                next += a.levels.count - 1
            }
            for a in attributes {
                terms.append(.init(name: "same \(a.name)", columns: [next]))
                next += 1
            }
            if ageDifference { terms.append(.init(name: "age difference", columns: [next])) }
            return terms
        }

        /// The row of two people given by their level index per attribute and their ages (ignored without
        /// ``ageDifference``).
        public func row(levels a: [Int], age ageA: Double, levels b: [Int], age ageB: Double) -> [Double] {
            var row = [1.0]
            for (k, attribute) in attributes.enumerated() {
                for level in 1..<max(1, attribute.levels.count) {
                    row.append(Double((a[k] == level ? 1 : 0) + (b[k] == level ? 1 : 0)))
                }
            }
            for k in attributes.indices { row.append(a[k] == b[k] ? 1 : 0) }
            if ageDifference { row.append(abs(ageA - ageB)) }
            return row
        }

        /// Empty tallies of this design, two-way clustered by person.
        public func tallies() -> ErrorRegressionTallies {
            ErrorRegressionTallies(columns: columns, terms: terms, clustering: .twoPeople)
        }
    }

    /// The false-non-match design (one row per mated pair of one person): `intercept`; `age at enrolment`
    /// (the younger photo's age, years); with ``yearsElapsed``: `years elapsed` between the photos; then one
    /// column per name of ``qualities`` (per-pair image-quality values, each the lower of the two photos').
    /// Each non-intercept column is its own term.
    public struct FalseNonMatchDesign: Sendable, Hashable, Codable {
        /// Whether years elapsed is a column.
        public var yearsElapsed: Bool
        /// The quality columns' names, in order.
        public var qualities: [String]

        /// Whether there is a quality column.
        public var quality: Bool { !qualities.isEmpty }

        /// A design with or without years elapsed and one quality column, named `quality`.
        public init(yearsElapsed: Bool, quality: Bool = false) {
            self.init(yearsElapsed: yearsElapsed, qualities: quality ? ["quality"] : [])
        }

        /// A design with or without years elapsed and the named quality columns.
        public init(yearsElapsed: Bool, qualities: [String]) {
            self.yearsElapsed = yearsElapsed
            self.qualities = qualities
        }

        /// Column names.
        public var columns: [String] {
            ["intercept", "age at enrolment"] + (yearsElapsed ? ["years elapsed"] : []) + qualities
        }

        /// The tested terms: every column but the intercept.
        public var terms: [ErrorRegressionTallies.Term] {
            columns.indices.dropFirst().map { ErrorRegressionTallies.Term(name: columns[$0], columns: [$0]) }
        }

        /// The row of a mated pair with at most one quality value (ignored without a quality column).
        public func row(enrolmentAge: Double, yearsElapsed elapsed: Double, quality q: Double = 0) -> [Double] {
            row(enrolmentAge: enrolmentAge, yearsElapsed: elapsed, qualities: quality ? [q] : [])
        }

        /// The row of a mated pair; `values` holds one value per quality column.
        public func row(enrolmentAge: Double, yearsElapsed elapsed: Double, qualities values: [Double]) -> [Double] {
            precondition(values.count == qualities.count, "one value per quality column")
            return [1, enrolmentAge] + (yearsElapsed ? [elapsed] : []) + values
        }

        /// Empty tallies of this design, clustered by person.
        public func tallies() -> ErrorRegressionTallies {
            ErrorRegressionTallies(columns: columns, terms: terms, clustering: .person)
        }
    }
}
