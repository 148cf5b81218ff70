import Foundation
import Testing

@testable import FaceAuditImaging

/// Bytes and decodes of the committed synthetic fixtures.
enum Fixture {
    static func url(_ name: String) throws -> URL {
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        return try #require(Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures"))
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(name)))
    }

    static func decode(_ name: String) throws -> DecodedImage {
        try ImageDecoder().decode(contentsOf: url(name).path)
    }

    /// The generator's sample value for pixel (x, y), channel c (scripts/dev/make-image-fixtures.py).
    static func ramp(_ x: Int, _ y: Int, _ c: Int, _ maxValue: Int) -> Int {
        ((x * 37 + y * 91 + c * 53) * 97) % (maxValue + 1)
    }

    /// libpng's rounding 16 → 8 bit scale: round(v · 255 / 65535).
    static func scale16(_ v: Int) -> UInt8 {
        UInt8((Double(v) * 255.0 / 65535.0).rounded())
    }

    static let width = 6
    static let height = 4
}
