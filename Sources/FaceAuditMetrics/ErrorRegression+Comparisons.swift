import Foundation

extension ErrorRegression {
    /// What the regressions need about each sample (image) beyond ``LabeledComparisons``, indexed like its
    /// `probeSample`/`referenceSample`.
    public struct SampleCovariates: Sendable {
        /// Age at capture, years (nil: unknown).
        public var ages: [Double?]
        /// Capture time in years (e.g. a decimal year from the capture date; nil: undated).
        public var captureYears: [Double?]
        /// Image-quality covariates, each a column of the false-non-match design (empty: none measured).
        public var qualities: [QualityCovariate]

        /// One image-quality value per sample (nil: not measured), named `quality`; nil for none.
        public var quality: [Double?]? { qualities.first?.values }

        /// Covariates of `ages.count` samples, with at most one quality value per sample, named `quality`.
        public init(ages: [Double?], captureYears: [Double?], quality: [Double?]? = nil) {
            self.init(
                ages: ages, captureYears: captureYears, qualities: quality.map { [QualityCovariate(name: "quality", values: $0)] } ?? [])
        }

        /// Covariates of `ages.count` samples with named quality covariates.
        public init(ages: [Double?], captureYears: [Double?], qualities: [QualityCovariate]) {
            precondition(
                ages.count == captureYears.count && qualities.allSatisfy { $0.values.count == ages.count }, "one value per sample")
            self.ages = ages
            self.captureYears = captureYears
            self.qualities = qualities
        }
    }

    /// A named image-quality covariate: one value per sample (nil: not measured). A mated pair's value is the
    /// lower of its two photos'; the name is the design column's (say the unit in it, e.g. "per SD").
    public struct QualityCovariate: Sendable {
        /// The column name.
        public var name: String
        /// One value per sample.
        public var values: [Double?]

        /// Creates a covariate.
        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    /// One regression's result, or why there is none.
    public struct Outcome: Sendable, Codable, Equatable {
        /// The fit, nil when it failed.
        public var fit: Fit?
        /// The typed error's text when it failed.
        public var error: String?
        /// Pairs left out: no score (failure to acquire), or a missing cohort or age on either side.
        public var excludedPairs: Int

        enum CodingKeys: String, CodingKey {
            case fit, error
            case excludedPairs = "excluded_pairs"
        }
    }

    /// Both regressions of a run at one similarity threshold, for `summary.json`.
    public struct Analysis: Sendable, Codable, Equatable {
        /// The similarity threshold τ (an error: non-mated score ≥ τ, mated score < τ).
        public var threshold: Double
        /// The attributes and reference levels of the false-match design.
        public var attributes: [Attribute]
        /// False match on non-mated pairs, two-way clustered by person.
        public var falseMatch: Outcome
        /// False non-match on mated pairs, clustered by person.
        public var falseNonMatch: Outcome
        /// The run's operating point this threshold belongs to: its target FMR (nil for a fixed threshold),
        /// set by the caller.
        public var targetFMR: Double?
        /// The threshold in the scores' own units (a distance for dlib), set by the caller.
        public var scoreThreshold: Double?
        /// A fixed threshold's label, set by the caller.
        public var thresholdLabel: String?

        enum CodingKeys: String, CodingKey {
            case threshold, attributes
            case falseMatch = "false_match"
            case falseNonMatch = "false_non_match"
            case targetFMR = "target_fmr"
            case scoreThreshold = "score_threshold"
            case thresholdLabel = "threshold_label"
        }
    }

    /// The two regressions of a run at similarity threshold `threshold`.
    ///
    /// `attributes` holds one ``LabeledComparisons`` per marginal attribute (one dimension each, cohort
    /// names `attribute=level`), all of the same comparisons in the same order. Per attribute, a person's
    /// level is the cohort most of their compared images have (ties: the lower cohort index); the reference
    /// level is `references[attribute]` when given, else the level with the most people (ties: the lower
    /// index). A level with fewer than `minimumPeople` people is left out (``Attribute/omitted``) and its
    /// people's pairs are excluded: a level of one or two people would separate the outcomes or give a
    /// cluster-robust error from too few clusters. A person's age is the mean age of their compared images.
    ///
    /// False match: every scored non-mated comparison whose two people both have a level for every attribute
    /// and (when any person has an age) an age; the person pair is (lower subject index, higher), its row
    /// ``FalseMatchDesign/row(levels:age:levels:age:)`` with the age difference rounded to whole years.
    /// False non-match: every scored mated comparison with an age on both photos; age at enrolment = the
    /// younger photo's age and years elapsed = the capture-year difference when both are dated, else the
    /// age difference, each rounded to whole years (`years elapsed` is a column whenever a mated pair is
    /// kept); each of ``SampleCovariates/qualities`` is a column (the lower of the two photos' values; pairs
    /// without a value on either photo are left out, one photo's value is the pair's when the other has none).
    public static func analyze(
        attributes: [LabeledComparisons], threshold: Double, samples: SampleCovariates, references: [String: String] = [:],
        minimumPeople: Int = 1, alpha: Double = 0.05
    ) -> Analysis {
        analyze(
            attributes: attributes, thresholds: [threshold], samples: samples, references: references, minimumPeople: minimumPeople,
            alpha: alpha)[0]
    }

