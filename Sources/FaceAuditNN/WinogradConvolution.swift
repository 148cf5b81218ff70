import FaceAuditGEMM

/// A 3×3, stride-1, pad-1 convolution (cross-correlation) computed with Winograd's minimal filtering
/// algorithm F(m×m, 3×3), m = 2 or 4 (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).
///
/// Each m×m block of outputs ("tile") is Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A, where d is the α×α input patch
/// (α = m + 2) under the tile, zero outside the map, and g a 3×3 kernel. Summed over input channels, the
/// element-wise product becomes α² matrix products M_ξ(F × T) = U_ξ(F × C) · V_ξ(C × T), one per position ξ
/// of the α×α transform, over the T tiles of every sample in the batch. Per output and (filter, channel)
/// pair they cost α²/m² multiply-adds (4 for m = 2, 2.25 for m = 4) where im2col costs 9. The weight
/// transform U = G·g·Gᵀ is done once, in `Double`, at init.
///
/// The result equals ``Convolution``'s up to float rounding: F(2×2) only adds, subtracts and halves;
/// F(4×4) also scales by up to 8 and 1/24, and its rounding error is about ten times larger (the tests
/// state both bounds).
public struct WinogradConvolution: Sendable {
    /// Output channels.
    public let filters: Int
    /// Input channels.
    public let channels: Int
    /// Outputs per tile side, m (2 or 4).
    public let tile: Int
    /// U_ξ = (G·g·Gᵀ)_ξ for the α² positions ξ, each an F × C row-major matrix: [α²][F][C].
    let transformed: [Float]
    /// Bias per filter (the affine already folded in, as in ``Convolution``).
    public let bias: [Float]
    /// Whether a ReLU follows; with a residual it applies to the sum.
    public var relu: Bool

    /// Tile rows per chunk unless the caller says otherwise: at least 256 tiles, so that each of the α²
    /// GEMMs is wide enough to run near full speed, and more while V and M stay within about 2 MB.
    public static func defaultTileRows(channels: Int, filters: Int, tilesX: Int, tile: Int) -> Int {
        let positions = (tile + 2) * (tile + 2)
        let tiles = max(256, (1 << 19) / (positions * (channels + filters)))
        return max(1, tiles / max(1, tilesX))
    }

    /// G (α×3, row-major) of F(2×2, 3×3) and F(4×4, 3×3): Lavin & Gray's, interpolation points 0, ±1
    /// and 0, ±1, ±2 (and ∞).
    static func kernelMatrix(tile: Int) -> [Double] {
        if tile == 2 { return [1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1] }
        let (quarter, sixth, twelfth, twentyFourth): (Double, Double, Double, Double) = (1 / 4, 1 / 6, 1 / 12, 1 / 24)
        let rows: [[Double]] = [
            [quarter, 0, 0], [-sixth, -sixth, -sixth], [-sixth, sixth, -sixth],
            [twentyFourth, twelfth, sixth], [twentyFourth, -twelfth, sixth], [0, 0, 1],
        ]
        return rows.flatMap { $0 }
    }

    /// The Winograd form of `convolution` (same weights, bias and ReLU) with m×m output tiles, m = 2 or 4,
    /// or nil unless the convolution is 3×3 with stride 1 and padding 1.
    public init?(_ convolution: Convolution, tile: Int = 2) {
        precondition(tile == 2 || tile == 4, "F(m×m, 3×3) is implemented for m = 2 and 4")
        guard convolution.kernelHeight == 3, convolution.kernelWidth == 3, convolution.strideY == 1, convolution.strideX == 1,
            convolution.padY == 1, convolution.padX == 1
        else { return nil }
        filters = convolution.filters
        channels = convolution.channels
        self.tile = tile
        bias = convolution.bias
        relu = convolution.relu
        let g = Self.kernelMatrix(tile: tile)
        let alpha = tile + 2
        let fc = filters * channels
        var u = [Float](repeating: 0, count: alpha * alpha * fc)
        let w = convolution.weights
        var gk = [Double](repeating: 0, count: alpha * 3)  // G·k, α×3
        for f in 0..<filters {
            for c in 0..<channels {
                let k = (f * channels + c) * 9
                for i in 0..<alpha {
                    for x in 0..<3 {
                        gk[3 * i + x] =
                            g[3 * i] * Double(w[k + x]) + g[3 * i + 1] * Double(w[k + 3 + x]) + g[3 * i + 2] * Double(w[k + 6 + x])
                    }
                }
                for i in 0..<alpha {
                    for j in 0..<alpha {
                        let value = gk[3 * i] * g[3 * j] + gk[3 * i + 1] * g[3 * j + 1] + gk[3 * i + 2] * g[3 * j + 2]
                        u[(alpha * i + j) * fc + f * channels + c] = Float(value)
                    }
                }
            }
        }
        transformed = u
    }

