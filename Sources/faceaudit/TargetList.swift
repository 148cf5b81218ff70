import ArgumentParser
import FaceAuditCohorts

/// Parses comma-separated target rates such as `0.01,1e-3`.
enum TargetList {
    /// The rates, each in (0, 1).
    static func parse(_ text: String) throws(CohortError) -> [Double] {
        var targets: [Double] = []
        for part in text.split(separator: ",") {
            let item = part.trimmingCharacters(in: " ")
            guard let value = Double(item), value > 0, value < 1 else {
                throw CohortError("target rate \"\(item)\" must be a number between 0 and 1, e.g. 0.001 or 1e-4")
            }
            targets.append(value)
        }
        guard !targets.isEmpty else { throw CohortError("give at least one target rate") }
        return targets
    }

    /// The rates of `flag`; a usage error naming the flag when they do not parse.
    static func parse(_ text: String, flag: String) throws -> [Double] {
        do { return try parse(text) } catch { throw ValidationError("\(flag): \(error)") }
    }
}

extension TargetList {
    /// The fixed thresholds of repeated `--threshold` flags (each may also be comma-separated); `none`
    /// alone gives no threshold (the pipeline's default turned off).
    static func parseThresholds(_ values: [String]) throws -> [Double] {
        let items = values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: " ") } }
        if items.map({ $0.lowercased() }) == ["none"] { return [] }
        return try items.map { item in
            guard let value = Double(item), value.isFinite else {
                throw ValidationError("--threshold: \"\(item)\" is not a number; give a score such as 0.6, or none")
            }
            return value
        }
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
