/// Winograd's minimal filtering F(2, 5) along rows (Lavin & Gray 2016, points 0, ±1, ±2, ∞): two
/// outputs of a 5-tap row correlation y = Aᵀ[(G g) ⊙ (Bᵀ d)] from 6 inputs d and taps g, with
///
///     Bᵀ = [4 0 −5 0 1 0; 0 4 4 −1 −1 0; 0 −4 4 1 −1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
///     G  = [1/4 0 0 0 0; 1/6 ×(1 1 1 1 1); 1/6 ×(1 −1 1 −1 1); 1/24 ×(1 2 4 8 16); 1/24 ×(1 −2 4 −8 16); 0 0 0 0 1]
///     Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 1]
///
/// (Bᵀ scaled to integers, the scale moved into G.) For a 5×5 kernel each kernel row ky becomes six
/// transformed rows; output row y sums, over ky and channels, point-wise products of the transformed
/// kernel rows with transformed input row y + ky: one GEMM per (point ξ, ky) with K = channels, six
/// products per two outputs instead of ten.
extension ShiftedConvolution {
    /// G applied to every kernel row, in double, rounded once: [ξ][ky][f][c].
    static func winogradWeights(_ conv: Convolution) -> [Float] {
        let g: [[Double]] = [
            [1.0 / 4, 0, 0, 0, 0], [1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6], [1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6],
            [1.0 / 24, 2.0 / 24, 4.0 / 24, 8.0 / 24, 16.0 / 24], [1.0 / 24, -2.0 / 24, 4.0 / 24, -8.0 / 24, 16.0 / 24], [0, 0, 0, 0, 1],
        ]
        let f = conv.filters
        let c = conv.channels
        let kh = conv.kernelHeight
        var w = [Float](repeating: 0, count: 6 * kh * f * c)
        for xi in 0..<6 {
            for ky in 0..<kh {
                for filter in 0..<f {
                    for channel in 0..<c {
                        var sum = 0.0
                        for kx in 0..<5 { sum += g[xi][kx] * Double(conv.weights[((filter * c + channel) * kh + ky) * 5 + kx]) }
                        w[((xi * kh + ky) * f + filter) * c + channel] = Float(sum)
                    }
                }
            }
        }
        return w
    }

    /// winogradRows for output rows firstRow..<firstRow + rows. Workspace: one padded input row, then
    /// V[ξ][c][j][t] (input row j of the chunk, tile t), then M[ξ][f][y][t].
    func winogradRows(
        _ g: Geometry, _ src: UnsafePointer<Float>, firstRow: Int, rows: Int, w: UnsafePointer<Float>, work: UnsafeMutablePointer<Float>,
        out: UnsafeMutablePointer<Float>
    ) {
        let conv = convolution
        let f = conv.filters
        let c = conv.channels
        let kh = conv.kernelHeight
        let tiles = g.tiles
        let inputRows = rows + kh - 1
        let padded = work
        let paddedCount = 2 * tiles + 4
        let v = work + paddedCount
        let vPlane = inputRows * tiles
        let m = v + 6 * c * vPlane
        let mPlane = rows * tiles
        let copied = min(g.iw, paddedCount - conv.padX)
        for channel in 0..<c {
            for j in 0..<inputRows {
                let target = v + channel * vPlane + j * tiles
                guard let line = g.line(src, channel: channel, firstRow: firstRow, j: j) else {
                    for xi in 0..<6 { (target + xi * c * vPlane).update(repeating: 0, count: tiles) }
                    continue
                }
                padded.update(repeating: 0, count: conv.padX)
                (padded + conv.padX).update(from: line, count: copied)
                (padded + conv.padX + copied).update(repeating: 0, count: paddedCount - conv.padX - copied)
                Self.transformInput(padded, tiles: tiles, into: target, pointStride: c * vPlane)
            }
        }
        for xi in 0..<6 {
            for ky in 0..<kh {
                BLAS.gemm(
                    m: f, n: mPlane, k: c, a: w + (xi * kh + ky) * f * c, lda: c, b: v + xi * c * vPlane + ky * tiles, ldb: vPlane,
                    beta: ky == 0 ? 0 : 1, c: m + xi * f * mPlane, ldc: mPlane)
            }
        }
        for filter in 0..<f {
            for y in 0..<rows {
                Self.transformOutput(
                    m + filter * mPlane + y * tiles, pointStride: f * mPlane, tiles: tiles,
                    into: out + filter * g.totalRows * g.ow + y * g.ow,
                    count: g.ow)
            }
        }
    }

    /// Bᵀ on every tile t (inputs 2t..<2t + 6 of `padded`): point ξ of tile t goes to target[ξ·pointStride + t].
    static func transformInput(_ padded: UnsafePointer<Float>, tiles: Int, into target: UnsafeMutablePointer<Float>, pointStride: Int) {
        let v0 = target
        let v1 = target + pointStride
        let v2 = target + 2 * pointStride
        let v3 = target + 3 * pointStride
        let v4 = target + 4 * pointStride
        let v5 = target + 5 * pointStride
        var t = 0
        while t < tiles {
            let d = padded + 2 * t
            let d0 = d[0]
            let d1 = d[1]
            let d2 = d[2]
            let d3 = d[3]
            let d4 = d[4]
            let d5 = d[5]
            v0[t] = 4 * d0 - 5 * d2 + d4
            v1[t] = 4 * (d1 + d2) - d3 - d4
            v2[t] = 4 * (d2 - d1) + d3 - d4
            v3[t] = 2 * (d3 - d1) + d4 - d2
            v4[t] = 2 * (d1 - d3) + d4 - d2
            v5[t] = 4 * d1 - 5 * d3 + d5
            t += 1
        }
    }

    /// Aᵀ on every tile: outputs 2t and 2t + 1 from points m[ξ·pointStride + t]; `count` outputs in all.
    static func transformOutput(_ m: UnsafePointer<Float>, pointStride: Int, tiles: Int, into out: UnsafeMutablePointer<Float>, count: Int)
    {
        var t = 0
        while t < tiles {
            let m0 = m[t]
            let m1 = m[pointStride + t]
            let m2 = m[2 * pointStride + t]
            let m3 = m[3 * pointStride + t]
            let m4 = m[4 * pointStride + t]
            let m5 = m[5 * pointStride + t]
            out[2 * t] = m0 + m1 + m2 + m3 + m4
            if 2 * t + 1 < count { out[2 * t + 1] = m1 - m2 + 2 * (m3 - m4) + m5 }
            t += 1
        }
    }
}