    /// ``analyze(attributes:threshold:samples:references:minimumPeople:alpha:)`` at each of `thresholds`, from
    /// one pass over the comparisons (levels, ages and person pairs do not depend on the threshold).
    public static func analyze(
        attributes: [LabeledComparisons], thresholds: [Double], samples: SampleCovariates, references: [String: String] = [:],
        minimumPeople: Int = 1, alpha: Double = 0.05
    ) -> [Analysis] {
        let t = tallies(
            attributes: attributes, thresholds: thresholds, samples: samples, references: references, minimumPeople: minimumPeople)
        return thresholds.indices.map { i in
            Analysis(
                threshold: thresholds[i], attributes: t.attributes,
                falseMatch: outcome(t.falseMatch[i], excluded: t.falseMatchExcluded, attributes: t.attributes, alpha: alpha),
                falseNonMatch: outcome(t.falseNonMatch[i], excluded: t.falseNonMatchExcluded, alpha: alpha))
        }
    }

    /// The tallies ``analyze(attributes:threshold:samples:references:alpha:)`` fits.
    static func tallies(
        attributes: [LabeledComparisons], threshold: Double, samples: SampleCovariates, references: [String: String],
        minimumPeople: Int = 1
    )
        -> (
            attributes: [Attribute], falseMatch: ErrorRegressionTallies, falseMatchExcluded: Int, falseNonMatch: ErrorRegressionTallies,
            falseNonMatchExcluded: Int
        )
    {
        let t = tallies(
            attributes: attributes, thresholds: [threshold], samples: samples, references: references, minimumPeople: minimumPeople)
        return (t.attributes, t.falseMatch[0], t.falseMatchExcluded, t.falseNonMatch[0], t.falseNonMatchExcluded)
    }

    /// The tallies at each of `thresholds`, in one pass over the comparisons.
    static func tallies(
        attributes: [LabeledComparisons], thresholds: [Double], samples: SampleCovariates, references: [String: String],
        minimumPeople: Int
    )
        -> (
            attributes: [Attribute], falseMatch: [ErrorRegressionTallies], falseMatchExcluded: Int,
            falseNonMatch: [ErrorRegressionTallies], falseNonMatchExcluded: Int
        )
    {
        let data = attributes[0]
        precondition(attributes.allSatisfy { $0.count == data.count }, "the same comparisons for every attribute")
        let people = data.subjectCount
        // Per attribute: every comparison is a vote of both its people for their images' cohorts.
        let votes = attributes.map { set in
            var votes = [[Int]](repeating: [Int](repeating: 0, count: set.cohortNames.count), count: people)
            for k in 0..<set.count {
                for (s, c) in [(set.probeSubject[k], set.probeCohort[k]), (set.referenceSubject[k], set.referenceCohort[k])] where c >= 0 {
                    votes[Int(s)][Int(c)] += 1
                }
            }
            return votes
        }
        // Ages of the compared images, each image once.
        var ageSum = [Double](repeating: 0, count: people)
        var ageCount = [Int](repeating: 0, count: people)
        var seen = Set<Int32>()
        for k in 0..<data.count {
            for (s, sample) in [(data.probeSubject[k], data.probeSample[k]), (data.referenceSubject[k], data.referenceSample[k])]
            where sample >= 0 && !seen.contains(sample) {
                seen.insert(sample)
                if let age = samples.ages[Int(sample)] {
                    ageSum[Int(s)] += age
                    ageCount[Int(s)] += 1
                }
            }
        }
        let persons = PersonCovariates(
            votes: votes, cohortNames: attributes.map(\.cohortNames), ageSum: ageSum, ageCount: ageCount, references: references,
            minimumPeople: minimumPeople)
        let fm = FalseMatchDesign(attributes: persons.design, ageDifference: persons.withAges)
        var pairs: [PairKey: (trials: Int, events: [Int])] = [:]
        var fmExcluded = 0
        for k in 0..<data.count {
            let score = data.scores[k]
            let a = Int(data.probeSubject[k])
            let b = Int(data.referenceSubject[k])
            if !data.mated[k] {
                guard !score.isNaN, persons.levels[a] != nil, persons.levels[b] != nil else {
                    fmExcluded += 1
                    continue
                }
                let key = PairKey(first: min(a, b), second: max(a, b))
                pairs[key, default: (0, [Int](repeating: 0, count: thresholds.count))].trials += 1
                for (i, threshold) in thresholds.enumerated() where score >= threshold { pairs[key]!.events[i] += 1 }
            }
        }
        var tallies = [ErrorRegressionTallies](repeating: fm.tallies(), count: thresholds.count)
        for key in pairs.keys.sorted(by: { ($0.first, $0.second) < ($1.first, $1.second) }) {
            let row = persons.row(fm, key.first, key.second)
            let count = pairs[key]!
            for i in thresholds.indices {
                tallies[i].add(first: key.first, second: key.second, row: row, trials: count.trials, events: count.events[i])
            }
        }
        let mated = falseNonMatchTallies(
            (0..<data.count).lazy.filter { data.mated[$0] }.map { k in
                (person: Int(data.probeSubject[k]), i: Int(data.probeSample[k]), j: Int(data.referenceSample[k]), score: data.scores[k])
            }, thresholds: thresholds, samples: samples)
        var inFit = [Bool](repeating: false, count: people)
        for key in pairs.keys { (inFit[key.first], inFit[key.second]) = (true, true) }
        return (persons.design(peopleInFit: inFit), tallies, fmExcluded, mated.tallies, mated.excluded)
    }

