import FaceAuditHashing
import Foundation

extension PairStatistics {
    /// Why bytes are not pair statistics this version can read: a stable ``code`` for programs and a
    /// ``reason`` for people. ``description`` adds what to do about it.
    public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
        /// A stable category of failure.
        public struct Code: Hashable, Sendable, CustomStringConvertible {
            /// A short machine-readable name, e.g. `checksum_mismatch`.
            public let rawValue: String
            private init(_ rawValue: String) { self.rawValue = rawValue }

            /// The bytes do not start with the magic number of pair statistics.
            public static let notPairStatistics = Code("not_pair_statistics")
            /// Pair statistics of another format version (for example version 1, written without a checksum).
            public static let unsupportedVersion = Code("unsupported_version")
            /// The file is shorter or longer than its first bytes say it is.
            public static let lengthMismatch = Code("length_mismatch")
            /// The SHA-256 of the payload is not the one stored in the file.
            public static let checksumMismatch = Code("checksum_mismatch")
            /// The header is not the expected JSON.
            public static let corruptHeader = Code("corrupt_header")
            /// A setting, count or index lies outside what the layout and the file's length allow.
            public static let outOfRange = Code("out_of_range")
            /// The parts do not add up: for example more pairs counted than the tiles hold.
            public static let inconsistent = Code("inconsistent")
            /// The histogram the layout declares needs more memory than the reader may allocate.
            public static let tooLarge = Code("too_large")

            /// Every code, for documentation and exhaustive tests.
            public static let all: [Code] = [
                .notPairStatistics, .unsupportedVersion, .lengthMismatch, .checksumMismatch, .corruptHeader, .outOfRange, .inconsistent,
                .tooLarge,
            ]

            public var description: String { rawValue }
        }

        /// The category of failure.
        public let code: Code
        /// What is wrong, in one sentence.
        public let reason: String

        /// Creates an error.
        public init(_ code: Code, _ reason: String) {
            self.code = code
            self.reason = reason
        }

