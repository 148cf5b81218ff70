import FaceAuditMetrics
import Foundation

extension ModelComparison {
    /// comparison.html: one self-contained page in the style of report.html.
    public var html: String {
        let names = runs.map(\.name)
        let title = "FaceAudit comparison: " + names.joined(separator: " vs ")
        var body = ["<h1>\(HTML.escape(title))</h1>"]
        let dataset = runs[0].summary.dataset
        body.append(
            "<p>\(runs.count) runs on \(HTML.escape(dataset.card.title)) (\(HTML.grouped(dataset.subjects)) people, \(HTML.grouped(dataset.images)) images). "
                + "Each run sets its own threshold for each target false match rate from its own scores; a fixed threshold is the same for all. "
                + (paired
                    ? "Differences between runs come with a 95% interval from resampling the same people for every run (a paired subject bootstrap, \(runs[0].tallies.map { HTML.grouped($0.replicates) } ?? "") replicates), so they reflect only how the runs differ on the same people.</p>"
                    : "The runs were not measured on the same people (\(HTML.escape(Self.differences(runs).joined(separator: "; ")))), so differences between them are not estimated.</p>")
        )
        body.append("<h2>Runs</h2><table><thead><tr><th>run</th><th>pipeline</th><th>dataset fingerprint</th></tr></thead><tbody>")
        for run in runs {
            body.append(
                "<tr><td>\(HTML.escape(run.name))</td><td><code>\(HTML.escape(run.summary.pipeline.identity))</code></td><td><code>\(HTML.escape(String(run.summary.dataset.fingerprint?.value.prefix(16) ?? "none")))</code></td></tr>"
            )
        }
        body.append("</tbody></table>")
        var seen: [Int] = []
        for (index, set) in analyses.enumerated() where !seen.contains(where: { Self.sameSetting(analyses[$0][0], set[0]) }) {
            seen.append(index)
            body.append(contentsOf: section(at: index))
        }
        return HTMLReport.page(
            title: title, body: body.joined(separator: "\n"), simulated: runs.contains { $0.summary.simulated })
    }

