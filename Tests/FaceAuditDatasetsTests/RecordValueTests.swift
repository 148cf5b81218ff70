import FaceAuditDatasets
import Foundation
import Testing

/// ``ImageRecord`` and ``Labels`` keep their fields in shared boxes: they must still behave as the plain
/// values they were (independent copies, equality and hashing by field, the same JSON).
@Suite("records and labels as values")
struct RecordValueTests {
    static let labels = Labels(
        age: 34, ageBand: "25-34", gender: "female", ethnicity: "a label longer than fifteen bytes", skinTone: nil,
        captureDate: "2024-05", session: nil, extra: ["camera": "b"])

    @Test("a changed copy of labels leaves the original as it was")
    func labelsCopyOnWrite() {
        var copy = Self.labels
        copy.gender = "male"
        copy.extra["camera"] = "c"
        copy.age = nil
        #expect(Self.labels.gender == "female" && Self.labels.extra == ["camera": "b"] && Self.labels.age == 34)
        #expect(copy.gender == "male" && copy.extra == ["camera": "c"] && copy.age == nil)
        #expect(copy != Self.labels)
        // A value that is changed alone keeps changing in place, and equals one built with those fields.
        var alone = Labels()
        alone.gender = "female"
        alone.ethnicity = "x"
        #expect(alone == Labels(gender: "female", ethnicity: "x"))
        #expect(Set([alone, Labels(gender: "female", ethnicity: "x")]).count == 1)
    }

    @Test("equal fields make equal records and labels with equal hashes, whatever their boxes")
    func equalityByField() {
        let a = ImageRecord(path: "img/1.jpg", subject: SubjectID("p1"), labels: Self.labels)
        let b = ImageRecord(path: "img/1.jpg", subject: SubjectID("p1"), labels: Self.labels)
        let c = ImageRecord(path: "img/2.jpg", subject: SubjectID("p1"), labels: Self.labels)
        let located = ImageRecord(
            path: "img/1.jpg", subject: SubjectID("p1"), labels: Self.labels, origin: TextLocation(file: "m.csv", line: 2, column: 1))
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != c && a != located)
        #expect(Set([a, b, c, located]).count == 3)
        var other = Self.labels
        other.session = "s1"
        other.session = nil
        #expect(other == Self.labels && other.hashValue == Self.labels.hashValue)
    }

    @Test("the JSON of a record is the JSON its fields had: nil ones left out, the same keys")
    func sameJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let record = ImageRecord(path: "img/1.jpg", subject: SubjectID("p1"), labels: Labels(gender: "female"))
        #expect(
            String(decoding: try encoder.encode(record), as: UTF8.self)
                == #"{"labels":{"extra":{},"gender":"female"},"path":"img\/1.jpg","subject":"p1"}"#)
        let full = ImageRecord(
            path: "x", subject: SubjectID("s"), labels: Self.labels, origin: TextLocation(file: "m.csv", line: 3, column: 7))
        let text = String(decoding: try encoder.encode(full), as: UTF8.self)
        #expect(
            text
                == #"{"labels":{"age":34,"ageBand":"25-34","captureDate":"2024-05","ethnicity":"a label longer than fifteen bytes","#
                + #""extra":{"camera":"b"},"gender":"female"},"origin":{"column":7,"file":"m.csv","line":3},"path":"x","subject":"s"}"#)
        #expect(try JSONDecoder().decode(ImageRecord.self, from: Data(text.utf8)) == full)
        // A record without labels' extra is refused, as before (the field is not optional).
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ImageRecord.self, from: Data(#"{"labels":{},"path":"x","subject":"s"}"#.utf8))
        }
    }
}
