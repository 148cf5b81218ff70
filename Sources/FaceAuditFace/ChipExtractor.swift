import FaceAuditImaging
import Foundation

/// dlib's `extract_image_chip` for RGB8 images: bilinear sampling of a rotated rectangle, through
/// dlib's integer `pyramid_down<2>` when the chip is much smaller than the rectangle. Matches dlib bit
/// for bit: pixels outside the source are black and interpolated values are truncated, not rounded.
public enum ChipExtractor {
    /// Extracts the chip described by `details` from `image`.
    public static func extract(_ image: RGBImage, _ details: ChipDetails) -> RGBImage {
        let rows = details.rows
        let cols = details.cols
        let size = Double(rows * cols)
        // How far the bounding box must grow to cover the pyramid filters' support.
        var grow = 2.0
        var q = details.rect.down
        while q.area > size {
            q = q.down
            grow = 2 * grow + 2
        }
        // Bounding box of the rotated rectangle, grown, clipped to the image, rounded.
        let rect = details.rect
        let corners = [
            Point(rect.left, rect.top), Point(rect.right, rect.top), Point(rect.left, rect.bottom), Point(rect.right, rect.bottom),
        ]
        let rotated = corners.map { rotate($0, about: rect.center, by: details.angle) }
        let xs = rotated.map(\.x)
        let ys = rotated.map(\.y)
        let box = DRect(
            left: max(0, xs.min()! - grow), top: max(0, ys.min()! - grow), right: min(Double(image.width - 1), xs.max()! + grow),
            bottom: min(Double(image.height - 1), ys.max()! + grow))
        let bl = Int(box.left.rounded(.toNearestOrAwayFromZero))
        let bt = Int(box.top.rounded(.toNearestOrAwayFromZero))
        let br = Int(box.right.rounded(.toNearestOrAwayFromZero))
        let bb = Int(box.bottom.rounded(.toNearestOrAwayFromZero))
        var source = crop(image, left: bl, top: bt, right: br, bottom: bb)

        var local = rect.translated(by: Point(Double(bl), Double(bt)))
        var level = -1
        while local.down.area > size {
            level += 1
            local = local.down
        }
        if level >= 0 {
            for _ in 0...level { source = PyramidDown.half(source) }
        }

        // Map chip corners (0,0), (cols−1, 0), (0, rows−1) onto the rotated corners of `local`.
        let c = local.center
        let tl = rotate(Point(local.left, local.top), about: c, by: details.angle)
        let tr = rotate(Point(local.right, local.top), about: c, by: details.angle)
        let bottomLeft = rotate(Point(local.left, local.bottom), about: c, by: details.angle)
        return sample(
            source, rows: rows, cols: cols, map: cornerTransform(topLeft: tl, topRight: tr, bottomLeft: bottomLeft, rows: rows, cols: cols))
    }

    /// dlib's `pinv` of the corner matrix P = [[0, 149, 0], [0, 0, 149], [1, 1, 1]] of a 150×150 chip
    /// (columns: the chip's top-left, top-right and bottom-left corners, homogeneous), row by row, as
    /// dlib 3d40bf5 built without fused multiply-add computes it. It is not the exact inverse
    /// (−0.0067114093959731525 rather than −1/149, 4.3e−19 rather than 0).
    static let cornerPinv150: [[Double]] = [
        [-0.0067114093959731525, -0.0067114093959731525, 0.99999999999999967],
        [0.0067114093959731533, 0, 2.0328790734103208e-20],
        [4.3368086899420177e-19, 0.0067114093959731533, 2.7105054312137611e-20],
    ]

    /// The map from chip pixels (c, r) to source positions that sends the chip corners (0, 0),
    /// (cols − 1, 0), (0, rows − 1) to `topLeft`, `topRight`, `bottomLeft`.
    ///
    /// dlib fits it with `find_affine_transform`, Q·pinv(P), whose SVD-based `pinv` is a few ulps from
    /// the exact inverse. For 150×150 chips (every face chip and jittered copy) this uses dlib's
    /// pinv(P) and its order, m(r, c) = (Q(r,0)·pinv(0,c) + Q(r,1)·pinv(1,c)) + Q(r,2)·pinv(2,c),
    /// which reproduces dlib's transform bit for bit. Other sizes use the exact closed form
    /// ((topRight − topLeft)/(cols − 1), …, translation topLeft), which can differ from dlib in the
    /// last bits of the sample positions.
    static func cornerTransform(topLeft tl: Point, topRight tr: Point, bottomLeft bl: Point, rows: Int, cols: Int) -> AffineTransform {
        guard rows == 150, cols == 150 else {
            return AffineTransform(
                a: (tr.x - tl.x) / Double(cols - 1), b: (bl.x - tl.x) / Double(rows - 1), c: (tr.y - tl.y) / Double(cols - 1),
                d: (bl.y - tl.y) / Double(rows - 1), tx: tl.x, ty: tl.y)
        }
        let p = cornerPinv150
        func entry(_ q0: Double, _ q1: Double, _ q2: Double, _ c: Int) -> Double { q0 * p[0][c] + q1 * p[1][c] + q2 * p[2][c] }
        return AffineTransform(
            a: entry(tl.x, tr.x, bl.x, 0), b: entry(tl.x, tr.x, bl.x, 1), c: entry(tl.y, tr.y, bl.y, 0), d: entry(tl.y, tr.y, bl.y, 1),
            tx: entry(tl.x, tr.x, bl.x, 2), ty: entry(tl.y, tr.y, bl.y, 2))
    }

