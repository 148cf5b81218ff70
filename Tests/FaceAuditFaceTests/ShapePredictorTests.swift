import FaceAuditImaging
import Foundation
import Testing

@testable import FaceAuditFace

@Suite("5-point landmarks match dlib exactly", .serialized)
struct ShapePredictorTests {
    @Test("landmarks from dlib's MMOD rectangles, all 14 faces")
    func landmarks() throws {
        let predictor = try ShapePredictor(contentsOf: ModelFiles.shapePredictor)
        #expect(predictor.points == 5 && predictor.levels.count == 15 && predictor.levels[0].treeCount == 500)
        var images: [String: GrayImage] = [:]
        var exact = 0
        for face in Reference.faces {
            let gray = try images[face.image] ?? GrayImage(Reference.decode("images/\(face.image)"))
            images[face.image] = gray
            let points = predictor.landmarks(gray, box: face.rect)
            let same = zip(points, face.landmarks).allSatisfy { $0.x == $1.x && $0.y == $1.y }
            if same { exact += 1 }
            #expect(same, "\(face.image)#\(face.index): \(points) vs \(face.landmarks)")
        }
        #expect(exact == 14)
    }

    @Test("the box transform is dlib's Q·pinv(P), not the exact closed form: (98, 58, 212, 171) maps x = 0.75 to 183.50000000000006")
    func boxTransform() {
        // Values printed by dlib's find_affine_transform (3d40bf5, g++ -O2 -ffp-contract=off).
        let t = BoxTransform((98, 58, 212, 171))
        #expect(t.m00 == 113.99999999999991 && t.m01 == 1.4210854715202004e-13 && t.b0 == 98.000000000000071)
        #expect(t.m10 == -3.5527136788005009e-14 && t.m11 == 113.00000000000006 && t.b1 == 58.000000000000036)
        let p = t.apply(0.75, 0.3)
        #expect(p.x == 183.50000000000006 && p.y == 91.90000000000002)
        #expect(t.pixel(0.75, 0.3) == (184, 92))
    }
}