    /// The false-non-match tallies of mated comparisons (person, sample i, sample j, similarity) at each of
    /// `thresholds`, and how many were left out (no score, an unknown age; see
    /// ``analyze(attributes:threshold:samples:references:minimumPeople:alpha:)``).
    static func falseNonMatchTallies(
        _ comparisons: some Sequence<(person: Int, i: Int, j: Int, score: Double)>, thresholds: [Double], samples: SampleCovariates
    ) -> (tallies: [ErrorRegressionTallies], excluded: Int) {
        var excluded = 0
        var elapsedKnown = false
        var mated: [(person: Int, enrolment: Double, elapsed: Double, quality: [Double], score: Double)] = []
        for c in comparisons {
            let (i, j) = (c.i, c.j)
            guard !c.score.isNaN, i >= 0, j >= 0, let x = samples.ages[i], let y = samples.ages[j] else {
                excluded += 1
                continue
            }
            let elapsed: Double
            if let s = samples.captureYears[i], let t = samples.captureYears[j] { elapsed = abs(s - t) } else { elapsed = abs(x - y) }
            elapsedKnown = true
            let q = samples.qualities.compactMap { quality in [quality.values[i], quality.values[j]].compactMap { $0 }.min() }
            if q.count < samples.qualities.count {
                excluded += 1
                continue
            }
            mated.append((c.person, min(x, y).rounded(), elapsed.rounded(), q, c.score))
        }
        // Years elapsed is a column only where it varies: photos all of one session (0 years, or one gap for
        // everyone) would make the design singular, and say nothing about time.
        let varies = Set(mated.map(\.elapsed)).count > 1
        let fnm = FalseNonMatchDesign(yearsElapsed: elapsedKnown && varies, qualities: samples.qualities.map(\.name))
        var tallies = [ErrorRegressionTallies](repeating: fnm.tallies(), count: thresholds.count)
        for m in mated {
            let row = fnm.row(enrolmentAge: m.enrolment, yearsElapsed: m.elapsed, qualities: m.quality)
            for (i, threshold) in thresholds.enumerated() {
                tallies[i].add(first: m.person, second: nil, row: row, trials: 1, events: m.score < threshold ? 1 : 0)
            }
        }
        return (tallies, excluded)
    }

    /// Who the people of a regression are: per attribute, each person's level (the cohort most of their
    /// votes name; ties: the lower cohort index) in design order, and their mean age.
    struct PersonCovariates {
        /// The attributes, reference level first, levels with too few people left out.
        var design: [Attribute] = []
        /// Each person's level index per attribute in design order; nil when a level is missing or left out,
        /// or, with ages, the age is unknown.
        var levels: [[Int]?]
        /// Each person's mean age (0 without ages).
        var age: [Double]
        /// Whether any person has an age.
        var withAges: Bool

