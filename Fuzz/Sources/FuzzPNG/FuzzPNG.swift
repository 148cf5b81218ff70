import FaceAuditImaging

/// libFuzzer entry point: any bytes behind a PNG signature must decode or throw, never crash.

func fuzzPNG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if !bytes.starts(with: signature) { bytes = signature + bytes }
    if let decoded = try? ImageDecoder(maxPixels: 4_000_000).decode(bytes) {
        precondition(decoded.image.pixels.count == decoded.image.width * decoded.image.height * 3)
    }
    return 0
}
