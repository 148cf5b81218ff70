import FaceAuditFiles
import Foundation

/// Reads a CSV manifest: one row per image.
///
/// Required columns: `path` (alias `file`, `image`) and `subject_id` (alias `subject`, `identity`).
/// Optional: `age` (years), `age_band` (a label such as `0-12`, `65+` or `child photo`, used when `age` is
/// missing), `gender` (alias `sex`), `ethnicity` (alias `race`), `skin_tone` (`monk:7`, `fitzpatrick:IV`,
/// or a bare value with `skin_tone_scale`), `capture_date` (ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD`),
/// `session`.
/// Every other column is kept as an extra attribute. Missing values (`""`, `NA`, `unknown`, …) become
/// unknown labels. Image paths are relative to `root`, by default the manifest's folder.
public struct CSVManifestReader: Sendable {
    /// Recognised column names and their aliases, in order of preference.
    static let aliases: [String: [String]] = [
        "path": ["path", "file", "image", "filename"],
        "subject_id": ["subject_id", "subject", "identity", "id"],
        "age": ["age"],
        "age_band": ["age_band"],
        "gender": ["gender", "sex"],
        "ethnicity": ["ethnicity", "race"],
        "skin_tone": ["skin_tone"],
        "skin_tone_scale": ["skin_tone_scale"],
        "capture_date": ["capture_date", "date"],
        "session": ["session"],
    ]

    /// Creates a reader.
    public init() {}

    /// Reads the manifest at `file`.
    public func read(
        file: String, root: String? = nil, layout: DatasetLayout = .csv, card: DatasetCard? = nil
    )
        throws(ManifestError) -> Manifest
    {
        let data: Data
        do { data = try InputFile.read(file) } catch {
            throw ManifestError(.unreadable, path: file, "cannot read the manifest: \(error.reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ManifestError(.encoding, path: file, "the manifest is not UTF-8 text")
        }
        let root = root ?? URL(fileURLWithPath: file).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: root).lastPathComponent
        let records = try parse(text: text, file: file)
        return Manifest(
            layout: layout, root: root, source: file, card: card ?? .unknown(name: name), records: records)
    }

    /// Parses manifest text; `file` names the source in errors.
    public func parse(text: String, file: String) throws(ManifestError) -> [ImageRecord] {
        let table = try CSVTable(text: text, file: file)
        var columns: [String: Int] = [:]
        var used: Set<Int> = []
        for (key, names) in Self.aliases {
            let matches = table.header.indices.filter { names.contains(table.header[$0].value.trimmingSpaces.lowercased()) }
            if matches.count > 1 {
                let second = table.header[matches[1]]
                throw ManifestError(.header, at: second.location, "more than one column means \(key)")
            }
            if let first = matches.first {
                columns[key] = first
                used.insert(first)
            }
        }
        for key in ["path", "subject_id"] where columns[key] == nil {
            throw ManifestError(
                .header, at: TextLocation(file: file, line: table.header.first?.location.line ?? 1, column: 1),
                "the header has no \(key) column (accepted names: \(Self.aliases[key]!.joined(separator: ", ")))")
        }
        var extraColumns: [(Int, String)] = []
        var seenNames: Set<String> = []
        for index in table.header.indices where !used.contains(index) {
            let name = table.header[index].value.trimmingSpaces
            guard seenNames.insert(name.lowercased()).inserted else {
                throw ManifestError(.header, at: table.header[index].location, "column \"\(name)\" appears twice")
            }
            extraColumns.append((index, name))
        }

        var records: [ImageRecord] = []
        records.reserveCapacity(table.rows.count)
        var paths = Spellings(of: "image path", capacity: table.rows.count)
        var subjects = Spellings(of: "subject_id")
        // The columns looked up once, not per row.
        let (pathColumn, subjectColumn) = (columns["path"]!, columns["subject_id"]!)
        let (ageColumn, bandColumn) = (columns["age"], columns["age_band"])
        let (genderColumn, ethnicityColumn) = (columns["gender"], columns["ethnicity"])
        let (toneColumn, scaleColumn, dateColumn, sessionColumn) =
            (columns["skin_tone"], columns["skin_tone_scale"], columns["capture_date"], columns["session"])
        // Each cohort label text read once: a column holds a few distinct labels over thousands of rows,
        // and checking one (trimmed, lower-cased, scanned for separators, controls and joiners) took 1.7%
        // of a 20,000-template run. A text that is refused throws at its first row, so only accepted ones
        // are kept; and only for the same bytes (a dictionary takes two normalizations of one text as one
        // key, and each row keeps the bytes it was written in).
        // Each column also remembers its previous row's text: rows of one person, listed together, mostly
        // repeat it, and then need no lookup.
        var labels: [String: (text: String, label: String?)] = [:]
        typealias Known = (text: String, label: String?)
        func cohortLabel(
            _ column: Int?, _ name: String, _ row: [CSVTable.Field], previous: inout Known?
        ) throws(ManifestError)
            -> String?
        {
            guard let column else { return nil }
            let field = row[column]
            if let previous, previous.text.hasSameBytes(as: field.value) { return previous.label }
            if let known = labels[field.value], known.text.hasSameBytes(as: field.value) {
                previous = known
                return known.label
            }
            let label = try LabelParsing.cohortLabel(field, column: name)
            if labels[field.value] == nil { labels[field.value] = (field.value, label) }
            previous = (field.value, label)
            return label
        }
        var (previousBand, previousGender, previousEthnicity): (Known?, Known?, Known?) = (nil, nil, nil)
        for row in table.rows {
            let pathField = row[pathColumn]
            let path = pathField.value.trimmingSpaces
            guard !path.isEmpty else { throw ManifestError(.missingValue, at: pathField.location, "empty image path") }
            if case .text(let earlier) = try paths.record(path, at: .text(pathField.location)) {
                throw ManifestError(.duplicatePath, at: pathField.location, "\(path) is listed already at line \(earlier.line)")
            }
            let subjectField = row[subjectColumn]
            let subject = subjectField.value.trimmingSpaces
            guard !subject.isEmpty else {
                throw ManifestError(.missingValue, at: subjectField.location, "empty subject_id for \(path)")
            }
            _ = try subjects.record(subject, at: .text(subjectField.location))
            var recordLabels = Labels()
            if let c = ageColumn { recordLabels.age = try LabelParsing.age(row[c]) }
            recordLabels.ageBand = try cohortLabel(bandColumn, "age_band", row, previous: &previousBand)
            recordLabels.gender = try cohortLabel(genderColumn, "gender", row, previous: &previousGender)
            recordLabels.ethnicity = try cohortLabel(ethnicityColumn, "ethnicity", row, previous: &previousEthnicity)
            if let c = toneColumn { recordLabels.skinTone = try LabelParsing.skinTone(row[c], scale: scaleColumn.map { row[$0] }) }
            if let c = dateColumn { recordLabels.captureDate = try LabelParsing.captureDate(row[c])?.description }
            recordLabels.session = sessionColumn.flatMap { LabelParsing.category(row[$0].value) }
            for (index, name) in extraColumns { recordLabels.extra[name] = row[index].value }
            records.append(ImageRecord(path: path, subject: SubjectID(subject), labels: recordLabels, origin: pathField.location))
        }
        guard !records.isEmpty else { throw ManifestError(.empty, path: file, "the manifest lists no images") }
        return records
    }
}
