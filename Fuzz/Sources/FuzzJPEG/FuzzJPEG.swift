import FaceAuditImaging

/// libFuzzer entry point: any bytes behind a JPEG SOI marker must decode or throw, never crash. The
/// Exif orientation parser runs on every input that decodes and on every input as raw bytes.

func fuzzJPEG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if !(bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) { bytes = [0xFF, 0xD8, 0xFF] + bytes }
    _ = ExifOrientation.read(fromJPEG: bytes)
    if let decoded = try? ImageDecoder(maxPixels: 4_000_000).decode(bytes) {
        precondition(decoded.image.pixels.count == decoded.image.width * decoded.image.height * 3)
    }
    return 0
}
