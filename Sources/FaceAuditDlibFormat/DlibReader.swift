import Foundation

/// Reads dlib's serialization format: sign-magnitude variable-length integers, dlib's
/// (mantissa, exponent) floats, length-prefixed strings, matrices and raw float32 tensors.
///
/// Every read checks the remaining length, so a truncated or corrupt file is a ``ModelFormatError``
/// naming the byte offset, never a crash.
public struct DlibReader: Sendable {
    /// The bytes being read.
    public let bytes: [UInt8]
    /// The file name, for errors.
    public let file: String
    /// The next byte to read.
    public private(set) var offset = 0

    /// Reads from memory.
    public init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// Reads a whole file.
    public init(contentsOf path: String) throws(ModelFormatError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFormatError(file: path, offset: 0, "cannot read the file")
        }
        self.init(bytes: [UInt8](data), file: path)
    }

    /// True when every byte has been read.
    public var atEnd: Bool { offset == bytes.count }

    /// An error at the current offset.
    public func error(_ message: String) -> ModelFormatError { ModelFormatError(file: file, offset: offset, message) }

    /// One raw byte.
    public mutating func byte() throws(ModelFormatError) -> UInt8 {
        guard offset < bytes.count else { throw error("unexpected end of file") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A signed integer: control byte (bit 7 sign, bits 0–3 length n), then n little-endian bytes.
    public mutating func int() throws(ModelFormatError) -> Int64 {
        let start = offset
        let control = try byte()
        let n = Int(control & 0x0F)
        guard n >= 1 && n <= 8, control & 0x70 == 0 else {
            throw ModelFormatError(file: file, offset: start, "invalid integer control byte 0x\(String(control, radix: 16))")
        }
        var magnitude: UInt64 = 0
        for i in 0..<n { magnitude |= UInt64(try byte()) << (8 * UInt64(i)) }
        guard magnitude <= UInt64(Int64.max) else { throw ModelFormatError(file: file, offset: start, "integer out of range") }
        return control & 0x80 != 0 ? -Int64(magnitude) : Int64(magnitude)
    }

    /// An unsigned integer (a set sign bit is an error).
    public mutating func uint() throws(ModelFormatError) -> UInt64 {
        let start = offset
        let value = try int()
        guard value >= 0 else { throw ModelFormatError(file: file, offset: start, "negative value for an unsigned integer") }
        return UInt64(value)
    }

    /// A non-negative count that fits in memory, bounded by `limit`.
    public mutating func count(limit: Int = 1 << 31) throws(ModelFormatError) -> Int {
        let start = offset
        let value = try uint()
        guard value <= UInt64(limit) else { throw ModelFormatError(file: file, offset: start, "implausible count \(value)") }
        return Int(value)
    }

    /// A bool stored as ASCII '1' or '0'.
    public mutating func bool() throws(ModelFormatError) -> Bool {
        let start = offset
        switch try byte() {
        case 0x31: return true
        case 0x30: return false
        case let other: throw ModelFormatError(file: file, offset: start, "invalid bool byte 0x\(String(other, radix: 16))")
        }
    }

    /// A dlib float or double: mantissa then exponent, value = mantissa · 2^exponent.
    public mutating func double() throws(ModelFormatError) -> Double {
        switch try mantissaExponent() {
        case .finite(let mantissa, let exponent): scalbn(Double(mantissa), exponent)
        case .special(let value): value
        }
    }

    /// A dlib float (the mantissa is converted to float before scaling, as dlib does).
    public mutating func float() throws(ModelFormatError) -> Float {
        switch try mantissaExponent() {
        case .finite(let mantissa, let exponent): scalbnf(Float(mantissa), Int32(exponent))
        case .special(let value): Float(value)
        }
    }

    private enum FloatParts {
        case finite(mantissa: Int64, exponent: Int)
        case special(Double)
    }

    /// The two integers of dlib's float format, with the special exponents for ±∞ and NaN.
    private mutating func mantissaExponent() throws(ModelFormatError) -> FloatParts {
        let start = offset
        guard offset < bytes.count else { throw error("unexpected end of file") }
        guard bytes[offset] & 0x70 == 0 else {
            throw ModelFormatError(file: file, offset: start, "old ASCII float format is not supported")
        }
        let mantissa = try int()
        let exponent = try int()
        switch exponent {
        case 32000: return .special(.infinity)
        case 32001: return .special(-.infinity)
        case 32002: return .special(.nan)
        default:
            guard abs(exponent) < 4000 else { throw ModelFormatError(file: file, offset: start, "float exponent out of range") }
            return .finite(mantissa: mantissa, exponent: Int(exponent))
        }
    }

    /// A length-prefixed string.
    public mutating func string() throws(ModelFormatError) -> String {
        let n = try count(limit: 1 << 20)
        guard offset + n <= bytes.count else { throw error("string runs past the end of the file") }
        defer { offset += n }
        return String(decoding: bytes[offset..<(offset + n)], as: UTF8.self)
    }

    /// A string that must equal `expected`.
    public mutating func expect(_ expected: String) throws(ModelFormatError) {
        let start = offset
        let found = try string()
        guard found == expected else { throw ModelFormatError(file: file, offset: start, "expected \"\(expected)\", found \"\(found)\"") }
    }

    /// A `matrix<float>` (dimensions may be stored negated): its values, row-major.
    public mutating func floatMatrix() throws(ModelFormatError) -> (rows: Int, cols: Int, values: [Float]) {
        let start = offset
        let rows = Int(abs(try int()))
        let cols = Int(abs(try int()))
        guard rows * cols <= 1 << 26 else { throw ModelFormatError(file: file, offset: start, "implausible matrix size \(rows)×\(cols)") }
        var values = [Float]()
        values.reserveCapacity(rows * cols)
        for _ in 0..<(rows * cols) { values.append(try float()) }
        return (rows, cols, values)
    }

    /// A DNN tensor: version 2, four dimensions, then raw little-endian float32 values.
    public mutating func tensor() throws(ModelFormatError) -> DlibTensor {
        let start = offset
        let version = try int()
        guard version == 2 else { throw ModelFormatError(file: file, offset: start, "unsupported tensor version \(version)") }
        var shape: [Int] = []
        for _ in 0..<4 { shape.append(try count(limit: 1 << 28)) }
        let n = shape.reduce(1, *)
        guard n <= 1 << 28, offset + 4 * n <= bytes.count else { throw error("tensor of \(n) floats runs past the end of the file") }
        var values = [Float](repeating: 0, count: n)
        values.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + 4 * n)]))
            }
        }
        offset += 4 * n
        return DlibTensor(shape: shape, values: values)
    }

    /// An alias tensor: version 1 and four dimensions, no data.
    public mutating func aliasTensor() throws(ModelFormatError) -> [Int] {
        let start = offset
        let version = try int()
        guard version == 1 else { throw ModelFormatError(file: file, offset: start, "unsupported alias tensor version \(version)") }
        var shape: [Int] = []
        for _ in 0..<4 { shape.append(try count(limit: 1 << 28)) }
        return shape
    }
}

/// A tensor as stored: NCHW shape and values.
public struct DlibTensor: Sendable, Hashable {
    /// (num_samples, k, nr, nc).
    public let shape: [Int]
    /// Values in NCHW order.
    public let values: [Float]
}
