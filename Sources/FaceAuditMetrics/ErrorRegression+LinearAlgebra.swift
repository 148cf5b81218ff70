import Foundation

/// Small dense linear algebra for ``ErrorRegression`` (K × K matrices, K the design's columns).
extension ErrorRegression {
    enum Factorization {
        /// The lower Cholesky factor.
        case success([[Double]])
        /// The first column whose pivot is ≤ 1e-10 of its diagonal (a singular or not positive definite matrix).
        case failure(column: Int)
    }

    /// The Cholesky factor L (A = L Lᵀ) of a symmetric matrix, or the column where it breaks down.
    static func cholesky(_ a: [[Double]]) -> Factorization {
        let k = a.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for j in 0..<k {
            var pivot = a[j][j]
            for m in 0..<j { pivot -= l[j][m] * l[j][m] }
            guard pivot > 1e-10 * max(abs(a[j][j]), .leastNormalMagnitude) else { return .failure(column: j) }
            l[j][j] = pivot.squareRoot()
            for i in (j + 1)..<max(j + 1, k) {
                var s = a[i][j]
                for m in 0..<j { s -= l[i][m] * l[j][m] }
                l[i][j] = s / l[j][j]
            }
        }
        return .success(l)
    }

    /// x with L Lᵀ x = b.
    static func solve(_ l: [[Double]], _ b: [Double]) -> [Double] {
        let k = b.count
        var y = b
        for i in 0..<k {
            for m in 0..<i { y[i] -= l[i][m] * y[m] }
            y[i] /= l[i][i]
        }
        for i in stride(from: k - 1, through: 0, by: -1) {
            for m in (i + 1)..<max(i + 1, k) { y[i] -= l[m][i] * y[m] }
            y[i] /= l[i][i]
        }
        return y
    }

    /// (L Lᵀ)⁻¹.
    static func invert(_ l: [[Double]]) -> [[Double]] {
        let k = l.count
        let columns = (0..<k).map { j in solve(l, (0..<k).map { $0 == j ? 1.0 : 0.0 }) }
        return (0..<k).map { i in (0..<k).map { j in columns[j][i] } }
    }

