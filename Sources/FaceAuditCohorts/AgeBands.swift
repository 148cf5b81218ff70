/// Age bands as half-open intervals `[lower, next lower)`, the last open-ended.
///
/// The default keeps children apart, because error rates for children differ most:
/// `0-3, 4-7, 8-12, 13-17, 18-29, 30-49, 50-64, 65+`. Labels use ASCII hyphens so that CSV and JSON
/// consumers can match them; a band `[4, 8)` is labeled `4-7` (whole years).
public struct AgeBands: Sendable, Hashable, Codable {
    /// The lower bound of each band, strictly increasing, the first at least 0.
    public let lowerBounds: [Double]

    /// `0-3, 4-7, 8-12, 13-17, 18-29, 30-49, 50-64, 65+`.
    public static let standard = try! AgeBands(lowerBounds: [0, 4, 8, 13, 18, 30, 50, 65])

    /// Bands of years elapsed between two photos of one person (the age-gap protocol): `0-1, 2-4, 5-9, 10+`,
    /// each `[lower, next lower)`: 1.9 years is `0-1`, exactly 2 years is `2-4`.
    public static let yearsElapsed = try! AgeBands(lowerBounds: [0, 2, 5, 10])

    /// Creates bands from their lower bounds.
    public init(lowerBounds: [Double]) throws(CohortError) {
        guard let first = lowerBounds.first, first >= 0, lowerBounds.allSatisfy(\.isFinite) else {
            throw CohortError("age bands need at least one lower bound, the first 0 or more")
        }
        if let high = lowerBounds.first(where: { $0 > Self.oldest }) {
            throw CohortError("age band bound \(high) is above \(Int(Self.oldest)) years, the oldest age a label may have")
        }
        for (a, b) in zip(lowerBounds, lowerBounds.dropFirst()) where b <= a {
            throw CohortError("age band bounds must increase: \(Self.format(b)) follows \(Self.format(a))")
        }
        self.lowerBounds = lowerBounds
    }

    /// The highest bound a band may have: the oldest age a manifest accepts (130 years).
    public static let oldest = 130.0

    /// Parses `0,4,8,13,18,30,50,65` (lower bounds) or `0-3,4-7,…,65+` (labels as printed). A label's
    /// upper end must meet the next band (`4-7` before `8-12`): `0-3,4-7,65+` is refused, not read as a
    /// band 4-64; so is a negative bound (`-5`, which is not `5+`).
    public init(parsing text: String) throws(CohortError) {
        var bounds: [Double] = []
        var uppers: [(item: String, upper: Double)?] = []
        for part in text.split(separator: ",") {
            let item = part.trimmingCharacters(in: " ")
            guard !item.hasPrefix("-"), !item.hasPrefix("–") else {
                throw CohortError("age band \"\(item)\" is negative; ages start at 0 (write e.g. 0,4,8,13,18 or 0-3,4-7,8+)")
            }
            let pieces = item.split(whereSeparator: { $0 == "-" || $0 == "+" || $0 == "–" }).map(String.init)
            guard let value = pieces.first.flatMap(Double.init) else {
                throw CohortError("age band \"\(item)\" does not start with a number (write e.g. 0,4,8,13,18 or 0-3,4-7,8+)")
            }
            bounds.append(value)
            // "4-7" ends at 7 (the next band starts at 8); "4-<7.5" at 7.5.
            if pieces.count == 2 {
                let open = pieces[1].hasPrefix("<")
                guard let end = Double(open ? String(pieces[1].dropFirst()) : pieces[1]) else {
                    throw CohortError("age band \"\(item)\" does not end with a number (write e.g. 4-7)")
                }
                uppers.append((item, open ? end : end + 1))
            } else {
                uppers.append(nil)
            }
        }
        for (k, upper) in uppers.enumerated() {
            guard let upper else { continue }
            guard k + 1 < bounds.count, bounds[k + 1] == upper.upper else {
                let next =
                    k + 1 < bounds.count ? "the next band starts at \(Self.format(bounds[k + 1]))" : "it is the last band (write e.g. 65+)"
                throw CohortError("age band \"\(upper.item)\" does not meet the band after it: \(next)")
            }
        }
        try self.init(lowerBounds: bounds)
    }

    /// The labels of every band, youngest first.
    public var labels: [String] { lowerBounds.indices.map(label(ofBand:)) }

    /// The label of the band containing `age`; `nil` below the first bound.
    public func label(for age: Double) -> String? {
        guard let index = lowerBounds.lastIndex(where: { $0 <= age }) else { return nil }
        return label(ofBand: index)
    }

    /// True when every age in the band is under 18.
    public func isChildBand(_ label: String) -> Bool {
        guard let index = labels.firstIndex(of: label), index + 1 < lowerBounds.count else { return false }
        return lowerBounds[index + 1] <= 18
    }

    private func label(ofBand index: Int) -> String {
        let lower = lowerBounds[index]
        guard index + 1 < lowerBounds.count else { return Self.format(lower) + "+" }
        let upper = lowerBounds[index + 1]
        if lower == lower.rounded(), upper == upper.rounded() {
            return Self.format(lower) + "-" + Self.format(upper - 1)
        }
        return Self.format(lower) + "-<" + Self.format(upper)
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
