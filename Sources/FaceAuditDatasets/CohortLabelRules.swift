import FaceAuditFiles

/// What a cohort label (a gender, an ethnicity, an age band) may hold, wherever it is read from: a
/// manifest column or a score file's `probe_<attribute>` and `reference_<attribute>` columns. One rule
/// for every input, so that no file can bring in a label that the others refuse.
public enum CohortLabelRules {
    /// Values that mean "not known" (compared trimmed and lower-cased).
    public static let missingMarkers: Set<String> = ["", "na", "n/a", "nan", "null", "none", "unknown", "?", "-"]

    /// The longest cohort label, in characters.
    public static let longest = 100

    /// Whether `text` marks a missing label.
    public static func isMissing(_ text: String) -> Bool { missingMarkers.contains(text.trimmingSpaces.lowercased()) }

    /// Why `value` (trimmed, not missing) cannot be a cohort label, as the end of a sentence that starts
    /// with the label (`contains ; or =, …`), or nil when it can. Refused:
    /// - `;` and `=` (and U+037E, canonically `;`): a cohort key is written `dimension=value;dimension=value`,
    ///   so a label holding them could pose as an intersection;
    /// - a label that would fuse with a separator beside it (one that begins with a combining mark or a
    ///   joiner, or ends with a character that joins the next, such as U+0600): `=` and the mark would be
    ///   one `Character`, and the key would no longer split where it was joined;
    /// - control characters (C0, C1, DEL, line and paragraph separators), which would reach the CSVs, the
    ///   report and the terminal as they are;
    /// - bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069),
    ///   which would reorder the report's sentences around the label;
    /// - more than ``longest`` characters: a label is a category's name, and the report's charts are
    ///   laid out around it.
    public static func problem(_ value: String) -> String? {
        // Scalar by scalar, with U+037E (Greek question mark), which is canonically the same character as
        // ";" and splits a key as one: Foundation's substring search, which found both, took 1.5% of a
        // 20,000-template run.
        if value.unicodeScalars.contains(where: { $0 == ";" || $0 == "=" || $0 == "\u{037E}" }) {
            return "contains ; or =, which cohort keys use as separators"
        }
        if let scalar = value.unicodeScalars.first(where: ErrorText.isControl) {
            return "contains the control character \(codePoint(scalar)); remove it"
        }
        if let scalar = value.unicodeScalars.first(where: ErrorText.isBidirectionalFormatting) {
            return "contains the bidirectional formatting character \(codePoint(scalar)), which would reorder the report's text"
        }
        guard ("=" + value).count == value.count + 1, (value + ";").count == value.count + 1 else {
            return
                "begins with a combining mark or joiner, or ends with a character that joins the next one, so cohort keys could not be split around it"
        }
        guard value.count <= longest else { return "is \(value.count) characters long; a cohort label has at most \(longest)" }
        return nil
    }

    /// `U+001B`.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// A value from an input file as an error message shows it: quoted, cut to its first 60 characters
    /// (with `…`), and printable (``ErrorText/printable(_:)``), so that the message stays one line.
    public static func shown(_ value: String) -> String {
        "\"" + ErrorText.printable(value.count > 60 ? String(value.prefix(60)) + "…" : value) + "\""
    }
}