    static func rotate(_ p: Point, about c: Point, by angle: Double) -> Point {
        let cosA = cos(angle)
        let sinA = sin(angle)
        let dx = p.x - c.x
        let dy = p.y - c.y
        return Point(cosA * dx - sinA * dy + c.x, sinA * dx + cosA * dy + c.y)
    }

    static func crop(_ image: RGBImage, left: Int, top: Int, right: Int, bottom: Int) -> RGBImage {
        let w = max(0, right - left + 1)
        let h = max(0, bottom - top + 1)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let from = ((top + y) * image.width + left) * 3
            pixels.withUnsafeMutableBufferPointer { dst in
                image.pixels.withUnsafeBufferPointer { src in
                    (dst.baseAddress! + y * w * 3).update(from: src.baseAddress! + from, count: w * 3)
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    /// Bilinear sampling with dlib's rules: black outside, values truncated to uint8.
    static func sample(_ src: RGBImage, rows: Int, cols: Int, map: AffineTransform) -> RGBImage {
        var out = [UInt8](repeating: 0, count: rows * cols * 3)
        let w = src.width
        let h = src.height
        src.pixels.withUnsafeBufferPointer { s in
            for r in 0..<rows {
                for c in 0..<cols {
                    let p = map.apply(Point(Double(c), Double(r)))
                    let x0 = Int(p.x.rounded(.down))
                    let y0 = Int(p.y.rounded(.down))
                    guard x0 >= 0, y0 >= 0, x0 + 1 < w, y0 + 1 < h else { continue }
                    let fx = p.x - Double(x0)
                    let fy = p.y - Double(y0)
                    let i00 = (y0 * w + x0) * 3
                    let i01 = i00 + 3
                    let i10 = i00 + w * 3
                    let i11 = i10 + 3
                    for ch in 0..<3 {
                        let top = (1 - fx) * Double(s[i00 + ch]) + fx * Double(s[i01 + ch])
                        let bottom = (1 - fx) * Double(s[i10 + ch]) + fx * Double(s[i11 + ch])
                        out[(r * cols + c) * 3 + ch] = UInt8((1 - fy) * top + fy * bottom)
                    }
                }
            }
        }
        return RGBImage(width: cols, height: rows, pixels: out)
    }
}

/// dlib's `pyramid_down<2>` on RGB8: a separable 1-4-6-4-1 filter and decimation by 2, in integers.
public enum PyramidDown {
    /// One level down: (W−3)/2 × (H−3)/2; output (j, i) is centred on input (2j+2, 2i+2).
    public static func half(_ image: RGBImage) -> RGBImage {
        let w = image.width
        let h = image.height
        guard w > 8, h > 8 else { return RGBImage(width: 0, height: 0, pixels: []) }
        let ow = (w - 3) / 2
        let oh = (h - 3) / 2
        var tmp = [Int32](repeating: 0, count: h * ow * 3)
        image.pixels.withUnsafeBufferPointer { s in
            for y in 0..<h {
                for j in 0..<ow {
                    for c in 0..<3 {
                        let base = (y * w + 2 * j) * 3 + c
                        tmp[(y * ow + j) * 3 + c] =
                            Int32(s[base]) + 4 * Int32(s[base + 3]) + 6 * Int32(s[base + 6]) + 4 * Int32(s[base + 9]) + Int32(s[base + 12])
                    }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: oh * ow * 3)
        for i in 0..<oh {
            for j in 0..<ow {
                for c in 0..<3 {
                    let t = { (row: Int) in tmp[(row * ow + j) * 3 + c] }
                    let v = t(2 * i) + 4 * t(2 * i + 1) + 6 * t(2 * i + 2) + 4 * t(2 * i + 3) + t(2 * i + 4)
                    out[(i * ow + j) * 3 + c] = UInt8(v / 256)
                }
            }
        }
        return RGBImage(width: ow, height: oh, pixels: out)
    }
}
