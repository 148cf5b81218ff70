import FaceAuditGEMM
import FaceAuditScoring
import Foundation
import Testing

@testable import FaceAuditAllPairs

/// Seeded random templates with a few subjects of several photos each.
struct Population {
    var templates: [[Float]?]
    var subject: [Int32]
    var cell: [Int32]

    init(images: Int, dimension: Int = 16, cells: Int = 5, seed: UInt64, missingEvery: Int = 0) {
        var state = seed
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
        }
        var templates: [[Float]?] = []
        var subject: [Int32] = []
        var cell: [Int32] = []
        var centre: [Float] = []
        for i in 0..<images {
            if i % 3 == 0 { centre = (0..<dimension).map { _ in next() } }
            let s = Int32(i / 3)
            subject.append(s)
            cell.append(Int32(Int(s) % cells))
            let missing = missingEvery > 0 && i % missingEvery == missingEvery - 1
            templates.append(missing ? nil : centre.map { $0 + 0.3 * next() })
        }
        self.templates = templates
        self.subject = subject
        self.cell = cell
    }

    func engine(_ metric: PairMetric, tileSize: Int, tail: Int = .max, bins: Int = 512) throws -> AllPairsEngine {
        let matrix = try TemplateMatrix(templates: templates, metric: metric)
        var layout = StatisticsLayout(
            metric: metric, bins: bins, keyDomain: matrix.keyDomain, cells: Int(cell.max()! + 1), tailCapacity: tail, tileSize: tileSize,
            rows: matrix.rows, images: templates.count, fingerprint: "test")
        // The keys a run computes here: on AMX tiles where they run and the tile size is a multiple of 16.
        layout.keys = AllPairsEngine.keys(for: layout, matrix: matrix)
        return AllPairsEngine(matrix: matrix, cellOfImage: cell, subjectOfImage: subject, layout: layout)
    }

    /// The score of a pair computed directly, in double precision.
    func direct(_ i: Int, _ j: Int, _ metric: PairMetric) -> Double {
        let a = templates[i]!.map(Double.init), b = templates[j]!.map(Double.init)
        switch metric {
        case .euclideanDistance: return zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        case .cosineSimilarity:
            let dot = zip(a, b).map { $0 * $1 }.reduce(0, +)
            return dot / (a.map { $0 * $0 }.reduce(0, +).squareRoot() * b.map { $0 * $0 }.reduce(0, +).squareRoot())
        }
    }
}

