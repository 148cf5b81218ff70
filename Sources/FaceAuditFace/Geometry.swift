import Foundation

/// A point in double precision.
public struct Point: Sendable, Hashable {
    /// x (column).
    public var x: Double
    /// y (row).
    public var y: Double

    /// Creates a point.
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A rectangle with dlib's inclusive conventions: width = right − left + 1.
public struct DRect: Sendable, Hashable {
    /// Left edge.
    public var left: Double
    /// Top edge.
    public var top: Double
    /// Right edge (inclusive).
    public var right: Double
    /// Bottom edge (inclusive).
    public var bottom: Double

    /// Creates a rectangle.
    public init(left: Double, top: Double, right: Double, bottom: Double) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    /// right − left + 1.
    public var width: Double { right - left + 1 }
    /// bottom − top + 1.
    public var height: Double { bottom - top + 1 }
    /// width · height, or 0 when empty.
    public var area: Double { width <= 0 || height <= 0 ? 0 : width * height }
    /// The centre ((l + r)/2, (t + b)/2).
    public var center: Point { Point((left + right) / 2, (top + bottom) / 2) }

    /// `pyramid_down<2>::rect_down`: each corner p ↦ p/2 − (1.25, 0.75) (dlib's offset, copied as is).
    public var down: DRect {
        DRect(left: left / 2 - 1.25, top: top / 2 - 0.75, right: right / 2 - 1.25, bottom: bottom / 2 - 0.75)
    }

    /// `pyramid_down<6>::rect_up`: each corner p ↦ p·(6/5.0) + 0.3, that is a multiplication by the
    /// double nearest 1.2 and then an addition, each rounded (not p·6/5, and not one fused multiply-add:
    /// either rounds differently and, on a tie after `lround`, moves a detection by a pixel).
    public var pyramid6Up: DRect {
        let ratio = 6 / (6 - 1.0)
        return DRect(left: left * ratio + 0.3, top: top * ratio + 0.3, right: right * ratio + 0.3, bottom: bottom * ratio + 0.3)
    }

    /// `pyramid_down<2>::rect_up`: each corner p ↦ (p + (1.25, 0.75))·2.
    public var up: DRect {
        DRect(left: (left + 1.25) * 2, top: (top + 0.75) * 2, right: (right + 1.25) * 2, bottom: (bottom + 0.75) * 2)
    }

    /// The rectangle centred on `c` with width and height `w`, `h` (dlib's `centered_drect`).
    public static func centered(_ c: Point, width w: Double, height h: Double) -> DRect {
        DRect(left: c.x - (w - 1) / 2, top: c.y - (h - 1) / 2, right: c.x + (w - 1) / 2, bottom: c.y + (h - 1) / 2)
    }

    /// The same rectangle shifted by −p.
    public func translated(by p: Point) -> DRect {
        DRect(left: left - p.x, top: top - p.y, right: right - p.x, bottom: bottom - p.y)
    }
}

/// A 2-D affine map p ↦ A·p + t.
public struct AffineTransform: Sendable, Hashable {
    /// Row-major 2×2 matrix (a, b; c, d).
    public var a: Double, b: Double, c: Double, d: Double
    /// Translation.
    public var tx: Double, ty: Double

    /// Applies the map.
    public func apply(_ p: Point) -> Point { Point(a * p.x + b * p.y + tx, c * p.x + d * p.y + ty) }

    /// Umeyama's least-squares similarity transform (rotation, uniform scale, translation) mapping
    /// `from` onto `to`, as dlib's `find_similarity_transform` computes it in double. In two dimensions
    /// the best proper rotation has the closed form θ = atan2(C₂₁ − C₁₂, C₁₁ + C₂₂) of the
    /// cross-covariance C, and the scale is tr(D·S)/σ² = (cos θ (C₁₁ + C₂₂) + sin θ (C₂₁ − C₁₂))/σ².
    ///
    /// Not bit-exact: dlib takes an SVD of C (its Golub–Reinsch `svd3`) and forms c·U·S·Vᵀ, which
    /// rounds differently from this closed form. The results agree to a few ulps (chip rectangles
    /// within 4.3e−14 of dlib's on the 204 small crops of `reference/dlib-small-crops`), and every
    /// chip and landmark there and in `reference/dlib` is still identical to dlib's.
    public static func similarity(from: [Point], to: [Point]) -> AffineTransform {
        precondition(from.count == to.count && !from.isEmpty)
        let n = Double(from.count)
        var mf = Point(0, 0)
        var mt = Point(0, 0)
        for (f, t) in zip(from, to) {
            mf.x += f.x
            mf.y += f.y
            mt.x += t.x
            mt.y += t.y
        }
        mf = Point(mf.x / n, mf.y / n)
        mt = Point(mt.x / n, mt.y / n)
        var sigma = 0.0
        var c11 = 0.0, c12 = 0.0, c21 = 0.0, c22 = 0.0
        for (f, t) in zip(from, to) {
            let fx = f.x - mf.x, fy = f.y - mf.y
            let tx = t.x - mt.x, ty = t.y - mt.y
            sigma += fx * fx + fy * fy
            c11 += tx * fx
            c12 += tx * fy
            c21 += ty * fx
            c22 += ty * fy
        }
        sigma /= n
        c11 /= n
        c12 /= n
        c21 /= n
        c22 /= n
        let theta = atan2(c21 - c12, c11 + c22)
        let cosT = cos(theta)
        let sinT = sin(theta)
        let scale = sigma == 0 ? 1 : (cosT * (c11 + c22) + sinT * (c21 - c12)) / sigma
        let a = scale * cosT, b = -scale * sinT, c = scale * sinT, d = scale * cosT
        return AffineTransform(a: a, b: b, c: c, d: d, tx: mt.x - (a * mf.x + b * mf.y), ty: mt.y - (c * mf.x + d * mf.y))
    }
}
