import Foundation

/// A small labeled dataset with precomputed templates, for runs that need no images.
public enum SyntheticDataset {
    /// 90 images of 45 people in 6 cells, with CSV templates (seeded), and one image without a template.
    ///
    /// `people` sets the number of people (45 by default), `photos(person)` how many photos each person has
    /// (2 by default): `{ _ in 1 }` gives an
    /// impostor-only set (one photo per person, no mated pair); person `p` has ethnicity `a`, `b`, `c` for
    /// `p % 3` = 0, 1, 2 and gender female for even `p`.
    public static func write(
        in folder: URL, people: Int = 45, photos: (Int) -> Int = { _ in 2 }
    ) throws -> (manifest: URL, embeddings: URL) {
        var random = SeededUniform(seed: 42)
        func next() -> Double { random.next() }
        var manifest = "path,subject_id,gender,ethnicity\n"
        var embeddings = ""
        for person in 0..<people {
            let centre = (0..<24).map { _ in next() }
            for photo in 0..<photos(person) {
                let path = "p\(person)-\(photo).jpg"
                manifest += "\(path),s\(person),\(person % 2 == 0 ? "female" : "male"),\(["a", "b", "c"][person % 3])\n"
                let values = centre.map { $0 + 0.25 * next() }
                // One image has no template: a failure to acquire, in every output.
                if person == 7 && photo == 1 { continue }
                embeddings += ([path] + values.map { String(Float($0)) }).joined(separator: ",") + "\n"
            }
        }
        let m = folder.appendingPathComponent("manifest.csv"), e = folder.appendingPathComponent("templates.csv")
        try manifest.write(to: m, atomically: true, encoding: .utf8)
        try embeddings.write(to: e, atomically: true, encoding: .utf8)
        return (m, e)
    }
}
