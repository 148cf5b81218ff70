import FaceAuditHashing
import FaceAuditScoring
import Foundation
import Testing

@testable import FaceAuditAllPairs

/// `pairs.bin` as a hostile or damaged file: every problem is a typed ``PairStatistics/FormatError``, never a trap,
/// an absurd allocation or statistics that do not add up.
@Suite("Pair statistics files are checked before they are trusted")
struct PairStatisticsFormatTests {
    typealias Code = PairStatistics.FormatError.Code

    /// Statistics of 12 images of 6 people in 2 cells, in 6 tiles of 5 rows.
    static func statistics() throws -> PairStatistics {
        var templates: [[Float]?] = []
        for i in 0..<12 {
            let a = Float(i % 3) + 1
            let b = Float(i % 4)
            templates.append([a, b, Float(i) * 0.1])
        }
        let matrix = try TemplateMatrix(templates: templates, metric: .cosineSimilarity)
        let layout = StatisticsLayout(
            metric: .cosineSimilarity, bins: 64, keyDomain: matrix.keyDomain, cells: 2, tailCapacity: .max, tileSize: 5,
            rows: matrix.rows, images: 12, fingerprint: "test")
        let cells = (0..<12).map { Int32($0 % 2) }
        let subjects = (0..<12).map { Int32($0 / 2) }
        return AllPairsEngine(matrix: matrix, cellOfImage: cells, subjectOfImage: subjects, layout: layout).run().0
    }

    /// The payload of a file: everything after magic, length and checksum.
    static func payload(_ data: Data) -> Data { data.dropFirst(48) }

