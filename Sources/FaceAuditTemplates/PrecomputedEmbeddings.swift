import FaceAuditDatasets
import FaceAuditFiles
import FaceAuditScoring
import Foundation

/// Templates computed elsewhere, as an ``Embedder``: a CSV `path,v0,v1,…` (paths as in the manifest)
/// or a float32 `.npy` matrix with one row per manifest record, in manifest order.
public struct PrecomputedEmbeddings: Embedder {
    /// Templates by absolute image path.
    public let templates: [String: [Float]]
    /// The source file and its SHA-256 prefix (part of the identity).
    public let source: String
    /// How the templates compare.
    public let comparison: PairMetric

    public var identity: String { "precomputed;\(source);\(comparison.rawValue)" }

    public func makeWorker() throws -> any ImageMeasurer<EmbeddingResult> { Worker(templates: templates) }

    struct Worker: ImageMeasurer {
        let templates: [String: [Float]]
        func measure(path: String) -> EmbeddingResult {
            templates[path].map { .template($0) } ?? .failure(.noPrecomputedTemplate, "no precomputed embedding")
        }
    }

    /// A file that cannot be used, with where and why.
    public struct FormatError: Error, CustomStringConvertible {
        /// The message, starting with the file (and line).
        public let message: String
        public var description: String { message }
    }

    /// Reads `file` for the records of `manifest`.
    /// - Throws: `InputFileError` when the file cannot be read (missing, not a regular file, a link loop),
    ///   ``FormatError`` when its contents cannot be used.
    public init(file: String, manifest: Manifest, comparison: PairMetric) throws {
        // The bytes read straight into one array (through `Data`, a 50,000-template file was copied twice more).
        let data = try InputFile.bytes(file)
        self.comparison = comparison
        self.source = "\(file)#\(data.count)"
        var templates: [String: [Float]] = [:]
        templates.reserveCapacity(manifest.records.count)
        if file.lowercased().hasSuffix(".npy") {
            let (rows, cols, dataStart) = try Self.npyLayout(data, file: file)
            guard rows == manifest.records.count else {
                throw FormatError(
                    message: "\(file): \(rows) rows, but the manifest lists \(manifest.records.count) images (one row per image, in order)")
            }
            // Each row copied straight from the file's bytes (a matrix of all of them first was 10 MB of fresh
            // pages at 20,000 templates).
            data.withUnsafeBytes { bytes in
                for (i, record) in manifest.records.enumerated() {
                    let row = [Float](unsafeUninitializedCapacity: cols) { row, count in
                        UnsafeMutableRawBufferPointer(row).copyMemory(
                            from: UnsafeRawBufferPointer(rebasing: bytes[(dataStart + 4 * i * cols)..<(dataStart + 4 * (i + 1) * cols)]))
                        count = cols
                    }
                    if row.allSatisfy(\.isFinite) { templates[manifest.absolutePath(of: record)] = row }
                }
            }
        } else {
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            var width: Int?
            var lineOf: [String: Int] = [:]
            let byPath = Dictionary(manifest.records.map { ($0.path, manifest.absolutePath(of: $0)) }, uniquingKeysWith: { a, _ in a })
            for (n, line) in lines.enumerated() where n > 0 || !line.hasPrefix("path") {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count >= 2 else { throw FormatError(message: "\(file):\(n + 1): expected path,v0,v1,…") }
                let values = fields.dropFirst().map { Float($0) }
                guard values.allSatisfy({ $0 != nil }) else { throw FormatError(message: "\(file):\(n + 1): a value is not a number") }
                if width == nil { width = values.count }
                guard values.count == width else {
                    throw FormatError(message: "\(file):\(n + 1): \(values.count) values, expected \(width!)")
                }
                let path = byPath[fields[0]] ?? fields[0]
                if let first = lineOf[path] {
                    throw FormatError(message: "\(file):\(n + 1): \(fields[0]) is listed twice (lines \(first) and \(n + 1))")
                }
                lineOf[path] = n + 1
                templates[path] = values.map { $0! }
            }
            let listed = Set(byPath.values)
            unusedRows = templates.keys.filter { !listed.contains($0) }.count
        }
        self.templates = templates
    }

    /// Rows of a CSV whose path the manifest does not list (they are ignored; the run says how many).
    public private(set) var unusedRows = 0

    /// Parses the bytes of a `.npy` file (format version 1, 2 or 3) holding little-endian float32 values in
    /// C order with a 2-D shape (rows, cols): the rows, the columns (at least 1) and the `rows × cols`
    /// values, row by row. Reads no file; `file` only names it in errors.
    /// - Throws: ``FormatError`` naming `file` for anything else: another magic number or version, a header cut
    ///   short, a dtype other than `<f4`, Fortran order, a shape that is not two whole numbers, or data
    ///   that is not exactly `4 × rows × cols` bytes.
    public static func npy(_ bytes: [UInt8], file: String) throws -> (Int, Int, [Float]) {
        let (rows, cols, dataStart) = try npyLayout(bytes, file: file)
        var values = [Float](repeating: 0, count: rows * cols)
        values.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[dataStart..<(dataStart + 4 * rows * cols)]))
            }
        }
        return (rows, cols, values)
    }

    /// The checks of ``npy(_:file:)``: the rows, the columns and where the values start.
    static func npyLayout(_ bytes: [UInt8], file: String) throws -> (rows: Int, cols: Int, dataStart: Int) {
        guard bytes.count > 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw FormatError(message: "\(file): not a .npy file")
        }
        // Version 1 has a 2-byte header length, versions 2 and 3 (a UTF-8 header) a 4-byte one.
        let major = bytes[6]
        guard (1...3).contains(major) else { throw FormatError(message: "\(file): .npy format version \(major) is not supported (1 to 3)") }
        let start = major == 1 ? 10 : 12
        guard start <= bytes.count else { throw FormatError(message: "\(file): truncated .npy header") }
        let headerLength = bytes[8..<start].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard start + headerLength <= bytes.count else { throw FormatError(message: "\(file): truncated .npy header") }
        let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        // The header is a Python dict literal: read its three keys exactly, never by substring.
        func value(_ key: String, _ pattern: String) -> String? {
            guard let regex = try? Regex("'\(key)'\\s*:\\s*\(pattern)"), let match = header.firstMatch(of: regex),
                match.output.count > 1, let group = match.output[1].substring
            else { return nil }
            return String(group)
        }
        guard value("descr", "'([^']*)'") == "<f4", value("fortran_order", "(True|False)") == "False" else {
            throw FormatError(message: "\(file): only little-endian float32 (<f4) in C order is supported; header \(header)")
        }
        guard let shape = value("shape", "\\(([^)]*)\\)") else { throw FormatError(message: "\(file): no shape in the .npy header") }
        let parts = shape.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let dims = (parts.last == "" ? parts.dropLast() : parts[...]).map { Int($0) }
        guard dims.count == 2, let rows = dims[0], let cols = dims[1], rows >= 0, cols >= 1 else {
            throw FormatError(message: "\(file): expected a 2-D shape (images, dimensions) of whole numbers, got (\(shape))")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        let dataStart = start + headerLength
        guard !overflow, count <= (bytes.count - dataStart) / 4, dataStart + 4 * count == bytes.count else {
            throw FormatError(
                message: "\(file): the shape (\(rows), \(cols)) needs \(overflow ? "more" : "\(4 * count)") bytes of data; the file holds "
                    + "\(bytes.count - dataStart)")
        }
        return (rows, cols, dataStart)
    }
}
