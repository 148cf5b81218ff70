import FaceAuditImaging
import FaceAuditTestSupport
import Foundation

/// dlib's outputs on the 11 reference photos (../shared/reference/dlib/reference.json).
struct ReferenceFace: Sendable {
    let image: String
    let index: Int
    let rect: (left: Int, top: Int, right: Int, bottom: Int)
    let confidence: Double
    let landmarks: [(x: Int, y: Int)]
    let chip: String
    let descriptor: [Float]
}

enum Reference {
    static let folder = TestPaths.dlibReference

    static var images: [[String: Any]] {
        let data = try! Data(contentsOf: folder.appendingPathComponent("reference.json"))
        let json = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return json["images"] as! [[String: Any]]
    }

    static let faces: [ReferenceFace] = images.flatMap { image -> [ReferenceFace] in
        let file = image["file"] as! String
        return (image["faces"] as! [[String: Any]]).map { f in
            let r = f["rect"] as! [String: Int]
            return ReferenceFace(
                image: file, index: f["index"] as! Int, rect: (r["left"]!, r["top"]!, r["right"]!, r["bottom"]!),
                confidence: f["confidence"] as! Double,
                landmarks: (f["landmarks5"] as! [[Int]]).map { ($0[0], $0[1]) }, chip: f["chip_png"] as! String,
                descriptor: (f["descriptor"] as! [Double]).map(Float.init))
        }
    }

    static func decode(_ relative: String) throws -> RGBImage {
        try ImageDecoder().decode(contentsOf: folder.appendingPathComponent(relative).path).image
    }
}
