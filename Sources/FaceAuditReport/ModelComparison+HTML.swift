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
        let phrases = zip(runs, analyses[first]).map { run, analysis in
            Finding.operatingPointPhrase(
                analysis, polarity: run.summary.verification.polarity == "dissimilarity" ? .dissimilarity : .similarity)
        }
        // Runs at different fixed thresholds (one model at two settings, say): each run's, named.
        let phrase =
            Set(phrases).count == 1
            ? phrases[0]
            : "At each run's fixed threshold: "
                + zip(runs, phrases).map { "\($0.name) \($1.prefix(1).lowercased() + $1.dropFirst())" }
                .joined(separator: "; ")
        var out = ["<h2>\(HTML.escape(phrase))</h2>"]
        let indices = analyses.indices.filter { Self.sameSetting(analyses[$0][0], a0) }
        var sentences: [String] = []
        for metric in PairedBootstrap.Metric.allCases {
            sentences += differenceSentence(analysis: first, cohort: "overall", metric: metric)
        }
        for i in indices where analyses[i][0].dimensions.names.count == 1 {
            for metric in PairedBootstrap.Metric.allCases {
                sentences += ratioSentence(analysis: i, metric: metric)
                // The cohorts the runs fail most, compared across runs.
                var worst: [String] = []
                for analysis in analyses[i] {
                    if let c = analysis.worstBest?.first(where: { $0.metric == metric.rawValue }), !worst.contains(c.worst) {
                        worst.append(c.worst)
                    }
                }
                for cohort in worst { sentences += differenceSentence(analysis: i, cohort: cohort, metric: metric) }
            }
        }
        if !sentences.isEmpty { out.append("<ul>" + sentences.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>") }
        // The sentences above carry what a reader quotes; each table behind them folds (the page stays short).
        for i in indices {
            let by = analyses[i][0].dimensions.names.joined(separator: " × ").replacingOccurrences(of: "_", with: " ")
            let groups = analyses[i][0].cohorts.count
            out.append(
                "<details class=\"fold\"><summary>By \(HTML.escape(by)): each run's rates for \(groups) group\(groups == 1 ? "" : "s")"
                    + (paired ? " and the differences between runs" : "") + "</summary>")
            out.append(table(analysis: i))
            out.append("</details>")
        }
        return out
    }

    /// "By ethnicity, A falsely matched two different people labelled “black” 3.1× as often as two labelled
    /// “white” (95% interval …); B 2.0× (…)." Each run's own worst and best groups and interval (from its
    /// findings); an interval that does not lie above 1 is followed by "which includes 1: no difference
    /// shown"; nil when no run has a ratio.
    func ratioSentence(analysis i: Int, metric: PairedBootstrap.Metric) -> [String] {
        let comparisons = analyses[i].map { $0.worstBest?.first { $0.metric == metric.rawValue } }
        func quoted(_ cohort: String) -> String { "\u{201C}\(Finding.labelValues(cohort))\u{201D}" }
        let by = "By " + analyses[i][0].dimensions.names.joined(separator: " × ").replacingOccurrences(of: "_", with: " ")
        guard let lead = comparisons.firstIndex(where: { $0?.ratio != nil }), let first = comparisons[lead] else {
            // No run has a ratio; say why where some run made errors at all.
            let why = zip(runs, comparisons).compactMap { run, c -> String? in
                guard let c, c.worstCount.errors > 0 else { return nil }
                return
                    "\(run.name) made \(c.worstCount.errors) among people labelled \(quoted(c.worst)) and none among people labelled \(quoted(c.best))"
            }
            guard !why.isEmpty else { return [] }
            let errors = metric == .fmr ? "false matches" : "missed matches"
            return ["\(by), no ratio of \(errors) can be stated: " + why.joined(separator: "; ") + "."]
        }
        let parts = comparisons.indices.map { r -> String in
            let name = runs[r].name
            guard let c = comparisons[r] else { return "\(name): no two groups to compare" }
            guard let ratio = c.ratio else {
                return
                    "\(name): no ratio (\(c.bestCount.errors == 0 ? "no errors among people labelled \(quoted(c.best))" : "not defined"))"
            }
            // A ratio whose interval does not lie above 1 is not a difference the data shows: said in place.
            let weak = c.interval.map { $0.lower <= 1 } ?? false
            let interval = Self.intervalText(c.interval, ratio: true) + (weak ? ", which includes 1: no difference shown" : "")
            if r == lead {
                let verb =
                    metric == .fmr
                    ? "falsely matched two different people labelled \(quoted(c.worst)) \(Finding.times(ratio))× as often as two labelled"
                    : "failed to match the two photos of people labelled \(quoted(c.worst)) \(Finding.times(ratio))× as often as of people labelled"
                return "\(name) \(verb) \(quoted(c.best)) (\(interval))"
            }
            if c.worst == first.worst && c.best == first.best { return "\(name) \(Finding.times(ratio))× (\(interval))" }
            return "\(name) \(quoted(c.worst)) \(Finding.times(ratio))× as often as \(quoted(c.best)) (\(interval))"
        }
        return ["\(by), " + ([parts[lead]] + parts.indices.filter { $0 != lead }.map { parts[$0] }).joined(separator: "; ") + "."]
            + quotientSentences(analysis: i, metric: metric)
    }

    /// "Resampling the same people for both runs, london-dlib's ratio is 3.1× london-facenet's (95% interval
    /// 0.9× to 12×, which includes 1: no difference shown)." One per pair of runs that name the same worst and
    /// best groups; the larger ratio is named first.
    func quotientSentences(analysis i: Int, metric: PairedBootstrap.Metric) -> [String] {
        rows.filter { $0.analysis == i && $0.metric == metric && $0.kind == "ratio_quotient" }.compactMap { q in
            guard let versus = q.versus, q.value.isFinite, q.value > 0 else { return nil }
            let flip = q.value < 1
            let (larger, smaller) = flip ? (runs[versus].name, runs[q.run].name) : (runs[q.run].name, runs[versus].name)
            let value = flip ? 1 / q.value : q.value
            let interval = q.interval.map { b in
                flip ? BinomialInterval(lower: b.upper.isFinite ? 1 / b.upper : 0, upper: b.lower > 0 ? 1 / b.lower : .infinity) : b
            }
            let weak = interval.map { $0.lower <= 1 } ?? true
            return
                "Resampling the same people for both runs, \(larger)'s ratio (\u{201C}\(Finding.labelValues(q.cohort))\u{201D} to "
                + "\u{201C}\(Finding.labelValues(String(q.note.dropFirst("best: ".count))))\u{201D}) is \(Finding.times(value))× \(smaller)'s ("
                + Self.intervalText(interval, ratio: true) + (weak ? ", which includes 1: no difference shown" : "") + ")."
        }
    }

    /// "A falsely matched two different people labelled “black” in 15 of 312 comparisons (4.8%), B in 19 of 312 (6.1%): a difference of …".
    func differenceSentence(analysis i: Int, cohort: String, metric: PairedBootstrap.Metric) -> [String] {
        let rates = rows.filter { $0.analysis == i && $0.cohort == cohort && $0.metric == metric && $0.kind == "rate" }
        // Nothing to say where no run made an error in this group (the table still shows it).
        guard rates.count == runs.count, cohort == "overall" || rates.contains(where: { $0.count!.errors > 0 }) else { return [] }
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
                    // An interval that holds 0 is not a difference the data shows: said in place, as for ratios.
                    let none = d.interval.map { $0.lower <= 0 && $0.upper >= 0 } ?? false
                    return
                        "\(runs[d.run].name) minus \(runs[d.versus!].name) \(Self.points(d.value)) (95% interval \(Self.intervalText(d.interval, ratio: false))"
                        + (none ? ", which includes 0: no difference shown)" : ")")
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
                    // A group with nothing to compare says so in words, as the run's own report does.
                    guard row.count!.trials > 0 else {
                        return
                            "<td>not measured <small>(\(metric == .fmr ? "no pairs of different people" : "no mated pairs"))</small></td>"
                    }
                    return
                        "<td>\(HTML.percent(row.value.isFinite ? row.value : nil)) <small>(\(HTML.grouped(row.count!.errors))/\(HTML.grouped(row.count!.trials)))</small></td>"
                }.joined()
                for (a, b) in pairs {
                    let d = rows.first {
                        $0.analysis == lookup && $0.cohort == cohort && $0.metric == metric && $0.kind == "difference" && $0.run == a
                            && $0.versus == b
                    }
                    // No difference of two rates that neither run measured.
                    let measured = rates.allSatisfy { $0.count!.trials > 0 }
                    out +=
                        "<td>\(!measured ? "not measured" : d.map { "\(Self.points($0.value)) <small>(\(Self.intervalText($0.interval, ratio: false)))</small>" } ?? "–")</td>"
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
