import FaceAuditImaging
import Foundation

/// Image-quality covariates of one detected face, measured from what the dlib pipeline already has: its five
/// landmarks (original image coordinates) and its aligned chip.
///
/// Names follow ISO/IEC 29794-5 (face image quality) where a measure corresponds; the rest are proxies, and
/// say so:
/// - ``interEyeDistance``: 29794-5's *inter-eye distance* (IED), in pixels of the original image. The eye
///   centres are the means of each eye's two corner landmarks, not the pupil centres 29794-5 locates.
/// - ``poseAsymmetry``: a yaw *proxy*. 29794-5's head-pose measures are angles of a 3-D fit; this is the
///   offset of the nose-base landmark from the eye-centre midpoint along the eye axis, as a fraction of the IED.
/// - ``exposure``: mean luma of the chip, a *proxy* for 29794-5's under- and over-exposure prevention (which
///   are defined on the face region's luminance histogram). On a face chip it measures skin reflectance as
///   much as illumination: it cannot separate a dark-skinned face from an under-exposed one.
/// - ``contrast``: standard deviation of the chip's luma, a *proxy* for 29794-5's dynamic range.
/// - ``sharpness``: variance of the 3×3 Laplacian of the chip's luma, a *proxy*: 29794-5's sharpness is a
///   learned measure.
public struct FaceQuality: Sendable, Hashable, Codable {
    /// Distance between the two eye centres, pixels of the original image.
    public var interEyeDistance: Double
    /// Signed yaw proxy: ((n − m) · u) / IED, where m is the midpoint of the eye centres, n the nose-base
    /// landmark and u the unit vector from the image-left eye centre to the image-right eye centre. Positive
    /// when the nose lies towards the image-right eye; 0 for a symmetric (frontal) face.
    public var poseAsymmetry: Double
    /// Mean luma of the chip, 0–255.
    public var exposure: Double
    /// Population standard deviation of the chip's luma, 0–255.
    public var contrast: Double
    /// Population variance of the 3×3 Laplacian of the chip's luma over its interior pixels, luma² units.
    public var sharpness: Double

    enum CodingKeys: String, CodingKey {
        case interEyeDistance = "ied"
        case poseAsymmetry = "pose"
        case exposure, contrast, sharpness
    }

    /// Measures a face from its five landmarks (dlib's 5-point order: outer and inner corner of the
    /// image-right eye, outer and inner corner of the image-left eye, base of the nose) and its chip.
    /// - Throws: ``FaceQualityError`` when the landmarks are not five or the two eye centres coincide, or the
    ///   chip is smaller than 3×3.
    public init(landmarks: [Point], chip: RGBImage) throws(FaceQualityError) {
        let geometry = try Self.geometry(landmarks)
        guard chip.width >= 3, chip.height >= 3 else { throw .chipTooSmall(width: chip.width, height: chip.height) }
        let luma = Self.luma(chip)
        let (mean, variance) = Self.meanAndVariance(luma)
        interEyeDistance = geometry.ied
        poseAsymmetry = geometry.pose
        exposure = mean
        contrast = variance.squareRoot()
        sharpness = Self.laplacianVariance(luma, width: chip.width, height: chip.height)
    }

    /// The inter-eye distance and the pose proxy of five landmarks (see ``interEyeDistance``, ``poseAsymmetry``).
    /// - Throws: ``FaceQualityError`` when there are not five points or the eye centres coincide.
    public static func geometry(_ p: [Point]) throws(FaceQualityError) -> (ied: Double, pose: Double) {
        guard p.count == 5 else { throw .landmarkCount(p.count) }
        let right = Point((p[0].x + p[1].x) / 2, (p[0].y + p[1].y) / 2)
        let left = Point((p[2].x + p[3].x) / 2, (p[2].y + p[3].y) / 2)
        let dx = right.x - left.x
        let dy = right.y - left.y
        let ied = (dx * dx + dy * dy).squareRoot()
        guard ied > 0 else { throw .coincidentEyes }
        let mid = Point((right.x + left.x) / 2, (right.y + left.y) / 2)
        let along = (p[4].x - mid.x) * dx / ied + (p[4].y - mid.y) * dy / ied
        return (ied, along / ied)
    }

    /// Each pixel's luma, Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601 weights) on the 8-bit gamma-encoded
    /// values as stored, row-major.
    public static func luma(_ image: RGBImage) -> [Double] {
        var y = [Double](repeating: 0, count: image.width * image.height)
        for i in y.indices {
            y[i] = 0.299 * Double(image.pixels[3 * i]) + 0.587 * Double(image.pixels[3 * i + 1]) + 0.114 * Double(image.pixels[3 * i + 2])
        }
        return y
    }

    /// Mean and population variance (divisor n, two passes) of `values` (0 and 0 when empty).
    static func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
        guard !values.isEmpty else { return (0, 0) }
        let mean = values.reduce(0, +) / Double(values.count)
        return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count))
    }

    /// Population variance (divisor n) of the 4-neighbour Laplacian L(x, y) = Y(x−1, y) + Y(x+1, y) + Y(x, y−1) +
    /// Y(x, y+1) − 4 Y(x, y) over the interior pixels 1 ≤ x ≤ w−2, 1 ≤ y ≤ h−2 (the border is not padded:
    /// its pixels have no value), so n = (w−2)(h−2). OpenCV's `Laplacian(ksize=1)` kernel.
    public static func laplacianVariance(_ y: [Double], width w: Int, height h: Int) -> Double {
        precondition(y.count == w * h && w >= 3 && h >= 3, "a luma plane of at least 3×3")
        var values: [Double] = []
        values.reserveCapacity((w - 2) * (h - 2))
        for r in 1..<(h - 1) {
            for c in 1..<(w - 1) {
                let i = r * w + c
                values.append(y[i - 1] + y[i + 1] + y[i - w] + y[i + w] - 4 * y[i])
            }
        }
        return meanAndVariance(values).variance
    }
}

/// Why a face's quality could not be measured.
public enum FaceQualityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The landmark model gave this many points, not five.
    case landmarkCount(Int)
    /// The two eye centres are the same point (no inter-eye distance).
    case coincidentEyes
    /// The chip is smaller than the Laplacian's 3×3.
    case chipTooSmall(width: Int, height: Int)

    public var description: String {
        switch self {
        case .landmarkCount(let n): "face quality needs the 5-point landmarks; got \(n) points"
        case .coincidentEyes: "face quality: the two eye centres coincide"
        case .chipTooSmall(let w, let h): "face quality: a \(w)×\(h) chip is smaller than 3×3"
        }
    }
}
