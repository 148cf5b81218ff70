/// A 3×3, stride-1, pad-1 convolution (cross-correlation) computed with Winograd's minimal filtering
/// algorithm F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).
///
/// Each 2×2 block of outputs ("tile") is Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A, where d is the 4×4 input patch
/// under the tile (zero outside the map) and g a 3×3 kernel. Summed over input channels, the element-wise
/// product becomes 16 matrix products M_ξ(F × T) = U_ξ(F × C) · V_ξ(C × T), one per position ξ of the
/// 4×4 transform, over the T tiles of every sample in the batch; they cost 16·F·C·T multiply-adds where
/// im2col costs 36·F·C·T. The weight transform U = G·g·Gᵀ is done once, in `Double`, at init.
///
/// The result equals ``Convolution``'s up to float rounding: the transforms add and subtract input
/// values and halve weights, so each output is the same sum computed in a different order.
public struct WinogradConvolution: Sendable {
    /// Output channels.
    public let filters: Int
    /// Input channels.
    public let channels: Int
    /// U_ξ = (G·g·Gᵀ)_ξ for the 16 positions ξ, each an F × C row-major matrix: [16][F][C].
    let transformed: [Float]
    /// Bias per filter (the affine already folded in, as in ``Convolution``).
    public let bias: [Float]
    /// Whether a ReLU follows; with a residual it applies to the sum.
    public var relu: Bool

    /// Tile rows per chunk unless the caller says otherwise: at least 256 tiles, so that each of the 16
    /// GEMMs is wide enough to run near full speed, and more while V and M stay within about 2 MB.
    public static func defaultTileRows(channels: Int, filters: Int, tilesX: Int) -> Int {
        let tiles = max(256, (1 << 19) / (16 * (channels + filters)))
        return max(1, tiles / max(1, tilesX))
    }

    /// The Winograd form of `convolution` (same weights, bias and ReLU), or nil unless it is 3×3 with
    /// stride 1 and padding 1, the only shape F(2×2, 3×3) computes here.
    public init?(_ convolution: Convolution) {
        guard convolution.kernelHeight == 3, convolution.kernelWidth == 3, convolution.strideY == 1, convolution.strideX == 1,
            convolution.padY == 1, convolution.padX == 1
        else { return nil }
        filters = convolution.filters
        channels = convolution.channels
        bias = convolution.bias
        relu = convolution.relu
        let fc = filters * channels
        var u = [Float](repeating: 0, count: 16 * fc)
        let w = convolution.weights
        for f in 0..<filters {
            for c in 0..<channels {
                let g = (f * channels + c) * 9
                // G·g (4×3): rows g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2 of the kernel's rows.
                var gg = [Double](repeating: 0, count: 12)
                for x in 0..<3 {
                    let g0 = Double(w[g + x])
                    let g1 = Double(w[g + 3 + x])
                    let g2 = Double(w[g + 6 + x])
                    gg[x] = g0
                    gg[3 + x] = (g0 + g1 + g2) / 2
                    gg[6 + x] = (g0 - g1 + g2) / 2
                    gg[9 + x] = g2
                }
                // (G·g)·Gᵀ (4×4): the same combination of each row's three values.
                for y in 0..<4 {
                    let r0 = gg[3 * y]
                    let r1 = gg[3 * y + 1]
                    let r2 = gg[3 * y + 2]
                    let row = [r0, (r0 + r1 + r2) / 2, (r0 - r1 + r2) / 2, r2]
                    for x in 0..<4 { u[(4 * y + x) * fc + f * channels + c] = Float(row[x]) }
                }
            }
        }
        transformed = u
    }

