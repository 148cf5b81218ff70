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
