import FaceAuditDatasets
import FaceAuditFiles
import Foundation
import TOMLKit
import Yams

/// Benchmark files: the settings of a run committed next to the data, so that a run is one command
/// (`faceaudit run --benchmark faceaudit.toml`).
///
/// Three formats decode into the same ``RunConfiguration``, chosen by extension: TOML (`.toml`, read by
/// TOMLKit), YAML (`.yaml`/`.yml`, read by Yams) and JSON (`.json`, what `slurm submit` writes). The keys
/// are ``RunConfiguration/CodingKeys`` at the top level of the document:
///
/// ```toml
/// dataset = "manifest.csv"                     # paths are relative to this file
/// out = "results/vendor-x"
/// pipeline = "external"                        # dlib | external | precomputed
/// embedder_command = ["python3", "embed.py"]
/// target_fmr = [0.01, 0.001]
/// watchlist = true
/// ```
///
/// An unknown key is an error naming its line and column and the nearest valid key (a typo must not
/// silently change a benchmark); so is a key set twice, a value of the wrong type, and any syntax error.
extension RunConfiguration {
    /// The formats a benchmark file may have.
    public enum FileFormat: String, Sendable, CaseIterable {
        case toml, yaml, json

        /// The format of `path` by its extension (TOML unless `.yaml`, `.yml` or `.json`).
        public init(path: String) {
            let lowered = path.lowercased()
            if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
                self = .yaml
            } else if lowered.hasSuffix(".json") {
                self = .json
            } else {
                self = .toml
            }
        }
    }

    /// Reads the benchmark file at `path`; relative paths in it are resolved against its folder.
    /// - Throws: ``RunError``: `noInput` when the file cannot be read, `configuration` (naming file, line
    ///   and column where known) when it does not decode.
    public static func load(path: String) throws(RunError) -> RunConfiguration {
        let data: Data
        do { data = try InputFile.read(path) } catch {
            throw RunError(.noInput, "\(path): cannot read the benchmark file: \(error.reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RunError(.configuration, "\(path): the benchmark file is not UTF-8 text")
        }
        let configuration = try decode(text, format: FileFormat(path: path), file: path)
        return configuration.resolvingPaths(against: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Whether any path setting is relative (it then depends on the folder the run started in).
    public var hasRelativePaths: Bool {
        Self.pathKeys.contains { self[keyPath: $0].map { !$0.isEmpty && !$0.hasPrefix("/") } ?? false }
    }

    /// The settings with every relative path (dataset, out, card, scores, models, embeddings, cache) made
    /// absolute against `folder`.
    public func resolvingPaths(against folder: String) -> RunConfiguration {
        var configuration = self
        for key in Self.pathKeys {
            if let value = configuration[keyPath: key], !value.isEmpty, !value.hasPrefix("/") {
                configuration[keyPath: key] = URL(fileURLWithPath: folder).appendingPathComponent(value).path
            }
        }
        return configuration
    }

    /// Decodes a benchmark document; `file` names it in errors. Paths are left as written.
    public static func decode(_ text: String, format: FileFormat, file: String) throws(RunError) -> RunConfiguration {
        for (index, line) in lines(text).enumerated() {
            if let nul = line.firstIndex(of: "\u{0}") {
                let column = line.distance(from: line.startIndex, to: nul) + 1
                throw RunError(.configuration, "\(TextLocation(file: file, line: index + 1, column: column)): a NUL byte in a text file")
            }
        }
        let keys: [KeyPlace]
        let decodeDocument: () throws -> RunConfiguration
        switch format {
        case .toml:
            try refuseDeepKeys(text, file: file)
            try refuseNamelessHeaders(text, file: file)
            try refuseBraceAsArrayValue(text, file: file)
            let table: TOMLTable
            do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
                let at = TextLocation(file: file, line: error.source.begin.line, column: error.source.begin.column)
                throw RunError(.configuration, "\(at): \(error.description)")
            } catch {
                throw RunError(.configuration, "\(file): \(error)")
            }
            keys = table.keys.map { KeyPlace(key: $0, location: tomlLocation(of: $0, in: text, file: file)) }
            decodeDocument = { try TOMLDecoder().decode(RunConfiguration.self, from: table) }
        case .yaml:
            let node: Node?
            do { node = try Yams.compose(yaml: text) } catch {
                throw RunError(.configuration, "\(yamlLocation(of: error, file: file, text: text)): \(yamlProblem(error))")
            }
            guard let node else { return RunConfiguration() }
            guard let mapping = node.mapping else {
                throw RunError(.configuration, "\(file): a benchmark file is a mapping of settings (key: value lines)")
            }
            var places: [KeyPlace] = []
            for key in mapping.keys {
                let location = TextLocation(file: file, line: key.mark?.line ?? 1, column: key.mark?.column ?? 1)
                // An alias or a collection as a key is never a setting; it is not expanded (it may be huge).
                guard case .scalar(let scalar) = key else {
                    throw RunError(.configuration, "\(location): a setting's name must be a plain word, e.g. bootstrap")
                }
                places.append(KeyPlace(key: scalar.string, location: location))
            }
            keys = places
            decodeDocument = { try decodeCoreSchema(mapping, file: file) }
        case .json:
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
                if let syntax = JSONSyntax.firstError(in: Data(text.utf8)) {
                    let at = TextLocation(file: file, line: syntax.line, column: syntax.column)
                    throw RunError(.configuration, "\(at): not valid JSON: \(syntax.problem)")
                }
                let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
                throw RunError(.configuration, "\(file): not valid JSON (\(detail))")
            }
            guard let dictionary = object as? [String: Any] else {
                throw RunError(.configuration, "\(file): a benchmark file is an object of settings")
            }
            keys = dictionary.keys.sorted().map { KeyPlace(key: $0, location: jsonLocation(of: $0, in: text, file: file)) }
            decodeDocument = { try JSONDecoder().decode(RunConfiguration.self, from: Data(text.utf8)) }
        }
        try checkKeys(keys, format: format, text: text, file: file)
        let configuration: RunConfiguration
        do { configuration = try decodeDocument() } catch let error as DecodingError {
            throw RunError(.configuration, describe(error, keys: keys, file: file))
        } catch let error as RunError {
            throw error
        } catch {
            throw RunError(.configuration, "\(file): \(error)")
        }
        try refuseNul(configuration, keys: keys, file: file)
        return configuration
    }

    /// A NUL written as an escape in a JSON or YAML string (`"o\u0000x"`, `"o\0x"`) survives decoding, and a
    /// path holding one would name another file (Foundation writes it `%00`); no setting can hold one, so the
    /// key is refused at its place. (TOML's are refused before parsing, at the escape.)
    private static func refuseNul(_ configuration: RunConfiguration, keys: [KeyPlace], file: String) throws(RunError) {
        guard let data = try? configuration.json(), let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            let texts = (value as? [String]) ?? (value as? String).map { [$0] } ?? []
            guard texts.contains(where: { $0.unicodeScalars.contains("\u{0}") }) else { continue }
            throw nulInString(at: "\(keys.first { $0.key == key }?.location.description ?? file): \(key)")
        }
    }

    /// The refusal of a NUL character escaped in a string, at `place`: `file:line:column: key` for JSON and
    /// YAML (found after decoding, at its key), `file:line:column` of the escape for TOML (found before).
    private static func nulInString(at place: String) -> RunError {
        RunError(.configuration, "\(place): a NUL character (\\u0000) in a string; no setting can hold one, remove it")
    }

    /// Decodes a YAML benchmark by the YAML 1.2 core schema's numbers and booleans rather than the YAML 1.1 ones
    /// Yams reads: `020` is twenty (YAML 1.1: octal sixteen), and base-60 (`1:30`), binary (`0b101`) and digit
    /// groups (`1_000`) are text, so a number setting given one is refused; the only booleans are `true`,
    /// `True`, `TRUE`, `false`, `False` and `FALSE`, so `yes`, `no`, `on`, `off` (any case) and other cases of
    /// true and false are text too. Such a plain value is made a quoted one, which a text setting reads as
    /// written (`embedder_version: 020` stays "020"); a number setting refuses it, and is then given a
    /// leading-zero one in decimal; a boolean setting refuses it at its place in `file`, saying to write true or
    /// false (a ``RunError``).
    private static func decodeCoreSchema(_ mapping: Node.Mapping, file: String) throws -> RunConfiguration {
        var pairs = Array(mapping)
        var decimals: [String: (index: Int, value: Node)] = [:]
        var booleans: [String: Node.Scalar] = [:]
        for (index, (key, value)) in pairs.enumerated() {
            guard case .scalar(var scalar) = value, scalar.style == .plain || scalar.style == .any else { continue }
            if isYAML11OnlyBoolean(scalar.string) {
                if let name = key.scalar?.string { booleans[name] = scalar }
                // Its tag was resolved (as a boolean) when it was read: it is given a text one.
                pairs[index].value = .scalar(Node.Scalar(scalar.string, Tag(.str), .singleQuoted, scalar.mark))
            } else if let number = YAML11Number(scalar.string) {
                if case .leadingZeros(let decimal) = number, let name = key.scalar?.string {
                    decimals[name] = (index, .scalar(Node.Scalar(decimal, .implicit, .plain, scalar.mark)))
                }
                scalar.style = .singleQuoted
                pairs[index].value = .scalar(scalar)
            }
        }
        while true {
            let document = Node.mapping(Node.Mapping(pairs.map { ($0.key, $0.value) }, mapping.tag, mapping.style, mapping.mark))
            do {
                return try YAMLDecoder().decode(RunConfiguration.self, from: document)
            } catch DecodingError.typeMismatch(let type, let context) {
                guard let key = context.codingPath.first?.stringValue else { throw DecodingError.typeMismatch(type, context) }
                if type == Bool.self, let written = booleans[key] {
                    let at = TextLocation(file: file, line: written.mark?.line ?? 1, column: written.mark?.column ?? 1)
                    throw RunError(
                        .configuration,
                        "\(at): \(key): \(written.string) is not a boolean in YAML 1.2 (YAML 1.1 read it as one); write true or false")
                }
                // A number setting refused the quoted value: it gets the decimal one (tried once a key).
                guard let decimal = decimals.removeValue(forKey: key) else { throw DecodingError.typeMismatch(type, context) }
                pairs[decimal.index].value = decimal.value
            }
        }
    }

    /// Whether `text`, a plain YAML scalar, is a boolean to YAML 1.1 (and Yams, which ignores case: `yes`, `no`,
    /// `on`, `off`, `true`, `false`) but not to the YAML 1.2 core schema (`true`, `True`, `TRUE`, `false`,
    /// `False`, `FALSE`).
    static func isYAML11OnlyBoolean(_ text: String) -> Bool {
        ["true", "false", "yes", "no", "on", "off"].contains(text.lowercased())
            && !["true", "True", "TRUE", "false", "False", "FALSE"].contains(text)
    }

    /// A plain YAML scalar that only YAML 1.1 (Yams) reads as a number.
    enum YAML11Number: Equatable {
        /// A whole number with leading zeros (YAML 1.1: octal), and the same digits in decimal without them.
        case leadingZeros(decimal: String)
        /// Base 60, binary or digit groups, which the YAML 1.2 core schema reads as text.
        case text

        /// The kind of `text`, or nil when YAML 1.1 and 1.2 read it alike.
        init?(_ text: String) {
            let sign = text.first == "-" || text.first == "+" ? String(text.prefix(1)) : ""
            let unsigned = text.dropFirst(sign.count)
            guard let first = unsigned.first, first.isASCII, first.isNumber else { return nil }
            if unsigned.count > 1, first == "0", unsigned.allSatisfy({ $0.isASCII && $0.isNumber }) {
                let trimmed = unsigned.drop { $0 == "0" }
                self = .leadingZeros(decimal: (sign == "-" ? "-" : "") + (trimmed.isEmpty ? "0" : String(trimmed)))
                return
            }
            let lowered = unsigned.lowercased()
            let binary = lowered.hasPrefix("0b") && lowered.dropFirst(2).allSatisfy { "01_".contains($0) }
            let numberShaped = unsigned.allSatisfy { $0.isASCII && ($0.isHexDigit || "._:xo".contains($0.lowercased())) }
            guard binary || (numberShaped && (unsigned.contains("_") || unsigned.contains(":"))) else { return nil }
            self = .text
        }
    }

    /// The document as pretty JSON with sorted keys (what `slurm submit` writes and partials store).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Every key a benchmark file may set.
    public static var validKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// A top-level key and where it is written.
    struct KeyPlace {
        var key: String
        var location: TextLocation
    }

    /// Unknown keys (with the nearest valid one) and, in TOML, keys set twice.
    private static func checkKeys(_ keys: [KeyPlace], format: FileFormat, text: String, file: String) throws(RunError) {
        let valid = Set(validKeys)
        for place in keys.sorted(by: { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) })
        where !valid.contains(place.key) {
            var hint = ""
            if place.key.count <= 64, let nearest = nearestKey(to: place.key) { hint = " (did you mean \"\(nearest)\"?)" }
            let shown = place.key.count <= 64 ? place.key : String(place.key.prefix(64)) + "…"
            throw RunError(.configuration, "\(place.location): unknown key \"\(shown)\"\(hint)")
        }
        if format == .yaml {
            var seen: Set<String> = []
            for place in keys.sorted(by: { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }) {
                guard seen.insert(place.key).inserted else {
                    throw RunError(.configuration, "\(place.location): \"\(place.key)\" is set twice")
                }
            }
        }
    }

    /// The valid key closest to `key` by edit distance, when it is close enough to be a typo.
    public static func nearestKey(to key: String) -> String? {
        let scored = validKeys.map { ($0, editDistance(key.lowercased(), $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, best.count / 3) else { return nil }
        return best
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    /// Settings are top-level keys; toml++ parses a dotted key or table header recursively, one level a
    /// segment, and a hostile file with 100,000 segments overflows the stack. Such a key can never be a
    /// setting, so a key or header of more than 16 segments is refused before parsing.
    private static func refuseDeepKeys(_ text: String, file: String) throws(RunError) {
        for (index, line) in lines(text).enumerated() {
            // The key of a `key = value` line, or the name in a `[table]` header; not values (a long list
            // of decimals on a continuation line holds many dots).
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            var keyPart = trimmed.prefix { $0 != "=" && $0 != "#" }
            if trimmed.hasPrefix("[") {
                keyPart = trimmed.prefix { $0 != "]" && $0 != "#" }
                if keyPart.contains(",") { continue }  // a row of a multi-line array
            } else if keyPart.contains(",") {
                continue  // a continuation line of a multi-line array
            }
            if keyPart.filter({ $0 == "." }).count > 16 {
                throw RunError(
                    .configuration,
                    "\(TextLocation(file: file, line: index + 1, column: 1)): a key nested more than 16 deep; settings are top-level keys")
            }
        }
    }

    /// toml++ asserts (aborting the process) instead of failing when a table header's name starts with
    /// anything but a bare-key character (`A-Z a-z 0-9 _ -`), a quote or the `]` it reports itself, e.g.
    /// `[.`, `[#` or a lone `[`. Such a line is refused first, at its line and column. A row of a
    /// multi-line array that opens a nested array the same way (`[ +1 ]`, `[{…}]`), or a line of a multi-line
    /// string that starts so, is refused too: no setting takes a nested array or a multi-line string.
    private static func refuseNamelessHeaders(_ text: String, file: String) throws(RunError) {
        // Unicode scalars, not Characters: "[" followed by a combining mark is one Character that is not "[", and
        // toml++ (which reads bytes) still sees a header there (a fuzz finding).
        for (index, line) in lines(text).enumerated() {
            let scalars = line.unicodeScalars
            // toml++ skips a byte-order mark at the start of the file, so a header may follow one.
            let trimmed = scalars.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            guard trimmed.first == "[" else { continue }
            let afterBrackets = trimmed.dropFirst(trimmed.starts(with: ["[", "["]) ? 2 : 1)
            let name = afterBrackets.drop { $0 == " " || $0 == "\t" }
            let allowed: [ClosedRange<Unicode.Scalar>] = [
                "A"..."Z", "a"..."z", "0"..."9", "_"..."_", "-"..."-", "'"..."'", "\""..."\"", "]"..."]",
            ]
            if let first = name.first, allowed.contains(where: { $0.contains(first) }) { continue }
            let column = scalars.count - name.count + 1
            throw RunError(
                .configuration,
                "\(TextLocation(file: file, line: index + 1, column: column)): a table header must start with a name (letters, digits, _ "
                    + "or -, or a quoted name)")
        }
    }

    /// toml++ asserts (aborting the process) instead of failing when an array holds a `}` where a value
    /// should start: after its `[` or after a comma, whitespace, newlines and comments apart (`x = [1,}`).
    /// That is never valid TOML (nor is `,}` in an inline table), so it is refused first, at its line and
    /// column. So is any character outside ASCII, or an ASCII control other than tab, CR and LF, outside strings
    /// and comments (TOML allows none there; toml++ asserts on some). Strings (basic, literal, multi-line) and
    /// comments are skipped, so what is inside them is not seen, except a NUL escape (`\u0000`) in a basic
    /// string: toml++ would cut the string short there (`out = "o\u0000x"` wrote to `o`).
    private static func refuseBraceAsArrayValue(_ text: String, file: String) throws(RunError) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var line = 1
        var column = 1
        var previous: Unicode.Scalar?  // the last scalar outside strings, comments and white space
        func advance(_ count: Int = 1) {
            for _ in 0..<count where i < scalars.count {
                if scalars[i] == "\n" { (line, column) = (line + 1, 1) } else { column += 1 }
                i += 1
            }
        }
        func starts(_ quote: Unicode.Scalar, times: Int) -> Bool {
            i + times <= scalars.count && scalars[i..<(i + times)].allSatisfy { $0 == quote }
        }
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "#":
                while i < scalars.count, scalars[i] != "\n" { advance() }
            case "\"", "'":
                let length = starts(c, times: 3) ? 3 : 1
                advance(length)
                while i < scalars.count, !starts(c, times: length), length == 3 || scalars[i] != "\n" {
                    if c == "\"" && scalars[i] == "\\" {
                        // toml++ hands strings over as C strings: one holding a NUL would end there.
                        if isNulEscape(scalars[(i + 1)...]) {
                            throw nulInString(at: TextLocation(file: file, line: line, column: column).description)
                        }
                        advance(2)
                    } else {
                        advance()
                    }
                }
                advance(length)
                previous = c
            case " ", "\t", "\r", "\n":
                advance()
            case "\u{FEFF}" where i == 0:  // a byte-order mark, which toml++ skips
                advance()
            case _ where c.value >= 0x80 || c.value < 0x20 || c.value == 0x7F:
                // Outside strings and comments TOML allows only ASCII; toml++ asserts on some Unicode spaces there
                // (U+0085 after '[' aborted it: a fuzz finding), so none reaches it.
                let code = "U+" + String(c.value, radix: 16, uppercase: true).leftPadded(to: 4)
                throw RunError(
                    .configuration,
                    "\(TextLocation(file: file, line: line, column: column)): character \(code) outside a string or comment; "
                        + "TOML allows only ASCII there")
            default:
                if c == "}", previous == "[" || previous == "," {
                    throw RunError(
                        .configuration, "\(TextLocation(file: file, line: line, column: column)): expected a value or ']', saw '}'")
                }
                previous = c
                advance()
            }
        }
    }

    /// Whether `rest`, what follows a backslash in a basic string, makes it the escape of a NUL (`u0000`,
    /// `U00000000`).
    private static func isNulEscape(_ rest: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let kind = rest.first, kind == "u" || kind == "U" else { return false }
        let digits = rest.dropFirst().prefix(kind == "u" ? 4 : 8)
        return digits.count == (kind == "u" ? 4 : 8) && digits.allSatisfy { $0 == "0" }
    }

    /// Where a top-level TOML key is written (TOMLKit keeps no positions): the first line that assigns it
    /// before any table header; line 1, column 1 if none does (e.g. a quoted key).
    private static func tomlLocation(of key: String, in text: String, file: String) -> TextLocation {
        for (index, line) in lines(text).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("[") { break }
            let column = line.count - trimmed.count + 1
            for candidate in [key, "\"\(key)\"", "'\(key)'"] where trimmed.hasPrefix(candidate) {
                let rest = trimmed.dropFirst(candidate.count).drop { $0 == " " || $0 == "\t" }
                if rest.hasPrefix("=") || rest.hasPrefix(".") {
                    return TextLocation(file: file, line: index + 1, column: column)
                }
            }
        }
        return TextLocation(file: file, line: 1, column: 1)
    }

    /// The lines of `text`, split at LF or CRLF (a CRLF is one `Character` in Swift).
    static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    /// Where a top-level JSON key is first written; line 1, column 1 if it cannot be found.
    private static func jsonLocation(of key: String, in text: String, file: String) -> TextLocation {
        let quoted = "\"\(key)\""
        for (index, line) in lines(text).enumerated() {
            guard let range = line.range(of: quoted) else { continue }
            if line[range.upperBound...].drop(while: { $0 == " " || $0 == "\t" }).hasPrefix(":") {
                return TextLocation(file: file, line: index + 1, column: line.distance(from: line.startIndex, to: range.lowerBound) + 1)
            }
        }
        return TextLocation(file: file, line: 1, column: 1)
    }

    /// The place of a Yams error.
    private static func yamlLocation(of error: any Error, file: String, text: String) -> String {
        if let error = error as? YamlError {
            switch error {
            case .duplicatedKeysInMapping(let duplicates, _):
                // Yams marks the first occurrence; the second is the mistake.
                var seen = 0
                for (index, line) in lines(text).enumerated() {
                    if let key = duplicates.first, line.hasPrefix(key + ":") {
                        seen += 1
                        if seen == 2 { return TextLocation(file: file, line: index + 1, column: 1).description }
                    }
                }
                return file
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
                return TextLocation(file: file, line: mark.line, column: mark.column).description
            default: break
            }
        }
        return file
    }

    /// The problem of a Yams error, in one line.
    private static func yamlProblem(_ error: any Error) -> String {
        if let error = error as? YamlError {
            switch error {
            case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
                .composer(let context, let problem, _, _):
                return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            case .duplicatedKeysInMapping(let duplicates, _):
                return duplicates.map { "\"\($0)\" is set twice" }.joined(separator: "; ")
            default: break
            }
        }
        return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    }

    /// A decoding error as `file:line:column: key: problem`.
    private static func describe(_ error: DecodingError, keys: [KeyPlace], file: String) -> String {
        let path: [any CodingKey]
        let problem: String
        switch error {
        case .typeMismatch(let type, let context):
            path = context.codingPath
            problem =
                typeName(type).map { "expected \($0) (\(context.debugDescription))" }
                ?? "has the wrong kind of value (\(context.debugDescription))"
        case .valueNotFound(_, let context):
            path = context.codingPath
            problem = "has no value (null); leave the key out for the default"
        case .keyNotFound(let key, let context):
            // TOMLKit reports a value of the wrong type as a missing key of that type.
            path = context.codingPath.isEmpty ? [key] : context.codingPath
            problem = keys.contains { $0.key == key.stringValue } ? "has the wrong type (\(context.debugDescription))" : "missing"
        case .dataCorrupted(let context):
            path = context.codingPath
            problem = context.debugDescription
        @unknown default:
            return "\(file): \(error)"
        }
        guard let first = path.first else { return "\(file): \(problem)" }
        let place = keys.first { $0.key == first.stringValue }?.location.description ?? file
        var allowed = ""
        if let key = CodingKeys(stringValue: first.stringValue), let values = allowedValues(key) {
            allowed = "; one of: \(values.joined(separator: ", "))"
        }
        return "\(place): \(first.stringValue): \(problem)\(allowed)"
    }

    /// The values an enumerated setting takes.
    private static func allowedValues(_ key: CodingKeys) -> [String]? {
        switch key {
        case .layout: DatasetLayout.allCases.map(\.rawValue)
        case .pipeline: Pipeline.allCases.map(\.rawValue)
        case .facePolicy: FacePolicy.allCases.map(\.rawValue)
        case .comparison: Comparison.allCases.map(\.rawValue)
        case .phase: ShardPhase.allCases.map(\.rawValue)
        case .dimensions: ["age_band", "gender", "ethnicity", "skin_tone"]
        default: nil
        }
    }

    private static func typeName(_ type: Any.Type) -> String? {
        switch type {
        case is Int.Type, is UInt64.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default:
            let name = "\(type)"
            if name.contains("Array") { return "a list" }
            if name.contains("Dictionary") || name.contains("Table") { return "a table" }
            return nil
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