        /// One line: what is wrong, its code and what to do.
        public var description: String {
            let action =
                switch code {
                case .unsupportedVersion: "rerun the shard with this version of FaceAudit"
                case .tooLarge: "merge on a machine with more memory"
                case .notPairStatistics: "give the pairs.bin a shard wrote"
                default: "the file was damaged after the shard wrote it; rerun the shard"
                }
            return "\(reason) (\(code)); \(action)"
        }
    }

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

    /// The first 8 bytes of this version's binary form.
    static let magic = Data("FAPAIRS3".utf8)
    /// What every version's magic number starts with (version 1 was `FAPAIRS1`, version 2, with a
    /// histogram per cell pair, `FAPAIRS2`).
    private static let magicStem = Data("FAPAIRS".utf8)
    /// The format name inside the header.
    private static let formatName = "faceaudit-pair-statistics-3"
    /// Bytes before the payload: magic, payload length, SHA-256 of the payload.
    private static let envelopeLength = 8 + 8 + 32
    /// Bytes of one histogram entry (index, count) and of one exact pair (first, second, key).
    private static let entryLength = 16
    private static let pairLength = 12

    /// The most bytes ``init(serialized:histogramByteLimit:)`` allocates for the histogram by default:
    /// this machine's physical memory. A run on a machine with less could not have written it either.
    public static var defaultHistogramByteLimit: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

    /// The binary form (version 3; version 2 had one histogram per cell pair and no
    /// `histogramOfCellPair` in its layout):
    ///
    /// | bytes | what |
    /// |---|---|
    /// | 8 | magic number `FAPAIRS3` |
    /// | 8 | payload length *n*, little-endian |
    /// | 32 | SHA-256 of the payload |
    /// | *n* | payload: a little-endian `UInt64` header length, the JSON header, then the non-zero histogram bins as (`UInt64` index, `UInt64` count) and the mated then tail pairs as (`Int32` first, `Int32` second, `Float` key), all little-endian |
    ///
    /// Readable by ``init(serialized:histogramByteLimit:)`` on any little-endian machine.
    public func serialized() -> Data {
        var entries: [UInt64] = []
        for (i, count) in nonMated.enumerated() where count != 0 {
            entries.append(UInt64(i))
            entries.append(UInt64(count))
        }
        let header = Header(
            format: Self.formatName, layout: layout, tailBin: tailBin, tiles: tiles, histogramEntries: entries.count / 2,
            mated: mated.count, tail: tail.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try! encoder.encode(header)
        var payload = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { payload.append(contentsOf: $0) }
        payload.append(json)
        entries.withUnsafeBytes { payload.append(contentsOf: $0) }
        for list in [mated, tail] {
            for p in list {
                withUnsafeBytes(of: p.first.littleEndian) { payload.append(contentsOf: $0) }
                withUnsafeBytes(of: p.second.littleEndian) { payload.append(contentsOf: $0) }
                withUnsafeBytes(of: p.key.bitPattern.littleEndian) { payload.append(contentsOf: $0) }
            }
        }
        return Self.sealed(payload)
    }

    /// The envelope around a payload: magic, length, SHA-256, payload.
    private static func sealed(_ payload: Data) -> Data {
        var data = magic
        withUnsafeBytes(of: UInt64(payload.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: SHA256Digest(of: payload).bytes)
        data.append(payload)
        return data
    }

    /// Reads the binary form written by ``serialized()``, refusing anything that is not exactly such
    /// statistics.
    ///
    /// In order: the magic number (version 1, which had no checksum, is refused as
    /// ``FormatError/Code-swift.struct/unsupportedVersion``), the length, the SHA-256 of the payload, then
    /// the header. Every setting and count of the header is checked against what the layout and the
    /// file's length allow before anything is allocated: the histograms (`histograms × bins` counts) only
    /// when it needs at most `histogramByteLimit` bytes, the pair lists only when the file holds them.
    /// After reading, the parts must add up: histogram indices strictly increasing and counts positive;
    /// every pair `0 ≤ first < second < images`; the tiles distinct tiles of the layout's grid; counted
    /// pairs (histogram plus mated) equal to the pairs of those tiles; at most one tail pair per counted
    /// non-mated pair.
    /// - Throws: ``FormatError`` naming what is wrong; never traps, whatever the bytes.
    public init(serialized data: Data, histogramByteLimit: Int = PairStatistics.defaultHistogramByteLimit) throws(FormatError) {
        var reader = Reader(bytes: [UInt8](data))
        let magic = try reader.take(Self.magic.count, "the magic number")
        guard magic.elementsEqual(Self.magic) else {
            if magic.starts(with: Self.magicStem) {
                let version = String(decoding: magic, as: UTF8.self)
                throw FormatError(
                    .unsupportedVersion,
                    "pair statistics of format \(version)\(version == "FAPAIRS1" ? " (written by an earlier FaceAudit, without a checksum)" : ""); "
                        + "this version reads \(String(decoding: Self.magic, as: UTF8.self))")
            }
            throw FormatError(.notPairStatistics, "not a FaceAudit pair-statistics file (bad magic number)")
        }
        let length = try reader.integer(UInt64.self, "the payload length")
        let digest = try reader.take(32, "the checksum")
        guard UInt64(reader.remaining) == length else {
            throw FormatError(
                .lengthMismatch,
                "the file holds \(reader.remaining) payload bytes; its header says \(length) (\(UInt64(reader.remaining) < length ? "cut short" : "bytes appended"))"
            )
        }
        guard SHA256Digest(of: reader.bytes[reader.offset...]).bytes.elementsEqual(digest) else {
            throw FormatError(.checksumMismatch, "the SHA-256 of the payload does not match the one stored with it")
        }
        let headerLength = try reader.integer(UInt64.self, "the header length")
        guard headerLength <= UInt64(reader.remaining) else {
            throw FormatError(.outOfRange, "header length \(headerLength) exceeds the \(reader.remaining) bytes left")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(try reader.take(Int(headerLength), "the header")))
        } catch let error as FormatError {
            throw error
        } catch {
            throw FormatError(.corruptHeader, "the header is not valid: \(error)")
        }
        guard header.format == Self.formatName else {
            throw FormatError(.unsupportedVersion, "pair statistics format \(header.format); this version reads \(Self.formatName)")
        }
        let histogramSize = try Self.check(header.layout, histogramByteLimit: histogramByteLimit)
        let grid = TileGrid(rows: header.layout.rows, tileSize: header.layout.tileSize)
        guard (0..<header.layout.bins).contains(header.tailBin) else {
            throw FormatError(.outOfRange, "tail bin \(header.tailBin) is not one of the \(header.layout.bins) bins")
        }
        // What the rest of the file must hold, bounded before anything is allocated.
        for (name, count) in [("histogram entries", header.histogramEntries), ("mated pairs", header.mated), ("tail pairs", header.tail)] {
            guard count >= 0 else { throw FormatError(.outOfRange, "the header gives \(count) \(name)") }
        }
        guard header.histogramEntries <= histogramSize else {
            throw FormatError(.outOfRange, "\(header.histogramEntries) histogram entries for a histogram of \(histogramSize) bins")
        }
        let (pairs, overflow1) = header.mated.addingReportingOverflow(header.tail)
        let (pairBytes, overflow2) = pairs.multipliedReportingOverflow(by: Self.pairLength)
        let (entryBytes, overflow3) = header.histogramEntries.multipliedReportingOverflow(by: Self.entryLength)
        let (expected, overflow4) = entryBytes.addingReportingOverflow(pairBytes)
        guard !(overflow1 || overflow2 || overflow3 || overflow4), expected == reader.remaining else {
            throw FormatError(
                .outOfRange,
                "the header gives \(header.histogramEntries) histogram entries, \(header.mated) mated and \(header.tail) tail pairs; "
                    + "\(reader.remaining) bytes are left for them")
        }
        let tileCount = grid.tileCount
        var seen = Set<Int>()
        var tilePairs = 0
        for t in header.tiles {
            guard (0..<tileCount).contains(t) else {
                throw FormatError(.outOfRange, "tile \(t) is not one of the grid's \(tileCount) tiles")
            }
            guard seen.insert(t).inserted else { throw FormatError(.inconsistent, "tile \(t) is listed twice") }
            tilePairs += grid.tile(at: t).pairCount  // at most rows·(rows−1)/2 in all
        }

        self.init(layout: header.layout)
        tailBin = header.tailBin
        tiles = header.tiles
        var counted = 0
        var previous = -1
        for _ in 0..<header.histogramEntries {
            let index = try reader.integer(UInt64.self, "a histogram index")
            let count = try reader.integer(UInt64.self, "a histogram count")
            guard index < UInt64(histogramSize), Int(index) > previous else {
                throw FormatError(.outOfRange, "histogram index \(index) (bins \(previous + 1)..<\(histogramSize) remain)")
            }
            guard count > 0, count <= UInt64(tilePairs - counted) else {
                throw FormatError(.inconsistent, "histogram count \(count) at bin \(index): the tiles hold \(tilePairs) pairs in all")
            }
            previous = Int(index)
            counted += Int(count)
            nonMated[Int(index)] = Int(count)
        }
        mated = try reader.pairs(header.mated, images: header.layout.images)
        tail = try reader.pairs(header.tail, images: header.layout.images)
        guard counted + mated.count == tilePairs else {
            throw FormatError(
                .inconsistent,
                "\(counted) non-mated and \(mated.count) mated pairs counted; the \(tiles.count) tiles hold \(tilePairs) pairs")
        }
        guard tail.count <= counted else {
            throw FormatError(.inconsistent, "\(tail.count) tail pairs kept of \(counted) non-mated pairs counted")
        }
    }

    /// Checks a layout read from a file and returns its histogram size (`histograms × bins`).
    private static func check(_ layout: StatisticsLayout, histogramByteLimit: Int) throws(FormatError) -> Int {
        guard (0...Int(Int32.max)).contains(layout.images), (0...layout.images).contains(layout.rows),
            (0...layout.images).contains(layout.cells)
        else {
            throw FormatError(
                .outOfRange, "layout of \(layout.images) images, \(layout.rows) templates and \(layout.cells) cells is impossible")
        }
        // StatisticsLayout.bin(_:lower:scale:top:) rounds through the 23-bit mantissa.
        guard (1...(1 << 22)).contains(layout.bins), layout.tileSize >= 1, layout.tailCapacity >= 0 else {
            throw FormatError(
                .outOfRange, "layout of \(layout.bins) bins, tile size \(layout.tileSize) and tail capacity \(layout.tailCapacity)")
        }
        guard layout.keyLower.isFinite, layout.keyUpper.isFinite, layout.keyLower < layout.keyUpper else {
            throw FormatError(.outOfRange, "key domain \(layout.keyLower)…\(layout.keyUpper) is not a finite interval")
        }
        // Every cell pair's histogram one of them, all of them used (numbered in order of first use).
        var next: Int32 = 0
        for h in layout.histogramOfCellPair {
            guard h >= 0, h <= next else {
                throw FormatError(.outOfRange, "histogram \(h) of a cell pair, where histograms are numbered in order from 0")
            }
            if h == next { next += 1 }
        }
        guard layout.histogramOfCellPair.count == layout.cellPairs, Int(next) == layout.histograms else {
            throw FormatError(
                .outOfRange,
                "\(layout.histogramOfCellPair.count) cell pairs assigned to \(next) histograms; the layout has \(layout.cellPairs) and \(layout.histograms)"
            )
        }
        let (size, overflow) = layout.histograms.multipliedReportingOverflow(by: layout.bins)
        guard !overflow, size <= histogramByteLimit / MemoryLayout<Int>.size else {
            throw FormatError(
                .tooLarge,
                "the \(layout.histograms) histograms × \(layout.bins) bins need more than the \(histogramByteLimit) bytes allowed"
            )
        }
        return size
    }

    /// Bounds-checked little-endian reading; every failure is a ``FormatError``.
    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var remaining: Int { bytes.count - offset }

        mutating func take(_ count: Int, _ what: String) throws(FormatError) -> ArraySlice<UInt8> {
            guard count >= 0, count <= remaining else {
                throw FormatError(.lengthMismatch, "the data ends in \(what): \(count) bytes needed at offset \(offset) of \(bytes.count)")
            }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }

        mutating func integer<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws(FormatError) -> T {
            try take(MemoryLayout<T>.size, what).reversed().reduce(T.zero) { ($0 << 8) | T($1) }
        }

        /// `count` pairs, each `0 ≤ first < second < images` with a finite key; the caller has checked that the bytes are there.
        mutating func pairs(_ count: Int, images: Int) throws(FormatError) -> [ScoredPair] {
            var list: [ScoredPair] = []
            list.reserveCapacity(count)
            for _ in 0..<count {
                let first = try integer(Int32.self, "a pair")
                let second = try integer(Int32.self, "a pair")
                let key = Float(bitPattern: try integer(UInt32.self, "a pair"))
                guard first >= 0, first < second, Int(second) < images else {
                    throw FormatError(.outOfRange, "pair (\(first), \(second)) is not a pair of two of the \(images) images")
                }
                // A run's keys are finite (templates are); a file's must be too, so that every filter
                // (a key against the tail bin's lowest key) keeps what binning it would.
                guard key.isFinite else {
                    throw FormatError(.outOfRange, "pair (\(first), \(second)) has the key \(key), which is not a finite number")
                }
                list.append(ScoredPair(first: first, second: second, key: key))
            }
            return list
        }
    }
}