@Suite struct AllPairsEngineTests {
    @Test(arguments: [PairMetric.cosineSimilarity, .euclideanDistance])
    func everyPairIsScoredOnceAndMatchesTheDirectScore(metric: PairMetric) throws {
        let population = Population(images: 301, seed: 7, missingEvery: 29)
        var engine = try population.engine(metric, tileSize: 64)
        engine.onTiles = false
        let (statistics, timing) = engine.run(threads: 2)
        #expect(statistics.isComplete)
        #expect(timing.flops > 0)
        let valid = population.templates.indices.filter { population.templates[$0] != nil }
        var expectedMated = 0, expectedNonMated = 0
        for (x, i) in valid.enumerated() {
            for j in valid[(x + 1)...] {
                if population.subject[i] == population.subject[j] { expectedMated += 1 } else { expectedNonMated += 1 }
            }
        }
        #expect(statistics.mated.count == expectedMated)
        #expect(statistics.tail.count == expectedNonMated)
        #expect(statistics.nonMatedCount == expectedNonMated)
        var seen = Set<[Int32]>()
        for p in statistics.mated + statistics.tail {
            #expect(p.first < p.second)
            #expect(seen.insert([p.first, p.second]).inserted)
            let direct = population.direct(Int(p.first), Int(p.second), metric)
            #expect(abs(metric.score(key: p.key) - direct) < 2e-5, "pair \(p.first)-\(p.second)")
        }
        for p in statistics.mated { #expect(population.subject[Int(p.first)] == population.subject[Int(p.second)]) }
        #expect(statistics.mated == statistics.mated.sorted { ($0.first, $0.second) < ($1.first, $1.second) })
    }

    /// On AMX tiles every pair's key lies within the bound `TileOperands` states of the exact key:
    /// 2·(3·2⁻¹⁶ + 3k·2⁻²⁴)·Σ|a_p·b_p| for 2a·b, plus single-precision rounding of the norms
    /// (k·2⁻²⁴·(‖a‖² + ‖b‖²), twice over) and of the key's two subtractions.
    @Test(
        .enabled(if: BLAS.amx, "no AMX-BF16 here, or FACEAUDIT_GEMM picks another path"),
        arguments: [PairMetric.cosineSimilarity, .euclideanDistance])
    func tileKeysLieWithinTheirBound(metric: PairMetric) throws {
        let population = Population(images: 301, seed: 7, missingEvery: 29)
        let engine = try population.engine(metric, tileSize: 64)
        #expect(engine.tileOperands() != nil)
        let (statistics, _) = engine.run(threads: 2)
        let matrix = try TemplateMatrix(templates: population.templates, metric: metric)
        var worst = 0.0
        for p in statistics.mated + statistics.tail {
            var a = population.templates[Int(p.first)]!.map(Double.init), b = population.templates[Int(p.second)]!.map(Double.init)
            if metric == .cosineSimilarity {
                let (na, nb) = (a.map { $0 * $0 }.reduce(0, +).squareRoot(), b.map { $0 * $0 }.reduce(0, +).squareRoot())
                a = a.map { $0 / na }
                b = b.map { $0 / nb }
            }
            let dot = zip(a, b).map { $0 * $1 }.reduce(0, +)
            let magnitude = zip(a, b).map { abs($0 * $1) }.reduce(0, +)
            let (aa, bb) = (a.map { $0 * $0 }.reduce(0, +), b.map { $0 * $0 }.reduce(0, +))
            let k = Double(matrix.dimension)
            let exact = metric == .cosineSimilarity ? dot : 2 * dot - aa - bb
            var bound = 2 * (3.0 / 65536 + 3 * k * 0x1p-24) * magnitude
            if metric == .euclideanDistance { bound += 2 * (k * 0x1p-24) * (aa + bb) + 4 * 0x1p-24 * (2 * magnitude + aa + bb) }
            let error = abs(Double(p.key) - exact)
            #expect(error <= bound, "pair \(p.first)-\(p.second): error \(error), bound \(bound)")
            worst = max(worst, error / bound)
        }
        #expect(worst > 0)
    }

    /// Tiles computed a few rows at a time (columns packed once, each block binned straight after) give
    /// the statistics of whole tiles by `BLAS.gemm`: blocks of 1, 7 and 32 rows and whole tiles, on
    /// diagonal and edge tiles, for both metrics, with a tail cut inside the run.
    @Test(arguments: [PairMetric.cosineSimilarity, .euclideanDistance])
    func rowBlocksGiveTheStatisticsOfWholeTiles(metric: PairMetric) throws {
        let population = Population(images: 301, seed: 5, missingEvery: 31)
        var engine = try population.engine(metric, tileSize: 64, tail: 900)
        engine.rowBlock = 0
        let whole = engine.run(threads: 1).0.serialized()
        for rows in [1, 7, 32, 64] {
            engine.rowBlock = rows
            #expect(engine.run(threads: 2).0.serialized() == whole, "blocks of \(rows) rows")
        }
    }

    /// Tile sizes 50 and 48: on AMX tiles the keys come from them only at multiples of 16.
    @Test(arguments: [1, 3, 7], [50, 48])
    func shardsMergeToTheSingleProcessStatistics(shards: Int, tileSize: Int) throws {
        let population = Population(images: 420, seed: 11, missingEvery: 41)
        for metric in [PairMetric.cosineSimilarity, .euclideanDistance] {
            let engine = try population.engine(metric, tileSize: tileSize, tail: 700)
            let (single, _) = engine.run(threads: 1)
            var merged: PairStatistics?
            for shard in (0..<shards).reversed() {
                let (part, _) = engine.run(shard: shard, of: shards, threads: 2)
                let reread = try PairStatistics(serialized: part.serialized())
                if merged == nil { merged = reread } else { try merged!.merge(reread) }
            }
            var total = try #require(merged)
            total.normalize()
            #expect(total.nonMated == single.nonMated)
            #expect(total.mated == single.mated)
            #expect(total.tail == single.tail)
            #expect(total.tailBin == single.tailBin)
            #expect(total.tiles == Array(0..<TileGrid(rows: engine.matrix.rows, tileSize: tileSize).tiles.count))
            #expect(total.serialized() == single.serialized())
        }
    }

    /// The tiles are taken only where their error bound is at most half a bin and tiles start at
    /// multiples of 16: 128-dimension cosine keys at 16,384 bins take them (where AMX runs), 512-dimension
    /// ones (bound 7.7e-5, half a bin 6.1e-5) and tile sizes off 16 do not; a run that keeps every pair
    /// (one bin) always can.
    @Test func theTilesAreTakenOnlyWithinHalfABin() throws {
        func keys(dimension: Int, bins: Int, tileSize: Int) throws -> String {
            let templates: [[Float]?] = (0..<40).map { i in (0..<dimension).map { Float(($0 * 7 + i * 13) % 11) - 5 } }
            let matrix = try TemplateMatrix(templates: templates, metric: .cosineSimilarity)
            let layout = StatisticsLayout(
                metric: .cosineSimilarity, bins: bins, keyDomain: matrix.keyDomain, cells: 1, tailCapacity: 10, tileSize: tileSize,
                rows: matrix.rows, images: templates.count, fingerprint: "test")
            return AllPairsEngine.keys(for: layout, matrix: matrix)
        }
        #expect(TileOperands.errorBound(dimension: 128) < 2.0002 / 16_384 / 2)
        #expect(TileOperands.errorBound(dimension: 512) > 2.0002 / 16_384 / 2)
        #expect(try keys(dimension: 128, bins: 16_384, tileSize: 1024) == AllPairsEngine.tileKeys)
        #expect(try keys(dimension: 512, bins: 16_384, tileSize: 1024) == "")
        #expect(try keys(dimension: 128, bins: 16_384, tileSize: 1000) == "")
        #expect(try keys(dimension: 512, bins: 1, tileSize: 1024) == AllPairsEngine.tileKeys)
    }

    /// Shards whose keys were computed differently (AMX tiles of one CPU model, another's, or single
    /// precision) can put a pair in another bin: their partial results are not added.
    @Test func partsWithOtherKeysAreNotAdded() throws {
        let population = Population(images: 120, seed: 5)
        let engine = try population.engine(.cosineSimilarity, tileSize: 32)
        let (first, _) = engine.run(shard: 0, of: 2, threads: 1)
        var layout = engine.layout
        layout.keys = engine.layout.keys.isEmpty ? "AMX tiles, split bfloat16 (CPUID 0x0)" : ""
        let other = AllPairsEngine(
            matrix: engine.matrix, cellOfImage: engine.cellOfImage, subjectOfImage: engine.subjectOfImage, layout: layout)
        let (second, _) = other.run(shard: 1, of: 2, threads: 1)
        var total = first
        let before = total.serialized()
        #expect {
            try total.merge(second)
        } throws: { error in
            "\(error)".contains("computed differently") && "\(error)".contains("single precision")
        }
        #expect(total.serialized() == before)
    }

