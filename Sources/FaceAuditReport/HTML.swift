import FaceAuditFiles
import FaceAuditMetrics
import Foundation

/// Small helpers for writing HTML and SVG by hand.
enum HTML {
    /// Escapes text for HTML content and attribute values, scalar by scalar: a quote or `<` followed by a
    /// combining mark is one `Character` but still a quote or `<` to an HTML parser (a label such as
    /// `x"\u{301} onmouseover=…` would otherwise close an attribute and add one).
    ///
    /// Control characters but line feeds and tabs, and bidirectional formatting characters, are written as
    /// visible text (`\u{202E}`), as error lines write them (`ErrorText.printable`): labels cannot hold
    /// them, but paths and command lines shown in the report (`--out`, a run folder's name) can, and U+202E
    /// would reverse the text around it.
    static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            switch c {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "\n", "\t": out.append(c)
            default: if let shown = ErrorText.shown(c) { out.append(contentsOf: shown.unicodeScalars) } else { out.append(c) }
            }
        }
        return String(out)
    }

    /// `text` with every occurrence of `pattern` replaced, left to right without overlap, comparing UTF-8
    /// bytes: the report's own markup (`<table>`, `</svg>`), which escaped text cannot contain (its `<`
    /// is `&lt;`), so no combining mark after a match can matter. Foundation's `replacingOccurrences`
    /// compares `Character`s: seven of them over a 20,000-template run's page took 32 ms, this 3 ms.
    static func replacing(_ pattern: String, with replacement: String, in text: String) -> String {
        let pattern = Array(pattern.utf8)
        guard let first = pattern.first else { return text }
        var source = text
        return source.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 8)
            var start = 0
            var i = 0
            let (n, m) = (bytes.count, pattern.count)
            while i + m <= n {
                if bytes[i] == first && pattern.indices.allSatisfy({ bytes[i + $0] == pattern[$0] }) {
                    out.append(contentsOf: bytes[start..<i])
                    out.append(contentsOf: replacement.utf8)
                    i += m
                    start = i
                } else {
                    i += 1
                }
            }
            out.append(contentsOf: bytes[start..<n])
            return String(decoding: out, as: UTF8.self)
        }
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

    /// Colours for groups: Okabe–Ito's colour-blind-safe set without its yellow (unreadable on white), then
    /// Paul Tol's muted set, so that a page with up to 14 groups gives each its own colour.
    static let palette = [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#332288", "#882255", "#117733", "#999933",
        "#AA4499", "#44AA99", "#88CCEE", "#661100",
    ]

    /// The colour of the whole population ("overall") in every chart.
    static let overallColor = "#444444"

    /// The fixed range of every log-scale rate on the page, as powers of ten: 0.001% to 100%.
    static let logRange = (lo: -5.0, hi: 0.0)

    /// A sequential colour scale for rates on the fixed log range (light = rare, dark = frequent), from
    /// ColorBrewer's "Oranges"; `t` runs from 0 (10⁻⁵ or less) to 1 (100%).
    static func heat(_ t: Double) -> (r: Double, g: Double, b: Double) {
        let stops: [(Double, Double, Double)] = [
            (254, 237, 222), (253, 208, 162), (253, 174, 107), (253, 141, 60), (241, 105, 19), (217, 72, 1), (166, 54, 3),
            (127, 39, 4),
        ]
        let x = min(max(t, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        let f = x - Double(i)
        let (a, b) = (stops[i], stops[i + 1])
        return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    /// `#rrggbb` for 0–255 components.
    static func hex(_ c: (r: Double, g: Double, b: Double)) -> String {
        String(format: "#%02X%02X%02X", Int(c.r.rounded()), Int(c.g.rounded()), Int(c.b.rounded()))
    }

    /// WCAG 2 relative luminance of a 0–255 colour.
    static func luminance(_ c: (r: Double, g: Double, b: Double)) -> Double {
        func channel(_ v: Double) -> Double {
            let s = v / 255
            return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
    }

    /// WCAG 2 contrast ratio of two luminances.
    static func contrast(_ a: Double, _ b: Double) -> Double { (max(a, b) + 0.05) / (min(a, b) + 0.05) }

    /// Black or white text, whichever contrasts more with `background` (never below 4.58:1).
    static func textColor(on background: (r: Double, g: Double, b: Double)) -> String {
        let l = luminance(background)
        return contrast(l, 0) >= contrast(l, 1) ? "#000000" : "#FFFFFF"
    }
}

/// One colour per group for the whole page: the same cohort (e.g. `gender=female`) has the same colour in
/// every chart, at every threshold. Colours are given in the order the cohorts are first named, so two
/// groups of one chart never share one while the palette lasts.
struct GroupColors: Sendable {
    private let colors: [String: String]

    /// Colours for `cohorts`, in order; repeated names keep their first colour. Skin-tone groups have
    /// their own colours (``skinTones``), light to dark as their scale runs.
    init(cohorts: [String]) {
        var colors: [String: String] = [:]
        var next = 0
        for cohort in cohorts where cohort != "overall" && colors[cohort] == nil {
            if let tone = Self.skinTones[cohort] {
                colors[cohort] = tone
            } else {
                colors[cohort] = HTML.palette[next % HTML.palette.count]
                next += 1
            }
        }
        self.colors = colors
    }

    /// The skin-tone groups' colours: one brown ramp whose lightness follows the scale (Monk 1-3 lightest,
    /// 7-10 darkest; Fitzpatrick I-III lighter than IV-VI), the lightest still visible on the white page.
    /// Group names say the same in words ("light (Monk 1-3)"), so that colour is never the only cue.
    static let skinTones = [
        "skin_tone=monk:1-3": "#C8965F", "skin_tone=monk:4-6": "#8F5B34", "skin_tone=monk:7-10": "#5C3A21",
        "skin_tone=fitzpatrick:I-III": "#C8965F", "skin_tone=fitzpatrick:IV-VI": "#5C3A21",
    ]

    /// The colour of `cohort`; `overall` is always dark grey.
    func color(_ cohort: String) -> String {
        cohort == "overall" ? HTML.overallColor : colors[cohort] ?? HTML.overallColor
    }
}
