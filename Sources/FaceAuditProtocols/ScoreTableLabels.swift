import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditMetrics
import FaceAuditScoreFiles
import FaceAuditScoring

/// Turns a score table with per-side label columns into labeled comparisons for each cohort dimension set.
///
/// Recognised attributes (CSV columns `probe_<name>` and `reference_<name>`): `age` (years), `gender`
/// (or `sex`), `ethnicity` (or `race`), `skin_tone` (`monk:7`, `fitzpatrick:IV`). Missing values become
/// the `unknown` cohort.
public struct ScoreTableLabels: Sendable {
    /// The table.
    public let table: ScoreTable
    /// Distinct label tuples, indexed by ``probeLabel`` and ``referenceLabel``.
    public let labels: [Labels]
    /// The label tuple of each comparison's probe side.
    public let probeLabel: [Int32]
    /// The label tuple of each comparison's reference side.
    public let referenceLabel: [Int32]

    /// Reads the label columns of `table`.
    public init(_ table: ScoreTable) throws(ScoreFileError) {
        self.table = table
        let attributeNames: [(CohortDimension, [String])] = [
            (.ageBand, ["age"]), (.gender, ["gender", "sex"]), (.ethnicity, ["ethnicity", "race"]), (.skinTone, ["skin_tone"]),
        ]
        var columns: [(CohortDimension, ScoreTable.SideAttribute)] = []
        for (dimension, names) in attributeNames {
            let present = names.filter { table.attributes[$0] != nil }
            // Both spellings (ethnicity and race, gender and sex) would leave one of them unread, unsaid.
            guard present.count <= 1 else {
                throw ScoreFileError(
                    file: table.file.isEmpty ? "score table" : table.file, line: 1,
                    "the header has both probe_\(present[0]) and probe_\(present[1]) (two names for one attribute); keep one")
            }
            if let name = present.first { columns.append((dimension, table.attributes[name]!)) }
        }
        var tuples: [[Int32]: Int32] = [:]
        var labels: [Labels] = []
        var probe = [Int32](repeating: 0, count: table.count)
        var reference = [Int32](repeating: 0, count: table.count)
        func labelsOf(_ values: [Int32]) throws(ScoreFileError) -> Labels {
            var l = Labels()
            for (i, (dimension, column)) in columns.enumerated() {
                let value = Int(values[i])
                let text = column.values[value]
                if CohortLabelRules.isMissing(text) { continue }
                /// An error at the value's first place in the file (a table made in memory has none).
                func refuse(_ message: String) -> ScoreFileError {
                    let at = value < column.firstSeen.count ? column.firstSeen[value] : nil
                    let file = table.file.isEmpty ? "score table" : table.file
                    return ScoreFileError(file: file, line: at?.line, column: at?.column, message)
                }
                switch dimension {
                case .ageGroup: break  // derived from age; never a column of its own
                case .ageBand:
                    guard let age = Double(text), age.isFinite else {
                        throw refuse("age \(CohortLabelRules.shown(text)) is not a number of years")
                    }
                    guard (0...130).contains(age) else { throw refuse("age \(CohortLabelRules.shown(text)) is outside 0–130 years") }
                    l.age = age
                case .gender: l.gender = text.lowercased()
                case .ethnicity: l.ethnicity = text.lowercased()
                case .skinTone:
                    guard let tone = SkinTone(parsing: text) else {
                        throw refuse("skin tone \(CohortLabelRules.shown(text)) is not monk:1…10 or fitzpatrick:I…VI")
                    }
                    l.skinTone = tone
                }
            }
            return l
        }
        // Each subject's gender and ethnicity as first met (missing ones filled in later), and that row.
        var personOf: [Int: (labels: (gender: String?, ethnicity: String?), row: Int)] = [:]
        for k in 0..<table.count {
            for side in 0..<2 {
                let values = columns.map { side == 0 ? $0.1.probe[k] : $0.1.reference[k] }
                let id: Int32
                if let existing = tuples[values] {
                    id = existing
                } else {
                    id = Int32(labels.count)
                    labels.append(try labelsOf(values))
                    tuples[values] = id
                }
                if side == 0 { probe[k] = id } else { reference[k] = id }
                // One person has one gender and one ethnicity in the file: counted in two cohorts
                // otherwise (41 people in cohorts of 40), and a mated pair whose sides disagree in none.
                let subject = Int(side == 0 ? table.probeSubject[k] : table.referenceSubject[k])
                let person = (gender: labels[Int(id)].gender, ethnicity: labels[Int(id)].ethnicity)
                if let (first, row) = personOf[subject] {
                    for (name, a, b) in [("gender", first.gender, person.gender), ("ethnicity", first.ethnicity, person.ethnicity)]
                    where a != nil && b != nil && a != b {
                        let file = table.file.isEmpty ? "score table" : table.file
                        let line = k < table.lines.count ? Int(table.lines[k]) : nil
                        let at = row < table.lines.count ? " at line \(table.lines[row])" : ""
                        let who = CohortLabelRules.shown(table.subjects[subject])
                        throw ScoreFileError(
                            file: file, line: line,
                            "subject \(who) is labeled \(name) \(CohortLabelRules.shown(b!)) here and \(CohortLabelRules.shown(a!))\(at); "
                                + "one person's \(name) must agree across the file")
                    }
                    if first.gender == nil || first.ethnicity == nil {
                        personOf[subject] = ((first.gender ?? person.gender, first.ethnicity ?? person.ethnicity), row)
                    }
                } else {
                    personOf[subject] = (person, k)
                }
            }
        }
        self.labels = labels
        self.probeLabel = probe
        self.referenceLabel = reference
    }

