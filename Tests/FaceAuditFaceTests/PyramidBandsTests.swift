import FaceAuditImaging
import FaceAuditNN
import Foundation
import Testing

@testable import FaceAuditFace

/// The band-by-band tensor against the tensor built whole, as the detector built it before bands:
/// level 0 written from the bytes, every further level resized from the whole level before it.
@Suite("MMOD pyramid tensor band by band")
struct PyramidBandsTests {
    static let means: (Float, Float, Float) = (122.782, 117.001, 104.298)

    static func wholeTensor(_ image: RGBImage, _ layout: TiledPyramid) -> [Float] {
        let rows = layout.rows
        let cols = layout.cols
        let plane = rows * cols
        var t = [Float](repeating: 0, count: 3 * plane)
        let m = [means.0, means.1, means.2]
        t.withUnsafeMutableBufferPointer { t in
            let r0 = layout.rects[0]
            for c in 0..<3 {
                for y in 0..<image.height {
                    for x in 0..<image.width {
                        t[c * plane + (r0.top + y) * cols + r0.left + x] = (Float(image.pixels[(y * image.width + x) * 3 + c]) - m[c]) / 256
                    }
                }
            }
            for level in 1..<layout.rects.count {
                let from = layout.rects[level - 1]
                let to = layout.rects[level]
                for c in 0..<3 {
                    let base = t.baseAddress! + c * plane
                    DlibBilinearResize.resize(
                        base + from.top * cols + from.left, width: from.right - from.left + 1, height: from.bottom - from.top + 1,
                        stride: cols, into: base + to.top * cols + to.left, width: to.right - to.left + 1,
                        height: to.bottom - to.top + 1, stride: cols)
                }
            }
        }
        return t
    }

    static func randomImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var state = seed
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in pixels.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            pixels[i] = UInt8(truncatingIfNeeded: state >> 56)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Builds the tensor through bands of `step` new rows overlapping the band before by `overlap` rows,
    /// and compares every value bit for bit.
    static func check(width: Int, height: Int, step: Int, overlap: Int) -> (mismatches: Int, heldFloats: Int, tensorFloats: Int) {
        let image = randomImage(width: width, height: height, seed: UInt64(width * 7919 + height))
        let layout = TiledPyramid(width: width, height: height, padding: 10, outerPadding: 11)
        let expected = wholeTensor(image, layout)
        let bands = PyramidBands(image, layout: layout, means: means)
        var band = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var spare = band
        var mismatches = 0
        var start = 0
        var end = 0
        while end < layout.rows {
            end = min(layout.rows, end + step)
            let rows = start..<end
            bands.fill(rows, into: &band, spare: &spare)
            let plane = rows.count * layout.cols
            for c in 0..<3 {
                for y in rows {
                    for x in 0..<layout.cols {
                        let got = band.data[c * plane + (y - rows.lowerBound) * layout.cols + x]
                        let want = expected[c * layout.rows * layout.cols + y * layout.cols + x]
                        if got.bitPattern != want.bitPattern { mismatches += 1 }
                    }
                }
            }
            start = max(start, end - overlap)
        }
        return (mismatches, bands.heldFloats, expected.count)
    }

    @Test(
        "every tensor value equals the whole construction bit for bit, whatever the bands",
        arguments: [
            (320, 240, 1, 0), (320, 240, 7, 3), (320, 240, 64, 40), (320, 240, 100_000, 0), (97, 61, 5, 4), (5, 5, 2, 1),
            (6, 30, 3, 2), (641, 479, 37, 19),
        ])
    func bitForBit(_ c: (Int, Int, Int, Int)) {
        let result = Self.check(width: c.0, height: c.1, step: c.2, overlap: c.3)
        #expect(result.mismatches == 0, "\(c.0)×\(c.1), \(c.2) rows a band, overlap \(c.3)")
    }

    @Test("a 1920×1080 photo holds under a third of the tensor's floats")
    func heldLevels() {
        let result = Self.check(width: 1920, height: 1080, step: 500, overlap: 180)
        #expect(result.mismatches == 0)
        // Level 1 (25/36 of the image) and the right-hand column: 1.22× the image in floats, the
        // tensor 3.69× (3937×1942).
        let image = 3 * 1920 * 1080
        #expect(result.heldFloats < image * 123 / 100 && result.heldFloats > image * 121 / 100, "\(result.heldFloats)")
        #expect(result.tensorFloats == 3 * 3937 * 1942)
    }

    @Test("bands that move backwards are refused")
    func forwardOnly() async {
        await #expect(processExitsWith: .failure) {
            let image = PyramidBandsTests.randomImage(width: 40, height: 30, seed: 1)
            let layout = TiledPyramid(width: 40, height: 30, padding: 10, outerPadding: 11)
            let bands = PyramidBands(image, layout: layout, means: PyramidBandsTests.means)
            var band = Activations(channels: 0, batch: 0, height: 0, width: 0)
            var spare = band
            bands.fill(10..<20, into: &band, spare: &spare)
            bands.fill(5..<25, into: &band, spare: &spare)
        }
    }
}

@Suite("MMOD score map independent of its bands", .serialized)
struct DetectorBandTests {
    /// Bands change only how the convolutions' GEMMs are cut (so their summation order, by rounding);
    /// the tensor rows, the row windows and the score map's shape do not change.
    @Test("small bands give the default score map within 1e-5 on a reference photo")
    func smallBands() throws {
        let detector = try FaceDetector(contentsOf: ModelFiles.mmod)
        let image = try Reference.decode("images/obama_small.jpg")
        let layout = TiledPyramid(
            width: image.width, height: image.height, padding: detector.padding.inner, outerPadding: detector.padding.outer)
        let whole = detector.scoreMap(PyramidBands(image, layout: layout, means: detector.means), layout)
        for budget in [1 << 16, 1 << 20] {
            let banded = detector.scoreMap(PyramidBands(image, layout: layout, means: detector.means), layout, bandBudget: budget)
            #expect(banded.height == whole.height && banded.width == whole.width)
            var worst: Float = 0
            for i in 0..<(whole.height * whole.width) { worst = max(worst, abs(banded.data[i] - whole.data[i])) }
            #expect(worst <= 1e-5, "budget \(budget): \(worst)")
        }
    }
}
