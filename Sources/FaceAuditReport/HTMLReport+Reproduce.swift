import FaceAuditConfiguration
import FaceAuditDatasets

extension HTMLReport {
    /// The "Reproduce" section: the command with every setting spelled out (`explicit_command_line`), the
    /// command as typed, the tool's version and commit, the dataset's fingerprint and where the model files'
    /// hashes are. A summary written before a field existed says "not recorded" for it.
    ///
    /// Privacy: the commands show paths only as the run recorded them (as typed, or as a benchmark file gave
    /// them); the fingerprint is a hash, never the listing of files behind it.
    static func reproduceSection(_ s: RunSummary) -> [String] {
        var body = ["<h2>Reproduce</h2>"]
        // The explicit command is long (a setting a line): it folds below the facts, opened in print.
        var explicitBlock: [String] = []
        if let explicit = s.explicitCommandLine {
            let off = s.configuration?.switchesOff ?? []
            explicitBlock.append(
                "<details class=\"fold\"><summary>The command with every setting it used written out, and what the commit and fingerprint cover</summary>"
            )
            explicitBlock.append(
                "<p>This command repeats the run with every setting it used written out\(off.isEmpty ? "" : "; switches not written are off (\(off.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")))"):</p>"
            )
            explicitBlock.append("<pre class=\"reproduce\">\(HTML.escape(RunConfiguration.shellLine(explicit, flagPerLine: true)))</pre>")
            explicitBlock.append("</details>")
            body.append("<p>As typed:</p>")
        }
        body.append("<pre>\(HTML.escape(RunConfiguration.shellLine(s.commandLine)))</pre>")
        var rows: [(String, String)] = []
        rows.append(("Tool", "\(HTML.escape(s.tool["name"] ?? "faceaudit")) \(HTML.escape(s.tool["version"] ?? "unknown"))"))
        if let commit = s.tool["commit"] {
            rows.append(
                (
                    "Commit",
                    "<code>\(HTML.escape(commit))</code>. Uncommitted changes: \(HTML.escape(s.tool["working_tree"] ?? "not checked"))."
                ))
        } else {
            rows.append(("Commit", "not recorded"))
        }
        if let f = s.dataset.fingerprint {
            rows.append(
                (
                    "Dataset fingerprint",
                    "\(HTML.escape(f.algorithm)) <code>\(HTML.escape(f.value))</code> (\(HTML.escape(f.scheme)); \(HTML.grouped(f.files)) files\(unreadableNote(f, s))."
                ))
        } else {
            rows.append(("Dataset fingerprint", "not recorded"))
        }
        if !s.pipeline.models.isEmpty {
            rows.append(("Model files", "SHA-256 of each in \"Models, operating points and conventions\" above"))
        }
        rows.append(("Comparison that ran", HTML.escape(s.pipeline.comparison)))
        body.append("<table>" + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined() + "</table>")
        // What the commit and the fingerprint cover: in the fold, beside the command.
        let covers = [
            s.tool["commit_method"].map { "Commit: " + sentence($0) }, s.dataset.fingerprint.map { "Fingerprint: " + sentence($0.covers) },
        ]
        .compactMap { $0 }
        if !covers.isEmpty {
            let note = "<p class=\"meta\">\(HTML.escape(covers.joined(separator: " ")))</p>"
            if explicitBlock.isEmpty {
                explicitBlock = [
                    "<details class=\"fold\"><summary>What the commit and the fingerprint cover</summary>", note, "</details>",
                ]
            } else {
                explicitBlock.insert(note, at: explicitBlock.count - 1)
            }
        }
        body.append(contentsOf: explicitBlock)
        body.append("<p class=\"meta\">This report contains no photographs and no names or identifiers of the people photographed.</p>")
        return body
    }

    /// What the fingerprint's line says after its count of files, with the bracket that closes it: of the
    /// images it could not read, nothing when there are none. A run on templates from a file (the
    /// `precomputed` pipeline, `--embeddings`) needs no image, so its fingerprint's unreadable images (often
    /// not there at all) are said to be covered by path only; any other run read its templates from the
    /// images, and ", 12 unreadable" says how many it could not.
    static func unreadableNote(_ f: DatasetFingerprint, _ s: RunSummary) -> String {
        guard f.unreadable > 0 else { return ")" }
        guard s.pipeline.name == RunConfiguration.Pipeline.precomputed.rawValue else { return ", \(f.unreadable) unreadable)" }
        let images = HTML.grouped(f.files - f.labelFiles)
        let read =
            f.unreadable == f.files - f.labelFiles
            ? "could read none of the \(images) images, so it covers their paths, not their contents"
            : "could not read \(HTML.grouped(f.unreadable)) of the \(images) images, so for those it covers the paths, not the contents"
        return
            "). This run's templates came from a file (<code>--embeddings</code>), not from the images, so it needed none of them; the fingerprint \(read)"
    }

    /// `text` ending with a full stop.
    private static func sentence(_ text: String) -> String {
        text.isEmpty || text.hasSuffix(".") ? text : text + "."
    }

    /// The plain words this page uses, each with its term in ISO/IEC 19795-1 and ISO/IEC 2382-37 (the
    /// vocabulary of biometrics), for readers who know the standards.
    static func standardTerms(watchlist: Bool) -> String {
        var rows: [(plain: String, term: String, meaning: String)] = [
            (
                "a person, the people photographed", "biometric data subject (2382-37: 37.07.05)",
                "the individual whose photos are compared; groups are sets of subjects"
            ),
            ("a photo", "biometric sample, used as probe or reference", "one image; a comparison pairs a probe with a reference"),
            (
                "two photos of the same person", "mated comparison (trial)",
                "probe and reference from the same subject; older texts say \"genuine\""
            ),
            (
                "two different people", "non-mated comparison (trial)",
                "probe and reference from different subjects (zero-effort); older texts say \"impostor\""
            ),
            ("score", "comparison score", "the number the system gives a pair (here a similarity, or a distance where the page says so)"),
            ("threshold", "decision threshold", "the score at which a comparison is declared a match"),
            (
                "false match (wrongly declared a match)", "false match rate, FMR",
                "share of completed non-mated comparisons declared a match at the threshold"
            ),
            (
                "missed, false non-match", "false non-match rate, FNMR",
                "share of completed mated comparisons declared a non-match at the threshold"
            ),
            (
                "no usable face (a failure, not an omission)", "failure to acquire (FTA) rate",
                "share of photos that gave no template to compare"
            ),
        ]
        if watchlist {
            rows.append(
                (
                    "false alarm (watchlist)", "false positive identification rate, FPIR",
                    "share of non-mated searches (the person is not enrolled) that return a candidate at or above the threshold"
                ))
            rows.append(
                (
                    "miss (watchlist)", "false negative identification rate, FNIR",
                    "share of mated searches whose enrolled person is not returned (here: first) at or above the threshold"
                ))
        }
        return
            "<p>The plain words of this page and the standard terms (ISO/IEC 19795-1, ISO/IEC 2382-37). \"Genuine\" and \"impostor\" are older names for mated and non-mated: ISO/IEC 2382-37 replaced them because they suggest an intent of the person photographed, which a comparison does not have.</p>"
            + "<table class=\"terms\"><tr><th>on this page</th><th>standard term</th><th>meaning</th></tr>"
            + rows.map { "<tr><td>\(HTML.escape($0.plain))</td><td>\(HTML.escape($0.term))</td><td>\(HTML.escape($0.meaning))</td></tr>" }
            .joined() + "</table>"
    }
}
