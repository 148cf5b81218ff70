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
    static func percent(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        if x == 0 { return "0%" }
        let p = x * 100
        if p >= 10 { return String(format: "%.0f%%", p) }
        if p >= 1 { return String(format: "%.1f%%", p) }
        if p >= 0.1 { return String(format: "%.2f%%", p) }
        return String(format: "%.2g%%", p)
    }

    /// "1 in N" wording for small rates.
    static func oneIn(_ x: Double?) -> String {
        guard let x, x.isFinite, x > 0 else { return "none" }
        let n = 1 / x
        if n < 10 { return String(format: "1 in %.1f", n) }
        return "1 in " + grouped(Int(n.rounded()))
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
