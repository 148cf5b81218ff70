import FaceAuditDatasets
import Foundation

/// A benchmark description users commit next to their data (`faceaudit.toml` or `faceaudit.yaml`), so
/// that a run is one reproducible command: `faceaudit run --benchmark faceaudit.toml`.
///
/// The format is the flat subset of TOML: `key = value` lines with strings, numbers, booleans and
/// one-line arrays, and `#` comments; or, for a `.yaml`/`.yml` file, the same settings as a flat YAML
/// mapping (see `BenchmarkFile+YAML.swift`). Paths are relative to the file. Unknown keys are errors (a
/// typo must not silently change a benchmark).
///
/// ```toml
/// dataset = "manifest.csv"
/// out = "results/vendor-x"
/// pipeline = "external"                       # dlib | external | precomputed
/// embedder_command = ["python3", "embed.py"]
/// target_fmr = [0.01, 0.001]
/// watchlist = true
/// ```
public struct BenchmarkFile: Sendable {
    /// A parsed value.
    public enum Value: Sendable, Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case array([Value])
    }

    /// Every key the run understands.
    public static let keys: Set<String> = [
        "dataset", "out", "layout", "card", "dimensions", "age_bands", "target_fmr", "bootstrap", "seed", "min_subjects",
        "reference_cohort",
        "pipeline", "embedder_command", "embedder_version", "embeddings", "comparison", "upsample", "face_policy", "watchlist",
        "enrolled_share", "target_fpir", "school_size", "passes_per_day", "school_days", "watchlist_size", "tile_size",
        "exact_pair_limit",
    ]

    /// The values by key.
    public let values: [String: Value]
    /// The folder relative paths are resolved against.
    public let folder: String
    /// The file.
    public let file: String

    /// Reads and checks `path`.
    public init(path: String) throws(ManifestError) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ManifestError(.unreadable, path: path, "cannot read the benchmark file")
        }
        file = path
        folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let lowered = path.lowercased()
        var entries: [Entry] = []
        if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
            entries = try Self.yamlEntries(lines, file: path)
        } else {
            for (index, raw) in lines.enumerated() {
                var parser = LineParser(chars: Array(raw.unicodeScalars), file: path, line: index + 1)
                guard let (key, keyColumn, value) = try parser.parse() else { continue }
                entries.append(Entry(key: key, location: TextLocation(file: path, line: index + 1, column: keyColumn), value: value))
            }
        }
        var values: [String: Value] = [:]
        for entry in entries {
            guard Self.keys.contains(entry.key) else {
                throw ManifestError(
                    .invalidValue, at: entry.location, "unknown key \"\(entry.key)\" (known: \(Self.keys.sorted().joined(separator: ", ")))"
                )
            }
            guard values[entry.key] == nil else { throw ManifestError(.invalidValue, at: entry.location, "\"\(entry.key)\" is set twice") }
            values[entry.key] = entry.value
        }
        self.values = values
    }

    /// One `key = value` (TOML) or `key: value` (YAML) setting and where its key is.
    struct Entry {
        var key: String
        var location: TextLocation
        var value: Value
    }

    /// A string value.
    public func string(_ key: String) -> String? { if case .string(let s) = values[key] { return s } else { return nil } }
    /// A path value, resolved against the file's folder.
    public func path(_ key: String) -> String? {
        string(key).map { $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: folder).appendingPathComponent($0).path }
    }
    /// A number value.
    public func number(_ key: String) -> Double? { if case .number(let n) = values[key] { return n } else { return nil } }
    /// A boolean value.
    public func bool(_ key: String) -> Bool? { if case .bool(let b) = values[key] { return b } else { return nil } }
    /// An array of strings (a single string counts as one element).
    public func strings(_ key: String) -> [String]? {
        switch values[key] {
        case .array(let items): items.compactMap { if case .string(let s) = $0 { s } else { nil } }
        case .string(let s): [s]
        default: nil
        }
    }
    /// A list as the comma-separated text the command-line options take.
    public func list(_ key: String) -> String? {
        switch values[key] {
        case .array(let items):
            items.map { item -> String in
                switch item {
                case .string(let s): s
                case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : "\(n)"
                default: ""
                }
            }.joined(separator: ",")
        case .string(let s): s
        case .number(let n): "\(n)"
        default: nil
        }
    }

    private struct LineParser {
        let chars: [Unicode.Scalar]
        let file: String
        let line: Int
        var i = 0

        func fail(_ message: String) -> ManifestError {
            ManifestError(.invalidValue, at: TextLocation(file: file, line: line, column: i + 1), message)
        }

        mutating func skipSpace() { while i < chars.count, chars[i] == " " || chars[i] == "\t" || chars[i] == "\r" { i += 1 } }

        /// Nil for blank and comment lines.
        mutating func parse() throws(ManifestError) -> (String, Int, Value)? {
            skipSpace()
            guard i < chars.count, chars[i] != "#" else { return nil }
            let keyColumn = i + 1
            var key = ""
            while i < chars.count, chars[i].properties.isAlphabetic || chars[i].properties.numericType != nil || chars[i] == "_" {
                key.unicodeScalars.append(chars[i])
                i += 1
            }
            guard !key.isEmpty else { throw fail("expected a key (letters, digits, _)") }
            skipSpace()
            guard i < chars.count, chars[i] == "=" else { throw fail("expected = after \"\(key)\"") }
            i += 1
            skipSpace()
            let value = try parseValue()
            skipSpace()
            guard i == chars.count || chars[i] == "#" else { throw fail("unexpected text after the value") }
            return (key, keyColumn, value)
        }

        mutating func parseValue() throws(ManifestError) -> Value {
            guard i < chars.count else { throw fail("missing value") }
            switch chars[i] {
            case "\"":
                i += 1
                var s = ""
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count {
                        i += 1
                        switch chars[i] {
                        case "n": s.append("\n")
                        case "t": s.append("\t")
                        default: s.unicodeScalars.append(chars[i])
                        }
                    } else {
                        s.unicodeScalars.append(chars[i])
                    }
                    i += 1
                }
                guard i < chars.count else { throw fail("unterminated string") }
                i += 1
                return .string(s)
            case "[":
                i += 1
                var items: [Value] = []
                skipSpace()
                while i < chars.count, chars[i] != "]" {
                    items.append(try parseValue())
                    skipSpace()
                    if i < chars.count, chars[i] == "," {
                        i += 1
                        skipSpace()
                    } else if i < chars.count, chars[i] != "]" {
                        throw fail("expected , or ] in the array")
                    }
                }
                guard i < chars.count else { throw fail("unterminated array (arrays must fit on one line)") }
                i += 1
                return .array(items)
            default:
                var token = ""
                while i < chars.count, chars[i] != ",", chars[i] != "]", chars[i] != "#", chars[i] != " ", chars[i] != "\t" {
                    token.unicodeScalars.append(chars[i])
                    i += 1
                }
                if token == "true" { return .bool(true) }
                if token == "false" { return .bool(false) }
                guard let n = Double(token.replacingOccurrences(of: "_", with: "")) else {
                    throw fail("\"\(token)\" is not a string, number, boolean or array")
                }
                return .number(n)
            }
        }
    }
}
