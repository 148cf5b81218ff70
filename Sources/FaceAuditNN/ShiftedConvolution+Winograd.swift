import CNNKernels
import FaceAuditGEMM

/// Winograd's minimal filtering F(2, 5) along rows (Lavin & Gray 2016, points 0, ±1, ±2, ∞): two
/// outputs of a 5-tap row correlation y = Aᵀ[(G g) ⊙ (Bᵀ d)] from 6 inputs d and taps g, with
///
///     Bᵀ = [4 0 −5 0 1 0; 0 4 4 −1 −1 0; 0 −4 4 1 −1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
///     G  = [1/4 0 0 0 0; 1/6 ×(1 1 1 1 1); 1/6 ×(1 −1 1 −1 1); 1/24 ×(1 2 4 8 16); 1/24 ×(1 −2 4 −8 16); 0 0 0 0 1]
///     Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 1]
///
/// (Bᵀ scaled to integers, the scale moved into G; the transforms are `fa_winograd_row_input` and
/// `fa_winograd_row_output` in CNNKernels.) For a 5×5 kernel each kernel row ky becomes six
/// transformed rows; output row y sums, over ky and channels, point-wise products of the transformed
/// kernel rows with transformed input row y + ky: one grouped product per point ξ (a GEMM with K = channels
/// per ky, the transformed rows read in place), six
/// products per two outputs instead of ten.
///
/// F(4, 5) (``Method/winograd4Rows``) adds the points ±1/2: eight products per four outputs, with
///
///     Bᵀ = [4 0 −21 0 21 0 −4 0; 0 −4 −4 17 17 −4 −4 0; 0 4 −4 −17 17 4 −4 0; 0 2 1 −10 −5 8 4 0;
///           0 −2 1 10 −5 −8 4 0; 0 64 128 −80 −160 16 32 0; 0 −64 128 80 −160 −16 32 0; 0 −4 0 21 0 −21 0 4]
///     G  = [1/4 0 0 0 0; 1/18 ×(1 1 1 1 1); 1/18 ×(1 −1 1 −1 1); 1/360 ×(1 2 4 8 16); 1/360 ×(1 −2 4 −8 16);
///           1/720 ×(16 8 4 2 1); 1/720 ×(16 −8 4 −2 1); 0 0 0 0 1/4]
///     Aᵀ = [1 1 1 1 1 1 1 0; 0 1 −1 2 −2 1/2 −1/2 0; 0 1 1 4 4 1/4 1/4 0; 0 1 −1 8 −8 1/8 −1/8 1]
extension ShiftedConvolution {
    /// Outputs per tile: 2 for winogradRows, 4 for winograd4Rows.
    var tileOutputs: Int { method == .winograd4Rows ? 4 : 2 }

    /// F(2, 5)'s G, one row per point: a scale times integer taps.
    static let g2: [(scale: Double, taps: [Double])] = [
        (1.0 / 4, [1, 0, 0, 0, 0]), (1.0 / 6, [1, 1, 1, 1, 1]), (1.0 / 6, [1, -1, 1, -1, 1]), (1.0 / 24, [1, 2, 4, 8, 16]),
        (1.0 / 24, [1, -2, 4, -8, 16]), (1, [0, 0, 0, 0, 1]),
    ]

    /// F(4, 5)'s G.
    static let g4: [(scale: Double, taps: [Double])] = [
        (1.0 / 4, [1, 0, 0, 0, 0]), (1.0 / 18, [1, 1, 1, 1, 1]), (1.0 / 18, [1, -1, 1, -1, 1]), (1.0 / 360, [1, 2, 4, 8, 16]),
        (1.0 / 360, [1, -2, 4, -8, 16]), (1.0 / 720, [16, 8, 4, 2, 1]), (1.0 / 720, [16, -8, 4, -2, 1]), (1.0 / 4, [0, 0, 0, 0, 1]),
    ]

    /// G applied to every kernel row, in double, rounded once: [ξ][ky][f][c].
    static func winogradWeights(_ conv: Convolution, tileOutputs: Int) -> [Float] {
        let g = tileOutputs == 2 ? Self.g2 : Self.g4
        let points = g.count
        let f = conv.filters
        let c = conv.channels
        let kh = conv.kernelHeight
        var w = [Float](repeating: 0, count: points * kh * f * c)
        for xi in 0..<points {
            for ky in 0..<kh {
                for filter in 0..<f {
                    for channel in 0..<c {
                        var sum = 0.0
                        for kx in 0..<5 { sum += g[xi].taps[kx] * Double(conv.weights[((filter * c + channel) * kh + ky) * 5 + kx]) }
                        w[((xi * kh + ky) * f + filter) * c + channel] = Float(g[xi].scale * sum)
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
        let per = tileOutputs
        let points = per + 4
        let tiles = g.tiles(per)
        let inputRows = rows + kh - 1
        let padded = work
        let paddedCount = per * tiles + 4
        let v = work + paddedCount
        let vPlane = inputRows * tiles
        let m = v + points * c * vPlane
        let mPlane = rows * tiles
        let copied = min(g.iw, paddedCount - conv.padX)
        for channel in 0..<c {
            for j in 0..<inputRows {
                let target = v + channel * vPlane + j * tiles
                guard let line = g.line(src, channel: channel, firstRow: firstRow, j: j) else {
                    for xi in 0..<points { (target + xi * c * vPlane).update(repeating: 0, count: tiles) }
                    continue
                }
                padded.update(repeating: 0, count: conv.padX)
                (padded + conv.padX).update(from: line, count: copied)
                (padded + conv.padX + copied).update(repeating: 0, count: paddedCount - conv.padX - copied)
                fa_winograd_row_input(VectorBuild.current, Int32(per), padded, tiles, target, c * vPlane)
            }
        }
        // Per point, one product over every kernel row: row ky's inputs start ky rows of tiles into V.
        let offsets = (0..<kh).map { $0 * tiles }
        for xi in 0..<points {
            packedWeights[xi].product(
                n: mPlane, b: v + xi * c * vPlane, bOffsets: offsets, ldb: vPlane, c: m + xi * f * mPlane, ldc: mPlane)
        }
        for filter in 0..<f {
            for y in 0..<rows {
                let from = m + filter * mPlane + y * tiles
                let to = out + filter * g.totalRows * g.ow + y * g.ow
                fa_winograd_row_output(VectorBuild.current, Int32(per), from, f * mPlane, tiles, to, g.ow)
            }
        }
    }
}
