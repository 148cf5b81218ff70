import FaceAuditImaging
import Foundation
import Testing

@testable import FaceAuditFace

@Suite("Face quality covariates against direct computations")
struct FaceQualityTests {
    /// A chip whose every pixel is `color(x, y)`.
    static func chip(width: Int = 150, height: Int = 150, _ color: (Int, Int) -> (UInt8, UInt8, UInt8)) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let c = color(x, y)
                pixels += [c.0, c.1, c.2]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Five landmarks of a face: image-right eye corners, image-left eye corners, nose base.
    static let face = [Point(140, 100), Point(120, 101), Point(60, 99), Point(80, 100), Point(104, 140)]

    @Test("a flat chip: exposure is its luma, contrast and sharpness are 0")
    func flat() throws {
        let q = try FaceQuality(landmarks: Self.face, chip: Self.chip { _, _ in (200, 100, 50) })
        #expect(abs(q.exposure - (0.299 * 200 + 0.587 * 100 + 0.114 * 50)) < 1e-9)
        #expect(abs(q.contrast) < 1e-9)
        #expect(abs(q.sharpness) < 1e-9)
    }

    @Test("a one-pixel checkerboard of grays a and b: Laplacian ±4(b − a), variance 16(b − a)², contrast |b − a|/2")
    func checkerboard() throws {
        let (a, b): (UInt8, UInt8) = (40, 200)
        let q = try FaceQuality(landmarks: Self.face, chip: Self.chip { x, y in (x + y) % 2 == 0 ? (a, a, a) : (b, b, b) })
        let d = Double(b) - Double(a)
        // Gray pixels: luma is the gray value up to the weights' rounding (they sum to 1).
        #expect(abs(q.sharpness - 16 * d * d) < 1e-6)
        #expect(abs(q.contrast - d / 2) < 1e-9)
        #expect(abs(q.exposure - (Double(a) + Double(b)) / 2) < 1e-9)
    }

    @Test("the Laplacian ignores the border: a ramp (zero second derivative) has variance 0 whatever its edges")
    func ramp() throws {
        let q = try FaceQuality(landmarks: Self.face, chip: Self.chip { x, _ in (UInt8(x), UInt8(x), UInt8(x)) })
        #expect(abs(q.sharpness) < 1e-9)
        // A single bright interior pixel of a 10×10 chip: Laplacian −4v there, v at its 4 neighbours, 0 elsewhere; n = 8².
        let v = 100.0
        let dot = Self.chip(width: 10, height: 10) { x, y in x == 4 && y == 4 ? (100, 100, 100) : (0, 0, 0) }
        let n = 64.0
        let values = [-4 * v, v, v, v, v]
        let mean = values.reduce(0, +) / n
        let expected = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) + (n - 5) * mean * mean) / n
        #expect(abs(FaceQuality.laplacianVariance(FaceQuality.luma(dot), width: 10, height: 10) - expected) < 1e-9)
    }

    @Test("a darker copy of a chip has lower exposure and lower contrast")
    func darker() throws {
        let chip = Self.chip { x, y in (UInt8((x * 7 + y) % 256), UInt8((x + y * 3) % 256), UInt8((x * y) % 256)) }
        var dark = chip
        dark.pixels = chip.pixels.map { $0 / 2 }
        let q = try FaceQuality(landmarks: Self.face, chip: chip)
        let d = try FaceQuality(landmarks: Self.face, chip: dark)
        #expect(d.exposure < q.exposure && d.contrast < q.contrast && d.sharpness < q.sharpness)
    }

    @Test("inter-eye distance: between the eye-corner midpoints, scales with the landmarks, invariant to rotation")
    func interEyeDistance() throws {
        let g = try FaceQuality.geometry(Self.face)
        // Eye centres (130, 100.5) and (70, 99.5).
        #expect(abs(g.ied - (60.0 * 60 + 1).squareRoot()) < 1e-12)
        let scaled = try FaceQuality.geometry(Self.face.map { Point($0.x * 2.5, $0.y * 2.5) })
        #expect(abs(scaled.ied - 2.5 * g.ied) < 1e-9)
        #expect(abs(scaled.pose - g.pose) < 1e-12)
        let angle = 0.7
        let rotated = try FaceQuality.geometry(
            Self.face.map { Point($0.x * cos(angle) - $0.y * sin(angle) + 13, $0.x * sin(angle) + $0.y * cos(angle) - 5) })
        #expect(abs(rotated.ied - g.ied) < 1e-9 && abs(rotated.pose - g.pose) < 1e-12)
    }

    @Test("pose proxy: 0 for a symmetric face, its sign flips on a mirrored face, the offset over the IED")
    func pose() throws {
        let symmetric = [Point(140, 100), Point(120, 100), Point(60, 100), Point(80, 100), Point(100, 140)]
        #expect(try FaceQuality.geometry(symmetric).pose == 0)
        // Nose 6 px towards the image-right eye, IED 60: +0.1.
        var turned = symmetric
        turned[4] = Point(106, 140)
        #expect(abs(try FaceQuality.geometry(turned).pose - 0.1) < 1e-12)
        // Mirrored about x = 0: the image-right eye is now the former image-left one, so the points swap roles.
        let m = turned.map { Point(-$0.x, $0.y) }
        let mirrored = [m[2], m[3], m[0], m[1], m[4]]
        #expect(abs(try FaceQuality.geometry(mirrored).pose + 0.1) < 1e-12)
    }

    @Test("unmeasurable faces are typed errors")
    func errors() {
        let chip = Self.chip { _, _ in (0, 0, 0) }
        #expect(throws: FaceQualityError.landmarkCount(4)) { try FaceQuality(landmarks: Array(Self.face.prefix(4)), chip: chip) }
        let same = [Point(1, 1), Point(3, 1), Point(1, 1), Point(3, 1), Point(2, 5)]
        #expect(throws: FaceQualityError.coincidentEyes) { try FaceQuality(landmarks: same, chip: chip) }
        #expect(throws: FaceQualityError.chipTooSmall(width: 2, height: 9)) {
            try FaceQuality(landmarks: Self.face, chip: Self.chip(width: 2, height: 9) { _, _ in (0, 0, 0) })
        }
    }
}