    @Test("threads that share the highest tail bin any of them reached give the one-thread statistics", arguments: [24, 32])
    func sharedTailBinKeepsTheStatistics(tileSize: Int) throws {
        let population = Population(images: 600, seed: 5, missingEvery: 53)
        for metric in [PairMetric.cosineSimilarity, .euclideanDistance] {
            // Small tiles and a small tail: the bin rises many times on every thread.
            let engine = try population.engine(metric, tileSize: tileSize, tail: 400, bins: 256)
            let (single, _) = engine.run(threads: 1)
            for threads in [2, 5] {
                let (shared, _) = engine.run(threads: threads)
                #expect(shared.serialized() == single.serialized())
                #expect(shared.tail == single.tail)
                #expect(shared.tailBin == single.tailBin)
            }
        }
    }

    /// A run whose tail is ordered by its consumer leaves it as the tiles gave it; nothing else changes.
    @Test("a run that leaves its tail unsorted has the same tail as a set, and the same everything else")
    func unsortedTailIsTheSameTail() throws {
        let population = Population(images: 600, seed: 9, missingEvery: 41)
        for metric in [PairMetric.cosineSimilarity, .euclideanDistance] {
            let engine = try population.engine(metric, tileSize: 24, tail: 400, bins: 256)
            let (sorted, _) = engine.run(threads: 1)
            for threads in [1, 3] {
                var (unsorted, _) = engine.run(threads: threads, sortingTail: false)
                #expect(unsorted.tail.count == sorted.tail.count && unsorted.tail != sorted.tail, "\(threads) threads")
                #expect(unsorted.mated == sorted.mated && unsorted.nonMated == sorted.nonMated && unsorted.tiles == sorted.tiles)
                unsorted.normalize()
                #expect(unsorted.serialized() == sorted.serialized(), "\(threads) threads")
            }
        }
    }

