/// Shared rules for turning manifest text into labels.
enum LabelParsing {
    /// Values that mean "not known".
    static let missingMarkers: Set<String> = ["", "na", "n/a", "nan", "null", "none", "unknown", "?", "-"]

    /// The trimmed, lower-cased value, or `nil` when it marks a missing label.
    static func category(_ text: String) -> String? {
        let value = text.trimmingSpaces.lowercased()
        return missingMarkers.contains(value) ? nil : value
    }

    /// A cohort label (gender, ethnicity), or `nil` when missing. `;` and `=` are refused: a cohort key is
    /// written `dimension=value;dimension=value`, so a label holding them could pose as an intersection.
    static func cohortLabel(_ field: CSVTable.Field, column: String) throws(ManifestError) -> String? {
        guard let value = category(field.value) else { return nil }
        // Scalar by scalar, with U+037E (Greek question mark), which is canonically the same character as
        // ";" and splits a key as one: Foundation's substring search, which found both, took 1.5% of a
        // 20,000-template run.
        guard !value.unicodeScalars.contains(where: { $0 == ";" || $0 == "=" || $0 == "\u{037E}" }) else {
            throw ManifestError(
                .invalidValue, at: field.location, "\(column) \"\(field.value)\" contains ; or =, which cohort keys use as separators")
        }
        return value
    }

    /// Age in years, or `nil` when missing; a value that is not a plausible age is an error.
    static func age(_ field: CSVTable.Field) throws(ManifestError) -> Double? {
        guard let text = category(field.value) else { return nil }
        guard let age = Double(text), age.isFinite else {
            throw ManifestError(.invalidValue, at: field.location, "age \"\(field.value)\" is not a number of years")
        }
        guard (0...130).contains(age) else {
            throw ManifestError(.invalidValue, at: field.location, "age \(field.value) is outside 0–130 years")
        }
        return age
    }

    /// A capture date, or `nil` when missing; anything but ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD` is an error.
    static func captureDate(_ field: CSVTable.Field) throws(ManifestError) -> CaptureDate? {
        guard category(field.value) != nil else { return nil }
        guard let date = CaptureDate(parsing: field.value) else {
            throw ManifestError(
                .invalidValue, at: field.location,
                "capture_date \"\(field.value)\" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD, a day that exists, optionally with a time such as T14:05:00)"
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
                    .invalidValue, at: scale.location, "unknown skin-tone scale \"\(scale.value)\" (use monk or fitzpatrick)")
            }
            defaultScale = parsed
        }
        guard let tone = SkinTone(parsing: field.value, defaultScale: defaultScale) else {
            throw ManifestError(
                .invalidValue, at: field.location,
                "skin tone \"\(field.value)\" is not monk:1…10 or fitzpatrick:I…VI")
        }
        return tone
    }
}
