import FaceAuditDatasets

/// libFuzzer entry point: any text must parse as a manifest or give a located error, never crash.

func fuzzManifest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let records = try CSVManifestReader().parse(text: text, file: "fuzz.csv")
        precondition(!records.isEmpty)
    } catch {
        if let location = error.location { precondition(location.line >= 1 && location.column >= 1) }
    }
    return 0
}
