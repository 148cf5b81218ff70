import FaceAuditFiles

/// Shared rules for turning manifest text into labels.
enum LabelParsing {
    /// Values that mean "not known".
    static let missingMarkers: Set<String> = ["", "na", "n/a", "nan", "null", "none", "unknown", "?", "-"]

    /// The trimmed, lower-cased value, or `nil` when it marks a missing label.
    static func category(_ text: String) -> String? {
        let value = text.trimmingSpaces.lowercased()
        return missingMarkers.contains(value) ? nil : value
    }

    /// A cohort label (gender, ethnicity, age band), or `nil` when missing. Refused, each with one line
    /// naming the file, line and column:
    /// - `;` and `=` (and U+037E, canonically `;`): a cohort key is written `dimension=value;dimension=value`,
    ///   so a label holding them could pose as an intersection;
    /// - a label that would fuse with a separator beside it (one that begins with a combining mark or a
    ///   joiner, or ends with a character that joins the next, such as U+0600): `=` and the mark would be
    ///   one `Character`, and the key would no longer split where it was joined;
    /// - control characters (C0, C1, DEL, line and paragraph separators), which would reach the CSVs, the
    ///   report and the terminal as they are;
    /// - bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069),
    ///   which would reorder the report's sentences around the label;
    /// - more than ``longestLabel`` characters: a label is a category's name, and the report's charts
    ///   are laid out around it.
    static func cohortLabel(_ field: CSVTable.Field, column: String) throws(ManifestError) -> String? {
        guard let value = category(field.value) else { return nil }
        func refuse(_ reason: String) -> ManifestError {
            ManifestError(.invalidValue, at: field.location, "\(column) \(shown(field.value)) \(reason)")
        }
        // Scalar by scalar, with U+037E (Greek question mark), which is canonically the same character as
        // ";" and splits a key as one: Foundation's substring search, which found both, took 1.5% of a
        // 20,000-template run.
        guard !value.unicodeScalars.contains(where: { $0 == ";" || $0 == "=" || $0 == "\u{037E}" }) else {
            throw refuse("contains ; or =, which cohort keys use as separators")
        }
        if let scalar = value.unicodeScalars.first(where: ErrorText.isControl) {
            throw refuse("contains the control character \(codePoint(scalar)); remove it")
        }
        if let scalar = value.unicodeScalars.first(where: ErrorText.isBidirectionalFormatting) {
            throw refuse("contains the bidirectional formatting character \(codePoint(scalar)), which would reorder the report's text")
        }
        guard ("=" + value).count == value.count + 1, (value + ";").count == value.count + 1 else {
            throw refuse(
                "begins with a combining mark or joiner, or ends with a character that joins the next one, so cohort keys could not be split around it"
            )
        }
        guard value.count <= longestLabel else {
            throw refuse("is \(value.count) characters long; a cohort label has at most \(longestLabel)")
        }
        return value
    }

    /// The longest cohort label, in characters.
    static let longestLabel = 100

    /// `U+001B`.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// A value from the manifest as an error message shows it: quoted, cut to its first 60 characters
    /// (with `…`), and printable (``ErrorText/printable(_:)``), so that the message stays one line.
    static func shown(_ value: String) -> String {
        "\"" + ErrorText.printable(value.count > 60 ? String(value.prefix(60)) + "…" : value) + "\""
    }

    /// Age in years, or `nil` when missing; a value that is not a plausible age is an error.
    static func age(_ field: CSVTable.Field) throws(ManifestError) -> Double? {
        guard let text = category(field.value) else { return nil }
        guard let age = Double(text), age.isFinite else {
            throw ManifestError(.invalidValue, at: field.location, "age \(shown(field.value)) is not a number of years")
        }
        guard (0...130).contains(age) else {
            throw ManifestError(.invalidValue, at: field.location, "age \(shown(field.value)) is outside 0–130 years")
        }
        return age
    }

    /// A capture date, or `nil` when missing; anything but ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD` is an error.
    static func captureDate(_ field: CSVTable.Field) throws(ManifestError) -> CaptureDate? {
        guard category(field.value) != nil else { return nil }
        guard let date = CaptureDate(parsing: field.value) else {
            throw ManifestError(
                .invalidValue, at: field.location,
                "capture_date \(shown(field.value)) is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD, a day that exists, optionally with a time such as T14:05:00)"
            )
        }
        return date
    }

    /// A skin-tone label, or `nil` when missing.
    static func skinTone(_ field: CSVTable.Field, scale: CSVTable.Field?) throws(ManifestError) -> SkinTone? {
        guard category(field.value) != nil else { return nil }
        var defaultScale: SkinTone.Scale?
        if let scale, let name = category(scale.value) {
            guard let parsed = SkinTone.Scale(rawValue: name) else {
                throw ManifestError(
                    .invalidValue, at: scale.location, "unknown skin-tone scale \(shown(scale.value)) (use monk or fitzpatrick)")
            }
            defaultScale = parsed
        }
        guard let tone = SkinTone(parsing: field.value, defaultScale: defaultScale) else {
            throw ManifestError(
                .invalidValue, at: field.location,
                "skin tone \(shown(field.value)) is not monk:1…10 or fitzpatrick:I…VI")
        }
        return tone
    }
}
