import Foundation

/// A small labeled dataset with precomputed templates, for runs that need no images.
public enum SyntheticDataset {
    /// 90 images of 45 people in 6 cells, with CSV templates (seeded), and one image without a template.
    ///
    /// `people` sets the number of people (45 by default), `photos(person)` how many photos each person has
    /// (2 by default): `{ _ in 1 }` gives an
    /// impostor-only set (one photo per person, no mated pair); person `p` has ethnicity `a`, `b`, `c` for
    /// `p % 3` = 0, 1, 2 and gender female for even `p`. Each template is its person's centre plus `noise`
    /// times uniform draws (the centres are uniform draws too), so a larger `noise` gives more errors.
    public static func write(
        in folder: URL, people: Int = 45, photos: (Int) -> Int = { _ in 2 }, noise: Double = 0.25
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
                let values = centre.map { $0 + noise * next() }
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

    /// A dataset of `children` people under 18 followed by `adults` people 18 or older, `photos` photos each,
    /// with CSV templates (seeded) in which children look alike: each child's centre is 0.6 × one shared
    /// vector plus their own, so two different children score higher than two different adults and are
    /// falsely matched more often at any global threshold.
    ///
    /// Person `p` is labeled gender female for even `p`; with `ages`, child `p` is `4 + p % 14` years old
    /// (bands 4-7, 8-12, 13-17) and adult `q` is `20 + q % 40`; without, the manifest has no age column.
    public static func writeChildrenAndAdults(
        in folder: URL, children: Int, adults: Int, photos: Int = 2, ages: Bool = true
    ) throws -> (manifest: URL, embeddings: URL) {
        var state: UInt64 = 1234
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        let shared = (0..<24).map { _ in next() }
        var manifest = "path,subject_id,gender" + (ages ? ",age" : "") + "\n"
        var embeddings = ""
        for person in 0..<(children + adults) {
            let child = person < children
            let own = (0..<24).map { _ in next() }
            let centre = child ? zip(shared, own).map { 0.6 * $0 + $1 } : own
            let age = child ? 4 + person % 14 : 20 + (person - children) % 40
            for photo in 0..<photos {
                let path = "p\(person)-\(photo).jpg"
                manifest += "\(path),s\(person),\(person % 2 == 0 ? "female" : "male")" + (ages ? ",\(age)" : "") + "\n"
                let values = centre.map { $0 + 0.25 * next() }
                embeddings += ([path] + values.map { String(Float($0)) }).joined(separator: ",") + "\n"
            }
        }
        let m = folder.appendingPathComponent("manifest.csv"), e = folder.appendingPathComponent("templates.csv")
        try manifest.write(to: m, atomically: true, encoding: .utf8)
        try embeddings.write(to: e, atomically: true, encoding: .utf8)
        return (m, e)
    }
}
