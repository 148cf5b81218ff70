import Foundation

/// The one JSON style every command prints: pretty, keys sorted, slashes unescaped, so that output is
/// byte-for-byte reproducible and diffs well.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