    /// Convolves `input` into `output` (same height and width, `filters` channels). With `residual`
    /// (the output's shape exactly) each output is conv + bias + residual, then the ReLU when `relu`:
    /// a residual block's add and ReLU in the same pass. `scratch` is a reusable buffer (about
    /// 16·(channels + filters) values per tile of a chunk). Tiles are taken a row of tiles at a time,
    /// `tileRowsPerChunk` rows per chunk, in (sample, tile row) order across the whole batch.
    public func forward(
        _ input: Activations, adding residual: Activations? = nil, into output: inout Activations, scratch: inout [Float],
        tileRowsPerChunk: Int? = nil
    ) {
        precondition(input.channels == channels, "convolution expects \(channels) channels, got \(input.channels)")
        let batch = input.batch
        let h = input.height
        let w = input.width
        if let residual {
            precondition(
                residual.channels == filters && residual.batch == batch && residual.height == h && residual.width == w,
                "the residual must have the output's shape")
        }
        output.reshape(channels: filters, batch: batch, height: h, width: w)
        let g = Geometry(batch: batch, height: h, width: w, tilesY: (h + 1) / 2, tilesX: (w + 1) / 2)
        let totalRows = batch * g.tilesY
        guard totalRows > 0, w > 0 else { return }
        let rows = max(1, min(totalRows, tileRowsPerChunk ?? Self.defaultTileRows(channels: channels, filters: filters, tilesX: g.tilesX)))
        let chunk = rows * g.tilesX
        // V, M, then the row workspace: 4 padded rows of Bᵀ·d, one zero input row, 2 output rows.
        let needed = 16 * (channels + filters) * chunk + 4 * g.padded + w + 2 * g.padded
        if scratch.count < needed { scratch = [Float](repeating: 0, count: needed) }
        input.data.withUnsafeBufferPointer { src in
            output.data.withUnsafeMutableBufferPointer { dst in
                scratch.withUnsafeMutableBufferPointer { buffer in
                    transformed.withUnsafeBufferPointer { u in
                        let v = buffer.baseAddress!
                        let m = v + 16 * channels * chunk
                        let work = m + 16 * filters * chunk
                        var g0 = 0
                        while g0 < totalRows {
                            let g1 = min(totalRows, g0 + rows)
                            let n = (g1 - g0) * g.tilesX
                            transformInput(src.baseAddress!, tileRows: g0..<g1, g, into: v, work: work)
                            for xi in 0..<16 {
                                BLAS.gemm(
                                    m: filters, n: n, k: channels, a: u.baseAddress! + xi * filters * channels, lda: channels,
                                    b: v + xi * channels * n, ldb: n, beta: 0, c: m + xi * filters * n, ldc: n)
                            }
                            if let residual {
                                residual.data.withUnsafeBufferPointer { r in
                                    transformOutput(m, tileRows: g0..<g1, g, residual: r.baseAddress!, into: dst.baseAddress!, work: work)
                                }
                            } else {
                                transformOutput(m, tileRows: g0..<g1, g, residual: nil, into: dst.baseAddress!, work: work)
                            }
                            g0 = g1
                        }
                    }
                }
            }
        }
    }

    /// Map and tile counts of one call.
    private struct Geometry {
        let batch: Int, height: Int, width: Int, tilesY: Int, tilesX: Int
        /// Length of a zero-padded row: column −1, the map, and zeros up to the last tile's reach.
        var padded: Int { 2 * tilesX + 2 }
    }

    /// V_ξ[c][t] = (Bᵀ·d·B)_ξ for every tile t of the tile rows `tileRows` (row g = b·tilesY + ty), where d
    /// is the 4×4 patch of channel c whose top-left corner is (2·ty − 1, 2·tx − 1), read as 0 outside
    /// the map; Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]. Per tile row, Bᵀ·d is formed for the whole
    /// padded width at once (four contiguous rows), then ·B per tile: loops the compiler vectorises.
    private func transformInput(
        _ src: UnsafePointer<Float>, tileRows: Range<Int>, _ g: Geometry, into v: UnsafeMutablePointer<Float>,
        work: UnsafeMutablePointer<Float>
    ) {
        let n = tileRows.count * g.tilesX
        let (h, w, tilesX, padded) = (g.height, g.width, g.tilesX, g.padded)
        let stride = channels * n  // between consecutive ξ
        let q = work  // 4 rows of Bᵀ·d, each `padded` long; q[k][x + 1] is column x
        let zero = work + 4 * padded
        zero.update(repeating: 0, count: w)
        for k in 0..<4 {
            (q + k * padded).update(repeating: 0, count: padded)  // column −1 and the tail stay 0
        }
        for c in 0..<channels {
            for row in tileRows {
                let b = row / g.tilesY
                let ty = row - b * g.tilesY
                let plane = src + (c * g.batch + b) * h * w
                let y0 = 2 * ty - 1
                func line(_ r: Int) -> UnsafePointer<Float> { y0 + r >= 0 && y0 + r < h ? plane + (y0 + r) * w : UnsafePointer(zero) }
                let (d0, d1, d2, d3) = (line(0), line(1), line(2), line(3))
                let (q0, q1, q2, q3) = (q + 1, q + padded + 1, q + 2 * padded + 1, q + 3 * padded + 1)
                for x in 0..<w {
                    q0[x] = d0[x] - d2[x]
                    q1[x] = d1[x] + d2[x]
                    q2[x] = d2[x] - d1[x]
                    q3[x] = d1[x] - d3[x]
                }
                let t0 = (row - tileRows.lowerBound) * tilesX
                for k in 0..<4 {
                    let r = q + k * padded
                    let out = v + (4 * k * channels + c) * n + t0
                    let (o0, o1, o2, o3) = (out, out + stride, out + 2 * stride, out + 3 * stride)
                    for tx in 0..<tilesX {
                        let a = r[2 * tx]
                        let b = r[2 * tx + 1]
                        let cc = r[2 * tx + 2]
                        let d = r[2 * tx + 3]
                        o0[tx] = a - cc
                        o1[tx] = b + cc
                        o2[tx] = cc - b
                        o3[tx] = b - d
                    }
                }
            }
        }
    }

