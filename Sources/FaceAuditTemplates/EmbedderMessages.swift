import Foundation

/// The external embedder's JSON-lines protocol, version 3 (see docs/commands.md and docs/embedders.md):
/// ```
/// → {"hello": {"protocol": 3}, "id": 0}                          once, first, to every new process
/// ← {"id": 0, "hello": {"protocol": 3, "model": "facenet-…;graph_final.pb=704a…"}}
/// ```
/// then, per image, as in version 2:
/// ```
/// → {"id": 7, "path": "/data/img001.jpg"}
/// ← {"id": 7, "embedding": [0.12, -0.4, …]}
/// ← {"id": 7, "error": "no face found", "category": "no_face"}      ("category" is optional)
/// ```
/// Every reply echoes its request's `id`, so a reply out of step is detected, never shifted onto the next
/// image. Version 3 adds the hello (``EmbedderHello``), whose `model` names the exact model. Version 2
/// embedders (no hello) and version 1 embedders (no `id` in replies) are accepted only when asked for
/// (``EmbedderProtocol/v2``, ``EmbedderProtocol/v1``); a reply that does carry an id is checked in every version.
public enum EmbedderProtocol: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Replies need not carry the request's id.
    case v1 = 1
    /// Replies must echo the request's id.
    case v2 = 2
    /// As version 2, after a hello in which the embedder names its model (``EmbedderHello``).
    case v3 = 3

    /// The id of the hello request and its reply; image requests count from 1.
    public static let helloID = 0

    /// The hello request of version 3, without its newline: `{"hello":{"protocol":3},"id":0}`.
    public static func hello() -> [UInt8] {
        Array(#"{"hello":{"protocol":3},"id":0}"#.utf8)
    }

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

    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    static func describe(_ value: Any?) -> String {
        switch value {
        case let s as String: "\"\(s.prefix(40))\""
        case let n as NSNumber: n.stringValue
        case nil: "none"
        default: "of another type"
        }
    }
}

/// The embedder's answer to the hello of protocol 3: `{"id": 0, "hello": {"protocol": 3, "model": "…"}}`.
/// `model` is the model's identity: one line that changes whenever the templates could (model files' hashes,
/// preprocessing, options). Other keys inside `hello` are allowed and ignored.
public struct EmbedderHello: Sendable, Hashable {
    /// The model's identity as the embedder announced it.
    public let model: String

    /// The longest identity accepted, in bytes.
    public static let maximumModelBytes = 4096

    /// What to do when an embedder answers the hello wrongly.
    static let advice =
        "a protocol 3 embedder must answer {\"id\": 0, \"hello\": {\"protocol\": 3, \"model\": \"<identity>\"}} before any image "
        + "(docs/embedders.md); for an embedder written for protocol 2 pass --embedder-protocol 2"

    /// Parses `line`, the reply to the hello.
    /// - Throws: ``EmbedderReply/Violation`` when it is not a hello reply with id 0, protocol 3 and a non-empty
    ///   one-line `model` of at most ``maximumModelBytes`` bytes.
    public static func parse(_ line: [UInt8]) throws(EmbedderReply.Violation) -> EmbedderHello {
        let quoted = String(decoding: line.prefix(120), as: UTF8.self) + (line.count > 120 ? "…" : "")
        func violation(_ what: String) -> EmbedderReply.Violation {
            EmbedderReply.Violation(message: "the hello was answered with \(what): \(quoted) (\(advice))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw violation("a line that is not a JSON object (logs go to standard error)")
        }
        guard let id = object["id"] as? NSNumber, !EmbedderReply.isBoolean(id), id.doubleValue == Double(EmbedderProtocol.helloID) else {
            throw violation("id \(EmbedderReply.describe(object["id"])) instead of 0")
        }
        guard let hello = object["hello"] else {
            let kind =
                object["error"] != nil || object["embedding"] != nil ? "an image reply (as a protocol 2 embedder gives)" : "no \"hello\""
            throw violation(kind)
        }
        guard let fields = hello as? [String: Any] else { throw violation("a \"hello\" that is not an object") }
        guard let version = fields["protocol"] as? NSNumber, !EmbedderReply.isBoolean(version), version.doubleValue == 3 else {
            throw violation("protocol \(EmbedderReply.describe(fields["protocol"])) instead of 3")
        }
        guard let model = fields["model"] as? String, !model.isEmpty else {
            throw violation("no \"model\" string")
        }
        guard model.utf8.count <= maximumModelBytes, !model.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw violation("a \"model\" over \(maximumModelBytes) bytes or with control characters")
        }
        return EmbedderHello(model: model)
    }
}
