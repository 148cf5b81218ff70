import FaceAuditAllPairs
import FaceAuditBenchmark
import FaceAuditConfiguration
import FaceAuditHashing
import FaceAuditScoring
import FaceAuditTemplates
import Foundation

/// libFuzzer entry point for what `faceaudit merge` reads. The first byte picks the input:
/// - 0: the rest is a whole `pairs.bin`;
/// - 1: the rest is a `pairs.bin` payload, sealed here with its length and SHA-256 so that mutations get past
///   the checksum into the header and the counts;
/// - 2: the rest is a `partial.json`, read with the empty statistics of a 2-image run and its marker (fingerprint
///   `f`, as in the seeds' partial.json).
///
/// Statistics that read must add up (see `check`) and read back the same after writing; a partial must hold
/// one template per image; anything else must be a typed error. Never a crash, nor an allocation beyond the
/// 64 MiB histogram limit given.
func fuzzShardPartial(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let rest = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 3 {
    case 0: readPairs(rest)
    case 1: readPairs(sealed(rest))
    default:
        do {
            let pairs = PairStatistics(layout: layout(images: 2, rows: 0)).serialized()
            let partial = try ShardPartial(folder: "fuzz", partialJSON: rest, pairs: pairs, marker: Data("f\n".utf8))
            precondition(partial.templates.count == partial.images.count && (0..<partial.shards).contains(partial.shard))
        } catch {
            precondition(error.code == .dataError && error.message.hasPrefix("fuzz"), error.message)
        }
    }
    return 0
}

private func readPairs(_ bytes: Data) {
    let statistics: PairStatistics
    do { statistics = try PairStatistics(serialized: bytes, histogramByteLimit: 1 << 26) } catch { return }
    check(statistics)
    let reread = try! PairStatistics(serialized: statistics.serialized(), histogramByteLimit: 1 << 26)
    precondition(
        reread.layout == statistics.layout && reread.nonMated == statistics.nonMated && same(reread.mated, statistics.mated)
            && same(reread.tail, statistics.tail) && reread.tiles == statistics.tiles && reread.tailBin == statistics.tailBin)
}

/// Equal pairs, keys compared bit for bit (a NaN key is kept as it was read).
private func same(_ a: [ScoredPair], _ b: [ScoredPair]) -> Bool {
    a.elementsEqual(b) { $0.first == $1.first && $0.second == $1.second && $0.key.bitPattern == $1.key.bitPattern }
}

/// What the reader promises of statistics it accepts.
private func check(_ statistics: PairStatistics) {
    let layout = statistics.layout
    let grid = TileGrid(rows: layout.rows, tileSize: layout.tileSize)
    precondition(statistics.nonMated.count == layout.cellPairs * layout.bins && statistics.nonMated.allSatisfy { $0 >= 0 })
    precondition(Set(statistics.tiles).count == statistics.tiles.count && statistics.tiles.allSatisfy { $0 >= 0 && $0 < grid.tileCount })
    let pairs = statistics.tiles.reduce(0) { $0 + grid.tile(at: $1).pairCount }
    precondition(statistics.nonMatedCount + statistics.mated.count == pairs && statistics.tail.count <= statistics.nonMatedCount)
    for pair in statistics.mated + statistics.tail {
        precondition(pair.first >= 0 && pair.first < pair.second && Int(pair.second) < layout.images)
    }
    precondition((0..<layout.bins).contains(statistics.tailBin))
}

/// A `pairs.bin` around `payload` as the writer seals it (magic, length, SHA-256).
private func sealed(_ payload: Data) -> Data {
    var data = Data("FAPAIRS2".utf8)
    withUnsafeBytes(of: UInt64(payload.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: SHA256Digest(of: payload).bytes)
    return data + payload
}

private func layout(images: Int, rows: Int) -> StatisticsLayout {
    StatisticsLayout(
        metric: .cosineSimilarity, bins: 32, keyDomain: -1.0001...1.0001, cells: 2, tailCapacity: 40, tileSize: 4, rows: rows,
        images: images, fingerprint: "f")
}

/// Statistics of a small run (whole, sealed payload) and the partial.json of one shard.
func shardPartialSeeds() -> [String: [UInt8]] {
    var templates: [[Float]?] = []
    for i in 0..<10 { templates.append(i == 7 ? nil : [Float(i % 3) + 1, Float(i % 4), Float(i) * 0.1]) }
    let matrix = try! TemplateMatrix(templates: templates, metric: .cosineSimilarity)
    let engine = AllPairsEngine(
        matrix: matrix, cellOfImage: (0..<10).map { Int32($0 % 2) }, subjectOfImage: (0..<10).map { Int32($0 / 2) },
        layout: layout(images: 10, rows: matrix.rows))
    var seeds: [String: [UInt8]] = [:]
    for shard in 0..<2 {
        let bytes = [UInt8](engine.run(shard: shard, of: 2).0.serialized())
        seeds["pairs-\(shard).bin"] = [0] + bytes
        seeds["payload-\(shard).bin"] = [1] + bytes.dropFirst(48)
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-seed-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let partial = ShardPartial(
        shard: 0, shards: 1, configuration: RunConfiguration(), commandLine: ["faceaudit", "run"], workingDirectory: "/work",
        images: 0..<2, templates: [.template([0.5, 0.25]), .failure(.noFace, "no face found")],
        statistics: PairStatistics(layout: layout(images: 2, rows: 0)))
    try! partial.write(to: folder)
    seeds["partial.json"] = [2] + [UInt8](FileManager.default.contents(atPath: folder + "/partial.json")!)
    return seeds
}
