import FaceAuditMetrics
import Foundation

extension HTMLReport {
    /// The error regression the report shows: the one at the report's target FMR when its false-match
    /// model could be fitted, else the first of the run's operating points whose could; nil when none could.
    static func shownRegression(_ s: RunSummary, target: Double) -> ErrorRegression.Analysis? {
        let all = s.errorRegression ?? []
        return all.first { $0.targetFMR == target && $0.falseMatch.fit != nil } ?? all.first { $0.falseMatch.fit != nil }
    }

    /// One coefficient in words, e.g. "each person labelled “black” in the pair instead of “white”"; nil for
    /// the intercept.
    static func regressionTerm(_ name: String, attributes: [ErrorRegression.Attribute]) -> String? {
        if name == "intercept" { return nil }
        if name == "age difference" { return "each year of age between the two people" }
        if name == "years elapsed" { return "each year between the two photos" }
        if name == "age at enrolment" { return "each year of age at the earlier photo" }
        if name.hasPrefix("same ") {
            let attribute = String(name.dropFirst(5))
            return "two people whose \(attribute.replacingOccurrences(of: "_", with: " ")) labels match rather than differ"
        }
        guard let part = CohortName.parts(name).first, let level = part.value,
            let attribute = attributes.first(where: { $0.name == part.dimension }), let reference = attribute.levels.first
        else { return name }
        let pieces = [part.dimension, level]
        // Age bands read as ages ("aged 8-12"); other labels as the report names them.
        if pieces[0] == "age_band" { return "each person aged \(pieces[1]) in the pair instead of \(reference)" }
        let group = { (level: String) in value(of: "\(pieces[0])=\(level)") }
        return
            "each person labelled \u{201C}\(group(pieces[1]))\u{201D} in the pair instead of \u{201C}\(group(reference))\u{201D}"
    }

    /// The term a design column belongs to: "ethnicity" for "ethnicity=black", the column's own name otherwise
    /// ("same gender", "age difference").
    static func regressionTermName(_ column: String) -> String {
        if column.hasPrefix("same ") { return column }
        guard let part = CohortName.parts(column).first, part.value != nil else { return column }
        return part.dimension
    }

    /// Why the paragraph can name a label where the summary finds no group failing more often: a reader
    /// of a 525-cohort report saw both on one page and read them as a contradiction.
    static let regressionVersusSummary =
        "The summary compares groups by the pairs within each group; this model uses every pair and holds the other labels fixed, so the two can differ."

    /// What the paragraph said of a fit clustered two ways (results written before `covariance_type`), whose
    /// intervals miss a person's covariance across the pair's two roles (`scripts/bench/regression-calibration`
    /// at 202bf4a: random labels significant in 22 of 24 fits).
    static let twoWayCaution =
        " Caution: these intervals are likely too narrow. With ethnicity labels handed out at random to 1,500 simulated people, this regression still called the label significant in 22 of 24 trials (about 1 in 20 expected). Treat each association as a lead, not a finding."

    /// After "no label went clearly…": how many columns' 95% intervals missed 1 all the same, so that the
    /// sentence is not read as "no sign at all" (`REAL_GROUP=30 scripts/bench/regression-calibration`: a
    /// truly different group of 30 is not named in 4 of 8 fits at FMR 1e-4); empty when none did.
    static func notClearYet(_ unclear: [UnclearEntry]) -> String {
        let count = unclear.filter { $0.kind == .missesOne }.count
        guard count > 0 else { return "" }
        return count == 1
            ? " One covariate's 95% interval does miss 1, but not by this report's standard (below, under what showed no clear association)."
            : " \(count) covariates' 95% intervals do miss 1, but not by this report's standard (below, under what showed no clear association)."
    }

    /// What `scripts/bench/regression-calibration` measured for the fold's note (24 seeds, three operating
    /// points each, 1,500 simulated people with random ethnicity labels): trials naming a random group with
    /// 50 and with 10 groups, and random groups named a trial with 50 groups by the plain intervals.
    static let calibration = (named50: 3, named10: 0, plainNamed50: 4)

    /// A covariate the paragraph does not name, as the fold lists it.
    struct UnclearEntry: Equatable {
        enum Kind: Equatable {
            /// Its 95% interval includes 1; nothing more is said of it.
            case plain
            /// Its 95% interval misses 1, but not by the report's standard (the text says why).
            case missesOne
            /// Its interval could not be estimated.
            case notEstimable
        }
        /// Its term (``regressionTermName(_:)``).
        var term: String
        /// What the fold says of it.
        var text: String
        var kind: Kind
    }

