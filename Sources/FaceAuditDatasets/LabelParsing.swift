import FaceAuditFiles

/// Shared rules for turning manifest text into labels.
enum LabelParsing {
    /// Values that mean "not known".
    static var missingMarkers: Set<String> { CohortLabelRules.missingMarkers }

    /// The trimmed, lower-cased value, or `nil` when it marks a missing label.
    static func category(_ text: String) -> String? {
        let value = text.trimmingSpaces.lowercased()
        return missingMarkers.contains(value) ? nil : value
    }

    /// A cohort label (gender, ethnicity, age band), or `nil` when missing; refused, with one line naming
    /// the file, line and column, when ``CohortLabelRules/problem(_:)`` finds a problem with it.
    static func cohortLabel(_ field: CSVTable.Field, column: String) throws(ManifestError) -> String? {
        guard let value = category(field.value) else { return nil }
        if let problem = CohortLabelRules.problem(value) {
            throw ManifestError(.invalidValue, at: field.location, "\(column) \(shown(field.value)) \(problem)")
        }
        return value
    }

    /// ``CohortLabelRules/shown(_:)``.
    static func shown(_ value: String) -> String { CohortLabelRules.shown(value) }

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
