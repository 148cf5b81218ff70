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

    /// The 14 chips in one batch use F(4×4) only on maps with 32 or more 4×4 tiles over the batch (the
    /// 35×35, 17×17 and 8×8 maps, not the 4×4 and 3×3). Here every layer that runs as Winograd takes
    /// F(4×4) (from 1 tile) or none does (from `Int.max`), and each is still within 1e-4 of dlib on
    /// every component.
    @Test("F(4×4) everywhere and nowhere: every component within 1e-4", arguments: [1, Int.max])
    func largeTiles(minimumTiles: Int) throws {
        let chips = try Reference.faces.map { try Reference.decode($0.chip) }
        let network = try FaceDescriptorNetwork(contentsOf: ModelFiles.resnet)
        network.largeTileMinimumTiles = minimumTiles
        for (face, descriptor) in zip(Reference.faces, network.descriptors(chips)) {
            let worst = zip(descriptor, face.descriptor).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-4, "\(face.image)#\(face.index), F(4×4) from \(minimumTiles) tiles: max |diff| \(worst)")
        }
    }

    /// `winogradMinimumTiles = Int.max` turns Winograd off whatever ``largeTileMinimumTiles`` says: the
    /// descriptors are im2col's, bit for bit (F(4×4) was once chosen before this check).
    @Test("Winograd off means off, F(4×4) included")
    func winogradOffIsIm2col() throws {
        let chips = try Reference.faces.prefix(2).map { try Reference.decode($0.chip) }
        let network = try FaceDescriptorNetwork(contentsOf: ModelFiles.resnet)
        network.winogradMinimumTiles = .max
        network.largeTileMinimumTiles = .max
        let im2col = network.descriptors(chips).flatMap { $0.map(\.bitPattern) }
        network.largeTileMinimumTiles = 1
        let same = network.descriptors(chips).flatMap { $0.map(\.bitPattern) } == im2col
        #expect(same)
    }
}

@Suite("Jitter and the distance table", .serialized)
struct JitterAndDistanceTests {
    static var reference: [String: Any] {
        let data = try! Data(contentsOf: Reference.folder.appendingPathComponent("reference.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    @Test("num_jitters 2, 5 and 10 reproduce dlib's random draws", arguments: [2, 5, 10])
    func jitter(count: Int) throws {
        let jitter = try #require(Self.reference["jitter_reference"] as? [String: Any])
        let expected = try #require(jitter["num_jitters_\(count)"] as? [Double]).map(Float.init)
        let chip = try Reference.decode(jitter["chip_png"] as! String)
        let pipeline = try FacePipeline(detector: ModelFiles.mmod, landmarks: ModelFiles.shapePredictor, descriptor: ModelFiles.resnet)
        let descriptor = pipeline.describe(chip: chip, jitters: count)
        let worst = zip(descriptor, expected).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-4, "num_jitters \(count): max |diff| \(worst)")
    }

    @Test("the 14×14 distance table from our descriptors of dlib's chips")
    func distances() throws {
        let expected = try #require(Self.reference["distances"] as? [[Double]])
        let network = try FaceDescriptorNetwork(contentsOf: ModelFiles.resnet)
        let d = network.descriptors(try Reference.faces.map { try Reference.decode($0.chip) })
        for i in d.indices {
            for j in d.indices {
                let distance = Double(zip(d[i], d[j]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot())
                #expect(abs(distance - expected[i][j]) < 1e-3, "[\(i)][\(j)] \(distance) vs \(expected[i][j])")
                #expect((distance < 0.6) == (expected[i][j] < 0.6))
            }
        }
    }
}