    static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let k = b.first?.count ?? 0
        return a.map { row in (0..<k).map { j in row.indices.reduce(0.0) { $0 + row[$1] * b[$1][j] } } }
    }

    /// Aᵀ.
    static func transpose(_ a: [[Double]]) -> [[Double]] {
        guard let width = a.first?.count else { return [] }
        return (0..<width).map { j in a.map { $0[j] } }
    }

    /// m += weight · u vᵀ.
    static func addOuter(_ m: inout [[Double]], _ u: [Double], _ v: [Double], weight: Double) {
        for i in u.indices { for j in v.indices { m[i][j] += weight * u[i] * v[j] } }
    }

    /// bᵀ A⁻¹ b by Gaussian elimination with partial pivoting (A need not be positive definite: a two-way
    /// clustered block may not be); NaN when A is singular.
    static func quadraticForm(_ a: [[Double]], _ b: [Double]) -> Double {
        let k = b.count
        var m = a
        var x = b
        for col in 0..<k {
            let pivot = (col..<k).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            guard m[pivot][col] != 0 else { return .nan }
            m.swapAt(col, pivot)
            x.swapAt(col, pivot)
            for r in (col + 1)..<max(col + 1, k) {
                let f = m[r][col] / m[col][col]
                for c in col..<k { m[r][c] -= f * m[col][c] }
                x[r] -= f * x[col]
            }
        }
        for r in stride(from: k - 1, through: 0, by: -1) {
            for c in (r + 1)..<max(r + 1, k) { x[r] -= m[r][c] * x[c] }
            x[r] /= m[r][r]
        }
        return zip(b, x).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

extension ErrorRegression {
    /// Design rows by their nonzero entries, in column order, in one flat list: a dummy-coded row has a
    /// handful of its K columns. A sum or an outer product over a row's nonzero entries has the bits of the
    /// one over all K: each term of a zero entry is ±0, and adding ±0 to a finite sum that starts at +0 (and
    /// so is never −0) leaves it as it was. Summed over every column, a run whose intersection has 525
    /// cohorts (1.4 million cells of 60 columns) spent most of its time on those zeros.
    struct SparseRows {
        /// Where each row's entries start in ``column`` and ``value``; one more than there are rows.
        private(set) var start: [Int] = [0]
        /// Each entry's column.
        private(set) var column: [Int] = []
        /// Each entry's value (never 0).
        private(set) var value: [Double] = []

        /// The nonzero entries of `rows`.
        init(_ rows: some Sequence<[Double]>) {
            for row in rows { append(row: row) }
        }

        /// No rows.
        init() {}

        /// Adds a row: its nonzero entries, in column order.
        mutating func append(row: [Double]) {
            for c in row.indices where row[c] != 0 { append(c, row[c]) }
            start.append(column.count)
        }

        /// Whether row `r` is `row` (the same nonzero entries, compared with `==`: a NaN never matches).
        func matches(_ r: Int, _ row: [Double]) -> Bool {
            var e = start[r]
            let end = start[r + 1]
            for c in row.indices where row[c] != 0 {
                guard e < end, column[e] == c, value[e] == row[c] else { return false }
                e += 1
            }
            return e == end
        }

        /// Row `r` with its zeros, `columns` long.
        func dense(_ r: Int, columns: Int) -> [Double] {
            var row = [Double](repeating: 0, count: columns)
            for e in entries(r) { row[column[e]] = value[e] }
            return row
        }

        /// Rows `rows` (indices into these), in that order.
        func selecting(_ rows: [Int]) -> SparseRows {
            var kept = SparseRows()
            for r in rows {
                for e in entries(r) { kept.append(column[e], value[e]) }
                kept.start.append(kept.column.count)
            }
            return kept
        }

        /// The entries in `columns` (ascending), numbered by their place there; these rows themselves when
        /// `columns` are 0, 1, … and hold every column an entry has (the full model).
        func restricted(to columns: [Int]) -> SparseRows {
            precondition(zip(columns, columns.dropFirst()).allSatisfy { $0 < $1 }, "columns in ascending order")
            if columns.last.map({ $0 == columns.count - 1 && (column.max() ?? -1) <= $0 }) ?? column.isEmpty { return self }
            var place = [Int](repeating: -1, count: (column.max() ?? -1) + 1)
            for (p, c) in columns.enumerated() where c < place.count { place[c] = p }
            var kept = SparseRows()
            kept.column.reserveCapacity(column.count)
            kept.value.reserveCapacity(value.count)
            kept.start.reserveCapacity(start.count)
            for r in 0..<count {
                for e in entries(r) where place[column[e]] >= 0 { kept.append(place[column[e]], value[e]) }
                kept.start.append(kept.column.count)
            }
            return kept
        }

        private mutating func append(_ c: Int, _ x: Double) {
            column.append(c)
            value.append(x)
        }

        /// Rows.
        var count: Int { start.count - 1 }

        /// The entries of row `r`.
        func entries(_ r: Int) -> Range<Int> { start[r]..<start[r + 1] }

        /// x_r · β over the row's nonzero entries, in column order.
        func dot(_ r: Int, _ beta: [Double]) -> Double {
            var eta = 0.0
            for e in entries(r) { eta += value[e] * beta[column[e]] }
            return eta
        }
    }

    /// m += weight · x xᵀ for row `r` of `rows`, `m` K × K row-major: ``addOuter(_:_:_:weight:)`` with u = v
    /// = the row, over its nonzero entries (the same bits, see ``SparseRows``).
    static func addOuter(_ m: inout [Double], _ rows: SparseRows, _ r: Int, k: Int, weight: Double) {
        m.withUnsafeMutableBufferPointer { m in
            for a in rows.entries(r) {
                let (i, xi) = (rows.column[a], rows.value[a])
                for b in rows.entries(r) { m[i * k + rows.column[b]] += weight * xi * rows.value[b] }
            }
        }
    }
}