    @Test("absorbing several parts at once equals merging them one by one, and frees the parts")
    func absorbingPartsEqualsMergingThem() throws {
        let population = Population(images: 300, seed: 8)
        let engine = try population.engine(.cosineSimilarity, tileSize: 40, tail: 250)
        var parts = (0..<4).map { engine.run(shard: $0, of: 4, threads: 1).0 }
        var oneByOne = PairStatistics(layout: engine.layout)
        for part in parts { try oneByOne.merge(part) }
        oneByOne.normalize()
        var together = PairStatistics(layout: engine.layout)
        try together.absorb(&parts)
        together.normalize()
        #expect(parts.isEmpty)
        #expect(together.serialized() == oneByOne.serialized())
        #expect(together.serialized() == engine.run(threads: 1).0.serialized())
        var twice = [engine.run(shard: 0, of: 4, threads: 1).0, engine.run(shard: 0, of: 4, threads: 1).0]
        var refused = PairStatistics(layout: engine.layout)
        #expect(throws: ComparisonError.self) { try refused.absorb(&twice) }
    }

    @Test func theTailHoldsExactlyThePairsInItsBinsAndAtLeastItsCapacity() throws {
        let population = Population(images: 500, seed: 3)
        let complete = try population.engine(.cosineSimilarity, tileSize: 77, bins: 256).run(threads: 2).0
        let engine = try population.engine(.cosineSimilarity, tileSize: 77, tail: 1000, bins: 256)
        let (statistics, _) = engine.run(threads: 2)
        #expect(!statistics.isComplete)
        #expect(statistics.tail.count >= 1000)
        let expected = complete.tail.filter { engine.layout.bin(of: $0.key) >= statistics.tailBin }
        #expect(statistics.tail == expected)
        // Dropping the tail's lowest bin would leave fewer than the capacity.
        let above = complete.tail.filter { engine.layout.bin(of: $0.key) > statistics.tailBin }
        #expect(above.count < 1000)
        #expect(statistics.nonMated == complete.nonMated)
    }

    @Test func mergingTheSameShardTwiceOrAnotherRunFails() throws {
        let population = Population(images: 120, seed: 5)
        let engine = try population.engine(.cosineSimilarity, tileSize: 40)
        let (part, _) = engine.run(shard: 0, of: 3)
        var total = part
        #expect(throws: ComparisonError.self) { try total.merge(part) }
        let other = try Population(images: 120, seed: 5).engine(.cosineSimilarity, tileSize: 30).run(shard: 1, of: 3).0
        #expect(throws: ComparisonError.self) { try total.merge(other) }
    }

