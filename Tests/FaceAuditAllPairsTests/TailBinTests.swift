import FaceAuditScoring
import Testing

@testable import FaceAuditAllPairs

/// The streaming pass's tail bin, read from a floor up, against the whole scan it replaced.
@Suite struct TailBinTests {
    /// The bin holding the `capacity`-th most similar pair, bin by bin across every cell pair (0 when
    /// there are fewer): the definition.
    private func definition(_ counts: [Int], _ layout: StatisticsLayout, _ capacity: Int) -> Int {
        var above = 0
        for bin in stride(from: layout.bins - 1, through: 0, by: -1) {
            for pair in 0..<layout.cellPairs { above += counts[pair * layout.bins + bin] }
            if above >= capacity { return bin }
        }
        return 0
    }

    @Test func fromAnyFloorItIsTheDefinitionRaisedToTheFloor() {
        var state: UInt64 = 3
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        for cells in [1, 2, 4] {
            let layout = StatisticsLayout(
                metric: .cosineSimilarity, bins: 40, keyDomain: -1...1, cells: cells, tailCapacity: 0, tileSize: 8, rows: 8, images: 8,
                fingerprint: "test")
            for _ in 0..<200 {
                let counts = (0..<(layout.cellPairs * layout.bins)).map { _ in next(4) == 0 ? next(9) : 0 }
                let total = counts.reduce(0, +)
                for capacity in [0, 1, 2, total / 3, total, total + 1, .max] {
                    for floor in [0, 1, next(40), 39, 40] {
                        #expect(
                            PairStatistics.tailBin(counts, layout: layout, capacity: capacity, floor: floor)
                                == max(floor, definition(counts, layout, capacity)), "capacity \(capacity), floor \(floor)")
                    }
                }
            }
        }
    }
}

/// The tail bin certified before streaming (``AllPairsEngine/certifiedTailBin(tiles:timing:)``).
@Suite struct CertifiedTailBinTests {
    /// The definition: the tail bin of the non-mated counts of the shortest prefix of `tiles` holding
    /// `capacity` of them, found from a run that kept every pair.
    private func expected(_ engine: AllPairsEngine, tiles: [TileGrid.Tile], capacity: Int) throws -> Int {
        var row = [Int](repeating: -1, count: engine.matrix.imageCount)
        for (r, image) in engine.matrix.image.enumerated() { row[Int(image)] = r }
        let complete = engine.run(threads: 1).0
        #expect(complete.isComplete)
        var counts = [Int](repeating: 0, count: engine.layout.cellPairs * engine.layout.bins)
        for tile in tiles {
            for pair in complete.tail {
                let (a, b) = (row[Int(pair.first)], row[Int(pair.second)])
                let (low, high) = (min(a, b), max(a, b))
                guard tile.rows.contains(low), tile.columns.contains(high) else { continue }
                let cellPair = engine.layout.cellPair(
                    Int(engine.cellOfImage[Int(pair.first)]), Int(engine.cellOfImage[Int(pair.second)]))
                counts[cellPair * engine.layout.bins + engine.layout.bin(of: pair.key)] += 1
            }
            if counts.reduce(0, +) >= capacity { return PairStatistics.tailBin(counts, layout: engine.layout, capacity: capacity) }
        }
        return 0
    }

    /// Tile sizes 33 and 32: on AMX tiles the keys come from them only at multiples of 16.
    @Test(arguments: [33, 32])
    func itIsTheTailBinOfTheFirstTilesThatHoldTheCapacity(tileSize: Int) throws {
        let population = Population(images: 400, seed: 12)
        for metric in [PairMetric.cosineSimilarity, .euclideanDistance] {
            for capacity in [1, 900, 5000] {
                let engine = try population.engine(metric, tileSize: tileSize, bins: 128)
                let tiles = engine.grid.tiles
                var layout = engine.layout
                layout.tailCapacity = capacity
                let limited = AllPairsEngine(
                    matrix: engine.matrix, cellOfImage: engine.cellOfImage, subjectOfImage: engine.subjectOfImage, layout: layout)
                var timing = AllPairsEngine.Timing()
                let bin = limited.certifiedTailBin(tiles: tiles, timing: &timing)
                #expect(bin == (try expected(engine, tiles: tiles, capacity: capacity)), "\(metric), capacity \(capacity)")
                #expect(bin > 0, "\(metric), capacity \(capacity)")
                #expect(bin <= limited.run(threads: 1).0.tailBin)
            }
        }
    }

