import FaceAuditGEMM

/// Winograd's minimal filtering F(2, 5) along rows (Lavin & Gray 2016, points 0, ±1, ±2, ∞): two
/// outputs of a 5-tap row correlation y = Aᵀ[(G g) ⊙ (Bᵀ d)] from 6 inputs d and taps g, with
///
///     Bᵀ = [4 0 −5 0 1 0; 0 4 4 −1 −1 0; 0 −4 4 1 −1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
///     G  = [1/4 0 0 0 0; 1/6 ×(1 1 1 1 1); 1/6 ×(1 −1 1 −1 1); 1/24 ×(1 2 4 8 16); 1/24 ×(1 −2 4 −8 16); 0 0 0 0 1]
///     Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 1]
///
/// (Bᵀ scaled to integers, the scale moved into G.) For a 5×5 kernel each kernel row ky becomes six
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
                if per == 2 {
                    Self.transformInput(padded, tiles: tiles, into: target, pointStride: c * vPlane)
                } else {
                    Self.transformInput4(padded, tiles: tiles, into: target, pointStride: c * vPlane)
                }
            }
        }
        // Per point, one product over every kernel row: row ky's inputs start ky rows of tiles into V.
        let offsets = (0..<kh).map { $0 * tiles }
        for xi in 0..<points {
            BLAS.groupedProduct(
                m: f, n: mPlane, k: c, groups: kh, a: w + xi * kh * f * c, lda: c, aGroupStride: f * c, b: v + xi * c * vPlane,
                bOffsets: offsets, ldb: vPlane, c: m + xi * f * mPlane, ldc: mPlane)
        }
        for filter in 0..<f {
            for y in 0..<rows {
                let from = m + filter * mPlane + y * tiles
                let to = out + filter * g.totalRows * g.ow + y * g.ow
                if per == 2 {
                    Self.transformOutput(from, pointStride: f * mPlane, tiles: tiles, into: to, count: g.ow)
                } else {
                    Self.transformOutput4(from, pointStride: f * mPlane, tiles: tiles, into: to, count: g.ow)
                }
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
            // Rows 1–4 in pairs: a part from d2, d4 ± a part from d1, d3.
            let a1 = 4 * d[2] - d[4]
            let b1 = 4 * d[1] - d[3]
            let a3 = d[4] - d[2]
            let b3 = 2 * (d[3] - d[1])
            v0[t] = 4 * d[0] - 5 * d[2] + d[4]
            v1[t] = a1 + b1
            v2[t] = a1 - b1
            v3[t] = a3 + b3
            v4[t] = a3 - b3
            v5[t] = 4 * d[1] - 5 * d[3] + d[5]
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

    /// F(4, 5)'s Bᵀ on every tile t (inputs 4t..<4t + 8 of `padded`).
    static func transformInput4(_ padded: UnsafePointer<Float>, tiles: Int, into target: UnsafeMutablePointer<Float>, pointStride: Int) {
        var t = 0
        // Four tiles at a time: load five rows of four inputs, transpose so that lanes are tiles.
        while t + 4 <= tiles {
            let base = UnsafeRawPointer(padded + 4 * t)
            let r0 = base.loadUnaligned(as: SIMD4<Float>.self)
            let r1 = base.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self)
            let r2 = base.loadUnaligned(fromByteOffset: 32, as: SIMD4<Float>.self)
            let r3 = base.loadUnaligned(fromByteOffset: 48, as: SIMD4<Float>.self)
            let r4 = base.loadUnaligned(fromByteOffset: 64, as: SIMD4<Float>.self)
            let d0 = SIMD4(r0[0], r1[0], r2[0], r3[0])
            let d1 = SIMD4(r0[1], r1[1], r2[1], r3[1])
            let d2 = SIMD4(r0[2], r1[2], r2[2], r3[2])
            let d3 = SIMD4(r0[3], r1[3], r2[3], r3[3])
            let d4 = SIMD4(r1[0], r2[0], r3[0], r4[0])
            let d5 = SIMD4(r1[1], r2[1], r3[1], r4[1])
            let d6 = SIMD4(r1[2], r2[2], r3[2], r4[2])
            let d7 = SIMD4(r1[3], r2[3], r3[3], r4[3])
            let a1: SIMD4<Float> = 17 * d4 - 4 * (d2 + d6)
            let b1: SIMD4<Float> = 17 * d3 - 4 * (d1 + d5)
            let a3: SIMD4<Float> = d2 - 5 * d4 + 4 * d6
            let b3: SIMD4<Float> = 2 * d1 - 10 * d3 + 8 * d5
            let a5: SIMD4<Float> = 128 * d2 - 160 * d4 + 32 * d6
            let b5: SIMD4<Float> = 64 * d1 - 80 * d3 + 16 * d5
            let first: SIMD4<Float> = 4 * (d0 - d6) + 21 * (d4 - d2)
            let last: SIMD4<Float> = 4 * (d7 - d1) + 21 * (d3 - d5)
            func store(_ point: SIMD4<Float>, _ xi: Int) {
                UnsafeMutableRawPointer(target + xi * pointStride + t).storeBytes(of: point, as: SIMD4<Float>.self)
            }
            store(first, 0)
            store(a1 + b1, 1)
            store(a1 - b1, 2)
            store(a3 + b3, 3)
            store(a3 - b3, 4)
            store(a5 + b5, 5)
            store(a5 - b5, 6)
            store(last, 7)
            t += 4
        }
        while t < tiles {
            let d = padded + 4 * t
            let d0 = d[0]
            let d1 = d[1]
            let d2 = d[2]
            let d3 = d[3]
            let d4 = d[4]
            let d5 = d[5]
            let d6 = d[6]
            let d7 = d[7]
            // Rows 1–6 in pairs: an even-index part ± an odd-index part.
            let a1 = 17 * d4 - 4 * (d2 + d6)
            let b1 = 17 * d3 - 4 * (d1 + d5)
            let a3 = d2 - 5 * d4 + 4 * d6
            let b3 = 2 * d1 - 10 * d3 + 8 * d5
            let a5 = 128 * d2 - 160 * d4 + 32 * d6
            let b5 = 64 * d1 - 80 * d3 + 16 * d5
            target[t] = 4 * (d0 - d6) + 21 * (d4 - d2)
            target[pointStride + t] = a1 + b1
            target[2 * pointStride + t] = a1 - b1
            target[3 * pointStride + t] = a3 + b3
            target[4 * pointStride + t] = a3 - b3
            target[5 * pointStride + t] = a5 + b5
            target[6 * pointStride + t] = a5 - b5
            target[7 * pointStride + t] = 4 * (d7 - d1) + 21 * (d3 - d5)
            t += 1
        }
    }

    /// F(4, 5)'s Aᵀ on every tile: outputs 4t..<4t + 4, `count` outputs in all.
    static func transformOutput4(_ m: UnsafePointer<Float>, pointStride: Int, tiles: Int, into out: UnsafeMutablePointer<Float>, count: Int)
    {
        var t = 0
        // Four whole tiles at a time, lanes = tiles, transposed back to output order for the stores.
        while t + 4 <= tiles && 4 * (t + 4) <= count {
            func load(_ xi: Int) -> SIMD4<Float> { UnsafeRawPointer(m + xi * pointStride + t).loadUnaligned(as: SIMD4<Float>.self) }
            let m1 = load(1)
            let m2 = load(2)
            let m3 = load(3)
            let m4 = load(4)
            let m5 = load(5)
            let m6 = load(6)
            let p1: SIMD4<Float> = m1 + m2
            let q1: SIMD4<Float> = m1 - m2
            let p2: SIMD4<Float> = m3 + m4
            let q2: SIMD4<Float> = m3 - m4
            let p3: SIMD4<Float> = m5 + m6
            let q3: SIMD4<Float> = m5 - m6
            let y0: SIMD4<Float> = load(0) + p1 + p2 + p3
            let y1: SIMD4<Float> = q1 + 2 * q2 + q3 / 2
            let y2: SIMD4<Float> = p1 + 4 * p2 + p3 / 4
            let y3: SIMD4<Float> = q1 + 8 * q2 + q3 / 8 + load(7)
            let o = UnsafeMutableRawPointer(out + 4 * t)
            o.storeBytes(of: SIMD4(y0[0], y1[0], y2[0], y3[0]), as: SIMD4<Float>.self)
            o.storeBytes(of: SIMD4(y0[1], y1[1], y2[1], y3[1]), toByteOffset: 16, as: SIMD4<Float>.self)
            o.storeBytes(of: SIMD4(y0[2], y1[2], y2[2], y3[2]), toByteOffset: 32, as: SIMD4<Float>.self)
            o.storeBytes(of: SIMD4(y0[3], y1[3], y2[3], y3[3]), toByteOffset: 48, as: SIMD4<Float>.self)
            t += 4
        }
        while t < tiles {
            let m0 = m[t]
            let p1 = m[pointStride + t] + m[2 * pointStride + t]
            let q1 = m[pointStride + t] - m[2 * pointStride + t]
            let p2 = m[3 * pointStride + t] + m[4 * pointStride + t]
            let q2 = m[3 * pointStride + t] - m[4 * pointStride + t]
            let p3 = m[5 * pointStride + t] + m[6 * pointStride + t]
            let q3 = m[5 * pointStride + t] - m[6 * pointStride + t]
            let m7 = m[7 * pointStride + t]
            let o = out + 4 * t
            let left = count - 4 * t
            o[0] = m0 + p1 + p2 + p3
            if left > 1 { o[1] = q1 + 2 * q2 + q3 / 2 }
            if left > 2 { o[2] = p1 + 4 * p2 + p3 / 4 }
            if left > 3 { o[3] = q1 + 8 * q2 + q3 / 8 + m7 }
            t += 1
        }
    }
}