    /// The comparisons labeled with the cohorts of one dimension set.
    public func comparisons(for dimensions: [CohortDimension], scheme: CohortScheme, polarity: ScorePolarity) -> LabeledComparisons {
        var d = LabeledComparisons()
        var names: [String: Int32] = [:]
        func cohort(_ key: CohortKey?) -> Int32 {
            guard let key else { return -1 }
            let text = key.description
            if let id = names[text] { return id }
            let id = Int32(d.cohortNames.count)
            d.cohortNames.append(text)
            names[text] = id
            return id
        }
        let imageCohort = labels.map { cohort(scheme.key(dimensions, of: $0)) }
        var pairCache: [Int64: Int32] = [:]
        d.scores = table.scores.map(polarity.similarity)
        d.mated = table.mated
        d.probeSubject = table.probeSubject
        d.referenceSubject = table.referenceSubject
        d.probeSample = table.probeItem
        d.referenceSample = table.referenceItem
        d.subjectCount = table.subjects.count
        d.probeCohort = probeLabel.map { imageCohort[Int($0)] }
        d.referenceCohort = referenceLabel.map { imageCohort[Int($0)] }
        d.matedCohort = (0..<table.count).map { k in
            guard table.mated[k] else { return -1 }
            let a = probeLabel[k]
            let b = referenceLabel[k]
            let key = Int64(a) << 32 | Int64(b)
            if let cached = pairCache[key] { return cached }
            let c = cohort(scheme.pairKey(dimensions, labels[Int(a)], labels[Int(b)]))
            pairCache[key] = c
            return c
        }
        // Name order, so that output does not depend on file order.
        let order = d.cohortNames.indices.sorted { NaturalOrder.less(d.cohortNames[$0], d.cohortNames[$1]) }
        var remap = [Int32](repeating: -1, count: order.count)
        for (newIndex, old) in order.enumerated() { remap[old] = Int32(newIndex) }
        func re(_ c: Int32) -> Int32 { c < 0 ? -1 : remap[Int(c)] }
        d.cohortNames = order.map { d.cohortNames[$0] }
        d.probeCohort = d.probeCohort.map(re)
        d.referenceCohort = d.referenceCohort.map(re)
        d.matedCohort = d.matedCohort.map(re)
        return d
    }

    /// The automatic cohort scheme: every dimension with a known label on either side, and all their intersections.
    public func automaticScheme(ageBands: AgeBands = .standard) -> CohortScheme {
        let records = labels.map { ImageRecord(path: "", subject: SubjectID(""), labels: $0) }
        return CohortScheme.automatic(for: records, ageBands: ageBands)
    }
}
