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

    @Test("a 150×150 chip's corner map is dlib's find_affine_transform, bit for bit")
    func cornerTransform() {
        // Values printed by dlib's find_affine_transform (3d40bf5, g++ -O2 -ffp-contract=off) for these corners.
        let t = ChipExtractor.cornerTransform(
            topLeft: Point(10.123456789, 7.5), topRight: Point(85.25, 5.875), bottomLeft: Point(11.75, 82.0625), rows: 150, cols: 150)
        #expect(t.a == 0.5042049879932885 && t.b == 0.010916397389261742 && t.tx == 10.123456788999997)
        #expect(t.c == -0.010906040268456331 && t.d == 0.50041946308724827 && t.ty == 7.4999999999999973)
        let p = t.apply(Point(37, 101))
        #expect(p.x == 29.881597481067104 && p.y == 57.638842281879185)
    }
}
