import FaceAuditImaging
import Foundation
import Testing

@testable import FaceAuditFace

@Suite("MMOD detections match dlib", .serialized)
struct DetectorTests {
    @Test("tiled pyramid layout of a 320×240 image: 20 levels, tensor 342×921")
    func layout() {
        #expect(TiledPyramid.levelSizes(width: 320, height: 240).count == 20)
        let layout = TiledPyramid(width: 320, height: 240, padding: 10, outerPadding: 11)
        #expect(layout.cols == 342 && layout.rows == 921)
        #expect(layout.rects[1] == (11, 261, 276, 460) && layout.rects[5] == (204, 815, 330, 909))
    }

    @Test("rectangles exact and confidence within 1e-4 at upsample 0, on all 11 photos")
    func upsample0() throws {
        let detector = try FaceDetector(contentsOf: ModelFiles.mmod)
        for image in Reference.images {
            let file = image["file"] as! String
            let expected = (image["mmod_upsample0"] as! [[String: Any]])
            let found = detector.detect(try Reference.decode("images/\(file)"))
            #expect(found.count == expected.count, "\(file): \(found.count) faces, dlib \(expected.count)")
            for (f, e) in zip(found, expected) {
                #expect(
                    f.left == e["left"] as! Int && f.top == e["top"] as! Int && f.right == e["right"] as! Int
                        && f.bottom == e["bottom"] as! Int,
                    "\(file): \(f) vs \(e)")
                #expect(
                    abs(f.confidence - (e["confidence"] as! Double)) <= 1e-4, "\(file): confidence \(f.confidence) vs \(e["confidence"]!)")
            }
        }
    }
}

@Suite("MMOD with upsampling", .serialized)
struct UpsampledDetectorTests {
    @Test("upsample 1 on the photos up to 0.8 megapixels: rectangles exact, confidence within 1e-4")
    func upsample1() throws {
        let detector = try FaceDetector(contentsOf: ModelFiles.mmod)
        var checked = 0
        for image in Reference.images where (image["width"] as! Int) * (image["height"] as! Int) <= 800_000 {
            let file = image["file"] as! String
            let expected = image["mmod_upsample1"] as! [[String: Any]]
            let found = detector.detect(try Reference.decode("images/\(file)"), upsample: 1)
            #expect(found.count == expected.count, "\(file): \(found.count) faces, dlib \(expected.count)")
            for (f, e) in zip(found, expected) {
                #expect(
                    f.left == e["left"] as! Int && f.top == e["top"] as! Int && f.right == e["right"] as! Int
                        && f.bottom == e["bottom"] as! Int,
                    "\(file): \(f) vs \(e)")
                #expect(abs(f.confidence - (e["confidence"] as! Double)) <= 1e-4, "\(file)")
            }
            checked += 1
        }
        #expect(checked == 5)  // obama_small, alex-lacamoire, two_people, john1, obama2
    }
}

@Suite("Awkward inputs")
struct AwkwardInputTests {
    @Test("a grayscale photo (gray copied into R, G and B, as dlib expands it) still finds the face")
    func grayscale() throws {
        let color = try Reference.decode("images/obama_small.jpg")
        var pixels = color.pixels
        for i in stride(from: 0, to: pixels.count, by: 3) {
            let g = UInt8((Int(pixels[i]) + Int(pixels[i + 1]) + Int(pixels[i + 2])) / 3)
            pixels[i] = g
            pixels[i + 1] = g
            pixels[i + 2] = g
        }
        let gray = RGBImage(width: color.width, height: color.height, pixels: pixels)
        let faces = try FaceDetector(contentsOf: ModelFiles.mmod).detect(gray)
        #expect(faces.count == 1)
        #expect(abs(faces[0].left - 98) <= 8 && abs(faces[0].top - 58) <= 8)
    }

    @Test("images smaller than the detector window, and empty ones, give no faces and no crash")
    func tiny() throws {
        let detector = try FaceDetector(contentsOf: ModelFiles.mmod)
        for (w, h) in [(1, 1), (7, 3), (40, 40), (200, 4)] {
            let image = RGBImage(width: w, height: h, pixels: [UInt8](repeating: 128, count: w * h * 3))
            #expect(detector.detect(image).isEmpty, "\(w)×\(h)")
        }
        #expect(detector.detect(RGBImage(width: 0, height: 0, pixels: [])).isEmpty)
    }
}
