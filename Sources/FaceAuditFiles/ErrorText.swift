import Foundation

/// One readable line for an error that FaceAudit did not make itself (a JSON decoding error, a file system
/// error), never a dump of its Swift structure.
///
/// - `DecodingError`: `at cohorts[0].fmr: expected to decode Double but found a string instead`, `missing key
///   "schema"`, `not valid JSON (…)`.
/// - A Foundation file error with a POSIX cause: that cause (`Permission denied`); without one, what its code
///   means in words (its localized text may be "The operation could not be completed. (NSCocoaErrorDomain error 512.)").
/// - Anything else that describes itself: the first line of its description; otherwise its localized text.
public enum ErrorText {
    /// The line for `error`.
    public static func line(_ error: any Error) -> String {
        let text: String
        switch error {
        case let error as DecodingError: text = describe(error)
        case let error as POSIXError: text = String(cString: strerror(error.code.rawValue))
        case let error as CocoaError:
            if let cause = error.userInfo[NSUnderlyingErrorKey] as? POSIXError {
                text = String(cString: strerror(cause.code.rawValue))
            } else if let cause = error.userInfo[NSUnderlyingErrorKey] as? NSError, cause.domain == NSPOSIXErrorDomain {
                text = String(cString: strerror(Int32(cause.code)))
            } else {
                text = describe(error.code)
            }
        case let error as any CustomStringConvertible: text = error.description
        default: text = error.localizedDescription
        }
        return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }

    /// `text` as a terminal should print it: every control character (C0, DEL, C1, the line and
    /// paragraph separators) and bidirectional formatting character written as `\u{1B}`, so that a
    /// message with text from an input file stays one line, moves no cursor, sets no window title and
    /// reads in the order it was written.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) || isBidirectionalFormatting($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if let shown = shown(scalar) { out.append(contentsOf: shown.unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// A control or bidirectional formatting character as ``printable(_:)`` writes it (`\u{1B}`), or nil
    /// for any other scalar: for writers that escape text their own way too (HTML).
    public static func shown(_ scalar: Unicode.Scalar) -> String? {
        guard isControl(scalar) || isBidirectionalFormatting(scalar) else { return nil }
        return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// Whether a scalar is a control character: C0, DEL, C1, or the line and paragraph separators.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Whether a scalar is a bidirectional formatting character (marks, embeddings, overrides, isolates).
    public static func isBidirectionalFormatting(_ scalar: Unicode.Scalar) -> Bool {
        [0x061C, 0x200E, 0x200F].contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value)
    }

    /// A Foundation file error without a system cause, in words: never its localized text, which on Linux is
    /// "The operation could not be completed. (NSCocoaErrorDomain error 512.)".
    private static func describe(_ code: CocoaError.Code) -> String {
        switch code {
        case .fileNoSuchFile, .fileReadNoSuchFile: "No such file or directory"
        case .fileReadNoPermission, .fileWriteNoPermission: "Permission denied"
        case .fileWriteFileExists: "File exists"
        case .fileWriteOutOfSpace: "No space left on device"
        case .fileWriteVolumeReadOnly: "Read-only file system"
        case .fileReadTooLarge: "File too large"
        case .fileReadCorruptFile: "the file is corrupt"
        case .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding: "not text in the expected encoding"
        case .fileWriteInapplicableStringEncoding: "the text cannot be written in the expected encoding"
        case .fileLocking: "the file is locked"
        default: (512..<640).contains(code.rawValue) ? "cannot be written" : "cannot be read"
        }
    }

    /// A decoding error as where and what.
    private static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text
        }
        func lowered(_ text: String) -> String {
            let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
            guard let first = trimmed.first else { return trimmed }
            return first.lowercased() + trimmed.dropFirst()
        }
        func at(_ context: DecodingError.Context) -> String { context.codingPath.isEmpty ? "" : "at \(place(context.codingPath)): " }
        switch error {
        case .typeMismatch(_, let context): return at(context) + lowered(context.debugDescription)
        case .valueNotFound(_, let context): return at(context) + "no value (null)"
        case .keyNotFound(let key, let context):
            return "missing key \"\(key.stringValue)\"" + (context.codingPath.isEmpty ? "" : " in \(place(context.codingPath))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, let cause = context.underlyingError {
                let detail = (cause as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? cause.localizedDescription
                return "not valid JSON (\(detail))"
            }
            return at(context) + lowered(context.debugDescription)
        @unknown default: return "does not decode"
        }
    }
}
