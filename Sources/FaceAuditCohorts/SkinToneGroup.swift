import FaceAuditDatasets

/// Groups skin-tone labels into the bins reports use: Monk `1-3` (light), `4-6` (medium), `7-10` (dark);
/// Fitzpatrick `I-III` and `IV-VI`. The instrument stays in the value, so that bins from different
/// instruments are never merged.
public enum SkinToneGroup {
    /// The group label of a skin tone, e.g. `monk:7-10`.
    public static func label(for tone: SkinTone) -> String {
        switch tone.scale {
        case .monk:
            switch tone.value {
            case ...3: "monk:1-3"
            case 4...6: "monk:4-6"
            default: "monk:7-10"
            }
        case .fitzpatrick:
            tone.value <= 3 ? "fitzpatrick:I-III" : "fitzpatrick:IV-VI"
        }
    }

    /// The plain-language name of a group label, e.g. `dark (Monk 7-10)`.
    public static func plainName(of label: String) -> String {
        switch label {
        case "monk:1-3": "light (Monk 1-3)"
        case "monk:4-6": "medium (Monk 4-6)"
        case "monk:7-10": "dark (Monk 7-10)"
        case "fitzpatrick:I-III": "Fitzpatrick I-III"
        case "fitzpatrick:IV-VI": "Fitzpatrick IV-VI"
        default: label
        }
    }
}
