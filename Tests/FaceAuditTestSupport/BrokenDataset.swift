import Foundation

/// A small dataset in a temporary folder with every kind of problem `validate` must report:
/// a byte-identical copy labeled as another subject, a truncated JPEG, a zero-byte file, a listed file
/// that does not exist, and a subject whose gender differs between images. Built from dlib's reference
/// photos in ../shared, copied only into the temporary folder.
public struct BrokenDataset {
    /// The folder; remove it when done.
    public let folder: URL
    /// Its manifest.
    public var manifest: URL { folder.appendingPathComponent("manifest.csv") }

    /// Creates the dataset.
    public init() throws {
        folder = try TestPaths.temporaryDirectory("broken-dataset")
        let images = TestPaths.dlibReference.appendingPathComponent("images")
        func copy(_ name: String, as target: String) throws {
            try FileManager.default.copyItem(at: images.appendingPathComponent(name), to: folder.appendingPathComponent(target))
        }
        try copy("obama.jpg", as: "o1.jpg")
        try copy("obama2.jpg", as: "o2.jpg")
        try copy("biden.jpg", as: "b1.jpg")
        try copy("biden2.jpg", as: "b2.jpg")
        try copy("biden.jpg", as: "copy.jpg")
        let whole = try Data(contentsOf: images.appendingPathComponent("john1.jpeg"))
        try whole.prefix(whole.count / 3).write(to: folder.appendingPathComponent("cut.jpg"))
        try Data().write(to: folder.appendingPathComponent("empty.jpg"))
        try """
        path,subject_id,age,gender,ethnicity
        o1.jpg,s1,47,male,black
        o2.jpg,s1,55,female,black
        b1.jpg,s2,66,male,white
        b2.jpg,s2,75,male,white
        copy.jpg,s3,40,male,white
        cut.jpg,s4,30,male,white
        empty.jpg,s5,30,female,white
        gone.jpg,s5,31,female,white
        """.write(to: manifest, atomically: true, encoding: .utf8)
    }

    /// Deletes the folder.
    public func remove() { try? FileManager.default.removeItem(at: folder) }
}
