import FaceAuditTestSupport
import Foundation
import Testing

@testable import FaceAuditMetrics

/// The all-pairs builder (trials from template counts, events from the listed high-scoring pairs) against
/// the general one fed every comparison.
@Suite struct ErrorRegressionAllPairsTests {
    /// A random all-pairs dataset: people with 1–4 photos, two attributes (one level with only two people, so
    /// `minimumPeople` leaves it out), one person whose photos disagree on a level, failed samples, a person
    /// without ages; scores rise with the "group" level so the fit has something to find.
    struct Dataset {
        var subject: [Int32] = []
        var completed: [Bool] = []
        var gender: [Int32] = []
        var group: [Int32] = []
        var ages: [Double?] = []
        var people = 0
        var scores: [[Double]] = []

        init(people: Int, seed: UInt64) {
            var rng = SplitMix64(seed: seed)
            self.people = people
            for p in 0..<people {
                let photos = 1 + rng.below(4)
                let g = Int32(rng.below(2))
                // Level 3 only for people 0 and 1: too few for minimumPeople 3.
                let level = p < 2 ? Int32(3) : Int32(rng.below(3))
                let age = Double(18 + rng.below(50))
                for k in 0..<photos {
                    subject.append(Int32(p))
                    completed.append(rng.unit() > 0.08)
                    gender.append(g)
                    // Person 5's last photo says another group (their level is the majority's, or the lower on a tie).
                    group.append(p == 5 && k == photos - 1 ? (level + 1) % 3 : level)
                    ages.append(p == 7 ? nil : age + Double(k) * 0.5)
                }
            }
            let n = subject.count
            scores = [[Double]](repeating: [Double](repeating: .nan, count: n), count: n)
            for i in 0..<n {
                for j in (i + 1)..<n where completed[i] && completed[j] {
                    let lift = 0.02 * Double(group[i] + group[j]) + (gender[i] == gender[j] ? 0.03 : 0)
                    scores[i][j] = subject[i] == subject[j] ? 0.7 + 0.3 * rng.unit() : min(1, 0.8 * rng.unit() + lift + 0.1 * rng.unit())
                }
            }
        }

        var names: [[String]] { [["gender=f", "gender=m"], ["group=a", "group=b", "group=c", "group=d"]] }

        /// Every comparison, per attribute.
        var labeled: [LabeledComparisons] {
            [gender, group].enumerated().map { a, cohort in
                var set = LabeledComparisons()
                set.cohortNames = names[a]
                set.subjectCount = people
                for i in subject.indices {
                    for j in (i + 1)..<subject.count {
                        set.append(
                            score: scores[i][j], probe: TestPhoto(subject: Int(subject[i]), sample: i, cohort: cohort[i]),
                            reference: TestPhoto(subject: Int(subject[j]), sample: j, cohort: cohort[j]))
                    }
                }
                return set
            }
        }

        /// The all-pairs design listing the non-mated pairs at or above `from` (and a few below, which must be ignored).
        func allPairs(from: Double) -> ErrorRegression.AllPairsComparisons {
            var mated: [(i: Int32, j: Int32, score: Double)] = []
            var nonMated: [(i: Int32, j: Int32, score: Double)] = []
            for i in subject.indices {
                for j in (i + 1)..<subject.count {
                    if subject[i] == subject[j] {
                        mated.append((Int32(i), Int32(j), scores[i][j]))
                    } else if scores[i][j] >= from - 0.01 {
                        nonMated.append((Int32(i), Int32(j), scores[i][j]))
                    }
                }
            }
            return .init(
                subjectCount: people, sampleSubject: subject, sampleCompleted: completed,
                attributes: [gender, group].enumerated().map { .init(cohortNames: names[$0], sampleCohort: $1) }, mated: mated,
                nonMated: .init(nonMated.reversed()), listedFrom: from)
        }

        var covariates: ErrorRegression.SampleCovariates { .init(ages: ages, captureYears: ages.map { _ in nil }) }
    }

