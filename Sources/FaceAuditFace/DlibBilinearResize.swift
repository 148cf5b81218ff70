import CResample
import CVectorBuild
import FaceAuditGEMM
import FaceAuditImaging

/// dlib's `resize_image(in, out, interpolate_bilinear())` for float planes and RGB8 images, reproduced
/// operation by operation (`dlib/image_transforms/interpolation.h`, the SSE `simd4f` overloads), so that
/// every output value rounds exactly as in a dlib build without fused multiply-add.
///
/// The mapping is "align corners": output (c, r) samples input (c·xs, r·ys) with
/// xs = (Win − 1)/max(Wout − 1, 1) and ys likewise. dlib does not compute c·xs and r·ys directly:
/// * rows: y starts at −ys and `y += ys` once per row, in double; top = ⌊y⌋,
///   bottom = min(top + 1, Hin − 1), tb = y − top (double), then tb and 1 − tb are rounded to float;
/// * columns, in blocks of four: four float lanes start at float(−4xs + k·xs) (k = 0…3, the sums in
///   double) and each block adds float(4xs) to every lane, in float; left = the lane truncated to an
///   integer, lr = lane − left and 1 − lr in float; the four weights are float products
///   (1−tb)(1−lr), (1−tb)lr, tb(1−lr), tb·lr, and the value is ((w₀·TL + w₁·TR) + w₂·BL) + w₃·BR in
///   float. Blocks continue until the fourth lane's right neighbour (left + 1) would fall outside the
///   input;
/// * the remaining columns restart from x = −xs + c·xs in double and add xs per column: left = ⌊x⌋,
///   right = min(left + 1, Win − 1), and the value is (1−tb)((1−lr)TL + lr·TR) + tb((1−lr)BL + lr·BR)
///   with lr in float and the sums in double for float planes, or everything in double for RGB8.
///
/// Float planes store the float value; RGB8 truncates toward zero (never rounds), as dlib does.
enum DlibBilinearResize {
    /// Where every output column samples: the block part (float lanes) and the scalar tail.
    struct Columns {
        /// Columns computed in blocks of four: `0..<blockEnd`.
        let blockEnd: Int
        /// Left input column of each block column, and the same as Int32 for the vector kernel.
        let left: [Int]
        let left32: [Int32]
        /// Input width.
        let inputWidth: Int
        /// Float fraction lr and 1 − lr of each block column.
        let fraction: [Float]
        let inverse: [Float]
        /// Tail columns `blockEnd..<width`: left, right, and the double fraction.
        let tailLeft: [Int]
        let tailRight: [Int]
        let tailFraction: [Double]

        init(input inW: Int, output outW: Int) {
            let xs = Double(inW - 1) / Double(max(outW - 1, 1))
            let x = -4 * xs
            var lanes: (Float, Float, Float, Float) = (Float(x), Float(x + xs), Float(x + 2 * xs), Float(x + 3 * xs))
            let step = Float(4 * xs)
            var left: [Int] = []
            var fraction: [Float] = []
            var inverse: [Float] = []
            var c = 0
            // dlib's loop has no bound on c: it stops only on the fourth lane's right neighbour. The
            // column bound here only keeps memory safe; for inW ≥ 2 the lane test stops first.
            while c + 3 < outW {
                lanes = (lanes.0 + step, lanes.1 + step, lanes.2 + step, lanes.3 + step)
                let block = [lanes.0, lanes.1, lanes.2, lanes.3]
                let lefts = block.map { Int(Int32($0)) }  // _mm_cvttps_epi32: truncation
                if lefts[3] + 1 >= inW { break }
                for k in 0..<4 {
                    let lr = block[k] - Float(lefts[k])
                    left.append(lefts[k])
                    fraction.append(lr)
                    inverse.append(1 - lr)
                }
                c += 4
            }
            blockEnd = c
            self.left = left
            left32 = left.map { Int32($0) }
            inputWidth = inW
            self.fraction = fraction
            self.inverse = inverse
            var tailLeft: [Int] = []
            var tailRight: [Int] = []
            var tailFraction: [Double] = []
            var xt = -xs + Double(c) * xs
            while c < outW {
                xt += xs
                let l = Int(xt.rounded(.down))
                tailLeft.append(l)
                tailRight.append(min(l + 1, inW - 1))
                tailFraction.append(xt - Double(l))
                c += 1
            }
            self.tailLeft = tailLeft
            self.tailRight = tailRight
            self.tailFraction = tailFraction
        }
    }

    /// Where every output row samples: top and bottom input rows, tb in double, and float tb, 1 − tb.
    struct Rows {
        let top: [Int]
        let bottom: [Int]
        let fraction: [Double]
        let fraction32: [Float]
        let inverse32: [Float]

        init(input inH: Int, output outH: Int) {
            let ys = Double(inH - 1) / Double(max(outH - 1, 1))
            var top: [Int] = []
            var bottom: [Int] = []
            var fraction: [Double] = []
            var y = -ys
            for _ in 0..<outH {
                y += ys
                let t = Int(y.rounded(.down))
                top.append(t)
                bottom.append(min(t + 1, inH - 1))
                fraction.append(y - Double(t))
            }
            self.top = top
            self.bottom = bottom
            self.fraction = fraction
            fraction32 = fraction.map { Float($0) }
            inverse32 = fraction.map { Float(1 - $0) }
        }
    }

    /// One float-plane resize, row by row: output row r depends only on input rows `rows.top[r]` and
    /// `rows.bottom[r]`, so any subset of rows computed in any order equals the whole resize bit for bit.
    struct Plan: Sendable {
        let columns: Columns
        let rows: Rows
        /// Output width.
        let width: Int