    /// One operating point: its sentences, then per dimension set a table of each run's rates.
    func section(at first: Int) -> [String] {
        let a0 = analyses[first][0]
        let phrase = Finding.operatingPointPhrase(
            a0, polarity: runs[0].summary.verification.polarity == "dissimilarity" ? .dissimilarity : .similarity)
        var out = ["<h2>\(HTML.escape(phrase))</h2>"]
        let indices = analyses.indices.filter { Self.sameSetting(analyses[$0][0], a0) }
        var sentences: [String] = []
        for metric in PairedBootstrap.Metric.allCases {
            sentences += differenceSentence(analysis: first, cohort: "overall", metric: metric)
        }
        for i in indices where analyses[i][0].dimensions.names.count == 1 {
            for metric in PairedBootstrap.Metric.allCases {
                sentences += ratioSentence(analysis: i, metric: metric)
                // The cohort the first run fails most, compared across runs.
                if let worst = analyses[i][0].worstBest?.first(where: { $0.metric == metric.rawValue })?.worst {
                    sentences += differenceSentence(analysis: i, cohort: worst, metric: metric)
                }
            }
        }
        if !sentences.isEmpty { out.append("<ul>" + sentences.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>") }
        for i in indices {
            out.append(
                "<h3>By \(HTML.escape(analyses[i][0].dimensions.names.joined(separator: " × ").replacingOccurrences(of: "_", with: " ")))</h3>"
            )
            out.append(table(analysis: i))
        }
        return out
    }

    /// "By ethnicity, A falsely matched people labelled “black” 3.1× as often as people labelled “white” (95% interval …); B 2.0× (…)."
    func ratioSentence(analysis i: Int, metric: PairedBootstrap.Metric) -> [String] {
        let ratios = rows.filter { $0.analysis == i && $0.metric == metric && $0.kind == "worst_best_ratio" }
        guard let first = ratios.first else { return [] }
        let verb = metric == .fmr ? "falsely matched two different people labelled" : "failed to match the two photos of people labelled"
        let by = "By " + analyses[i][0].dimensions.names.joined(separator: " × ").replacingOccurrences(of: "_", with: " ")
        let parts = ratios.map { row -> String in
            let groups =
                row.cohort == first.cohort && row.note == first.note && row.run != first.run
                ? ""
                : " \u{201C}\(Finding.labelValues(row.cohort))\u{201D} vs \u{201C}\(Finding.labelValues(String(row.note.dropFirst(6))))\u{201D}"
            return "\(runs[row.run].name)\(groups) \(Finding.times(row.value))× (\(Self.intervalText(row.interval, ratio: true)))"
        }
        return [
            "\(by): \(verb) \u{201C}\(Finding.labelValues(first.cohort))\u{201D} \(Finding.times(first.value))× as often as people labelled \u{201C}\(Finding.labelValues(String(first.note.dropFirst(6))))\u{201D} in \(runs[first.run].name) (\(Self.intervalText(first.interval, ratio: true))); "
                + parts.dropFirst().joined(separator: "; ") + "."
        ]
    }

    /// "A falsely matched two different people labelled “black” in 15 of 312 comparisons (4.8%), B in 19 of 312 (6.1%): a difference of …".
    func differenceSentence(analysis i: Int, cohort: String, metric: PairedBootstrap.Metric) -> [String] {
        let rates = rows.filter { $0.analysis == i && $0.cohort == cohort && $0.metric == metric && $0.kind == "rate" }
        guard rates.count == runs.count else { return [] }
        let who = cohort == "overall" ? "" : " labelled \u{201C}\(Finding.labelValues(cohort))\u{201D}"
        let verb =
            metric == .fmr
            ? "falsely matched two different people\(who) in" : "failed to match the two photos of one person\(who) in"
        let counts = rates.map { row -> String in
            let c = row.count!
            return
                "\(runs[row.run].name) in \(HTML.grouped(c.errors)) of \(HTML.grouped(c.trials)) (\(HTML.percent(c.trials > 0 ? c.rate : nil)))"
        }
        var text =
            counts[0].replacingOccurrences(of: " in ", with: " \(verb) ", maxReplacements: 1) + ", "
            + counts.dropFirst().joined(separator: ", ")
        let differences = rows.filter { $0.analysis == i && $0.cohort == cohort && $0.metric == metric && $0.kind == "difference" }
        if !differences.isEmpty {
            text +=
                ": "
                + differences.map { d in
                    "\(runs[d.run].name) minus \(runs[d.versus!].name) \(Self.points(d.value)) (95% interval \(Self.intervalText(d.interval, ratio: false)))"
                }.joined(separator: "; ") + ", from resampling the same people for every run"
        }
        return [text + "."]
    }

    /// One dimension set at one operating point: each cohort's FMR and FNMR per run, and the differences.
    func table(analysis i: Int) -> String {
        let set = analyses[i]
        let differencePairs = rows.filter { $0.analysis == i && $0.kind == "difference" }.map { ($0.run, $0.versus!) }
        var pairs: [(Int, Int)] = []
        for p in differencePairs where !pairs.contains(where: { $0 == p }) { pairs.append(p) }
        var head = "<tr><th>cohort</th><th>metric</th>" + runs.map { "<th>\(HTML.escape($0.name))</th>" }.joined()
        head += pairs.map { "<th>\(HTML.escape(runs[$0.0].name)) − \(HTML.escape(runs[$0.1].name))</th>" }.joined() + "</tr>"
        var out = "<table><thead>\(head)</thead><tbody>"
        let cohorts = ["overall"] + set[0].cohorts.map(\.cohort)
        for cohort in cohorts {
            for metric in PairedBootstrap.Metric.allCases {
                let lookup = cohort == "overall" ? analyses.indices.first { Self.sameSetting(analyses[$0][0], set[0]) }! : i
                let rates = rows.filter { $0.analysis == lookup && $0.cohort == cohort && $0.metric == metric && $0.kind == "rate" }
                guard rates.count == runs.count else { continue }
                out += "<tr><td>\(HTML.escape(Finding.labelValues(cohort)))</td><td>\(metric.rawValue.uppercased())</td>"
                out += rates.map { row in
                    "<td>\(HTML.percent(row.value.isFinite ? row.value : nil)) <small>(\(HTML.grouped(row.count!.errors))/\(HTML.grouped(row.count!.trials)))</small></td>"
                }.joined()
                for (a, b) in pairs {
                    let d = rows.first {
                        $0.analysis == lookup && $0.cohort == cohort && $0.metric == metric && $0.kind == "difference" && $0.run == a
                            && $0.versus == b
                    }
                    out +=
                        "<td>\(d.map { "\(Self.points($0.value)) <small>(\(Self.intervalText($0.interval, ratio: false)))</small>" } ?? "–")</td>"
                }
                out += "</tr>"
            }
        }
        return out + "</tbody></table>"
    }

    /// A difference of rates in percentage points, signed: "−1.3 percentage points".
    static func points(_ x: Double) -> String {
        guard x.isFinite else { return "not defined" }
        let p = x * 100
        let text = abs(p) >= 1 ? String(format: "%.1f", abs(p)) : String(format: "%.2g", abs(p))
        return (p < 0 ? "\u{2212}" : p > 0 ? "+" : "") + text + " percentage points"
    }

    /// An interval as text: percentage points for a difference, times for a ratio.
    static func intervalText(_ interval: BinomialInterval?, ratio: Bool) -> String {
        guard let interval else { return "interval not estimable" }
        if ratio {
            let upper = interval.upper.isFinite ? Finding.times(interval.upper) + "×" : "no upper limit"
            return "95% interval \(Finding.times(interval.lower))× to \(upper)"
        }
        func pp(_ x: Double) -> String {
            let p = x * 100
            return (p < 0 ? "\u{2212}" : "") + (abs(p) >= 1 ? String(format: "%.1f", abs(p)) : String(format: "%.2g", abs(p)))
        }
        return "\(pp(interval.lower)) to \(pp(interval.upper))"
    }
}

extension String {
    /// The string with the first `maxReplacements` occurrences of `target` replaced.
    fileprivate func replacingOccurrences(of target: String, with replacement: String, maxReplacements: Int) -> String {
        guard maxReplacements > 0, let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
