import Foundation

/// The external embedder's JSON-lines protocol, version 2 (see docs/datasets-and-formats.md):
/// ```
/// → {"id": 7, "path": "/data/img001.jpg"}
/// ← {"id": 7, "embedding": [0.12, -0.4, …]}
/// ← {"id": 7, "error": "no face found", "category": "no_face"}      ("category" is optional)
/// ```
/// Every reply echoes its request's `id`, so a reply out of step is detected, never shifted onto the next
/// image. Version 1 embedders (no `id` in replies) are accepted only when asked for
/// (``EmbedderProtocol/v1``); a reply that does carry an id is checked in either version.
public enum EmbedderProtocol: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Replies need not carry the request's id.
    case v1 = 1
    /// Replies must echo the request's id.
    case v2 = 2

    /// The request line for image `path`, without its newline.
    public static func request(id: Int, path: String) -> [UInt8] {
        let object: [String: Any] = ["id": id, "path": path]
        // A dictionary of an Int and a String always serializes.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return [UInt8](data)
    }
}

/// One reply of the external embedder, parsed and checked against its request.
public enum EmbedderReply: Sendable, Hashable {
    /// A template.
    case embedding([Float])
    /// The embedder could not make a template of this image (cacheable: it is the embedder's verdict on it).
    case imageFailure(AcquisitionFailure)
    /// The reply names the right request but holds no usable template (not cached: the embedder's fault).
    case invalidTemplate(String)

    /// A reply that shows the embedder is out of step with FaceAudit or does not speak the protocol: the run
    /// stops, since no later reply can be trusted.
    public struct Violation: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, quoting at most 120 bytes of the reply.
        public let message: String
        public var description: String { message }
    }

    /// Parses `line`, the reply to request `id`.
    ///
    /// - Parameters:
    ///   - dimension: The length every template must have (the first template's), or nil for any length ≥ 1.
    ///   - version: Whether a reply may leave out the id.
    /// - Throws: ``Violation`` when the line is not a JSON object, carries another id (or, in version 2, none),
    ///   or has neither `embedding` nor `error`.
    public static func parse(_ line: [UInt8], id: Int, version: EmbedderProtocol, dimension: Int?) throws(Violation) -> EmbedderReply {
        let quoted = String(decoding: line.prefix(120), as: UTF8.self) + (line.count > 120 ? "…" : "")
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw Violation(
                message: "reply to request \(id) is not a JSON object: \(quoted) (an embedder must write only replies to standard "
                    + "output, one line each; logs go to standard error)")
        }
        switch object["id"] {
        case nil where version == .v1: break
        case nil:
            throw Violation(
                message: "reply to request \(id) carries no \"id\" (protocol 2 replies echo the request's id; for an older embedder "
                    + "pass --embedder-protocol 1)")
        case let number as NSNumber where !Self.isBoolean(number) && number.doubleValue == Double(id): break
        default:
            throw Violation(
                message: "reply out of step: request \(id) was answered with id \(Self.describe(object["id"])) (an embedder must "
                    + "answer each request exactly once, in order)")
        }
        if let error = object["error"] {
            let detail = (error as? String) ?? "\(error)"
            let named = (object["category"] as? String).map(AcquisitionFailure.Category.init(rawValue:))
            let category = named.flatMap { AcquisitionFailure.Category.namedByEmbedders.contains($0) ? $0 : nil } ?? .embedderError
            return .imageFailure(AcquisitionFailure(category, detail))
        }
        guard let values = object["embedding"] else {
            throw Violation(message: "reply to request \(id) has neither \"embedding\" nor \"error\": \(quoted)")
        }
        guard let numbers = values as? [Any], !numbers.isEmpty else { return .invalidTemplate("\"embedding\" is not a non-empty array") }
        var template: [Float] = []
        template.reserveCapacity(numbers.count)
        for value in numbers {
            guard let number = value as? NSNumber, !Self.isBoolean(number) else {
                return .invalidTemplate("\"embedding\" holds something other than numbers")
            }
            let x = Float(number.doubleValue)
            guard x.isFinite else { return .invalidTemplate("\"embedding\" holds a non-finite value") }
            template.append(x)
        }
        if let dimension, template.count != dimension {
            return .invalidTemplate("the template has \(template.count) values; earlier ones had \(dimension)")
        }
        return .embedding(template)
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    private static func describe(_ value: Any?) -> String {
        switch value {
        case let s as String: "\"\(s.prefix(40))\""
        case let n as NSNumber: n.stringValue
        case nil: "none"
        default: "of another type"
        }
    }
}
