/// A capture date in ISO 8601 calendar form at one of three precisions: `YYYY`, `YYYY-MM` or
/// `YYYY-MM-DD` (proleptic Gregorian calendar; a day must exist in its month, e.g. no `2023-02-29`).
///
/// Times of day, week dates and other separators are not accepted: a manifest's `capture_date` that is
/// none of the three forms is an error naming its file, line and column.
public struct CaptureDate: Sendable, Hashable, CustomStringConvertible {
    /// The year, 0…9999.
    public let year: Int
    /// The month, 1…12, when given.
    public let month: Int?
    /// The day of the month, when given (only with a month).
    public let day: Int?

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (surrounding spaces allowed), also with a time of day as
    /// ISO 8601 writes it (`2017-01-09T14:24:08`, `… 14:24`, `…T14:24:08.962Z`, `…+01:00`) or EXIF does
    /// (`2017:01:09 14:24:08`); the time is checked for its form and ignored (the date is the one written).
    /// Nil for anything else.
    public init?(parsing text: String) {
        var date = Substring(text.trimmingSpaces)
        if let split = date.firstIndex(where: { $0 == "T" || $0 == " " }) {
            let time = date[date.index(after: split)...]
            guard Self.isTimeOfDay(time) else { return nil }
            date = date[..<split]
            // EXIF writes the date with colons.
            if date.count == 10, date.filter({ $0 == ":" }).count == 2 {
                date = Substring(date.map { $0 == ":" ? "-" : $0 })
            }
        }
        let parts = date.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.enumerated().allSatisfy({ $1.count == ($0 == 0 ? 4 : 2) }),
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        let numbers = parts.map { Int($0)! }
        year = numbers[0]
        month = numbers.count > 1 ? numbers[1] : nil
        day = numbers.count > 2 ? numbers[2] : nil
        if let month, !(1...12).contains(month) { return nil }
        if let month, let day, !(1...Self.days(inMonth: month, year: year)).contains(day) { return nil }
    }

    /// `hh:mm`, `hh:mm:ss` or `hh:mm:ss.fff`, then optionally `Z` or `±hh:mm` / `±hhmm`.
    static func isTimeOfDay(_ text: Substring) -> Bool {
        var clock = text
        if clock.hasSuffix("Z") {
            clock = clock.dropLast()
        } else if let sign = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = clock[clock.index(after: sign)...].filter { $0 != ":" }
            guard zone.count == 4, zone.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            clock = clock[..<sign]
        }
        let fields = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count) else { return false }
        for (i, field) in fields.enumerated() {
            // Seconds may have a fraction: "08.962".
            let pieces = field.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 1 || (i == 2 && !pieces[1].isEmpty && pieces[1].allSatisfy({ $0.isASCII && $0.isNumber })) else {
                return false
            }
            let whole = pieces[0]
            guard whole.count == 2, whole.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(whole), n < (i == 0 ? 24 : 60) else {
                return false
            }
        }
        return true
    }

    /// The date as ISO 8601 writes it, at its own precision.
    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var text = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        if let month { text += "-" + two(month) }
        if let day { text += "-" + two(day) }
        return text
    }

    /// Years elapsed between two capture dates, in either order (never negative), at the coarser precision
    /// of the two, counted as birthdays are:
    /// - both with a day: whole months elapsed / 12, a month counting once its day of the month is reached
    ///   (2010-06-15 → 2012-06-14 is 23 months, 1.92 years; → 2012-06-15 is exactly 2 years);
    /// - otherwise, when both have a month: months apart / 12 (2010-06 → 2012-05 is 1.92 years);
    /// - otherwise: years apart (2010 → 2012-12-31 is 2 years).
    public static func yearsBetween(_ a: CaptureDate, _ b: CaptureDate) -> Double {
        func key(_ d: CaptureDate) -> (Int, Int, Int) { (d.year, d.month ?? 0, d.day ?? 0) }
        let (early, late) = key(a) <= key(b) ? (a, b) : (b, a)
        guard let m1 = early.month, let m2 = late.month else { return Double(abs(late.year - early.year)) }
        var months = 12 * (late.year - early.year) + (m2 - m1)
        if let d1 = early.day, let d2 = late.day, d2 < d1 { months -= 1 }
        return Double(abs(months)) / 12
    }

    /// Days in `month` of `year` (Gregorian leap years).
    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
