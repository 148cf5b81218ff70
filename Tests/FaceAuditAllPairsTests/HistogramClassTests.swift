import FaceAuditScoring
import Foundation
import Testing

@testable import FaceAuditAllPairs

/// Pairs of cells that no labeling tells apart share one histogram (``StatisticsLayout/histogramClasses(valuesOfCell:)``).
@Suite("Histograms shared by pairs of cells")
struct HistogramClassTests {
    /// Cells of every combination of `sizes` values, in order (the last dimension fastest).
    static func cells(_ sizes: [Int]) -> [[Int32]] {
        var cells: [[Int32]] = [[]]
        for size in sizes { cells = cells.flatMap { cell in (0..<size).map { cell + [Int32($0)] } } }
        return cells
    }

    @Test("2 genders × 100 ethnicities × 5 age bands: 1,818 histograms for 500,500 cell pairs")
    func count() {
        let cells = Self.cells([2, 100, 5])
        let classes = StatisticsLayout.histogramClasses(valuesOfCell: cells)
        #expect(classes.count == 1000 * 1001 / 2)
        // 1,000 cells with themselves, then pairs of different cells by the values they share:
        // none (1), gender (2), ethnicity (100), age (5), gender and ethnicity (200), gender and
        // age (10), ethnicity and age (500).
        #expect(Set(classes).count == 1000 + 1 + 2 + 100 + 5 + 200 + 10 + 500)
    }

    @Test("every cell pair of a histogram has the representative's agreement and shared values", arguments: [[3, 4], [2, 5, 3], [7]])
    func consistent(sizes: [Int]) {
        let cells = Self.cells(sizes)
        let layout = StatisticsLayout(
            metric: .cosineSimilarity, bins: 4, keyDomain: -1...1, cells: cells.count,
            histogramOfCellPair: StatisticsLayout.histogramClasses(valuesOfCell: cells), tailCapacity: .max, tileSize: 4, rows: 0,
            images: 0, fingerprint: "test")
        let representatives = layout.representatives
        #expect(representatives.count == layout.histograms)
        func signature(_ x: Int, _ y: Int) -> [Int32] { sizes.indices.map { cells[x][$0] == cells[y][$0] ? cells[x][$0] : -1 } }
        var seen = Set<[Int32]>()
        for (h, (x, y)) in representatives.enumerated() {
            #expect(layout.histogram(x, y) == h)
            #expect(seen.insert(signature(x, y)).inserted, "two histograms for one signature")
        }
        for x in cells.indices {
            for y in x..<cells.count {
                let (rx, ry) = representatives[layout.histogram(x, y)]
                #expect(signature(x, y) == signature(rx, ry))
            }
        }
    }

    @Test(
        "a histogram counts what its cell pairs' own histograms count together",
        arguments: [PairMetric.cosineSimilarity, .euclideanDistance])
    func sums(metric: PairMetric) throws {
        var population = Population(images: 240, cells: 1, seed: 11)
        // 3 × 4 cells: the first value from the subject, the second from the image.
        let values = Self.cells([3, 4])
        population.cell = population.subject.indices.map { Int32(Int(population.subject[$0]) % 3 * 4 + $0 % 4) }
        let own = try population.engine(metric, tileSize: 50, tail: 500, bins: 128).run(threads: 2).0
        let matrix = try TemplateMatrix(templates: population.templates, metric: metric)
        let shared = StatisticsLayout(
            metric: metric, bins: 128, keyDomain: matrix.keyDomain, cells: 12,
            histogramOfCellPair: StatisticsLayout.histogramClasses(valuesOfCell: values), tailCapacity: 500, tileSize: 50,
            rows: matrix.rows, images: population.templates.count, fingerprint: "test")
        #expect(shared.histograms == 12 + 1 + 3 + 4)
        let classes = AllPairsEngine(matrix: matrix, cellOfImage: population.cell, subjectOfImage: population.subject, layout: shared)
            .run(threads: 2).0
        var expected = [Int](repeating: 0, count: shared.histogramEntries)
        for x in 0..<12 {
            for y in x..<12 {
                for b in 0..<128 { expected[shared.histogram(x, y) * 128 + b] += own.nonMated[own.layout.cellPair(x, y) * 128 + b] }
            }
        }
        #expect(classes.nonMated == expected)
        #expect(classes.tail == own.tail && classes.mated == own.mated && classes.tailBin == own.tailBin)
        let reread = try PairStatistics(serialized: classes.serialized())
        #expect(reread.nonMated == classes.nonMated && reread.layout == classes.layout)
    }
}
