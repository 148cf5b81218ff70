import Foundation

/// Synthetic people photographed at several ages, with precomputed templates that drift apart with the
/// years between two photos: a template is the person's centre + rate × years × a direction of their own
/// + noise, so mated cosine similarity falls as the gap grows.
public enum AgeGapDataset {
    /// One photo as written to the manifest.
    public struct Photo: Sendable {
        /// Its manifest path.
        public let path: String
        /// Its person (0-based).
        public let person: Int
        /// Age in years, or nil when the manifest gives a band only.
        public let age: Int?
        /// The `age_band` column, or nil.
        public let band: String?
        /// The `capture_date` column, or nil.
        public let date: String?
        /// Whether the embeddings file has its template.
        public let hasTemplate: Bool
    }

    /// 48 people with 5 photos each, taken 0, 1, 3, 7 and 12 years after the first at first ages 3, 6, 10,
    /// 15, 25 or 40 (by person), with ages, and capture dates that are full (people 0 and 1 mod 4), years
    /// only (2 mod 4) or missing (3 mod 4). Full dates make the second photo 1 year 11 months after the
    /// first, so that it is 1 year 1 month before the third although their ages differ by 2. Person 7's
    /// third photo has no template.
    public static func withAges(in folder: URL) throws -> (manifest: URL, embeddings: URL, photos: [Photo]) {
        var photos: [Photo] = []
        var years: [Double] = []
        let firstAges = [3, 6, 10, 15, 25, 40]
        for person in 0..<48 {
            let born = 1990 + person % 7
            for (k, gap) in [0, 1, 3, 7, 12].enumerated() {
                let age = firstAges[person % firstAges.count] + gap
                let date: String? =
                    switch person % 4 {
                    case 0, 1: k == 1 ? "\(born + age)-12-10" : "\(born + age)-01-10"
                    case 2: "\(born + age)"
                    default: nil
                    }
                photos.append(
                    Photo(
                        path: "p\(person)-\(k).jpg", person: person, age: age, band: nil, date: date,
                        hasTemplate: !(person == 7 && k == 2)))
                years.append(Double(gap))
            }
        }
        return try write(photos, years: years, columns: "age,capture_date", in: folder) { [$0.age.map(String.init) ?? "", $0.date ?? ""] }
    }

    /// 45 people with two photos and `age_band` labels only: 15 with `0-12` then `18-29` (15 years apart),
    /// 15 with two `0-12` photos and 15 with two `18-29` photos (1 year apart). Some labels are spelled
    /// `0 – 12` or `18 - 29`.
    public static func withBands(in folder: URL) throws -> (manifest: URL, embeddings: URL, photos: [Photo]) {
        var photos: [Photo] = []
        var years: [Double] = []
        for person in 0..<45 {
            let kind = person % 3
            let bands = kind == 0 ? ["0-12", "18-29"] : kind == 1 ? ["0-12", "0 – 12"] : ["18-29", "18 - 29"]
            for k in 0..<2 {
                photos.append(Photo(path: "b\(person)-\(k).jpg", person: person, age: nil, band: bands[k], date: nil, hasTemplate: true))
                years.append(k == 0 ? 0 : kind == 0 ? 15 : 1)
            }
        }
        return try write(photos, years: years, columns: "age_band", in: folder) { [$0.band ?? ""] }
    }

    /// Writes the manifest (path, subject_id, gender, then `columns`) and the templates (seeded).
    private static func write(
        _ photos: [Photo], years: [Double], columns: String, in folder: URL, values: (Photo) -> [String]
    ) throws -> (manifest: URL, embeddings: URL, photos: [Photo]) {
        var random = SeededUniform(seed: 2024)
        func next() -> Double { random.next() }
        var manifest = "path,subject_id,gender,\(columns)\n"
        var embeddings = ""
        var person: (index: Int, centre: [Double], direction: [Double], rate: Double) = (-1, [], [], 0)
        for (photo, t) in zip(photos, years) {
            if photo.person != person.index {
                person = (photo.person, (0..<24).map { _ in next() }, (0..<24).map { _ in next() }, 0.3 + 0.4 * next())
            }
            manifest +=
                (["\(photo.path)", "s\(photo.person)", photo.person % 2 == 0 ? "female" : "male"] + values(photo))
                .joined(separator: ",") + "\n"
            let template = zip(person.centre, person.direction).map { c, u in c + person.rate * t * u + 0.25 * next() }
            if photo.hasTemplate { embeddings += ([photo.path] + template.map { String(Float($0)) }).joined(separator: ",") + "\n" }
        }
        let m = folder.appendingPathComponent("manifest.csv")
        let e = folder.appendingPathComponent("templates.csv")
        try manifest.write(to: m, atomically: true, encoding: .utf8)
        try embeddings.write(to: e, atomically: true, encoding: .utf8)
        return (m, e, photos)
    }
}
