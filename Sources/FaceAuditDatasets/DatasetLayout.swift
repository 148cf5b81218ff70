/// The on-disk layouts FaceAudit reads.
public enum DatasetLayout: String, Sendable, Hashable, Codable, CaseIterable {
    /// A CSV manifest with `path` and `subject_id` columns (see ``CSVManifestReader``).
    case csv
    /// The Face Research Lab London Set folder (`labels.csv` + `london_info.csv`).
    case london
    /// UTKFace-style file names `age_gender_race_datetime.jpg`, one subject per image.
    case utkface
    /// LFW-style folders `name/image.jpg`, one folder per subject, no demographic labels.
    case lfw
}