    /// The same tallies, cell by cell (matched by row) and person by person, as one call per person pair.
    static func expectSame(_ a: ErrorRegressionTallies, _ b: ErrorRegressionTallies) {
        #expect(a.columns == b.columns)
        #expect(a.observations == b.observations)
        #expect(a.personPairs == b.personPairs)
        let cellsA = Dictionary(uniqueKeysWithValues: a.cells.indices.filter { a.cells[$0].trials > 0 }.map { (a.row($0), a.cells[$0]) })
        let cellsB = Dictionary(uniqueKeysWithValues: b.cells.indices.filter { b.cells[$0].trials > 0 }.map { (b.row($0), b.cells[$0]) })
        #expect(cellsA == cellsB)
        func byRow(
            _ t: ErrorRegressionTallies, _ d: [ErrorRegressionTallies.PersonCell: ErrorRegressionTallies.Count]
        ) -> [String: [Double]] {
            Dictionary(
                uniqueKeysWithValues: d.map { ("\($0.key.person) \(t.row($0.key.cell))", [$0.value.trials, $0.value.events]) })
        }
        #expect(byRow(a, a.personCounts(first: true)) == byRow(b, b.personCounts(first: true)))
        #expect(byRow(a, a.personCounts(first: false)) == byRow(b, b.personCounts(first: false)))
        #expect(a.clusterPeople == b.clusterPeople)
    }

    /// With ages (a class per person nearly) and without (classes are the levels' combinations), events
    /// in tables, gathered by the first person's class or by cell, and added pair by pair.
    @Test(arguments: [UInt64(1), 2, 3], [(1 << 20, true), (1 << 20, false), (0, true)])
    func sameTalliesAsEveryComparison(seed: UInt64, tables: (limit: Int, byClass: Bool)) {
        for withAges in [true, false] {
            var data = Dataset(people: 70, seed: seed)
            if !withAges { data.ages = data.ages.map { _ in nil } }
            sameTallies(data, tables: tables)
        }
    }

    func sameTallies(_ data: Dataset, tables: (limit: Int, byClass: Bool)) {
        let thresholds = [0.86, 0.8, 0.9]
        let general = ErrorRegression.tallies(
            attributes: data.labeled, thresholds: thresholds, samples: data.covariates, references: ["gender": "m"], minimumPeople: 3)
        let allPairs = ErrorRegression.tallies(
            allPairs: data.allPairs(from: 0.8), thresholds: thresholds, samples: data.covariates, references: ["gender": "m"],
            minimumPeople: 3, personTableLimit: tables.limit, secondByClass: tables.byClass)
        #expect(general.attributes == allPairs.attributes)
        #expect(allPairs.attributes[1].omitted == ["d"])
        #expect(general.falseMatchExcluded == allPairs.falseMatchExcluded)
        #expect(general.falseNonMatchExcluded == allPairs.falseNonMatchExcluded)
        for t in thresholds.indices {
            Self.expectSame(general.falseMatch[t], allPairs.falseMatch[t])
            #expect(general.falseNonMatch[t].cells == allPairs.falseNonMatch[t].cells)
        }
    }

    /// The error keys pack each person and threshold index in as few bits as their counts need: counts at
    /// and just past a power of two, and one, two and four thresholds.
    @Test(arguments: [64, 65], [[0.86], [0.86, 0.8], [0.86, 0.8, 0.9, 0.83]])
    func packedKeysAtBitBoundaries(people: Int, thresholds: [Double]) {
        let data = Dataset(people: people, seed: 5)
        let general = ErrorRegression.tallies(
            attributes: data.labeled, thresholds: thresholds, samples: data.covariates, references: ["gender": "m"], minimumPeople: 3)
        let allPairs = ErrorRegression.tallies(
            allPairs: data.allPairs(from: 0.8), thresholds: thresholds, samples: data.covariates, references: ["gender": "m"],
            minimumPeople: 3, personTableLimit: 1 << 20)
        for t in thresholds.indices { Self.expectSame(general.falseMatch[t], allPairs.falseMatch[t]) }
    }

