import FaceAuditSupervision
import FaceAuditTemplates

/// libFuzzer entry point: any bytes an embedder writes to standard output, split into lines as the
/// supervisor splits them (bounded at 4 KiB here), must parse as a reply to request 1 or be refused as a
/// ``EmbedderReply/Violation``; never crash. A template is never empty or non-finite; one of a given
/// dimension has it; an accepted reply in protocol 2 names request 1.
func fuzzEmbedderReply(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var splitter = LineSplitter(maximumLength: 4096)
    let lines: [[UInt8]]
    switch splitter.append(bytes) {
    case .lines(let complete): lines = complete
    case .overlong(let before):
        lines = before
        precondition(before.allSatisfy { $0.count <= 4096 })
    }
    for line in lines {
        precondition(line.count <= 4096 && !line.contains(10))
        for version in EmbedderProtocol.allCases {
            for dimension in [nil, 3] as [Int?] {
                do {
                    switch try EmbedderReply.parse(line, id: 1, version: version, dimension: dimension) {
                    case .embedding(let template):
                        precondition(!template.isEmpty && template.allSatisfy(\.isFinite))
                        if let dimension { precondition(template.count == dimension) }
                    case .imageFailure(let failure):
                        let known = AcquisitionFailure.Category.namedByEmbedders.union([.embedderError])
                        precondition(known.contains(failure.category), "category \(failure.category)")
                    case .invalidTemplate(let why):
                        precondition(!why.isEmpty)
                    }
                } catch {
                    precondition(!error.message.isEmpty)
                }
            }
        }
    }
    return 0
}

/// Replies as embedders write them, good and bad.
func embedderReplySeeds() -> [String: [UInt8]] {
    [
        "template.jsonl": #"{"id": 1, "embedding": [0.1, -2.5, 3e-3]}"# + "\n",
        "error.jsonl": #"{"id": 1, "error": "no face in /x.jpg", "category": "no_face"}"# + "\n",
        "v1.jsonl": #"{"embedding": [1, 2, 3]}"# + "\n",
        "two.jsonl": #"{"id": 1, "embedding": [1, 2, 3]}"# + "\n" + #"{"id": 1, "embedding": [1, 2, 3]}"# + "\n",
        "log.jsonl": "loading model...\n",
        "odd.jsonl": #"{"id": 1.0, "embedding": [true, null, "1", 1e999]}"# + "\r\n",
    ].mapValues { Array($0.utf8) }
}