    /// The unclear entries as the fold lists them: a label with more than five groups that show nothing, one
    /// entry ("each person in any of 47 other ethnicity groups instead of “white”"), at its first group's
    /// place; every other entry as it is.
    static func summarizingLongLabels(
        _ entries: [UnclearEntry], attributes: [ErrorRegression.Attribute]
    ) -> [String] {
        var plainCount: [String: Int] = [:]
        for e in entries where e.kind == .plain { plainCount[e.term, default: 0] += 1 }
        var done: Set<String> = []
        var out: [String] = []
        for e in entries {
            guard e.kind == .plain, let n = plainCount[e.term], n > 5,
                let attribute = attributes.first(where: { $0.name == e.term }), let reference = attribute.levels.first
            else {
                out.append(e.text)
                continue
            }
            guard done.insert(e.term).inserted else { continue }
            let what = e.term == "age_band" ? "age bands" : "\(e.term.replacingOccurrences(of: "_", with: " ")) groups"
            let against = e.term == "age_band" ? reference : "\u{201C}\(value(of: "\(e.term)=\(reference)"))\u{201D}"
            out.append("each person in any of \(n) other \(what) instead of \(against)")
        }
        return out
    }

    /// "What goes with more false matches": the regression's clear associations in sentences, the others
    /// named, and every coefficient in a folded table. Empty when the run has no regression.
    static func regressionSection(_ s: RunSummary, target: Double) -> [String] {
        guard let all = s.errorRegression, !all.isEmpty else { return [] }
        var out = ["<h2>What goes with more false matches</h2>"]
        guard let shown = shownRegression(s, target: target), let fit = shown.falseMatch.fit else {
            let why = all.compactMap(\.falseMatch.error).first ?? "no pairs"
            out.append("<p>No model of false matches could be fitted at any threshold of this run: \(HTML.escape(why)).</p>")
            return out
        }
        let at =
            shown.targetFMR.map { "the threshold for \(HTML.oneIn($0)) false matches" }
            ?? (shown.thresholdLabel ?? "a fixed threshold of \(HTML.number(shown.scoreThreshold, 6))")
        var clear: [String] = []
        // What showed no clear association.
        var unclearEntries: [UnclearEntry] = []
        // A group (`attribute=level`) is named when its group interval misses 1 (allowing for few people and
        // for its label's other groups: ``ErrorRegression/Coefficient/groupP``) and the label as a whole goes
        // with false matches (clustered Wald p < 0.05); another column when its interval misses 1. With 50
        // random groups of about 30 people the plain intervals named about 4 random groups a trial and the
        // Wald test of the label over-rejects (`scripts/bench/regression-calibration`).
        let termTests = Dictionary(fit.terms.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        // A fit written before `covariance_type` was clustered two ways and has no group intervals to gate on:
        // its groups are named by their intervals, as the report then did, with the caution
        // that went with them (random labels significant in 22 of 24 trials), never as "no label went clearly".
        let twoWay = fit.clustering == .twoPeople && fit.covarianceType == nil
        // A fit written with the score test but before group intervals (no level's people, so no group
        // column has one) is gated as the report then did: both clustered tests of the term, Wald and score,
        // p < 0.05. By the Wald test alone its plain intervals would name about 4 random groups in a label of
        // 50 (`scripts/bench/regression-calibration`), and the note would describe intervals it does not have.
        let beforeGroupIntervals = !twoWay && !shown.attributes.isEmpty && shown.attributes.allSatisfy { $0.people == nil }
        func named(_ term: String, _ c: ErrorRegression.Coefficient, _ lower: Double, _ upper: Double) -> String {
            "\(term), \(Finding.times(c.oddsRatio))× the odds (\(Self.bound(lower))× to \(Self.bound(upper))×)"
        }
        for c in fit.coefficients {
            guard let term = regressionTerm(c.name, attributes: shown.attributes) else { continue }
            let termName = Self.regressionTermName(c.name)
            guard let lower = c.oddsRatioLower, let upper = c.oddsRatioUpper else {
                unclearEntries.append(UnclearEntry(term: termName, text: "\(term) (interval not estimable)", kind: .notEstimable))
                continue
            }
            guard lower > 1 || upper < 1 else {
                unclearEntries.append(UnclearEntry(term: termName, text: term, kind: .plain))
                continue
            }
            if twoWay {
                clear.append(named(term, c, lower, upper))
                continue
            }
            let test = termTests[termName]
            if beforeGroupIntervals {
                if let wald = test?.waldP, let score = test?.scoreP, wald < 0.05, score < 0.05 {
                    clear.append(named(term, c, lower, upper))
                } else {
                    let which = (test?.degreesOfFreedom ?? 1) > 1 ? "the label as a whole" : "it"
                    let shown = { (p: Double?) in p.map { "p = \(HTML.number($0, 2))" } ?? "not computed" }
                    unclearEntries.append(
                        UnclearEntry(
                            term: termName,
                            text:
                                "\(term) (its interval misses 1, but the tests of \(which) do not both find an association: Wald \(shown(test?.waldP)), score \(shown(test?.scoreP)))",
                            kind: .missesOne))
                }
                continue
            }
            let labelP = test?.waldP
            let labelClear = labelP.map { $0 < 0.05 } ?? false
            let labelText = "the label as a whole shows no clear association (Wald p = \(HTML.number(labelP, 2)))"
            if let n = c.groupPeople, let m = c.groupComparisons {
                let allowing = "allowing for \(n) \(n == 1 ? "person" : "people") and \(m) \(m == 1 ? "comparison" : "comparisons")"
                guard let groupLower = c.groupOddsRatioLower, let groupUpper = c.groupOddsRatioUpper else {
                    unclearEntries.append(
                        UnclearEntry(
                            term: termName, text: "\(term) (its 95% interval misses 1, but \(allowing) it cannot be estimated)",
                            kind: .missesOne))
                    continue
                }
                if !(groupLower > 1 || groupUpper < 1) {
                    unclearEntries.append(
                        UnclearEntry(
                            term: termName,
                            text:
                                "\(term) (its 95% interval misses 1, but not \(allowing): \(Self.bound(groupLower))× to \(Self.bound(groupUpper))×)",
                            kind: .missesOne))
                } else if !labelClear {
                    unclearEntries.append(
                        UnclearEntry(term: termName, text: "\(term) (its interval misses 1, but \(labelText))", kind: .missesOne))
                } else {
                    clear.append(named(term, c, groupLower, groupUpper))
                }
            } else if labelClear || (test?.degreesOfFreedom ?? 1) == 1 {
                clear.append(named(term, c, lower, upper))
            } else {
                unclearEntries.append(
                    UnclearEntry(term: termName, text: "\(term) (its interval misses 1, but \(labelText))", kind: .missesOne))
            }
        }
        let unclear = Self.summarizingLongLabels(unclearEntries, attributes: shown.attributes)
        // One paragraph a reader can quote; everything else folds.
        let lead =
            "Holding fixed whether the two people share each label, their other labels and their age difference (a logistic regression of \(HTML.grouped(fit.observations)) different-person pairs, \(HTML.grouped(fit.events)) falsely matched, at \(at)): "
        out.append(
            "<p>"
                + HTML.escape(
                    clear.isEmpty
                        ? lead + "no label went clearly with more or fewer false matches." + Self.notClearYet(unclearEntries)
                        : lead + clear.joined(separator: "; ") + ". These are associations in this dataset, not causes. "
                            + Self.regressionVersusSummary + (twoWay ? Self.twoWayCaution : ""))
                + "</p>")
        var notes: [String] = []
        if shown.targetFMR != target, let failed = all.first(where: { $0.targetFMR == target })?.falseMatch.error {
            notes.append("At the threshold for \(HTML.oneIn(target)) false matches the model could not be fitted: \(failed).")
        }
        if !unclear.isEmpty { notes.append("No clear association: \(unclear.joined(separator: "; ")).") }
        let omitted = shown.attributes.flatMap { a in (a.omitted ?? []).map { value(of: "\(a.name)=\($0)") } }
        let minimum = s.minimumSubjects
        if !omitted.isEmpty {
            notes.append(
                "Left out, with fewer than \(minimum) people: \(omitted.joined(separator: ", ")) (\(fit.observations > 0 ? HTML.grouped(shown.falseMatch.excludedPairs) : "0") pairs)."
            )
        }
        // London's West Asian group is kept under the 10-person rule (10 labelled) and its group interval
        // counts 9 (one has no age band kept): say why the two counts differ.
        if fit.coefficients.contains(where: { ($0.groupPeople ?? minimum) < minimum }) {
            notes.append(
                "A group's interval counts the people in the model's pairs; the \(minimum)-person rule counts everyone labelled, so a kept group can count fewer in its interval."
            )
        }
        // What the intervals are and how the paragraph chose; the last kind of summary is today's.
        let how =
            beforeGroupIntervals
            ? "the 95% intervals are clustered by person: they count each person once, however many pairs they are in. A group is named above only when its interval misses 1 and the label as a whole goes with false matches by two tests clustered the same way, Wald and score (each p < 0.05). Where groups have few people the intervals and the Wald test are likely too liberal and the score test is cautious: with ethnicity labels handed out at random to 1,500 simulated people in 50 groups, the Wald test called the label significant in 22 of 72 trials (about 4 expected), the score test in 0 of 72; the score test can therefore miss a real difference. This summary was written before FaceAudit had group intervals."
            : twoWay
                ? "the 95% intervals are clustered by person: they count each person once, however many pairs they are in. This summary was written before FaceAudit allowed for groups of few people and for a label's many groups."
                : "intervals are clustered by person: they count each person once, however many pairs they are in. A group's interval above also allows for how few people it and the reference group have (Student's t with one degree of freedom fewer than the smaller group's people) and for its label's other groups (Bonferroni); the table below has the plain 95% intervals. A group is named when that interval misses 1 and its label as a whole goes with false matches (clustered Wald test, p < 0.05). With ethnicity labels handed out at random to 1,500 simulated people, this named a random group in \(Self.calibration.named50) of 72 trials with 50 groups (\(Self.calibration.plainNamed50) random groups a trial by the plain intervals) and in \(Self.calibration.named10) of 72 with 10 groups."
        notes.append(
            "A number is how many times the odds of a false match are multiplied; " + how
                + " The labels travel with photo conditions and with how people were recruited, so the regression cannot say what causes the errors."
        )
        if let fnm = shown.falseNonMatch.fit {
            let quality = fnm.coefficients.contains { $0.name.hasPrefix("lower ") }
            notes.append(
                "Missed matches were modelled on \(HTML.grouped(fnm.observations)) same-person pairs (\(HTML.grouped(fnm.events)) missed)"
                    + (quality ? ", with each pair's lower inter-eye distance and sharpness as covariates (\(qualityTitle))" : "")
                    + "; the table has the numbers.")
        } else if let why = shown.falseNonMatch.error {
            notes.append("Missed matches were not modelled: \(why).")
        }
        out.append("<details class=\"fold\"><summary>What showed no clear association, what was left out, and every coefficient</summary>")
        out.append("<p>" + notes.map(HTML.escape).joined(separator: " ") + "</p>")
        for (title, model) in [("False match", fit), ("Missed match", shown.falseNonMatch.fit)] {
            guard let model else { continue }
            // The independent-pairs intervals at the fit's own confidence, as its clustered ones.
            let z = Probit.quantile(1 - (1 - model.confidence) / 2)
            out.append(
                "<table><tr><th>\(title): covariate</th><th>odds ratio (95% interval, clustered by person)</th><th>group interval (few people, many groups)</th><th>intervals if pairs were independent</th></tr>"
                    + model.coefficients.filter { $0.name != "intercept" }.map { c in
                        let naive = (
                            Finding.times(c.oddsRatio / exp(z * c.naiveStandardError)),
                            Finding.times(c.oddsRatio * exp(z * c.naiveStandardError))
                        )
                        let clustered =
                            c.oddsRatioLower.map {
                                "\(Finding.times(c.oddsRatio)) (\(Finding.times($0))–\(Finding.times(c.oddsRatioUpper ?? .infinity)))"
                            }
                            ?? "\(Finding.times(c.oddsRatio)) (not estimable)"
                        let group =
                            c.groupOddsRatioLower.map { "\(Finding.times($0))–\(Finding.times(c.groupOddsRatioUpper ?? .infinity))" }
                            ?? (c.groupPeople != nil ? "not estimable" : "–")
                        return
                            "<tr><td>\(HTML.escape(c.name))</td><td>\(clustered)</td><td>\(group)</td><td>\(naive.0)–\(naive.1)</td></tr>"
                    }.joined() + "</table>")
            out.append(
                "<table><tr><th>\(title): term</th><th>degrees of freedom</th><th>score test, clustered (p)</th><th>Wald test, clustered (p)</th><th>likelihood ratio (p; assumes independent pairs)</th></tr>"
                    + model.terms.map { t in
                        "<tr><td>\(HTML.escape(t.name))</td><td>\(t.degreesOfFreedom)</td><td>\(HTML.number(t.score, 4)) (\(HTML.number(t.scoreP, 2)))</td><td>\(HTML.number(t.wald, 4)) (\(HTML.number(t.waldP, 2)))</td><td>\(HTML.number(t.likelihoodRatio, 4)) (\(HTML.number(t.likelihoodRatioP, 2)))</td></tr>"
                    }.joined() + "</table>")
        }
        out.append("</details>")
        return out
    }

    /// An interval bound as ``Finding/times(_:)`` writes a ratio, with more digits where that would print a
    /// bound that is not 1 as "1" (0.9996 → "0.9996", never "1"): a clear association's interval must not
    /// read as touching 1.
    static func bound(_ x: Double) -> String {
        let text = Finding.times(x)
        guard text == "1" || text == "1.0" || text == "1.00", x != 1, x.isFinite else { return text }
        for digits in 3...8 {
            let more = String(format: "%.\(digits)g", x)
            if more != "1" { return more }
        }
        return text
    }

    /// `text` with its first letter upper-cased.
    static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}
