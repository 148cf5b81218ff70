import Foundation

/// Reads a folder of UTKFace-style images named `age_gender_race_datetime.jpg`.
///
/// gender: 0 male, 1 female; race: 0 White, 1 Black, 2 Asian, 3 Indian, 4 Others; datetime:
/// `yyyyMMddHHmmssSSS`. UTKFace has no identity labels, so each image is its own subject: the set
/// supports non-mated comparisons (FMR) only. A name whose labels do not parse keeps its image with
/// unknown labels and adds a warning that names the file and the column in the name. Two names that are the
/// same text before the extension in two Unicode normalizations (two files, one person to Swift) are refused
/// (``ManifestError/Code/unicodeNormalization``).
public struct UTKFaceReader: Sendable {
    /// UTKFace's race codes.
    public static let races = ["white", "black", "asian", "indian", "others"]
    /// UTKFace's gender codes.
    public static let genders = ["male", "female"]

    /// Creates a reader.
    public init() {}

    /// Reads every `.jpg`/`.jpeg`/`.png` in `folder` (not recursive).
    public func read(folder: String, card: DatasetCard? = nil) throws(ManifestError) -> Manifest {
        let names = try ImageFiles.list(folder: folder)
        var records: [ImageRecord] = []
        var warnings: [ManifestError] = []
        // Each image is its own person, named by its file's name before the extension.
        var subjects = Spellings(of: "image's name")
        for name in names {
            let (labels, problem) = Self.labels(fromName: name)
            if let problem { warnings.append(ManifestError(.invalidValue, at: problem.0, problem.1)) }
            let stem = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
            _ = try subjects.record(stem, at: .path(folder + "/" + name))
            records.append(ImageRecord(path: name, subject: SubjectID(stem), labels: labels))
        }
        guard !records.isEmpty else { throw ManifestError(.empty, path: folder, "no .jpg or .png images in this folder") }
        var card = card ?? .unknown(name: URL(fileURLWithPath: folder).lastPathComponent)
        if card.labelProvenance["age"] == .unknown { card.labelProvenance["age"] = .annotator }
        return Manifest(layout: .utkface, root: folder, source: folder, card: card, records: records, warnings: warnings)
    }

    /// Parses the labels in a file name; the problem, if any, points at the column within the name.
    static func labels(fromName name: String) -> (Labels, (TextLocation, String)?) {
        let fields = name.split(separator: "_", omittingEmptySubsequences: false)
        var labels = Labels()
        func fail(_ index: Int, _ message: String) -> (Labels, (TextLocation, String)?) {
            var column = 1
            for f in fields.prefix(index) { column += f.unicodeScalars.count + 1 }
            return (Labels(), (TextLocation(file: name, line: 1, column: column), message))
        }
        func field(_ index: Int) -> Substring { index < fields.count ? fields[index] : "" }
        guard let age = Int(field(0)), (0...130).contains(age) else {
            return fail(0, "\(name): age \"\(field(0))\" is not 0–130; labels unknown")
        }
        guard let g = Int(field(1)), Self.genders.indices.contains(g) else {
            return fail(1, "\(name): gender \"\(field(1))\" is not 0 or 1; labels unknown")
        }
        guard let r = Int(field(2)), Self.races.indices.contains(r) else {
            return fail(2, "\(name): race \"\(field(2))\" is not 0–4; labels unknown")
        }
        guard fields.count >= 4 else {
            return fail(3, "\(name): no date field (expected age_gender_race_datetime.jpg); labels unknown")
        }
        labels.age = Double(age)
        labels.gender = Self.genders[g]
        labels.ethnicity = Self.races[r]
        let stamp = fields[3].prefix { $0.isNumber }
        if stamp.count >= 8 {
            let s = Array(stamp)
            labels.captureDate = "\(String(s[0..<4]))-\(String(s[4..<6]))-\(String(s[6..<8]))"
        }
        return (labels, nil)
    }
}