        /// `votes[attribute][person][cohort]` counts, `cohortNames[attribute]` the names `attribute=level`;
        /// ages summed and counted per person.
        init(votes: [[[Int]]], cohortNames: [[String]], ageSum: [Double], ageCount: [Int], references: [String: String], minimumPeople: Int)
        {
            let withAges = ageCount.contains { $0 > 0 }
            // Per attribute, each person's cohort (−1: none) and the level names.
            let cohortOf = votes.map { v in
                v.map { v in v.allSatisfy { $0 == 0 } ? -1 : v.indices.max { v[$0] < v[$1] || (v[$0] == v[$1] && $0 > $1) }! }
            }
            let levelNames = cohortNames.map { $0.map { CohortName.parts($0).first.map { $0.value ?? $0.dimension } ?? "" } }
            // People per level, per attribute. Levels with too few people (none, for a level only named) leave
            // the design; so do their people.
            let named = cohortOf.indices.map { a in
                var peopleIn = [Int](repeating: 0, count: levelNames[a].count)
                for c in cohortOf[a] where c >= 0 { peopleIn[c] += 1 }
                return peopleIn
            }
            var kept = named.map { peopleIn in Set(peopleIn.indices.filter { peopleIn[$0] >= max(1, minimumPeople) }) }
            // So do levels none of whose people is in the fit (all without an age, with ages, or all without
            // a kept level of another attribute, such as `age_band=unknown`): their column would be zero in
            // every row, and the design singular. Leaving them out moves no person in or out of the fit.
            var inFit = cohortOf.indices.map { [Bool](repeating: false, count: levelNames[$0].count) }
            for person in ageCount.indices where !withAges || ageCount[person] > 0 {
                guard cohortOf.indices.allSatisfy({ kept[$0].contains(cohortOf[$0][person]) }) else { continue }
                for a in cohortOf.indices { inFit[a][cohortOf[a][person]] = true }
            }
            for a in kept.indices { kept[a] = kept[a].filter { inFit[a][$0] } }
            var levelOf: [[Int]] = []  // [attribute][person] → level index in design order, −1 unknown
            for (a, names) in cohortNames.enumerated() {
                let name = names.first.flatMap { CohortName.parts($0).first?.dimension } ?? ""
                let levels = levelNames[a]
                var peopleIn = named[a]
                let keptLevels = levels.indices.filter { kept[a].contains($0) }
                let omitted = levels.indices.filter { !kept[a].contains($0) && peopleIn[$0] > 0 }.map { levels[$0] }
                let cohort = cohortOf[a].map { $0 >= 0 && kept[a].contains($0) ? $0 : -1 }
                for c in levels.indices where !kept[a].contains(c) { peopleIn[c] = 0 }
                let reference =
                    references[name].flatMap { levels.firstIndex(of: $0) }.flatMap { kept[a].contains($0) ? $0 : nil }
                    ?? keptLevels.max { peopleIn[$0] < peopleIn[$1] || (peopleIn[$0] == peopleIn[$1] && $0 > $1) } ?? 0
                let order = [reference] + keptLevels.filter { $0 != reference }
                var position = [Int](repeating: -1, count: levels.count)
                for (i, c) in order.enumerated() { position[c] = i }
                design.append(Attribute(name: name, levels: order.map { levels[$0] }, omitted: omitted.isEmpty ? nil : omitted))
                levelOf.append(cohort.map { $0 >= 0 ? position[$0] : -1 })
            }
            self.withAges = withAges
            age = zip(ageSum, ageCount).map { withAges && $1 > 0 ? $0 / Double($1) : 0 }
            levels = ageCount.indices.map { person in
                let l = levelOf.map { $0[person] }
                return l.contains(-1) || (withAges && ageCount[person] == 0) ? nil : l
            }
        }

        /// ``design`` with each level's ``Attribute/people``: those of `inFit` (the people in at least one
        /// false-match pair of the fit). A person with levels whose every photo failed, or whose every
        /// non-mated comparison was left out, is in no pair and not counted.
        func design(peopleInFit inFit: [Bool]) -> [Attribute] {
            var design = self.design
            for a in design.indices {
                var people = [Int](repeating: 0, count: design[a].levels.count)
                for (person, l) in levels.enumerated() where inFit[person] { if let l { people[l[a]] += 1 } }
                design[a].people = people
            }
            return design
        }

        /// The false-match row of people `a` and `b` (both with levels), the age difference rounded to
        /// whole years.
        func row(_ design: FalseMatchDesign, _ a: Int, _ b: Int) -> [Double] {
            var row = design.row(levels: levels[a]!, age: age[a], levels: levels[b]!, age: age[b])
            if withAges { row[row.count - 1] = row[row.count - 1].rounded() }
            return row
        }
    }

    struct PairKey: Hashable {
        var first: Int
        var second: Int
    }
}
