import FaceAuditFiles
import Foundation

/// What a dataset is, who may use it, how to cite it, and how its labels were obtained.
///
/// Stored as `datasets/<name>/card.json` and printed in every report that uses the dataset.
public struct DatasetCard: Sendable, Hashable, Codable {
    /// A short name, e.g. `london`.
    public var name: String
    /// The full title.
    public var title: String
    /// The licence, e.g. `CC BY 4.0`.
    public var license: String
    /// The citation to print, with a DOI or URL.
    public var citation: String
    /// Where the data can be obtained.
    public var url: String?
    /// What the images show (pose, capture conditions, sessions).
    public var description: String
    /// Provenance of each labeled attribute: `age`, `gender`, `ethnicity`, `skin_tone`.
    public var labelProvenance: [String: LabelProvenance]
    /// The skin-tone instrument, e.g. `monk` or `fitzpatrick`; `nil` when there is no skin-tone label.
    public var skinToneInstrument: String?
    /// Known limitations to print in reports.
    public var limitations: [String]
    /// Whether the data are simulated (no real people): a run on them is marked as the demo's is, every
    /// statement beginning "Simulated, not real people: ". Absent in a card: false.
    public var simulated: Bool?

    /// Creates a card.
    public init(
        name: String, title: String, license: String, citation: String, url: String? = nil, description: String,
        labelProvenance: [String: LabelProvenance], skinToneInstrument: String? = nil, limitations: [String] = []
    ) {
        self.name = name
        self.title = title
        self.license = license
        self.citation = citation
        self.url = url
        self.description = description
        self.labelProvenance = labelProvenance
        self.skinToneInstrument = skinToneInstrument
        self.limitations = limitations
    }

    enum CodingKeys: String, CodingKey {
        case name, title, license, citation, url, description
        case labelProvenance = "label_provenance"
        case skinToneInstrument = "skin_tone_instrument"
        case limitations, simulated
    }

    /// A card for a dataset that came without one: every provenance `unknown`.
    public static func unknown(name: String) -> DatasetCard {
        DatasetCard(
            name: name, title: name, license: "unknown", citation: "unknown",
            description: "No dataset card was given; pass --card FILE to describe this dataset.",
            labelProvenance: ["age": .unknown, "gender": .unknown, "ethnicity": .unknown, "skin_tone": .unknown])
    }

    /// Reads a card from JSON, naming the file in errors.
    public static func load(from path: String) throws(ManifestError) -> DatasetCard {
        let data: Data
        do { data = try InputFile.read(path) } catch {
            throw ManifestError(.unreadable, path: path, "cannot read the dataset card: \(error.reason)")
        }
        do { return try JSONSyntax.decode(DatasetCard.self, from: data, file: path) } catch {
            guard let line = error.line, let column = error.column else {
                throw ManifestError(.invalidValue, path: path, "not a valid dataset card: \(error.reason)")
            }
            throw ManifestError(
                .invalidValue, at: TextLocation(file: path, line: line, column: column), "not a valid dataset card: \(error.reason)")
        }
    }
}
