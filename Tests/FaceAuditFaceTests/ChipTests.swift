import FaceAuditImaging
import Foundation
import Testing

@testable import FaceAuditFace

@Suite("Face chips match dlib bit for bit", .serialized)
struct ChipTests {
    @Test("chip details and 150×150 chips from dlib's landmarks, all 14 faces")
    func chips() throws {
        var images: [String: RGBImage] = [:]
        var identical = 0
        for face in Reference.faces {
            let image = try images[face.image] ?? Reference.decode("images/\(face.image)")
            images[face.image] = image
            let details = ChipDetails.face(landmarks: face.landmarks.map { Point(Double($0.x), Double($0.y)) })
            let chip = ChipExtractor.extract(image, details)
            let reference = try Reference.decode(face.chip)
            let differing = zip(chip.pixels, reference.pixels).filter { $0 != $1 }.count
            if differing == 0 { identical += 1 }
            #expect(differing == 0, "\(face.image)#\(face.index): \(differing) bytes differ")
        }
        #expect(identical == 14)
    }
}