    /// Y = Aᵀ·M·A + bias (+ residual), ReLU when asked, for each filter and every tile of `tileRows`,
    /// written where the 2×2 block lies inside the map; Aᵀ = [1 1 1 0; 0 1 −1 −1]. Per tile row the two
    /// output rows are assembled in `work`, then biased, added and clipped in one contiguous pass.
    private func transformOutput(
        _ m: UnsafePointer<Float>, tileRows: Range<Int>, _ g: Geometry, residual: UnsafePointer<Float>?,
        into dst: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>
    ) {
        let n = tileRows.count * g.tilesX
        let (h, w, tilesX) = (g.height, g.width, g.tilesX)
        let stride = filters * n
        let floor: Float = relu ? 0 : -.infinity
        let top = work
        let bottom = work + g.padded
        for f in 0..<filters {
            let beta = bias[f]
            for row in tileRows {
                let b = row / g.tilesY
                let ty = row - b * g.tilesY
                let p = m + f * n + (row - tileRows.lowerBound) * tilesX
                for tx in 0..<tilesX {
                    let m00 = p[tx]
                    let m01 = p[stride + tx]
                    let m02 = p[2 * stride + tx]
                    let m03 = p[3 * stride + tx]
                    let m10 = p[4 * stride + tx]
                    let m11 = p[5 * stride + tx]
                    let m12 = p[6 * stride + tx]
                    let m13 = p[7 * stride + tx]
                    let m20 = p[8 * stride + tx]
                    let m21 = p[9 * stride + tx]
                    let m22 = p[10 * stride + tx]
                    let m23 = p[11 * stride + tx]
                    let m30 = p[12 * stride + tx]
                    let m31 = p[13 * stride + tx]
                    let m32 = p[14 * stride + tx]
                    let m33 = p[15 * stride + tx]
                    // Aᵀ·M: rows s0 = M0 + M1 + M2 and s1 = M1 − M2 − M3; then ·A on their columns.
                    let s00 = m00 + m10 + m20
                    let s01 = m01 + m11 + m21
                    let s02 = m02 + m12 + m22
                    let s03 = m03 + m13 + m23
                    let s10 = m10 - m20 - m30
                    let s11 = m11 - m21 - m31
                    let s12 = m12 - m22 - m32
                    let s13 = m13 - m23 - m33
                    top[2 * tx] = s00 + s01 + s02
                    top[2 * tx + 1] = s01 - s02 - s03
                    bottom[2 * tx] = s10 + s11 + s12
                    bottom[2 * tx + 1] = s11 - s12 - s13
                }
                for half in 0..<min(2, h - 2 * ty) {
                    let line = half == 0 ? top : bottom
                    let base = ((f * g.batch + b) * h + 2 * ty + half) * w
                    let o = dst + base
                    if let residual {
                        let s = residual + base
                        for x in 0..<w { o[x] = max(line[x] + beta + s[x], floor) }
                    } else {
                        for x in 0..<w { o[x] = max(line[x] + beta, floor) }
                    }
                }
            }
        }
    }
}
