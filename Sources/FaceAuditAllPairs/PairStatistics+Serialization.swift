import Foundation

extension PairStatistics {
    /// The header of the binary form.
    private struct Header: Codable {
        var format: String
        var layout: StatisticsLayout
        var tailBin: Int
        var tiles: [Int]
        var histogramEntries: Int
        var mated: Int
        var tail: Int
    }

    private static let magic = Data("FAPAIRS1".utf8)

    /// The binary form: a magic number, a JSON header, then the non-zero histogram bins and the exact
    /// pairs as little-endian records. Readable by ``init(serialized:)`` on any little-endian machine.
    public func serialized() -> Data {
        var entries: [UInt64] = []
        for (i, count) in nonMated.enumerated() where count != 0 {
            entries.append(UInt64(i))
            entries.append(UInt64(count))
        }
        let header = Header(
            format: "faceaudit-pair-statistics-1", layout: layout, tailBin: tailBin, tiles: tiles, histogramEntries: entries.count / 2,
            mated: mated.count, tail: tail.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try! encoder.encode(header)
        var data = Self.magic
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        entries.withUnsafeBytes { data.append(contentsOf: $0) }
        for list in [mated, tail] {
            for p in list {
                withUnsafeBytes(of: p.first.littleEndian) { data.append(contentsOf: $0) }
                withUnsafeBytes(of: p.second.littleEndian) { data.append(contentsOf: $0) }
                withUnsafeBytes(of: p.key.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Reads the binary form.
    /// - Throws: ``ComparisonError`` naming what is wrong when the data is not complete, valid statistics.
    public init(serialized data: Data) throws(ComparisonError) {
        let bytes = [UInt8](data)
        var offset = 0
        func take(_ count: Int) throws(ComparisonError) -> ArraySlice<UInt8> {
            guard count >= 0, offset + count <= bytes.count else {
                throw ComparisonError("truncated pair statistics: needed \(count) bytes at offset \(offset) of \(bytes.count)")
            }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }
        func integer<T: FixedWidthInteger>(_ type: T.Type) throws(ComparisonError) -> T {
            let slice = try take(MemoryLayout<T>.size)
            return slice.reversed().reduce(T.zero) { ($0 << 8) | T($1) }
        }
        guard try take(Self.magic.count).elementsEqual(Self.magic) else {
            throw ComparisonError("not a FaceAudit pair-statistics file (bad magic number)")
        }
        let headerLength = try integer(UInt64.self)
        guard headerLength < 1 << 30 else { throw ComparisonError("corrupt pair statistics: header length \(headerLength)") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(try take(Int(headerLength)))) } catch let error as ComparisonError {
            throw error
        } catch {
            throw ComparisonError("corrupt pair statistics header: \(error)")
        }
        guard header.format == "faceaudit-pair-statistics-1" else {
            throw ComparisonError("pair statistics format \(header.format) is not supported by this version")
        }
        self.init(layout: header.layout)
        tailBin = header.tailBin
        tiles = header.tiles
        for _ in 0..<header.histogramEntries {
            let index = Int(try integer(UInt64.self))
            let count = Int(try integer(UInt64.self))
            guard nonMated.indices.contains(index) else { throw ComparisonError("corrupt pair statistics: histogram index \(index)") }
            nonMated[index] = count
        }
        func pairs(_ count: Int) throws(ComparisonError) -> [ScoredPair] {
            var list: [ScoredPair] = []
            list.reserveCapacity(count)
            for _ in 0..<count {
                let first = try integer(Int32.self)
                let second = try integer(Int32.self)
                let key = Float(bitPattern: try integer(UInt32.self))
                list.append(ScoredPair(first: first, second: second, key: key))
            }
            return list
        }
        mated = try pairs(header.mated)
        tail = try pairs(header.tail)
        guard offset == bytes.count else { throw ComparisonError("corrupt pair statistics: \(bytes.count - offset) trailing bytes") }
    }
}