    /// A streamed design's listed pairs come in ascending order of similarity, with everyone's false
    /// matches at the partner counts' lowest threshold sorted by pair of subjects, each with the highest
    /// of their thresholds it reached: the regression reads its errors from those runs when its
    /// thresholds are among theirs, and from keys of its own otherwise. Either way the tallies are those
    /// of every comparison.
    @Test(arguments: [UInt64(6), 7], [[0.86, 0.8, 0.9], [0.83], [0.8, 0.87]])
    func sameTalliesFromFalseMatchRuns(seed: UInt64, thresholds: [Double]) throws {
        let data = Dataset(people: 70, seed: seed)
        let general = ErrorRegression.tallies(
            attributes: data.labeled, thresholds: thresholds, samples: data.covariates, references: ["gender": "m"], minimumPeople: 3)
        var design = data.allPairs(from: 0.78)
        // Ascending by similarity, as StreamedComparisons.setExact leaves them.
        let listed = design.nonMated.sorted { ($0.score, $0.i, $0.j) < ($1.score, $1.i, $1.j) }
        design.nonMated = .init(listed)
        // The runs' thresholds: the regression's and more (runs used), or not all of them (keys sorted).
        for runThresholds in [Array(Set(thresholds + [0.84, 0.95])).sorted(), Array(Set(thresholds + [0.79])).sorted(), [0.8, 0.9]] {
            let start = listed.firstIndex { $0.score >= runThresholds[0] } ?? listed.count
            let falseMatches = listed[start...]
            let starts = runThresholds.map { tau in (listed.firstIndex { $0.score >= tau } ?? listed.count) - start }
            var overall = PartnerCounts.overall(
                subjectComparisons: [Int](repeating: 1, count: data.people), falseMatches: falseMatches.count, runsFrom: starts
            ) { visit in
                for pair in falseMatches { visit(data.subject[Int(pair.i)], data.subject[Int(pair.j)]) }
            }
            overall.runs?.thresholds = runThresholds
            let runs = try #require(overall.runs)
            design.falseMatchRuns = runs
            let fromRuns = ErrorRegression.tallies(
                allPairs: design, thresholds: thresholds, samples: data.covariates, references: ["gender": "m"], minimumPeople: 3)
            for t in thresholds.indices {
                Self.expectSame(general.falseMatch[t], fromRuns.falseMatch[t])
                #expect(general.falseNonMatch[t].cells == fromRuns.falseNonMatch[t].cells)
            }
        }
    }

    /// Events kept in tables (``ErrorRegressionTallies/eventTables``) and events added person pair by person
    /// pair give the same fit, standard errors included, bit for bit.
    @Test(arguments: [true, false])
    func tabledEventsFitAsPairByPair(byClass: Bool) throws {
        for withAges in [true, false] {
            var data = Dataset(people: 80, seed: 6)
            if !withAges { data.ages = data.ages.map { _ in nil } }
            let thresholds = [0.86, 0.82, 0.9]
            func tallies(limit: Int) -> [ErrorRegressionTallies] {
                ErrorRegression.tallies(
                    allPairs: data.allPairs(from: 0.82), thresholds: thresholds, samples: data.covariates, references: ["gender": "m"],
                    minimumPeople: 3, personTableLimit: limit, secondByClass: byClass
                ).falseMatch
            }
            let (tabled, pairByPair) = (tallies(limit: 1 << 20), tallies(limit: 0))
            for t in thresholds.indices {
                #expect(tabled[t].eventTables != nil && pairByPair[t].eventTables == nil)
                #expect(try ErrorRegression.fit(tabled[t]) == ErrorRegression.fit(pairByPair[t]))
            }
        }
    }

    /// Whatever adds to the per-person dictionaries first moves the event tables into them, so that a
    /// (person, cell) is never in both (the sandwich adds each entry's events to its residual once).
    @Test func addingPairsAfterTablesMovesTheTables() {
        for pairByPair in [false, true] {
            var t = ErrorRegressionTallies(columns: ["intercept"], terms: [], clustering: .twoPeople)
            t.classTrials = .init(classOf: [0, 0], templates: [1, 1], classes: 1, cellOf: [0])
            let c = t.cell(for: [1])
            t.addPersonEvents(first: [1, 0], second: [0, 1], cellCount: 1)
            #expect(t.eventTables != nil)
            if pairByPair {
                t.addPersonPairEvents(first: 0, second: 1, cell: c, trials: 1, events: 1)
            } else {
                t.add(first: 0, second: 1, cell: c, trials: 2, events: 1)
            }
            #expect(t.eventTables == nil)
            #expect(t.personCounts(first: true)[.init(person: 0, cell: c)]?.events == 2)
            #expect(t.personCounts(first: false)[.init(person: 1, cell: c)]?.events == 2)
        }
    }

