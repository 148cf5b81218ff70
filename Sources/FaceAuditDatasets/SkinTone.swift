/// A skin-tone label on a named instrument.
///
/// Written in manifests as `monk:7` or `fitzpatrick:IV` (Roman or Arabic numerals), or as a bare value
/// with the scale in a `skin_tone_scale` column.
public struct SkinTone: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The instrument a skin-tone value is measured on.
    public enum Scale: String, Sendable, Hashable, Codable, CaseIterable {
        /// The Monk Skin Tone scale, 1 (lightest) to 10 (darkest).
        case monk
        /// The Fitzpatrick phototype scale, I to VI.
        case fitzpatrick

        /// The valid values.
        public var range: ClosedRange<Int> { self == .monk ? 1...10 : 1...6 }
    }

    /// The instrument.
    public let scale: Scale
    /// The value on that instrument (Fitzpatrick I–VI are stored as 1–6).
    public let value: Int

    /// Creates a label; `nil` when the value is outside the scale.
    public init?(scale: Scale, value: Int) {
        guard scale.range.contains(value) else { return nil }
        self.scale = scale
        self.value = value
    }

    /// Parses `monk:7`, `fitzpatrick:IV`, or a bare value with `defaultScale`.
    public init?(parsing text: String, defaultScale: Scale? = nil) {
        let trimmed = text.trimmingSpaces.lowercased()
        let scale: Scale
        let valueText: Substring
        if let colon = trimmed.firstIndex(of: ":") {
            guard let named = Scale(rawValue: String(trimmed[..<colon]).trimmingSpaces) else { return nil }
            scale = named
            valueText = trimmed[trimmed.index(after: colon)...]
        } else {
            guard let defaultScale else { return nil }
            scale = defaultScale
            valueText = Substring(trimmed)
        }
        let v = String(valueText).trimmingSpaces
        guard let value = Int(v) ?? (scale == .fitzpatrick ? Self.roman[v] : nil) else { return nil }
        self.init(scale: scale, value: value)
    }

    private static let roman = ["i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6]

    /// `monk:7` or `fitzpatrick:IV`.
    public var description: String {
        switch scale {
        case .monk: "monk:\(value)"
        case .fitzpatrick: "fitzpatrick:\(["I", "II", "III", "IV", "V", "VI"][value - 1])"
        }
    }
}