    @Test func truncatedOrForeignDataIsRejectedWithAReason() throws {
        let population = Population(images: 60, seed: 9)
        let data = try population.engine(.euclideanDistance, tileSize: 16).run().0.serialized()
        for cut in [0, 5, 12, 40, data.count / 2, data.count - 1] {
            #expect(throws: PairStatistics.FormatError.self) { try PairStatistics(serialized: data.prefix(cut)) }
        }
        #expect(throws: PairStatistics.FormatError.self) { try PairStatistics(serialized: data + Data([0])) }
        #expect(throws: PairStatistics.FormatError.self) { try PairStatistics(serialized: Data("not statistics at all".utf8)) }
    }

    @Test func nonFiniteOrRaggedTemplatesAreRefused() {
        #expect(throws: ComparisonError.self) { try TemplateMatrix(templates: [[1, 2], [1, .nan]], metric: .cosineSimilarity) }
        #expect(throws: ComparisonError.self) { try TemplateMatrix(templates: [[1, 2], [1, 2, 3]], metric: .euclideanDistance) }
    }
}

@Suite struct TileGridTests {
    @Test func shardsPartitionTheTilesInOrderAndBalanceThePairs() {
        for rows in [0, 1, 5, 64, 65, 1000] {
            let grid = TileGrid(rows: rows, tileSize: 64)
            let all = grid.tiles
            #expect(all.reduce(0) { $0 + $1.pairCount } == rows * (rows - 1) / 2)
            for count in 1...9 {
                let shards = (0..<count).map { grid.tiles(shard: $0, of: count) }
                #expect(shards.flatMap { Array($0) } == all, "rows \(rows), \(count) shards")
            }
        }
        let grid = TileGrid(rows: 10_000, tileSize: 256)
        let total = Double(grid.tiles.reduce(0) { $0 + $1.pairCount })
        for shard in 0..<7 {
            let share = Double(grid.tiles(shard: shard, of: 7).reduce(0) { $0 + $1.pairCount }) / total
            #expect(abs(share - 1.0 / 7) < 0.02)
        }
    }

    @Test func imageRangesCoverEveryImageOnce() {
        for total in [0, 1, 7, 204] {
            for count in 1...8 {
                let ranges = (0..<count).map { TileGrid.images(shard: $0, of: count, total: total) }
                #expect(ranges.flatMap { Array($0) } == Array(0..<total))
            }
        }
    }
}

@Suite struct GallerySearchTests {
    @Test(arguments: [PairMetric.cosineSimilarity, .euclideanDistance])
    func topKIsTheBruteForceTopK(metric: PairMetric) throws {
        let population = Population(images: 240, seed: 21)
        let probes = try TemplateMatrix(templates: Array(population.templates[0..<150]), metric: metric)
        let gallery = try TemplateMatrix(templates: Array(population.templates[150...]), metric: metric)
        for threads in [1, 2] {
            let found = GallerySearch.topK(probes: probes, gallery: gallery, k: 5, tileSize: 32, threads: threads)
            #expect(found.count == 150)
            for p in 0..<150 {
                // Brute force in double precision: the 5 best gallery entries by score.
                let ranked = (0..<90).map { g in (g, population.direct(p, 150 + g, metric)) }
                    .sorted { metric.isDistance ? $0.1 < $1.1 : $0.1 > $1.1 }
                #expect(found[p].count == 5)
                #expect(Set(found[p].map { Int($0.galleryRow) }) == Set(ranked.prefix(5).map(\.0)), "probe \(p)")
                for (candidate, expected) in zip(found[p], ranked) {
                    #expect(abs(metric.score(key: candidate.key) - expected.1) < 2e-5)
                }
            }
        }
    }

    @Test func fewerGalleryEntriesThanKGivesThemAll() throws {
        let probes = try TemplateMatrix(templates: [[1, 0], [0, 1]], metric: .cosineSimilarity)
        let gallery = try TemplateMatrix(templates: [[1, 1], [1, 0]], metric: .cosineSimilarity)
        let found = GallerySearch.topK(probes: probes, gallery: gallery, k: 3)
        #expect(found[0].map(\.galleryRow) == [1, 0])
        #expect(found[1].map(\.galleryRow) == [0, 1])
    }
}