    @Test func sameFitsAsEveryComparison() throws {
        let data = Dataset(people: 80, seed: 4)
        let thresholds = [0.85, 0.9]
        let general = ErrorRegression.analyze(
            attributes: data.labeled, thresholds: thresholds, samples: data.covariates, minimumPeople: 3)
        let allPairs = ErrorRegression.analyze(
            allPairs: data.allPairs(from: 0.85), thresholds: thresholds, samples: data.covariates, minimumPeople: 3)
        for (g, a) in zip(general, allPairs) {
            let fg = try #require(g.falseMatch.fit)
            let fa = try #require(a.falseMatch.fit)
            #expect(fg.cells == fa.cells && fg.observations == fa.observations && fg.events == fa.events && fg.clusters == fa.clusters)
            for (x, y) in zip(fg.coefficients, fa.coefficients) {
                #expect(x.name == y.name)
                #expect(abs(x.estimate - y.estimate) <= 1e-9 * max(1, abs(x.estimate)))
                #expect(abs((x.standardError ?? .nan) - (y.standardError ?? .nan)) <= 1e-9 * (x.standardError ?? 1))
            }
            for (x, y) in zip(fg.terms, fa.terms) {
                #expect(abs((x.likelihoodRatio ?? .nan) - (y.likelihoodRatio ?? .nan)) <= 1e-7)
            }
            #expect(g.falseNonMatch == a.falseNonMatch)
        }
    }

    /// Below the listed pairs the false matches per person pair are unknown: a typed outcome, not a guess.
    @Test func thresholdBelowTheListedPairsIsAnError() {
        let data = Dataset(people: 40, seed: 5)
        let analysis = ErrorRegression.analyze(allPairs: data.allPairs(from: 0.9), thresholds: [0.85], samples: data.covariates)
        #expect(analysis[0].falseMatch.fit == nil)
        #expect(analysis[0].falseMatch.error?.contains("--exact-pair-limit") == true)
        #expect(analysis[0].falseNonMatch.fit != nil || analysis[0].falseNonMatch.error != nil)
    }
}

extension ErrorRegressionAllPairsTests {
    /// A level's people (``ErrorRegression/Attribute/people``, the n of a group interval) are the people in the
    /// false-match fit: someone labelled but with every photo failed is in no pair and not counted, by either
    /// builder (London with four Black people's photos blank: the fit had 85 people, the levels counted 89).
    @Test func levelPeopleAreThePeopleInTheFit() throws {
        var data = Dataset(people: 70, seed: 1)
        // Person 10: every photo failed, so every comparison of theirs has no score.
        let failed = data.subject.indices.filter { data.subject[$0] == 10 }
        for i in failed {
            data.completed[i] = false
            for j in data.subject.indices { (data.scores[i][j], data.scores[j][i]) = (.nan, .nan) }
        }
        let general = ErrorRegression.analyze(attributes: data.labeled, thresholds: [0.85], samples: data.covariates, minimumPeople: 3)
        let allPairs = ErrorRegression.analyze(
            allPairs: data.allPairs(from: 0.85), thresholds: [0.85], samples: data.covariates, minimumPeople: 3)
        for analysis in [general[0], allPairs[0]] {
            let fit = try #require(analysis.falseMatch.fit)
            let inFit = try #require(fit.clusters["people"])
            for attribute in analysis.attributes {
                let people = try #require(attribute.people)
                #expect(people.reduce(0, +) == inFit, "\(attribute.name): \(people), \(inFit) people in the fit")
            }
        }
        #expect(general[0].attributes == allPairs[0].attributes)
    }
}
