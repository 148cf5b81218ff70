import Foundation

/// The Face Research Lab London Set (DeBruine & Jones 2017): 102 adults, a neutral and a smiling
/// frontal photo each, with self-reported age, gender and ethnicity.
public enum LondonSet {
    /// The dataset card; the same content is committed as `datasets/london/card.json`.
    public static let card = DatasetCard(
        name: "london",
        title: "Face Research Lab London Set (Version 5)",
        license: "CC BY 4.0",
        citation: "DeBruine, L. & Jones, B. (2017). Face Research Lab London Set (Version 5). figshare. "
            + "https://doi.org/10.6084/m9.figshare.5047666.v5",
        url: "https://doi.org/10.6084/m9.figshare.5047666.v5",
        description: "102 adults photographed in one studio session against a uniform grey background: "
            + "a neutral and a smiling frontal head-and-shoulders photo each (1350×1350 JPEG).",
        labelProvenance: ["age": .selfReported, "gender": .selfReported, "ethnicity": .selfReported, "skin_tone": .unknown],
        skinToneInstrument: nil,
        limitations: [
            "Adults only (ages 18–54): the set says nothing about children.",
            "Both photos of a person come from the same session, so mated comparisons are easier than in deployment.",
            "Ethnicity is self-reported in five categories with few people in most; there is no skin-tone label.",
            "102 people give 20,604 non-mated pairs in all: too few to estimate a false-match rate of 1 in 10,000 "
                + "for any cohort.",
        ]
    )

    /// True when `folder` looks like the London Set as distributed in ../shared.
    public static func matches(folder: String) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: folder + "/labels.csv") && fm.fileExists(atPath: folder + "/london_info.csv")
    }

    /// Reads `labels.csv` (columns file, identity, expression, landmarks_tem, age, gender, ethnicity).
    public static func read(folder: String, card: DatasetCard? = nil) throws(ManifestError) -> Manifest {
        try CSVManifestReader().read(file: folder + "/labels.csv", root: folder, layout: .london, card: card ?? Self.card)
    }
}