    @Test("no tile is computed twice past an eighth of the pairs: one tile holding them all gives no bin and costs nothing")
    func aTileLargerThanAnEighthIsNotComputed() throws {
        let population = Population(images: 300, seed: 12)
        let engine = try population.engine(.cosineSimilarity, tileSize: 300, tail: 10, bins: 128)
        #expect(engine.grid.tiles.count == 1)
        var timing = AllPairsEngine.Timing()
        #expect(engine.certifiedTailBin(tiles: engine.grid.tiles, timing: &timing) == 0)
        #expect(timing.flops == 0)
    }

    @Test func noBinIsCertifiedWhenTheTailIsMoreThanAnEighthOfThePairs() throws {
        let population = Population(images: 100, seed: 12)
        let engine = try population.engine(.cosineSimilarity, tileSize: 20, tail: 4950 / 8 + 1, bins: 128)
        var timing = AllPairsEngine.Timing()
        #expect(engine.certifiedTailBin(tiles: engine.grid.tiles, timing: &timing) == 0)
    }
}

/// ``StatisticsLayout/lowestKey(inBinAtLeast:)``, by which tails are filtered, against binning each key.
@Suite struct LowestKeyTests {
    @Test func aKeyIsInABinAtLeastBExactlyWhenItIsAtLeastTheLowestKey() {
        var state: UInt64 = 21
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 3_000_001 - 1_500_000) / 1_000_000
        }
        for (domain, bins) in [(Float(-1)...1, 16_384), (-4...0.5, 97), (0...2, 3), (-1e-3...1e-3, 1_000)] {
            let layout = StatisticsLayout(
                metric: .cosineSimilarity, bins: bins, keyDomain: domain, cells: 1, tailCapacity: 0, tileSize: 8, rows: 8, images: 8,
                fingerprint: "test")
            let keys = (0..<300).map { _ in next() * (domain.upperBound - domain.lowerBound) }
            for bin in Set([-1, 0, 1, 2, bins / 2, bins - 1, bins, bins + 3] + (0..<40).map { _ in abs(Int(next() * 1e6)) % bins }) {
                let lowest = layout.lowestKey(inBinAtLeast: bin)
                // Around the threshold, one float at a time, and keys from all over the domain and outside it.
                var probes = keys + [0, -0.0, domain.lowerBound, domain.upperBound, -.greatestFiniteMagnitude, .greatestFiniteMagnitude]
                if lowest.isFinite {
                    var below = lowest, above = lowest
                    for _ in 0..<4 {
                        below = below.nextDown
                        above = above.nextUp
                        probes += [below, above]
                    }
                    probes.append(lowest)
                }
                for key in probes {
                    #expect((key >= lowest) == (layout.bin(of: key) >= bin), "bins \(bins), bin \(bin), key \(key), lowest \(lowest)")
                }
            }
        }
    }
}

/// The tail's filter, written without a branch per pair, against the standard library's.
@Suite struct KeepPairsTests {
    @Test("the same pairs in the same order as removeAll(where: key < lowest), NaN keys kept", arguments: [0, 1, 2, 17, 10_000])
    func sameAsRemoveAll(count: Int) {
        var state: UInt64 = UInt64(count) &+ 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let pairs = (0..<count).map { k -> ScoredPair in
            let key: Float = next() % 50 == 0 ? .nan : Float(next() % 2_001) / 1_000 - 1
            return ScoredPair(first: Int32(k), second: Int32(k + 1), key: key)
        }
        for lowest: Float in [-2, -0.5, 0, 0.25, 2] {
            var expected = pairs
            expected.removeAll { $0.key < lowest }
            var kept = pairs
            PairStatistics.keepPairs(&kept, atLeast: lowest)
            #expect(kept.count == expected.count)
            #expect(
                zip(kept, expected).allSatisfy { $0.first == $1.first && $0.second == $1.second && $0.key.bitPattern == $1.key.bitPattern })
        }
    }
}
