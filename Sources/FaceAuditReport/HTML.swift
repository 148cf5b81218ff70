import FaceAuditMetrics
import Foundation

/// Small helpers for writing HTML and SVG by hand.
enum HTML {
    /// Escapes text for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A rate as a percentage with sensible precision, e.g. `0.097%`.
    static func percent(_ x: Double?) -> String { x.map(Finding.percent) ?? "–" }

    /// "1 in N" wording for small rates.
    static func oneIn(_ x: Double?) -> String {
        guard let x, x.isFinite, x > 0 else { return "none" }
        return Finding.oneIn(x)
    }

    /// 20604 → "20,604".
    static func grouped(_ n: Int) -> String { n.grouped }

    /// A number with `digits` significant digits.
    static func number(_ x: Double?, _ digits: Int = 3) -> String {
        guard let x, x.isFinite else { return "–" }
        return String(format: "%.\(digits)g", x)
    }

    /// The colour-blind-safe palette (Okabe–Ito) used for cohorts.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
}
