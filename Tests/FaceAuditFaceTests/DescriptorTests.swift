import FaceAuditImaging
import Foundation
import Testing

@testable import FaceAuditFace

@Suite("ResNet descriptors match dlib", .serialized)
struct DescriptorTests {
    @Test("each reference chip: every component within 1e-4, Euclidean distance below 1e-3")
    func chips() throws {
        #expect(Reference.faces.count == 14)
        let chips = try Reference.faces.map { try Reference.decode($0.chip) }
        let network = try FaceDescriptorNetwork(contentsOf: ModelFiles.resnet)
        let batch = network.descriptors(chips)  // all 14 in one batch
        for (face, descriptor) in zip(Reference.faces, batch) {
            let diffs = zip(descriptor, face.descriptor).map { abs($0 - $1) }
            let distance = zip(descriptor, face.descriptor).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            #expect(diffs.max()! <= 1e-4, "\(face.image)#\(face.index): max |diff| \(diffs.max()!)")
            #expect(distance < 1e-3, "\(face.image)#\(face.index): distance \(distance)")
        }
        // Batch of one equals the batched result.
        let single = network.descriptors([chips[0]])[0]
        #expect(zip(single, batch[0]).allSatisfy { abs($0 - $1) < 1e-5 })
    }
}