    /// Convolves `input` into `output` (same height and width, `filters` channels). With `residual`
    /// (the output's shape exactly) each output is conv + bias + residual, then the ReLU when `relu`:
    /// a residual block's add and ReLU in the same pass. `scratch` is a reusable buffer (about
    /// α²·(channels + filters) values per tile of a chunk). Tiles are taken a row of tiles at a time,
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
        let g = Geometry(batch: batch, height: h, width: w, tile: tile)
        let totalRows = batch * g.tilesY
        guard totalRows > 0, w > 0 else { return }
        let rows = max(
            1, min(totalRows, tileRowsPerChunk ?? Self.defaultTileRows(channels: channels, filters: filters, tilesX: g.tilesX, tile: tile)))
        let chunk = rows * g.tilesX
        let positions = g.alpha * g.alpha
        // V, M, then the row workspace: α padded rows of Bᵀ·d and one zero input row; or m·α rows of Aᵀ·M
        // and m output rows.
        let needed = positions * (channels + filters) * chunk + max(g.alpha * g.padded + w, (tile * g.alpha + tile) * g.padded)
        if scratch.count < needed { scratch = [Float](repeating: 0, count: needed) }
        input.data.withUnsafeBufferPointer { src in
            output.data.withUnsafeMutableBufferPointer { dst in
                scratch.withUnsafeMutableBufferPointer { buffer in
                    transformed.withUnsafeBufferPointer { u in
                        let v = buffer.baseAddress!
                        let m = v + positions * channels * chunk
                        let work = m + positions * filters * chunk
                        var g0 = 0
                        while g0 < totalRows {
                            let g1 = min(totalRows, g0 + rows)
                            let n = (g1 - g0) * g.tilesX
                            if tile == 2 {
                                transformInput(src.baseAddress!, tileRows: g0..<g1, g, into: v, work: work)
                            } else {
                                transformInput4(src.baseAddress!, tileRows: g0..<g1, g, into: v, work: work)
                            }
                            for xi in 0..<positions {
                                BLAS.gemm(
                                    m: filters, n: n, k: channels, a: u.baseAddress! + xi * filters * channels, lda: channels,
                                    b: v + xi * channels * n, ldb: n, beta: 0, c: m + xi * filters * n, ldc: n)
                            }
                            func finish(_ r: UnsafePointer<Float>?) {
                                if tile == 2 {
                                    transformOutput(m, tileRows: g0..<g1, g, residual: r, into: dst.baseAddress!, work: work)
                                } else {
                                    transformOutput4(m, tileRows: g0..<g1, g, residual: r, into: dst.baseAddress!, work: work)
                                }
                            }
                            if let residual {
                                residual.data.withUnsafeBufferPointer { finish($0.baseAddress!) }
                            } else {
                                finish(nil)
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
        let batch: Int, height: Int, width: Int, tile: Int, tilesY: Int, tilesX: Int

        init(batch: Int, height: Int, width: Int, tile: Int) {
            self.batch = batch
            self.height = height
            self.width = width
            self.tile = tile
            tilesY = (height + tile - 1) / tile
            tilesX = (width + tile - 1) / tile
        }

        /// α = m + 2, the side of an input patch.
        var alpha: Int { tile + 2 }
        /// Length of a zero-padded row: column −1, the map, and zeros up to the last tile's reach.
        var padded: Int { tile * tilesX + 2 }
    }

    /// The input rows under one tile row of channel c: row r of the patches (r < α), or a row of zeros
    /// where it falls outside the map.
    private struct PatchRows {
        let plane: UnsafePointer<Float>, top: Int, height: Int, width: Int, zero: UnsafePointer<Float>

        init(_ src: UnsafePointer<Float>, channel c: Int, tileRow row: Int, _ g: Geometry, zero: UnsafePointer<Float>) {
            let b = row / g.tilesY
            plane = src + (c * g.batch + b) * g.height * g.width
            top = g.tile * (row - b * g.tilesY) - 1
            height = g.height
            width = g.width
            self.zero = zero
        }

        func callAsFunction(_ r: Int) -> UnsafePointer<Float> {
            top + r >= 0 && top + r < height ? plane + (top + r) * width : zero
        }
    }

    /// Calls `body(f, b, ty, p)` for every filter f and tile row of `tileRows` (sample b, tile row ty), p
    /// pointing at that filter's and row's first entry of M_0 (M_ξ follow `filters · tiles` apart).
    @inline(__always)
    private func eachFilterAndTileRow(
        _ m: UnsafePointer<Float>, tileRows: Range<Int>, _ g: Geometry, _ body: (Int, Int, Int, UnsafePointer<Float>) -> Void
    ) {
        let n = tileRows.count * g.tilesX
        for f in 0..<filters {
            for row in tileRows {
                let b = row / g.tilesY
                body(f, b, row - b * g.tilesY, m + f * n + (row - tileRows.lowerBound) * g.tilesX)
            }
        }
    }

    /// One output row: max(line + bias (+ residual), floor).
    @inline(__always)
    private func finishRow(
        _ line: UnsafePointer<Float>, bias: Float, residual: UnsafePointer<Float>?, floor: Float, into o: UnsafeMutablePointer<Float>,
        width: Int
    ) {
        if let residual {
            for x in 0..<width { o[x] = max(line[x] + bias + residual[x], floor) }
        } else {
            for x in 0..<width { o[x] = max(line[x] + bias, floor) }
        }
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
        let (w, tilesX, padded) = (g.width, g.tilesX, g.padded)
        let stride = channels * n  // between consecutive ξ
        let q = work  // 4 rows of Bᵀ·d, each `padded` long; q[k][x + 1] is column x
        let zero = work + 4 * padded
        zero.update(repeating: 0, count: w)
        for k in 0..<4 {
            (q + k * padded).update(repeating: 0, count: padded)  // column −1 and the tail stay 0
        }
        for c in 0..<channels {
            for row in tileRows {
                let line = PatchRows(src, channel: c, tileRow: row, g, zero: zero)
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
        eachFilterAndTileRow(m, tileRows: tileRows, g) { f, b, ty, p in
            let beta = bias[f]
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
                let base = ((f * g.batch + b) * h + 2 * ty + half) * w
                finishRow(
                    half == 0 ? top : bottom, bias: beta, residual: residual.map { $0 + base }, floor: floor, into: dst + base, width: w
                )
            }
        }
    }

    /// ``transformInput(_:tileRows:_:into:work:)`` for F(4×4, 3×3): 6×6 patches with top-left corner
    /// (4·ty − 1, 4·tx − 1) and Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0;
    /// 0 2 −1 −2 1 0; 0 4 0 −5 0 1].
    private func transformInput4(
        _ src: UnsafePointer<Float>, tileRows: Range<Int>, _ g: Geometry, into v: UnsafeMutablePointer<Float>,
        work: UnsafeMutablePointer<Float>
    ) {
        let n = tileRows.count * g.tilesX
        let (w, tilesX, padded) = (g.width, g.tilesX, g.padded)
        let stride = channels * n
        let q = work  // 6 rows of Bᵀ·d, each `padded` long; q[k][x + 1] is column x
        let zero = work + 6 * padded
        zero.update(repeating: 0, count: w)
        q.update(repeating: 0, count: 6 * padded)
        for c in 0..<channels {
            for row in tileRows {
                let line = PatchRows(src, channel: c, tileRow: row, g, zero: zero)
                let (d0, d1, d2, d3, d4, d5) = (line(0), line(1), line(2), line(3), line(4), line(5))
                let (q0, q1, q2) = (q + 1, q + padded + 1, q + 2 * padded + 1)
                let (q3, q4, q5) = (q + 3 * padded + 1, q + 4 * padded + 1, q + 5 * padded + 1)
                for x in 0..<w {
                    q0[x] = 4 * d0[x] - 5 * d2[x] + d4[x]
                    q1[x] = d3[x] + d4[x] - 4 * (d1[x] + d2[x])
                    q2[x] = d4[x] - d3[x] + 4 * (d1[x] - d2[x])
                    q3[x] = d4[x] - d2[x] + 2 * (d3[x] - d1[x])
                    q4[x] = d4[x] - d2[x] - 2 * (d3[x] - d1[x])
                    q5[x] = 4 * d1[x] - 5 * d3[x] + d5[x]
                }
                let t0 = (row - tileRows.lowerBound) * tilesX
                for k in 0..<6 {
                    let r = q + k * padded
                    let out = v + (6 * k * channels + c) * n + t0
                    let (o0, o1, o2) = (out, out + stride, out + 2 * stride)
                    let (o3, o4, o5) = (out + 3 * stride, out + 4 * stride, out + 5 * stride)
                    for tx in 0..<tilesX {
                        let e0 = r[4 * tx]
                        let e1 = r[4 * tx + 1]
                        let e2 = r[4 * tx + 2]
                        let e3 = r[4 * tx + 3]
                        let e4 = r[4 * tx + 4]
                        let e5 = r[4 * tx + 5]
                        o0[tx] = 4 * e0 - 5 * e2 + e4
                        o1[tx] = e3 + e4 - 4 * (e1 + e2)
                        o2[tx] = e4 - e3 + 4 * (e1 - e2)
                        o3[tx] = e4 - e2 + 2 * (e3 - e1)
                        o4[tx] = e4 - e2 - 2 * (e3 - e1)
                        o5[tx] = 4 * e1 - 5 * e3 + e5
                    }
                }
            }
        }
    }

    /// ``transformOutput(_:tileRows:_:residual:into:work:)`` for F(4×4, 3×3):
    /// Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]. Aᵀ·M is formed for each of the six
    /// columns across the tile row, then ·A per tile into four output rows.
    private func transformOutput4(
        _ m: UnsafePointer<Float>, tileRows: Range<Int>, _ g: Geometry, residual: UnsafePointer<Float>?,
        into dst: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>
    ) {
        let n = tileRows.count * g.tilesX
        let (h, w, tilesX, padded) = (g.height, g.width, g.tilesX, g.padded)
        let stride = filters * n
        let floor: Float = relu ? 0 : -.infinity
        let s = work  // Aᵀ·M: s[i][x] rows of tilesX, i < 4, x < 6
        let lines = work + 24 * padded  // 4 output rows
        eachFilterAndTileRow(m, tileRows: tileRows, g) { f, b, ty, p in
            let beta = bias[f]
            for x in 0..<6 {
                let (m0, m1, m2) = (p + x * stride, p + (6 + x) * stride, p + (12 + x) * stride)
                let (m3, m4, m5) = (p + (18 + x) * stride, p + (24 + x) * stride, p + (30 + x) * stride)
                let (s0, s1) = (s + x * padded, s + (6 + x) * padded)
                let (s2, s3) = (s + (12 + x) * padded, s + (18 + x) * padded)
                for tx in 0..<tilesX {
                    let plus12 = m1[tx] + m2[tx]
                    let minus12 = m1[tx] - m2[tx]
                    let plus34 = m3[tx] + m4[tx]
                    let minus34 = m3[tx] - m4[tx]
                    s0[tx] = m0[tx] + plus12 + plus34
                    s1[tx] = minus12 + 2 * minus34
                    s2[tx] = plus12 + 4 * plus34
                    s3[tx] = minus12 + 8 * minus34 + m5[tx]
                }
            }
            for i in 0..<4 {
                let (a0, a1, a2) = (s + 6 * i * padded, s + (6 * i + 1) * padded, s + (6 * i + 2) * padded)
                let (a3, a4, a5) = (s + (6 * i + 3) * padded, s + (6 * i + 4) * padded, s + (6 * i + 5) * padded)
                let out = lines + i * padded
                for tx in 0..<tilesX {
                    let plus12 = a1[tx] + a2[tx]
                    let minus12 = a1[tx] - a2[tx]
                    let plus34 = a3[tx] + a4[tx]
                    let minus34 = a3[tx] - a4[tx]
                    out[4 * tx] = a0[tx] + plus12 + plus34
                    out[4 * tx + 1] = minus12 + 2 * minus34
                    out[4 * tx + 2] = plus12 + 4 * plus34
                    out[4 * tx + 3] = minus12 + 8 * minus34 + a5[tx]
                }
            }
            for i in 0..<min(4, h - 4 * ty) {
                let base = ((f * g.batch + b) * h + 4 * ty + i) * w
                finishRow(
                    lines + i * padded, bias: beta, residual: residual.map { $0 + base }, floor: floor, into: dst + base, width: w)
            }
        }
    }
}
