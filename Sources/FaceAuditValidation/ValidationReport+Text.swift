import FaceAuditMetrics

extension ValidationReport {
    /// The report as plain text for a terminal: totals, the cohort table, then every problem.
    public func text() -> String {
        var out: [String] = []
        let card = dataset.card
        out.append("Dataset: \(card.title) [\(dataset.layout)]")
        out.append("Source:  \(dataset.source)")
        out.append("Licence: \(card.license). Cite: \(card.citation)")
        let provenance = card.labelProvenance.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.rawValue)" }
        out.append("Labels:  \(provenance.joined(separator: ", "))")
        out.append("")
        out.append(
            "Subjects: \(Self.group(subjects))   Images: \(Self.group(images))   "
                + "Images per subject: min \(imagesPerSubject.min), median \(Self.number(imagesPerSubject.median)), max \(imagesPerSubject.max)"
        )
        out.append("Mated pairs: \(Self.group(matedPairs))   Non-mated pairs: \(Self.group(nonMatedPairs))")
        let needs = requiredNonMatedPairs.sorted { Double($0.key) ?? 0 > Double($1.key) ?? 0 }
            .map { "FMR \($0.key) needs \(Self.group($0.value))" }
        out.append("Non-mated pairs per cohort: \(needs.joined(separator: "; ")) (rule of three; \"too few\" below)")
        out.append("")

        let targets = requiredNonMatedPairs.keys.sorted { Double($0) ?? 0 > Double($1) ?? 0 }
        let header = ["cohort", "subjects", "images", "mated", "non-mated"] + targets.map { "FMR \($0)" } + ["flags"]
        let rows = cohorts.map { c in
            [c.cohort, Self.group(c.subjects), Self.group(c.images), Self.group(c.matedPairs), Self.group(c.nonMatedPairs)]
                + targets.map { c.supportsFMR[$0] == true ? "ok" : "too few" }
                + [c.flags.isEmpty ? "-" : c.flags.joined(separator: "; ")]
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.indices.map { i in
                let cell = cells[i]
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                if i == cells.count - 1 { return cell }
                return (i == 0 ? cell + pad : pad + cell)
            }.joined(separator: "  ")
        }
        out.append(line(header))
        for row in rows { out.append(line(row)) }
        out.append("")

        out.append(Self.list("Missing files", missingFiles))
        out.append(Self.list("Decode failures", decodeFailures.map { "\($0.path): \($0.code): \($0.reason)" }))
        out.append(
            Self.list(
                "Byte-identical duplicates",
                duplicates.map {
                    $0.paths.joined(separator: " = ") + ($0.acrossSubjects ? " (labeled as different subjects)" : "")
                }))
        out.append(
            Self.list(
                "Label conflicts",
                labelConflicts.map {
                    "subject \($0.subject): \($0.attribute) is \($0.values.joined(separator: " / "))"
                }))
        out.append(Self.list("Exif orientation not applied", rotatedImages))
        out.append(Self.list("Warnings", warnings))
        out.append("")
        if usable {
            out.append(scope.isEmpty ? "Usable: yes" : "Usable: yes, with limits")
            out.append(contentsOf: scope.map { "  - \($0)" })
        } else {
            out.append("Usable: no")
            out.append(contentsOf: problems.map { "  - \($0)" })
        }
        return out.joined(separator: "\n")
    }

    private static func list(_ title: String, _ items: [String]) -> String {
        guard !items.isEmpty else { return "\(title): none" }
        return "\(title): \(items.count)\n" + items.map { "  - \($0)" }.joined(separator: "\n")
    }

    static func group(_ n: Int) -> String { n.grouped }

    private static func number(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(x)
    }
}