        /// The plan for an inW × inH → outW × outH resize (all sizes ≥ 1).
        init(input inW: Int, _ inH: Int, output outW: Int, _ outH: Int) {
            columns = Columns(input: inW, output: outW)
            rows = Rows(input: inH, output: outH)
            width = outW
        }

        /// Output row `r` of one plane from its two input rows (`rows.top[r]` and `rows.bottom[r]`). The
        /// block columns run in `build`'s vector kernel (default ``VectorBuild/current``; `fa_resample_row`:
        /// 16 columns at a time with AVX-512F, 8 with AVX2, none in the baseline build) as far as it goes,
        /// then in the scalar loop: the same float operations in the same order, so the same bits.
        func row(
            _ r: Int, top topRow: UnsafePointer<Float>, bottom bottomRow: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
            build: fa_vector_build = VectorBuild.current
        ) {
            let tb = rows.fraction32[r]
            let invTb = rows.inverse32[r]
            columns.left.withUnsafeBufferPointer { left in
                columns.fraction.withUnsafeBufferPointer { fraction in
                    columns.inverse.withUnsafeBufferPointer { inverse in
                        let first = columns.left32.withUnsafeBufferPointer { left32 in
                            fa_resample_row(
                                build, left32.baseAddress, fraction.baseAddress, inverse.baseAddress, columns.blockEnd, tb, invTb, topRow,
                                bottomRow, columns.inputWidth, out)
                        }
                        for c in first..<columns.blockEnd {
                            let l = left[c]
                            let lr = fraction[c]
                            let invLr = inverse[c]
                            let tlf = invTb * invLr
                            let trf = invTb * lr
                            let blf = tb * invLr
                            let brf = tb * lr
                            out[c] = tlf * topRow[l] + trf * topRow[l + 1] + blf * bottomRow[l] + brf * bottomRow[l + 1]
                        }
                    }
                }
            }
            let tb64 = rows.fraction[r]
            for (i, c) in (columns.blockEnd..<width).enumerated() {
                let l = columns.tailLeft[i]
                let rr = columns.tailRight[i]
                let lr = Float(columns.tailFraction[i])
                let upper = (1 - lr) * topRow[l] + lr * topRow[rr]
                let lower = (1 - lr) * bottomRow[l] + lr * bottomRow[rr]
                out[c] = Float((1 - tb64) * Double(upper) + tb64 * Double(lower))
            }
        }
    }

    /// Resizes one float plane: `source` is inH rows of inW floats `sourceStride` apart; the result goes
    /// to outH rows of outW floats `destinationStride` apart. Empty sizes write nothing.
    static func resize(
        _ source: UnsafePointer<Float>, width inW: Int, height inH: Int, stride sourceStride: Int,
        into destination: UnsafeMutablePointer<Float>, width outW: Int, height outH: Int, stride destinationStride: Int
    ) {
        guard inW > 0, inH > 0, outW > 0, outH > 0 else { return }
        let plan = Plan(input: inW, inH, output: outW, outH)
        for r in 0..<outH {
            plan.row(
                r, top: source + plan.rows.top[r] * sourceStride, bottom: source + plan.rows.bottom[r] * sourceStride,
                into: destination + r * destinationStride)
        }
    }

    /// Resizes an RGB8 image to `width` × `height`, channel values truncated to UInt8.
    static func resize(_ image: RGBImage, width outW: Int, height outH: Int) -> RGBImage {
        let inW = image.width
        let inH = image.height
        guard inW > 0, inH > 0, outW > 0, outH > 0 else {
            return RGBImage(
                width: max(0, outW), height: max(0, outH), pixels: [UInt8](repeating: 0, count: max(0, outW) * max(0, outH) * 3))
        }
        let columns = Columns(input: inW, output: outW)
        let rows = Rows(input: inH, output: outH)
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        image.pixels.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<outH {
                    let topRow = p.baseAddress! + rows.top[r] * inW * 3
                    let bottomRow = p.baseAddress! + rows.bottom[r] * inW * 3
                    let row = o.baseAddress! + r * outW * 3
                    let tb = rows.fraction32[r]
                    let invTb = rows.inverse32[r]
                    for c in 0..<columns.blockEnd {
                        let l = columns.left[c] * 3
                        let lr = columns.fraction[c]
                        let invLr = columns.inverse[c]
                        let tlf = invTb * invLr
                        let trf = invTb * lr
                        let blf = tb * invLr
                        let brf = tb * lr
                        for ch in 0..<3 {
                            let v =
                                tlf * Float(topRow[l + ch]) + trf * Float(topRow[l + 3 + ch]) + blf * Float(bottomRow[l + ch]) + brf
                                * Float(bottomRow[l + 3 + ch])
                            row[c * 3 + ch] = UInt8(truncatingIfNeeded: Int32(v))
                        }
                    }
                    let tb64 = rows.fraction[r]
                    for (i, c) in (columns.blockEnd..<outW).enumerated() {
                        let l = columns.tailLeft[i] * 3
                        let rr = columns.tailRight[i] * 3
                        let lr = columns.tailFraction[i]
                        for ch in 0..<3 {
                            let upper = (1 - lr) * Double(topRow[l + ch]) + lr * Double(topRow[rr + ch])
                            let lower = (1 - lr) * Double(bottomRow[l + ch]) + lr * Double(bottomRow[rr + ch])
                            row[c * 3 + ch] = UInt8((1 - tb64) * upper + tb64 * lower)
                        }
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }
}
