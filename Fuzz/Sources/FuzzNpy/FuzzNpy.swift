import FaceAuditTemplates

/// libFuzzer entry point: any bytes must parse as a 2-D float32 `.npy` file whose data fills the rest of
/// the file exactly, or throw ``PrecomputedEmbeddings/FormatError`` naming the file; never crash.
func fuzzNpy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        let (rows, columns, values) = try PrecomputedEmbeddings.npy(bytes, file: "fuzz.npy")
        precondition(rows >= 0 && columns >= 1 && values.count == rows * columns, "shape (\(rows), \(columns)), \(values.count) values")
        precondition(bytes.count > 4 * values.count, "\(values.count) values from \(bytes.count) bytes")
    } catch let error as PrecomputedEmbeddings.FormatError {
        precondition(error.message.hasPrefix("fuzz.npy: "), error.message)
    } catch {
        preconditionFailure("an error that is not a FormatError: \(error)")
    }
    return 0
}

/// Valid and nearly valid `.npy` files: versions 1 and 2, the refused dtypes and orders, a 1-D shape.
func npySeeds() -> [String: [UInt8]] {
    func npy(_ dictionary: String, version: UInt8 = 1, values: Int) -> [UInt8] {
        let prefix = version == 1 ? 10 : 12
        var header = Array(dictionary.utf8)
        while (prefix + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        let length = header.count
        bytes += version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)] : [UInt8(length & 0xFF), UInt8(length >> 8), 0, 0]
        bytes += header
        for i in 0..<values { withUnsafeBytes(of: Float(i) * 0.25) { bytes += $0 } }
        return bytes
    }
    return [
        "f4-2x3.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", values: 6),
        "f4-v2.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", version: 2, values: 6),
        "f4-empty.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 128), }", values: 0),
        "f8.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", values: 4),
        "fortran.npy": npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", values: 4),
        "1d.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", values: 4),
    ]
}
