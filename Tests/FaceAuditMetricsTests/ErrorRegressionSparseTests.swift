import Foundation
import Testing

@testable import FaceAuditMetrics

/// The regression reads its design rows by their nonzero entries and shares the transcendental calls of a
/// cell's terms: each must give the bits of the dense, call-by-call definition it replaced (kept here).
@Suite("error regression: sparse rows and shared logistic terms, bit for bit the dense definitions")
struct ErrorRegressionSparseTests {
    /// Rows like a design's: dummy columns (0 or 1), a signed continuous column, an intercept; many zeros.
    static func rows(count: Int, columns k: Int, seed: UInt64) -> [[Double]] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { r in
            (0..<k).map { c -> Double in
                if c == 0 { return r % 7 == 0 ? 0 : 1 }
                if c == k - 1 { return Double(Int.random(in: -40...40, using: &rng)) / 3 }
                return Double.random(in: 0..<1, using: &rng) < 0.15 ? Double([1, -1, 2.5, -0.5][Int.random(in: 0..<4, using: &rng)]) : 0
            }
        }
    }

    @Test("x·β over the nonzero entries has the bits of the sum over every column")
    func dot() {
        let rows = Self.rows(count: 2_000, columns: 12, seed: 1)
        let sparse = ErrorRegression.SparseRows(rows)
        var rng = SplitMix64(seed: 2)
        for trial in 0..<20 {
            // Some β exactly cancel a row's terms, so that sums pass through zero; some entries are 0 or −0.
            var beta = (0..<12).map { _ in Double.random(in: -3...3, using: &rng) }
            if trial % 4 == 0 { beta[3] = 0 }
            if trial % 4 == 1 { beta[5] = -0.0 }
            if trial % 4 == 2 { beta[2] = -beta[1] }
            for (r, row) in rows.enumerated() {
                let dense = zip(row, beta).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(sparse.dot(r, beta).bitPattern == dense.bitPattern)
            }
        }
    }

    @Test("weight · x xᵀ over the nonzero entries has the bits of the dense outer product")
    func outerProduct() {
        let k = 9
        let rows = Self.rows(count: 3_000, columns: k, seed: 3)
        let sparse = ErrorRegression.SparseRows(rows)
        var dense = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var flat = [Double](repeating: 0, count: k * k)
        var rng = SplitMix64(seed: 4)
        for (r, row) in rows.enumerated() {
            let weight = Double.random(in: -2...2, using: &rng)
            ErrorRegression.addOuter(&dense, row, row, weight: weight)
            ErrorRegression.addOuter(&flat, sparse, r, k: k, weight: weight)
        }
        #expect(flat.map(\.bitPattern) == dense.flatMap { $0 }.map(\.bitPattern))
    }

    @Test("rows restricted to some columns hold those columns' nonzero entries, renumbered, in order")
    func restricted() {
        let rows = Self.rows(count: 500, columns: 10, seed: 5)
        let sparse = ErrorRegression.SparseRows(rows)
        for columns in [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 2, 3, 9], [1], [4, 5, 6, 7]] {
            let kept = sparse.restricted(to: columns)
            let expected = ErrorRegression.SparseRows(rows.map { row in columns.map { row[$0] } })
            #expect(kept.count == expected.count)
            for r in 0..<kept.count {
                let got = kept.entries(r).map { [Double(kept.column[$0]), kept.value[$0]] }
                let want = expected.entries(r).map { [Double(expected.column[$0]), expected.value[$0]] }
                #expect(got == want)
            }
        }
    }

    /// log(1 + eˣ) without overflow, as the regression wrote it before its calls were shared: the definition.
    static func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }

    @Test("p, log p and log(1 − p) from shared calls have the bits of 1/(1 + e^−η) and −softplus(∓η)")
    func logistic() {
        var rng = SplitMix64(seed: 6)
        var etas: [Double] = [0, -0.0, 1e-300, -1e-300, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
        etas += [30, -30, 745, -745, 800, -800, 36.7, -36.7]
        etas += (0..<20_000).map { _ in Double.random(in: -40...40, using: &rng) }
        etas += (0..<2_000).map { _ in Double.random(in: -1e-8...1e-8, using: &rng) }
        for eta in etas {
            let got = ErrorRegression.logistic(eta)
            let p = 1 / (1 + exp(-eta))
            let logP = -Self.softplus(-eta)
            let logQ = -Self.softplus(eta)
            #expect(
                [got.p, got.logP, got.logQ].map(\.bitPattern) == [p, logP, logQ].map(\.bitPattern),
                "η = \(eta): \(got) against \((p, logP, logQ))")
        }
        let nan = ErrorRegression.logistic(.nan)
        #expect(nan.p.isNaN && nan.logP.isNaN && nan.logQ.isNaN)
    }

    @Test("cells are found by their sparse rows as a dictionary keyed by the whole row finds them")
    func cellsByRow() {
        // Few distinct rows, each added many times, in a random order: the table grows and probes past
        // collisions; −0 and +0 are one value, and a row with a NaN is never found again.
        let distinct = Self.rows(count: 3_000, columns: 9, seed: 5)
        var rng = SplitMix64(seed: 6)
        var tallies = ErrorRegressionTallies(
            columns: (0..<9).map { "c\($0)" }, terms: [], clustering: .person)
        var reference: [[Double]: Int] = [:]
        var cells = 0
        for _ in 0..<20_000 {
            var row = distinct[Int.random(in: 0..<distinct.count, using: &rng)]
            if Int.random(in: 0..<10, using: &rng) == 0 { row[row.firstIndex(of: 0) ?? 0] = -0.0 }
            let isNaN = Int.random(in: 0..<500, using: &rng) == 0
            if isNaN { row[4] = .nan }
            let expected = reference[row] ?? cells
            if expected == cells {
                reference[row] = cells
                cells += 1
            }
            #expect(tallies.cell(for: row) == expected)
        }
        #expect(tallies.cells.count == cells && reference.count <= cells)
        for (row, c) in reference {
            #expect(tallies.row(c).map(\.bitPattern) == row.map { ($0 == 0 ? 0 : $0).bitPattern })
        }
        // The fits read the same sparse rows as rows built from the dense ones.
        let dense = (0..<cells).map(tallies.row)
        let rebuilt = ErrorRegression.SparseRows(dense)
        #expect(rebuilt.count == tallies.rows.count)
        for r in 0..<cells {
            #expect(Array(rebuilt.entries(r)).map { rebuilt.column[$0] } == Array(tallies.rows.entries(r)).map { tallies.rows.column[$0] })
            #expect(
                Array(rebuilt.entries(r)).map { rebuilt.value[$0].bitPattern }
                    == Array(tallies.rows.entries(r)).map { tallies.rows.value[$0].bitPattern })
        }
    }
}
