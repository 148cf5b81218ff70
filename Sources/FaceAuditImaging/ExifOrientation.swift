/// The Exif `Orientation` tag (0x0112): how a viewer should rotate or flip the stored pixels.
///
/// FaceAudit reports the tag but never applies it: the pixels it analyses are the pixels in the file,
/// as dlib and most evaluation tools see them. A value other than ``topLeft`` is worth a warning,
/// because a rotated face may not be detected.
public enum ExifOrientation: Int, Sendable, Codable, CaseIterable {
    /// 1: stored upright.
    case topLeft = 1
    /// 2: mirrored left–right.
    case topRight = 2
    /// 3: rotated 180°.
    case bottomRight = 3
    /// 4: mirrored top–bottom.
    case bottomLeft = 4
    /// 5: transposed.
    case leftTop = 5
    /// 6: needs a 90° clockwise turn to view upright.
    case rightTop = 6
    /// 7: transversed.
    case rightBottom = 7
    /// 8: needs a 90° counter-clockwise turn to view upright.
    case leftBottom = 8

    /// Reads the orientation from a JPEG's APP1 Exif segment; `nil` when there is no such tag
    /// or the segment is malformed (a malformed Exif block never makes a decodable image fail).
    public static func read(fromJPEG bytes: [UInt8]) -> ExifOrientation? {
        var offset = 2  // past SOI
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) || marker == 0xFF {
                offset += marker == 0xFF ? 1 : 2
                continue
            }
            if marker == 0xDA || marker == 0xD9 { return nil }  // image data starts: no Exif before it
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { return nil }
            let body = (offset + 4)..<(offset + 2 + length)
            if marker == 0xE1, body.count >= 6, Array(bytes[body.lowerBound..<body.lowerBound + 6]) == exifHeader {
                return readTIFF(bytes, start: body.lowerBound + 6, end: body.upperBound)
            }
            offset += 2 + length
        }
        return nil
    }

    private static let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]  // "Exif\0\0"

    /// Finds tag 0x0112 in IFD0 of the TIFF structure in `bytes[start..<end]`.
    private static func readTIFF(_ bytes: [UInt8], start: Int, end: Int) -> ExifOrientation? {
        guard end - start >= 8 else { return nil }
        let littleEndian: Bool
        switch (bytes[start], bytes[start + 1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= start, at + 2 <= end else { return nil }
            let a = Int(bytes[at]), b = Int(bytes[at + 1])
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> Int? {
            guard let low = u16(littleEndian ? at : at + 2), let high = u16(littleEndian ? at + 2 : at) else {
                return nil
            }
            return high << 16 | low
        }
        guard u16(start + 2) == 42, let ifd = u32(start + 4), let count = u16(start + ifd) else { return nil }
        for entry in 0..<count {
            let at = start + ifd + 2 + entry * 12
            guard let tag = u16(at) else { return nil }
            if tag == 0x0112 {
                guard u16(at + 2) == 3, let value = u16(at + 8) else { return nil }  // type SHORT
                return ExifOrientation(rawValue: value)
            }
        }
        return nil
    }
}
