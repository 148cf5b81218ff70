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

    /// Tiles per chunk unless the caller says otherwise: V and M of a chunk take about 2 MB together,
    /// so they stay in cache between the transforms and the 16 GEMMs.
    public static func defaultTilesPerChunk(channels: Int, filters: Int) -> Int {
        max(16, (1 << 19) / (16 * (channels + filters)))
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
    /// a residual block's add and ReLU in the same pass. `scratch` is a reusable buffer of
    /// 16·(channels + filters)·tilesPerChunk values; tiles are taken in (sample, tile row, tile column)
    /// order across the whole batch.
    public func forward(
        _ input: Activations, adding residual: Activations? = nil, into output: inout Activations, scratch: inout [Float],
        tilesPerChunk: Int? = nil
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
        let tilesY = (h + 1) / 2
        let tilesX = (w + 1) / 2
        let total = batch * tilesY * tilesX
        guard total > 0 else { return }
        let chunk = max(1, min(total, tilesPerChunk ?? Self.defaultTilesPerChunk(channels: channels, filters: filters)))
        let needed = 16 * (channels + filters) * chunk
        if scratch.count < needed { scratch = [Float](repeating: 0, count: needed) }
        let geometry = Geometry(batch: batch, height: h, width: w, tilesY: tilesY, tilesX: tilesX)
        input.data.withUnsafeBufferPointer { src in
            output.data.withUnsafeMutableBufferPointer { dst in
                scratch.withUnsafeMutableBufferPointer { buffer in
                    transformed.withUnsafeBufferPointer { u in
                        bias.withUnsafeBufferPointer { b in
                            let v = buffer.baseAddress!
                            let m = v + 16 * channels * chunk
                            var t0 = 0
                            while t0 < total {
                                let t1 = min(total, t0 + chunk)
                                let n = t1 - t0
                                transformInput(src.baseAddress!, tiles: t0..<t1, geometry, into: v)
                                for xi in 0..<16 {
                                    BLAS.gemm(
                                        m: filters, n: n, k: channels, a: u.baseAddress! + xi * filters * channels, lda: channels,
                                        b: v + xi * channels * n, ldb: n, beta: 0, c: m + xi * filters * n, ldc: n)
                                }
                                if let residual {
                                    residual.data.withUnsafeBufferPointer { r in
                                        transformOutput(
                                            m, tiles: t0..<t1, geometry, bias: b.baseAddress!, residual: r.baseAddress!,
                                            into: dst.baseAddress!)
                                    }
                                } else {
                                    transformOutput(
                                        m, tiles: t0..<t1, geometry, bias: b.baseAddress!, residual: nil, into: dst.baseAddress!)
                                }
                                t0 = t1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Map and tile counts of one call.
    private struct Geometry {
        let batch: Int, height: Int, width: Int, tilesY: Int, tilesX: Int
    }

    /// Sample, tile row and tile column of a tile index t = (b·tilesY + ty)·tilesX + tx, stepped one tile at a time.
    private struct TileCursor {
        var b: Int, ty: Int, tx: Int
        let tilesY: Int, tilesX: Int

        init(_ t: Int, _ g: Geometry) {
            let perImage = g.tilesY * g.tilesX
            b = t / perImage
            ty = (t - b * perImage) / g.tilesX
            tx = t - b * perImage - ty * g.tilesX
            tilesY = g.tilesY
            tilesX = g.tilesX
        }

        mutating func advance() {
            tx += 1
            if tx == tilesX {
                tx = 0
                ty += 1
                if ty == tilesY {
                    ty = 0
                    b += 1
                }
            }
        }
    }

    /// V_ξ[c][t] = (Bᵀ·d·B)_ξ for the tiles `tiles`, where d is the 4×4 patch of channel c whose top-left
    /// corner is (2·ty − 1, 2·tx − 1), read as 0 outside the map. Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
    private func transformInput(_ src: UnsafePointer<Float>, tiles: Range<Int>, _ g: Geometry, into v: UnsafeMutablePointer<Float>) {
        let n = tiles.count
        let h = g.height
        let w = g.width
        let stride = channels * n  // between consecutive ξ
        for c in 0..<channels {
            var t = tiles.lowerBound
            var tile = TileCursor(t, g)
            var out = v + c * n
            while t < tiles.upperBound {
                let plane = src + (c * g.batch + tile.b) * h * w
                let y0 = 2 * tile.ty - 1
                let x0 = 2 * tile.tx - 1
                var d = SIMD16<Float>()
                if y0 >= 0 && y0 + 4 <= h && x0 >= 0 && x0 + 4 <= w {
                    var p = plane + y0 * w + x0
                    for r in 0..<4 {
                        d[4 * r] = p[0]
                        d[4 * r + 1] = p[1]
                        d[4 * r + 2] = p[2]
                        d[4 * r + 3] = p[3]
                        p += w
                    }
                } else {
                    for r in 0..<4 {
                        let y = y0 + r
                        guard y >= 0 && y < h else { continue }
                        for s in 0..<4 {
                            let x = x0 + s
                            if x >= 0 && x < w { d[4 * r + s] = plane[y * w + x] }
                        }
                    }
                }
                // Bᵀ·d on rows, then ·B on columns.
                let r0 = d.lowHalf.lowHalf
                let r1 = d.lowHalf.highHalf
                let r2 = d.highHalf.lowHalf
                let r3 = d.highHalf.highHalf
                Self.store(r0 - r2, out, stride, first: 0)
                Self.store(r1 + r2, out, stride, first: 4)
                Self.store(r2 - r1, out, stride, first: 8)
                Self.store(r1 - r3, out, stride, first: 12)
                out += 1
                t += 1
                tile.advance()
            }
        }
    }

    /// Writes row·B (the column half of Bᵀ·d·B) for one row of Bᵀ·d to positions first..<first+4.
    @inline(__always)
    private static func store(_ row: SIMD4<Float>, _ out: UnsafeMutablePointer<Float>, _ stride: Int, first: Int) {
        out[first * stride] = row[0] - row[2]
        out[(first + 1) * stride] = row[1] + row[2]
        out[(first + 2) * stride] = row[2] - row[1]
        out[(first + 3) * stride] = row[1] - row[3]
    }

    /// Y = Aᵀ·M·A + bias (+ residual), ReLU when asked, for each filter and tile, written where the
    /// 2×2 block lies inside the map. Aᵀ = [1 1 1 0; 0 1 −1 −1].
    private func transformOutput(
        _ m: UnsafePointer<Float>, tiles: Range<Int>, _ g: Geometry, bias: UnsafePointer<Float>, residual: UnsafePointer<Float>?,
        into dst: UnsafeMutablePointer<Float>
    ) {
        let n = tiles.count
        let h = g.height
        let w = g.width
        let stride = filters * n
        let floor: Float = relu ? 0 : -.infinity
        for f in 0..<filters {
            var t = tiles.lowerBound
            var tile = TileCursor(t, g)
            var p = m + f * n
            let beta = bias[f]
            while t < tiles.upperBound {
                // Aᵀ·M on rows (s0, s1), then ·A on columns.
                var s0 = SIMD4<Float>()
                var s1 = SIMD4<Float>()
                for x in 0..<4 {
                    let m0 = p[x * stride]
                    let m1 = p[(4 + x) * stride]
                    let m2 = p[(8 + x) * stride]
                    let m3 = p[(12 + x) * stride]
                    s0[x] = m0 + m1 + m2
                    s1[x] = m1 - m2 - m3
                }
                var y = SIMD4<Float>(
                    s0[0] + s0[1] + s0[2], s0[1] - s0[2] - s0[3],
                    s1[0] + s1[1] + s1[2], s1[1] - s1[2] - s1[3])
                y += SIMD4(repeating: beta)
                let base = (f * g.batch + tile.b) * h * w
                let oy = 2 * tile.ty
                let ox = 2 * tile.tx
                let right = ox + 1 < w
                let below = oy + 1 < h
                if let residual {
                    let q = residual + base + oy * w + ox
                    y[0] += q[0]
                    if right { y[1] += q[1] }
                    if below {
                        y[2] += q[w]
                        if right { y[3] += q[w + 1] }
                    }
                }
                y = pointwiseMax(y, SIMD4(repeating: floor))
                let o = dst + base + oy * w + ox
                o[0] = y[0]
                if right { o[1] = y[1] }
                if below {
                    o[w] = y[2]
                    if right { o[w + 1] = y[3] }
                }
                p += 1
                t += 1
                tile.advance()
            }
        }
    }
}
