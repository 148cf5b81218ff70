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
}
