import FaceAuditTestSupport
import Foundation
import Testing

/// `faceaudit detect`, `embed` and `skintone` on dlib's reference photos and on awkward inputs.
@Suite("faceaudit detect and embed", .serialized)
struct FaceCLITests {
    static let images = TestPaths.dlibReference.appendingPathComponent("images")

    static func json(_ arguments: [String], status: Int32 = 0) throws -> [[String: Any]] {
        let result = try CommandRunner.faceaudit(arguments)
        #expect(result.status == status, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    @Test("embed: rectangle, landmarks and descriptor as dlib gives them; a missing image is an error entry")
    func embed() throws {
        let out = try Self.json(
            ["embed", Self.images.appendingPathComponent("obama_small.jpg").path, "/no/such.jpg", "--json"], status: 65)
        #expect(out.count == 2)
        let face = try #require((out[0]["faces"] as? [[String: Any]])?.first)
        let rect = try #require(face["rect"] as? [String: Int])
        #expect(rect == ["left": 98, "top": 58, "right": 212, "bottom": 171])
        #expect(face["landmarks"] as? [[Int]] == [[196, 98], [177, 98], [129, 99], [147, 99], [162, 134]])
        #expect((face["descriptor"] as? [Double])?.count == 128)
        #expect(out[0]["width"] as? Int == 320 && out[0]["height"] as? Int == 240)
        #expect(out[1]["error"] as? String == "unreadable: no such file" && out[1]["faces"] == nil)
    }

    @Test("detect omits descriptors; embed --chip takes aligned chips and rejects other sizes")
    func detectAndChip() throws {
        let detected = try Self.json(["detect", Self.images.appendingPathComponent("two_people.jpg").path, "--json"])
        let faces = try #require(detected[0]["faces"] as? [[String: Any]])
        #expect(faces.count == 2 && faces.allSatisfy { $0["descriptor"] == nil && $0["landmarks"] != nil })
        let chip = TestPaths.dlibReference.appendingPathComponent("chips/obama_0.png").path
        let chips = try Self.json(
            ["embed", "--chip", chip, Self.images.appendingPathComponent("obama_small.jpg").path, "--json"], status: 65)
        #expect(((chips[0]["faces"] as? [[String: Any]])?.first?["descriptor"] as? [Double])?.count == 128)
        #expect((chips[1]["error"] as? String)?.contains("not a 150×150 chip") == true)
    }

    @Test("gray, RGBA and tiny images work; a faceless image gives an empty list")
    func awkwardImages() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fixtures = TestPaths.repositoryRoot.appendingPathComponent("Tests/FaceAuditImagingTests/Fixtures")
        let rgba = Self.images.appendingPathComponent("alex-lacamoire.png").path  // RGBA PNG: alpha dropped
        let out = try Self.json([
            "detect", rgba, fixtures.appendingPathComponent("gray.jpg").path, fixtures.appendingPathComponent("gray1.png").path, "--json",
        ])
        #expect((out[0]["faces"] as? [Any])?.count == 1)
        #expect((out[1]["faces"] as? [Any])?.isEmpty == true && out[1]["width"] as? Int == 32)
        #expect((out[2]["faces"] as? [Any])?.isEmpty == true && out[2]["width"] as? Int == 6)
    }

    @Test("skintone: every face measured with its provenance; chips, wrong sizes and missing files")
    func skintone() throws {
        let out = try Self.json(["skintone", Self.images.appendingPathComponent("two_people.jpg").path, "--json"])
        let faces = try #require(out[0]["faces"] as? [[String: Any]])
        #expect(faces.count == 2)
        for face in faces {
            let tone = try #require(face["skin_tone"] as? [String: Any])
            #expect(tone["provenance"] as? String == "estimated (ITA from pixels)")
            let ita = try #require(tone["ita"] as? Double)
            #expect(ita > -90 && ita < 90)
            let monk = try #require(tone["monk"] as? Int)
            #expect((1...10).contains(monk) && (tone["pixels"] as? Int ?? 0) >= 150)
            #expect(["very light", "light", "intermediate", "tan", "brown", "dark"].contains(tone["category"] as? String ?? ""))
            #expect(face["rect"] != nil)
        }
        let chip = TestPaths.dlibReference.appendingPathComponent("chips/obama_0.png").path
        let chips = try Self.json(
            ["skintone", "--chip", chip, Self.images.appendingPathComponent("obama_small.jpg").path, "/no/such.jpg", "--json"], status: 65)
        #expect((chips[0]["faces"] as? [[String: Any]])?.first?["skin_tone"] != nil)
        #expect(((chips[1]["faces"] as? [[String: Any]])?.first?["unknown"] as? String)?.contains("not a 150×150") == true)
        #expect(chips[2]["error"] as? String == "unreadable: no such file")
    }

    @Test("missing models exit 78 and name the fix")
    func missingModels() throws {
        let folder = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.faceaudit([
            "detect", Self.images.appendingPathComponent("obama_small.jpg").path, "--models", folder.path,
        ])
        #expect(result.status == 78 && result.stderr.contains("scripts/bootstrap"))
    }
}
