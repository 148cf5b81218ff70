import Foundation

/// Where a face chip lies in the image: a rotated rectangle and the chip's size
/// (dlib's `chip_details`).
public struct ChipDetails: Sendable, Hashable {
    /// The rectangle in the image that the chip covers (before rotation).
    public let rect: DRect
    /// Rotation in radians.
    public let angle: Double
    /// Chip rows.
    public let rows: Int
    /// Chip columns.
    public let cols: Int

    /// Creates chip details.
    public init(rect: DRect, angle: Double, rows: Int, cols: Int) {
        self.rect = rect
        self.angle = angle
        self.rows = rows
        self.cols = cols
    }

    /// The mean face of dlib's 5-point model, in [0, 1]² chip coordinates, landmarks 0 … 4.
    static let template5: [Point] = [
        Point(0.8595674595992, 0.2134981538014), Point(0.6460604764104, 0.2289674387677), Point(0.1205750620789, 0.2137274526848),
        Point(0.3340850613712, 0.2290642403242), Point(0.4901123135679, 0.6277975316475),
    ]

    /// dlib's `get_face_chip_details` for 5 landmarks: a `size`×`size` chip with `padding` around the
    /// mean face, aligned by the similarity transform from chip to image.
    public static func face(landmarks: [Point], size: Int = 150, padding: Double = 0.25) -> ChipDetails {
        precondition(landmarks.count == 5, "the 5-point chip template needs 5 landmarks")
        let s = Double(size)
        let chipPoints = template5.map { Point((padding + $0.x) / (2 * padding + 1) * s, (padding + $0.y) / (2 * padding + 1) * s) }
        let tform = AffineTransform.similarity(from: chipPoints, to: landmarks)
        let v = Point(tform.a, tform.c)  // A·(1, 0)
        let angle = atan2(v.y, v.x)
        let scale = (v.x * v.x + v.y * v.y).squareRoot()
        let center = tform.apply(Point(s / 2, s / 2))
        return ChipDetails(rect: .centered(center, width: s * scale, height: s * scale), angle: angle, rows: size, cols: size)
    }
}
