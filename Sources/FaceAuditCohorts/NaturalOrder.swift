/// Orders cohort names as people read them: runs of digits compare as numbers, so `age_band=8-12`
/// comes before `age_band=13-17` and `monk:7-10` after `monk:4-6`.
public enum NaturalOrder {
    /// True when `a` sorts before `b`.
    public static func less(_ a: String, _ b: String) -> Bool {
        let x = chunks(a)
        let y = chunks(b)
        for (p, q) in zip(x, y) where p != q {
            switch (p, q) {
            case (.number(let m), .number(let n)): return m < n
            case (.number, .text): return true
            case (.text, .number): return false
            case (.text(let s), .text(let t)): return s < t
            }
        }
        return x.count < y.count
    }

    private enum Chunk: Equatable {
        case number(Int)
        case text(String)
    }

    private static func chunks(_ s: String) -> [Chunk] {
        var out: [Chunk] = []
        var digits = ""
        var text = ""
        for c in s {
            if c.isASCII && c.isNumber {
                if !text.isEmpty { out.append(.text(text)); text = "" }
                digits.append(c)
            } else {
                if !digits.isEmpty { out.append(.number(Int(digits) ?? Int.max)); digits = "" }
                text.append(c)
            }
        }
        if !digits.isEmpty { out.append(.number(Int(digits) ?? Int.max)) }
        if !text.isEmpty { out.append(.text(text)) }
        return out
    }
}
