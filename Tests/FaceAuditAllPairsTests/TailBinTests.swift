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