    /// A file of this version around `payload`, with its length and SHA-256 as the writer sets them.
    static func sealed(_ payload: Data) -> Data {
        var data = PairStatistics.magic
        withUnsafeBytes(of: UInt64(payload.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: SHA256Digest(of: payload).bytes)
        data.append(payload)
        return data
    }

    /// The file with its JSON header rewritten by `edit` and sealed again: a deliberate edit, not damage.
    static func editingHeader(_ data: Data, _ edit: (String) -> String) -> Data {
        let payload = [UInt8](Self.payload(data))
        let length = Int(payload[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let json = Data(edit(String(decoding: payload[8..<8 + length], as: UTF8.self)).utf8)
        var edited = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { edited.append(contentsOf: $0) }
        edited.append(json)
        edited.append(contentsOf: payload[(8 + length)...])
        return sealed(edited)
    }

    static func expect(_ data: Data, _ code: Code, limit: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let statistics =
                if let limit { try PairStatistics(serialized: data, histogramByteLimit: limit) } else {
                    try PairStatistics(serialized: data)
                }
            Issue.record("read statistics of \(statistics.nonMatedCount) pairs, expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(!error.reason.isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test("the written form reads back to the same statistics")
    func roundTrip() throws {
        let statistics = try Self.statistics()
        let reread = try PairStatistics(serialized: statistics.serialized())
        #expect(reread.nonMated == statistics.nonMated && reread.mated == statistics.mated && reread.tail == statistics.tail)
        #expect(reread.tiles == statistics.tiles && reread.tailBin == statistics.tailBin && reread.layout == statistics.layout)
    }

    @Test("a negative count in the header is out of range, not a trap", arguments: ["tail", "mated", "histogramEntries", "tailBin"])
    func negativeCount(key: String) throws {
        let data = try Self.statistics().serialized()
        Self.expect(Self.editingHeader(data) { $0.replacingOccurrences(of: "\"\(key)\":", with: "\"\(key)\":-1,\"was\":") }, .outOfRange)
    }

    @Test(
        "a huge count is refused before anything is allocated",
        arguments: ["1000000000000", "9223372036854775807", "768614336404564651", "1537228672809129302"])
    func hugeCount(count: String) throws {
        let data = try Self.statistics().serialized()
        for key in ["tail", "mated", "histogramEntries"] {
            Self.expect(
                Self.editingHeader(data) { $0.replacingOccurrences(of: "\"\(key)\":", with: "\"\(key)\":\(count),\"was\":") }, .outOfRange)
        }
    }

    @Test("a layout whose histogram would not fit is too large, and impossible layouts are out of range")
    func hugeLayout() throws {
        let data = try Self.statistics().serialized()
        let bigCells = Self.editingHeader(data) {
            $0.replacingOccurrences(of: "\"cells\":2", with: "\"cells\":100000").replacingOccurrences(
                of: "\"images\":12", with: "\"images\":100000")
        }
        // Cells whose pairs the layout's table of histograms does not cover.
        Self.expect(bigCells, .outOfRange, limit: 1 << 30)
        let overflowing = Self.editingHeader(data) {
            $0.replacingOccurrences(of: "\"cells\":2", with: "\"cells\":2000000000").replacingOccurrences(
                of: "\"images\":12", with: "\"images\":2000000000")
        }
        Self.expect(overflowing, .outOfRange)
        // 3 histograms of 2²² bins: 96 MiB.
        let bigBins = Self.editingHeader(data) { $0.replacingOccurrences(of: "\"bins\":64", with: "\"bins\":4194304") }
        Self.expect(bigBins, .tooLarge, limit: 1 << 26)
        for (original, edited) in [
            ("\"cells\":2", "\"cells\":13"), ("\"bins\":64", "\"bins\":0"), ("\"bins\":64", "\"bins\":-64"),
            ("\"tileSize\":5", "\"tileSize\":0"),
            ("\"images\":12", "\"images\":-1"), ("\"rows\":12", "\"rows\":13"),
        ] {
            Self.expect(Self.editingHeader(data) { $0.replacingOccurrences(of: original, with: edited) }, .outOfRange)
        }
        Self.expect(Self.editingHeader(data) { $0.replacingOccurrences(of: "\"tiles\":[", with: "\"tiles\":[6,") }, .outOfRange)
        Self.expect(Self.editingHeader(data) { $0.replacingOccurrences(of: "\"tiles\":[", with: "\"tiles\":[0,") }, .inconsistent)
    }

    @Test("every one-bit flip is refused; in the payload it is a checksum mismatch")
    func bitFlips() throws {
        let data = try Self.statistics().serialized()
        for byte in data.indices {
            for bit in 0..<8 {
                var flipped = data
                flipped[byte] ^= 1 << bit
                do {
                    _ = try PairStatistics(serialized: flipped)
                    Issue.record("a flip of bit \(bit) of byte \(byte) was read")
                } catch {
                    let expected: [Code] =
                        byte < 8 ? [.notPairStatistics, .unsupportedVersion] : byte < 16 ? [.lengthMismatch] : [.checksumMismatch]
                    #expect(expected.contains(error.code), "byte \(byte): \(error)")
                }
            }
        }
    }

    @Test("counts that do not add up are refused even with a valid checksum (no \"180 of 179\")")
    func countsThatDoNotAddUp() throws {
        let statistics = try Self.statistics()
        let data = statistics.serialized()
        var payload = Self.payload(data)
        // The lowest byte of the last histogram count: the entries end where the pairs begin.
        let pairBytes = (statistics.mated.count + statistics.tail.count) * 12
        var extra = payload
        extra[extra.endIndex - pairBytes - 8] &+= 1
        Self.expect(Self.sealed(extra), .inconsistent)
        // A mated pair pointing past the images.
        payload[payload.endIndex - statistics.tail.count * 12 - 8] = 99
        Self.expect(Self.sealed(payload), .outOfRange)
        // A tail pair whose key is not a number, or infinite.
        for bits in [Float.nan.bitPattern, Float.infinity.bitPattern] {
            var key = Self.payload(data)
            withUnsafeBytes(of: bits.littleEndian) { key.replaceSubrange((key.endIndex - 4)..<key.endIndex, with: $0) }
            Self.expect(Self.sealed(key), .outOfRange)
        }
        // One tile fewer than the counts were made from.
        Self.expect(Self.editingHeader(data) { $0.replacingOccurrences(of: "\"tiles\":[0,", with: "\"tiles\":[") }, .inconsistent)
    }

    @Test("a file cut short at any length is a typed error")
    func truncated() throws {
        let data = try Self.statistics().serialized()
        for length in 0..<data.count { Self.expect(data.prefix(length), .lengthMismatch) }
        Self.expect(data + Data([0]), .lengthMismatch)
    }

    @Test("versions 1 (no checksum) and 2 (a histogram per cell pair) are refused with what to do")
    func oldFormat() throws {
        let version1 = Data("FAPAIRS1".utf8) + Data(repeating: 0, count: 40)
        Self.expect(version1, .unsupportedVersion)
        var version2 = try Self.statistics().serialized()
        version2.replaceSubrange(0..<8, with: Data("FAPAIRS2".utf8))
        Self.expect(version2, .unsupportedVersion)
        do {
            _ = try PairStatistics(serialized: version1)
        } catch {
            #expect(error.description.contains("rerun the shard with this version"), "\(error)")
        }
        Self.expect(Data("not statistics at all".utf8), .notPairStatistics)
        Self.expect(
            Self.editingHeader(try Self.statistics().serialized()) { $0.replacingOccurrences(of: "statistics-3", with: "statistics-4") },
            .unsupportedVersion)
        Self.expect(Self.editingHeader(try Self.statistics().serialized()) { _ in "{" }, .corruptHeader)
    }

    @Test("cell pairs assigned to histograms out of order, or to too few or too many, are out of range")
    func histogramTable() throws {
        let data = try Self.statistics().serialized()
        // Two cells: the pairs (0, 0), (0, 1), (1, 1), each its own histogram.
        #expect(try Self.statistics().layout.histogramOfCellPair == [0, 1, 2])
        for edit in ["[0,2,1]", "[1,0,2]", "[0,1]", "[0,1,2,3]", "[0,1,-1]"] {
            Self.expect(Self.editingHeader(data) { $0.replacingOccurrences(of: "[0,1,2]", with: edit) }, .outOfRange)
        }
        Self.expect(Self.editingHeader(data) { $0.replacingOccurrences(of: "\"histograms\":3", with: "\"histograms\":2") }, .outOfRange)
    }

    @Test("TileGrid.tile(at:) and tileCount agree with the list of tiles")
    func tileAtIndex() {
        for (rows, size) in [(0, 4), (1, 4), (12, 5), (64, 64), (65, 64), (1000, 7), (3, 1)] {
            let grid = TileGrid(rows: rows, tileSize: size)
            #expect(grid.tileCount == grid.tiles.count)
            for (i, tile) in grid.tiles.enumerated() { #expect(grid.tile(at: i) == tile, "rows \(rows), size \(size), tile \(i)") }
        }
    }
}

@Suite("Image-pair order")
struct ImagePairOrderTests {
    /// From 100,000 pairs the order comes from a radix sort on packed image pairs: it must be the
    /// standard library's stable order, for narrow and full-width image indices, with repeated pairs.
    @Test(
        "large lists sort as the standard library's stable sort does, keys moving with their pairs",
        arguments: [300, 70_000, Int(Int32.max)])
    func radixMatchesStableSort(images: Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(images)
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var pairs = (0..<150_000).map { k -> ScoredPair in
            let a = Int32(next() % UInt64(images))
            let b = Int32(next() % UInt64(images))
            return ScoredPair(first: min(a, b), second: max(a, b), key: Float(k))  // the key records the input order
        }
        pairs += pairs.prefix(20_000).map { ScoredPair(first: $0.first, second: $0.second, key: -$0.key) }  // repeats
        var radix = pairs
        PairStatistics.sortInImagePairOrder(&radix)
        let stable = pairs.enumerated().sorted { x, y in
            (UInt32(bitPattern: x.element.first), UInt32(bitPattern: x.element.second), x.offset)
                < (UInt32(bitPattern: y.element.first), UInt32(bitPattern: y.element.second), y.offset)
        }.map(\.element)
        // Compared as one Bool with the first difference: a failing array comparison of 170,000
        // elements would make Swift Testing diff the two arrays for minutes.
        let firstDifference = zip(radix, stable).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(radix.count == stable.count && firstDifference == nil, "first difference at \(firstDifference ?? -1)")
    }
}
